"""Small FEC files for the ledger tests: lines as dicts of the 18 columns, written as text."""

from maillage.finance.fec import NAMES

DEFAULTS = {
    "JournalCode": "AC",
    "JournalLib": "Achats",
    "EcritureNum": "AC000001",
    "EcritureDate": "20250310",
    "CompteNum": "6063",
    "CompteLib": "Fournitures d'entretien et de petit équipement",
    "CompAuxNum": "",
    "CompAuxLib": "",
    "PieceRef": "FA-2025-031",
    "PieceDate": "20250308",
    "EcritureLib": "Outils JARDINS",
    "Debit": "0,00",
    "Credit": "0,00",
    "EcritureLet": "",
    "DateLet": "",
    "ValidDate": "20250315",
    "Montantdevise": "",
    "Idevise": "",
}


def line(**values) -> dict:
    unknown = set(values) - set(DEFAULTS)
    assert not unknown, unknown
    return {**DEFAULTS, **values}


def purchase(number="AC000001", amount="120,50", *, account="6063", label="Outils JARDINS", **kw):
    """A balanced purchase: the charge on `account`, the supplier 401 for the same amount."""
    common = {"EcritureNum": number, "EcritureLib": label, **kw}
    return [
        line(CompteNum=account, Debit=amount, **common),
        line(
            CompteNum="4010000",
            CompteLib="Fournisseurs",
            CompAuxNum="F0001",
            CompAuxLib="Jardinerie du Forez",
            Credit=amount,
            **common,
        ),
    ]


def sale(number="VE000001", amount="300,00", *, account="706", label="Ateliers"):
    common = {"JournalCode": "VE", "JournalLib": "Ventes", "EcritureNum": number}
    return [
        line(CompteNum="4110000", CompteLib="Clients", Debit=amount, EcritureLib=label, **common),
        line(
            CompteNum=account, CompteLib="Prestations", Credit=amount, EcritureLib=label, **common
        ),
    ]


def fec_text(lines, *, delimiter="\t", names=NAMES, newline="\r\n") -> str:
    rows = [delimiter.join(names)]
    for values in lines:
        rows.append(delimiter.join(values.get(name, "") for name in names))
    return newline.join(rows) + newline


def with_direction(lines) -> list[dict]:
    """The same lines with Montant and Sens (D/C) instead of Debit and Credit."""
    converted = []
    for values in lines:
        values = dict(values)
        debit, credit = values.pop("Debit"), values.pop("Credit")
        if debit not in ("", "0", "0,00"):
            values.update(Montant=debit, Sens="D")
        else:
            values.update(Montant=credit, Sens="C")
        converted.append(values)
    return converted


DIRECTION_NAMES = (*tuple(n for n in NAMES if n not in ("Debit", "Credit")), "Montant", "Sens")
