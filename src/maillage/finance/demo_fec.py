"""The demo association's FEC for 2025, written as a real file and imported like a user's.

About 1,500 balanced lines in five journals: purchases (AC) and their payments (BQ), monthly
payroll (SA), grocery sales (VT), grants and dues received (BQ), year-end depreciation (OD).
Labels carry the project's analytic code (JARDINS, EMPLOI, EPICERIE) that the demo's rules read.
`write_demo_fec(path)` also serves anyone who wants a realistic file to try the import with.
"""

from __future__ import annotations

import datetime
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from maillage.core.money import round_euro

from .fec import COLUMNS

D = Decimal
YEAR = 2025

#: (account, account label, project code in labels, label, typical amount, times a month)
PURCHASES = [
    ("6022", "Fournitures consommables", "JARDINS", "Semences et plants", D("180"), 2),
    (
        "6063",
        "Fournitures d'entretien et petit équipement",
        "JARDINS",
        "Outils de jardinage",
        D("240"),
        1,
    ),
    ("607", "Achats de marchandises", "EPICERIE", "Achats de produits d'épicerie", D("950"), 3),
    (
        "6063",
        "Fournitures d'entretien et petit équipement",
        "EPICERIE",
        "Caisses et emballages",
        D("160"),
        1,
    ),
    ("6064", "Fournitures administratives", "EMPLOI", "Fournitures d'ateliers emploi", D("90"), 1),
    ("6061", "Fournitures non stockables", "", "Électricité et eau du local", D("420"), 1),
    ("6132", "Locations immobilières", "", "Loyer du local rue des Buers", D("1850"), 1),
    ("6135", "Locations mobilières", "EPICERIE", "Location du camion frigorifique", D("640"), 1),
    ("6156", "Maintenance", "JARDINS", "Entretien de la motobineuse", D("120"), 0),
    ("616", "Primes d'assurances", "", "Assurance multirisque", D("310"), 1),
    ("6226", "Honoraires", "", "Honoraires du commissaire aux comptes", D("900"), 0),
    (
        "6228",
        "Rémunérations d'intermédiaires divers",
        "EMPLOI",
        "Formation courte des jeunes",
        D("1200"),
        1,
    ),
    ("6251", "Voyages et déplacements", "EMPLOI", "Déplacements vers les entreprises", D("140"), 1),
    ("626", "Frais postaux et de télécommunications", "", "Téléphone et internet", D("95"), 1),
    (
        "6251",
        "Voyages et déplacements",
        "EPICERIE",
        "Collecte des invendus (carburant)",
        D("210"),
        2,
    ),
]

SUPPLIERS = {
    "6022": ("F-SEMEN", "Semences du Lyonnais"),
    "6063": ("F-BRICO", "Bricomat Villeurbanne"),
    "607": ("F-GROSS", "Grossiste Rhône Alimentaire"),
    "6064": ("F-BUREA", "Bureau Vallée Villeurbanne"),
    "6061": ("F-ENERG", "Énergie Coopérative"),
    "6132": ("F-BAILL", "Est Métropole Habitat"),
    "6135": ("F-LOCAT", "Loca'Froid Rhône"),
    "6156": ("F-MOTOC", "Motoculture Dupont"),
    "616": ("F-ASSUR", "Mutuelle Associative Assurances"),
    "6226": ("F-CAC", "Cabinet Audit Solidaire"),
    "6228": ("F-FORMA", "Institut Formation Pro Rhône"),
    "6251": ("F-TCL", "Transports et carburants"),
    "626": ("F-TELCO", "TéléCoop"),
}

#: Monthly payroll: (gross, employer charges) for the whole staff, from the demo's contracts.
PAYROLL_GROSS = D("210300")
PAYROLL_CHARGES = D("85160")

GRANTS = [
    # date, reference, label, amount
    (datetime.date(2025, 4, 10), "VIR-ETAT-0410", "Subvention DDETS EMPLOI acompte", D("20000.00")),
    (
        datetime.date(2025, 4, 10),
        "VIR-REG-0410",
        "Subvention Région JARDINS EPICERIE acompte",
        D("15000.00"),
    ),
    (
        datetime.date(2025, 4, 10),
        "VIR-DEP-0410",
        "Subvention Département EPICERIE acompte",
        D("7500.00"),
    ),
    (
        datetime.date(2025, 4, 10),
        "VIR-FTC-0410",
        "Fondation Terre Commune JARDINS acompte",
        D("6000.00"),
    ),
    (datetime.date(2025, 4, 10), "VIR-FSE-0410", "Avance FSE+ EMPLOI", D("22500.00")),
    (
        datetime.date(2025, 10, 6),
        "VIR-ETAT-1006",
        "Subvention DDETS EMPLOI second versement",
        D("12000.00"),
    ),
    (
        datetime.date(2025, 10, 6),
        "VIR-REG-1006",
        "Subvention Région second versement",
        D("9000.00"),
    ),
    (
        datetime.date(2025, 10, 6),
        "VIR-DEP-1006",
        "Subvention Département second versement",
        D("4500.00"),
    ),
    (
        datetime.date(2025, 10, 6),
        "VIR-FTC-1006",
        "Fondation Terre Commune second versement",
        D("3600.00"),
    ),
    (datetime.date(2025, 10, 6), "VIR-FSE-1006", "FSE+ second versement", D("13500.00")),
]

#: The invoice the demo allocates twice (see demo.py).
DOUBLE_FUNDED = ("FA-2025-0917", datetime.date(2025, 9, 17), D("2400.00"))


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _day(value: datetime.date) -> str:
    return value.strftime("%Y%m%d")


class _Book:
    def __init__(self):
        self.rows: list[list[str]] = []
        self.numbers: dict[str, int] = {}

    def entry(self, journal, journal_label, day, piece, piece_day, lines):
        """`lines`: (account, account label, aux, aux label, label, debit, credit)."""
        self.numbers[journal] = self.numbers.get(journal, 0) + 1
        number = f"{journal}{self.numbers[journal]:05d}"
        assert sum(line[5] for line in lines) == sum(line[6] for line in lines), number
        for account, account_label, aux, aux_label, label, debit, credit in lines:
            self.rows.append(
                [
                    journal,
                    journal_label,
                    number,
                    _day(day),
                    account,
                    account_label,
                    aux,
                    aux_label,
                    piece,
                    _day(piece_day),
                    label,
                    _fmt(debit),
                    _fmt(credit),
                    "",
                    "",
                    _day(day + datetime.timedelta(days=3)),
                    "",
                    "",
                ]
            )


def build_rows() -> list[list[str]]:
    rng = random.Random(17)  # noqa: S311 - fictional demo data
    book = _Book()
    invoice = 0
    zero = D("0")
    for month in range(1, 13):
        first = datetime.date(YEAR, month, 1)
        for account, account_label, code, label, typical, times in PURCHASES:
            count = times or (1 if month in (3, 9) else 0)
            for _ in range(count):
                invoice += 1
                day = first + datetime.timedelta(days=rng.randrange(0, 27))
                amount = round_euro(typical * D(rng.randrange(70, 131)) / 100)
                aux, aux_label = SUPPLIERS[account]
                text = f"{label} {code}".strip()
                piece = f"FA-{YEAR}-{invoice:04d}"
                book.entry(
                    "AC",
                    "Achats",
                    day,
                    piece,
                    day - datetime.timedelta(days=2),
                    [
                        (account, account_label, "", "", text, amount, zero),
                        ("401", "Fournisseurs", aux, aux_label, text, zero, amount),
                    ],
                )
                paid = day + datetime.timedelta(days=20)
                if paid.year == YEAR:
                    book.entry(
                        "BQ",
                        "Banque",
                        paid,
                        piece,
                        day,
                        [
                            (
                                "401",
                                "Fournisseurs",
                                aux,
                                aux_label,
                                f"Règlement {piece}",
                                amount,
                                zero,
                            ),
                            (
                                "512",
                                "Banque Crédit Coopératif",
                                "",
                                "",
                                f"Règlement {piece}",
                                zero,
                                amount,
                            ),
                        ],
                    )
        if month == 9:
            piece, day, amount = DOUBLE_FUNDED
            text = "Tenues de travail et EPI des jeunes EMPLOI"
            book.entry(
                "AC",
                "Achats",
                day,
                piece,
                day,
                [
                    (
                        "6063",
                        "Fournitures d'entretien et petit équipement",
                        "",
                        "",
                        text,
                        amount,
                        zero,
                    ),
                    ("401", "Fournisseurs", "F-BRICO", "Bricomat Villeurbanne", text, zero, amount),
                ],
            )
        # Payroll at the end of the month: gross and charges, net to staff, social bodies.
        gross = round_euro(PAYROLL_GROSS / 12)
        charges = round_euro(PAYROLL_CHARGES / 12)
        net = round_euro(gross * D("0.78"))
        last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        book.entry(
            "SA",
            "Salaires",
            last,
            f"PAIE-{YEAR}-{month:02d}",
            last,
            [
                (
                    "6411",
                    "Salaires et appointements",
                    "",
                    "",
                    f"Salaires {month:02d}/{YEAR}",
                    gross,
                    zero,
                ),
                (
                    "6451",
                    "Cotisations URSSAF",
                    "",
                    "",
                    f"Charges {month:02d}/{YEAR}",
                    charges,
                    zero,
                ),
                (
                    "421",
                    "Personnel rémunérations dues",
                    "",
                    "",
                    f"Net à payer {month:02d}/{YEAR}",
                    zero,
                    net,
                ),
                (
                    "431",
                    "Sécurité sociale",
                    "",
                    "",
                    f"Cotisations {month:02d}/{YEAR}",
                    zero,
                    gross + charges - net,
                ),
            ],
        )
        # Grocery sales, four market days a month.
        for week in range(4):
            day = first + datetime.timedelta(days=7 * week + 2)
            amount = round_euro(D("1550") * D(rng.randrange(80, 121)) / 100 / 4)
            book.entry(
                "VT",
                "Ventes",
                day,
                f"Z-{day:%Y%m%d}",
                day,
                [
                    (
                        "512",
                        "Banque Crédit Coopératif",
                        "",
                        "",
                        "Recette épicerie EPICERIE",
                        amount,
                        zero,
                    ),
                    (
                        "707",
                        "Ventes de marchandises",
                        "",
                        "",
                        "Recette épicerie EPICERIE",
                        zero,
                        amount,
                    ),
                ],
            )
        if month in (1, 2):
            dues = D("2825.00")
            book.entry(
                "BQ",
                "Banque",
                first + datetime.timedelta(days=14),
                f"COTIS-{YEAR}-{month}",
                first,
                [
                    (
                        "512",
                        "Banque Crédit Coopératif",
                        "",
                        "",
                        "Cotisations des adhérents",
                        dues,
                        zero,
                    ),
                    ("756", "Cotisations", "", "", "Cotisations des adhérents", zero, dues),
                ],
            )
    for day, piece, label, amount in GRANTS:
        book.entry(
            "BQ",
            "Banque",
            day,
            piece,
            day,
            [
                ("512", "Banque Crédit Coopératif", "", "", label, amount, zero),
                ("7400", "Subventions d'exploitation", "", "", label, zero, amount),
            ],
        )
    december = datetime.date(YEAR, 12, 31)
    book.entry(
        "OD",
        "Opérations diverses",
        december,
        "OD-AMORT-2025",
        december,
        [
            (
                "6811",
                "Dotations aux amortissements",
                "",
                "",
                "Amortissement motobineuse JARDINS",
                D("1250.00"),
                zero,
            ),
            (
                "6811",
                "Dotations aux amortissements",
                "",
                "",
                "Amortissement chambre froide EPICERIE",
                D("2100.00"),
                zero,
            ),
            (
                "2815",
                "Amortissements du matériel",
                "",
                "",
                "Amortissements 2025",
                zero,
                D("3350.00"),
            ),
        ],
    )
    return book.rows


def write_demo_fec(path: Path | str) -> Path:
    """Write the demo FEC: tab-separated, UTF-8, the 18 columns in their legal order."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write("\t".join(name for name, _field in COLUMNS) + "\r\n")
        for row in build_rows():
            stream.write("\t".join(row) + "\r\n")
    return path


def import_demo_fec(workspace, user) -> int:
    """Write the FEC to a temporary file and import it (rules applied); the lines added."""
    from .fec import FecFile
    from .importers.fec import import_fec

    with tempfile.TemporaryDirectory() as folder:
        path = write_demo_fec(Path(folder) / f"FEC-demo-{YEAR}1231.txt")
        report = import_fec(FecFile(path), workspace=workspace, user=user)
    if report.has_errors or not report.committed:
        raise RuntimeError(f"The demo FEC did not import: {report.file_error or report.errors[:3]}")
    return report.create
