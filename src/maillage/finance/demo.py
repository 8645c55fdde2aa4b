"""Finance demo: Les Jardins du Lien's 2025 books, projects, funders, staff and time.

A fictional association with three projects, five funders (the State, the Region, the
Department, a foundation and the European Social Fund Plus), eight employees and three
volunteers, a year of time entries and the FEC of the year, imported through the FEC importer
like a user's file. Two deliberate mistakes make the checks speak:

- an invoice for trainees' work clothes (2,400 €) allocated in full to the employment project
  and again in full to the grocery project: double funding;
- the ESF+ agreement charged 60 % of the employment project's staff costs while its maximum
  co-financing rate is 50 %.

Idempotent: once the projects exist, nothing is added.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from maillage.core.money import round_euro
from maillage.core.services import tenant_create

from .models import (
    AssignmentRule,
    BudgetLine,
    Contract,
    Funder,
    FundingAgreement,
    FundingKey,
    Instalment,
    LedgerAllocation,
    LedgerLine,
    Person,
    Project,
    ReportingDeadline,
    Resource,
    TimeEntry,
)

YEAR = 2025
D = Decimal

PROJECTS = [
    # code, name, start, end, objectives, activities
    (
        "JARDINS",
        "Jardins partagés solidaires",
        datetime.date(2025, 1, 1),
        datetime.date(2026, 12, 31),
        "Cultiver des liens entre habitants du quartier des Buers par trois jardins partagés "
        "ouverts à tous ; produire des légumes pour l'épicerie solidaire.",
        "Ateliers hebdomadaires de jardinage ; chantiers collectifs ; accueil de groupes "
        "scolaires ; distribution des récoltes à l'épicerie.",
    ),
    (
        "EMPLOI",
        "Parcours vers l'emploi des jeunes",
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
        "Accompagner 60 jeunes de 16 à 25 ans sans emploi ni formation vers un emploi durable "
        "ou une formation qualifiante.",
        "Accueil et diagnostic ; accompagnement individuel ; ateliers collectifs ; stages "
        "en entreprise ; formations courtes (CACES, hygiène alimentaire).",
    ),
    (
        "ALIM",
        "Épicerie solidaire anti-gaspillage",
        datetime.date(2025, 1, 1),
        datetime.date(2027, 12, 31),
        "Donner accès à une alimentation de qualité à 250 foyers à petit budget et éviter le "
        "gaspillage de 40 tonnes d'invendus par an.",
        "Collecte des invendus ; tri et stockage ; épicerie ouverte quatre demi-journées par "
        "semaine ; ateliers cuisine.",
    ),
]

FUNDERS = [
    # key, name, source, level, identifier
    (
        "etat",
        "DDETS du Rhône (État)",
        "public",
        "state",
        "FR-SIRET-13002521200015",
    ),
    ("region", "Région Auvergne-Rhône-Alpes", "public", "region", "FR-SIRET-20005376700014"),
    ("departement", "Département du Rhône", "public", "department", "FR-SIRET-22690001700013"),
    ("fondation", "Fondation Terre Commune", "private_organisations", "other", ""),
    ("fse", "Fonds social européen Plus (FSE+)", "public", "eu", ""),
    ("adherents", "Adhérents de l'association", "members", "other", ""),
    ("clients", "Clients de l'épicerie", "private_persons", "other", ""),
]

AGREEMENTS = [
    # reference, title, funder, projects, granted, eligible, max rate, indirect, keys
    (
        "ETAT-EMPLOI-2025",
        "Accompagnement vers l'emploi des jeunes (BOP 102)",
        "etat",
        ["EMPLOI"],
        D("40000"),
        ["60", "61", "62", "64"],
        D("80"),
        None,
        {"EMPLOI": D("30")},
    ),
    (
        "REGION-2025-0412",
        "Transition alimentaire des quartiers",
        "region",
        ["JARDINS", "ALIM"],
        D("30000"),
        ["60", "61", "62", "64"],
        D("50"),
        D("15"),
        {"JARDINS": D("30"), "ALIM": D("15")},
    ),
    (
        "DEPT-ALIM-2025",
        "Aide alimentaire de proximité",
        "departement",
        ["ALIM"],
        D("15000"),
        ["60", "64"],
        D("70"),
        None,
        {"ALIM": D("20")},
    ),
    (
        "FTC-2025-17",
        "Jardins nourriciers et lien social",
        "fondation",
        ["JARDINS"],
        D("12000"),
        ["60", "61", "64"],
        None,
        None,
        {"JARDINS": D("25")},
    ),
    (
        "FSE-2025-AURA-0087",
        "FSE+ inclusion : parcours intégrés vers l'emploi",
        "fse",
        ["EMPLOI"],
        D("45000"),
        ["64"],
        D("50"),
        D("15"),
        {"EMPLOI": D("60")},
    ),
]


@dataclass(frozen=True)
class StaffSpec:
    first_name: str
    last_name: str
    job_title: str
    email: str
    weekly_hours: Decimal
    gross: Decimal
    charges: Decimal
    kind: str
    start: datetime.date
    end: datetime.date | None
    split: dict[str, Decimal]  # share of project time by project; the rest is not on projects


STAFF = [
    StaffSpec(
        "Marion",
        "Lefèvre",
        "Directrice",
        "marion.lefevre@jardinsdulien.example",
        D("35"),
        D("42000"),
        D("17640"),
        "permanent",
        datetime.date(2019, 9, 1),
        None,
        {"JARDINS": D("0.2"), "EMPLOI": D("0.2"), "ALIM": D("0.2")},
    ),
    StaffSpec(
        "Thomas",
        "Girard",
        "Coordinateur des jardins",
        "thomas.girard@jardinsdulien.example",
        D("35"),
        D("30000"),
        D("12600"),
        "permanent",
        datetime.date(2021, 3, 1),
        None,
        {"JARDINS": D("0.8"), "ALIM": D("0.1")},
    ),
    StaffSpec(
        "Léa",
        "Fontaine",
        "Animatrice jardin",
        "lea.fontaine@jardinsdulien.example",
        D("35"),
        D("24000"),
        D("9600"),
        "fixed_term",
        datetime.date(2025, 1, 6),
        datetime.date(2025, 12, 31),
        {"JARDINS": D("0.9")},
    ),
    StaffSpec(
        "Aïcha",
        "Diallo",
        "Chargée d'insertion professionnelle",
        "aicha.diallo@jardinsdulien.example",
        D("35"),
        D("29000"),
        D("12180"),
        "permanent",
        datetime.date(2022, 1, 3),
        None,
        {"EMPLOI": D("0.9")},
    ),
    StaffSpec(
        "Julien",
        "Robert",
        "Conseiller emploi",
        "julien.robert@jardinsdulien.example",
        D("35"),
        D("27000"),
        D("11340"),
        "permanent",
        datetime.date(2023, 5, 2),
        None,
        {"EMPLOI": D("0.85"), "ALIM": D("0.05")},
    ),
    StaffSpec(
        "Nathalie",
        "Blanc",
        "Responsable de l'épicerie",
        "nathalie.blanc@jardinsdulien.example",
        D("35"),
        D("28000"),
        D("11760"),
        "permanent",
        datetime.date(2020, 10, 1),
        None,
        {"ALIM": D("0.9")},
    ),
    StaffSpec(
        "Mehdi",
        "Haddad",
        "Agent logistique",
        "mehdi.haddad@jardinsdulien.example",
        D("24"),
        D("15800"),
        D("3950"),
        "subsidised",
        datetime.date(2024, 11, 4),
        datetime.date(2026, 5, 3),
        {"ALIM": D("0.75"), "JARDINS": D("0.15")},
    ),
    StaffSpec(
        "Sylvie",
        "Moreau",
        "Comptable",
        "sylvie.moreau@jardinsdulien.example",
        D("17.5"),
        D("14500"),
        D("6090"),
        "permanent",
        datetime.date(2018, 2, 1),
        None,
        {"EMPLOI": D("0.1"), "ALIM": D("0.1"), "JARDINS": D("0.1")},
    ),
]

VOLUNTEERS = [
    # first, last, role, rate, weekday → (project, hours)
    (
        "Jean-Pierre",
        "Roux",
        "Bénévole jardinier",
        D("15"),
        {1: ("JARDINS", D("3")), 3: ("JARDINS", D("3"))},
    ),
    (
        "Françoise",
        "Petit",
        "Bénévole épicerie",
        D("15"),
        {0: ("ALIM", D("3.5")), 4: ("ALIM", D("3.5"))},
    ),
    ("Youssef", "Amrani", "Parrain emploi", D("15"), {2: ("EMPLOI", D("2"))}),
]

#: French public holidays of 2025.
HOLIDAYS = {
    datetime.date(2025, 1, 1),
    datetime.date(2025, 4, 21),
    datetime.date(2025, 5, 1),
    datetime.date(2025, 5, 8),
    datetime.date(2025, 5, 29),
    datetime.date(2025, 6, 9),
    datetime.date(2025, 7, 14),
    datetime.date(2025, 8, 15),
    datetime.date(2025, 11, 1),
    datetime.date(2025, 11, 11),
    datetime.date(2025, 12, 25),
}

#: Each person's five weeks of leave (ISO weeks of 2025), so that timesheets look real.
LEAVE_WEEKS = [
    {8, 31, 32, 33, 52},
    {16, 30, 31, 32, 52},
    {17, 32, 33, 34, 52},
    {9, 29, 30, 31, 52},
    {18, 33, 34, 35, 52},
    {10, 28, 29, 30, 52},
    {19, 31, 32, 33, 52},
    {11, 30, 31, 32, 52},
]

BUDGET = {
    # project → {category: amount per year}
    "JARDINS": {
        "60": D("9000"),
        "61": D("4000"),
        "62": D("2500"),
        "64": D("62000"),
        "70": D("4500"),
        "86": D("5000"),
        "87": D("5000"),
    },
    "EMPLOI": {
        "60": D("2500"),
        "61": D("1500"),
        "62": D("9000"),
        "64": D("98000"),
        "86": D("1500"),
        "87": D("1500"),
    },
    "ALIM": {
        "60": D("18000"),
        "61": D("9500"),
        "62": D("2000"),
        "64": D("75000"),
        "70": D("21000"),
        "86": D("10000"),
        "87": D("10000"),
    },
}
SUBSIDY_PLAN = {
    # project → [(funder key, planned 74 amount)]
    "JARDINS": [("region", D("14000")), ("fondation", D("12000"))],
    "EMPLOI": [("etat", D("40000")), ("fse", D("45000"))],
    "ALIM": [("region", D("16000")), ("departement", D("15000"))],
}


def _working_days(year: int):
    day = datetime.date(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5 and day not in HOLIDAYS:
            yield day
        day += datetime.timedelta(days=1)


def seed(workspace, users, *, today: datetime.date | None = None) -> dict:
    """Create the finance demo of `workspace` (nothing if its projects already exist)."""
    today = today or datetime.date.today()
    if Project.objects.filter(workspace=workspace, code="JARDINS").exists():
        return {"created": False}
    people = list(users.values()) if isinstance(users, dict) else list(users)
    author = people[0] if people else None
    manager = people[1] if len(people) > 1 else author
    with transaction.atomic():
        create = _creator(workspace, author)
        projects = {
            code: create(
                Project,
                code=code,
                name=name,
                start_date=start,
                end_date=end,
                objectives=objectives,
                activities=activities,
                status=Project.Status.CLOSED if end.year == YEAR else Project.Status.ACTIVE,
                manager=manager,
            )
            for code, name, start, end, objectives, activities in PROJECTS
        }
        funders = {
            key: create(Funder, name=name, source=source, level=level, identifier=identifier)
            for key, name, source, level, identifier in FUNDERS
        }
        agreements = _agreements(workspace, create, projects, funders, today)
        _budgets(create, projects, funders)
        _resources(create, funders, projects)
        staff = _staff(create)
        volunteers = [
            create(
                Person,
                first_name=first,
                last_name=last,
                kind=Person.Kind.VOLUNTEER,
                job_title=role,
                valuation_rate=rate,
            )
            for first, last, role, rate, _days in VOLUNTEERS
        ]
        entries = _time_entries(workspace, author, staff, volunteers, projects, agreements)
        lines = _ledger(workspace, author, projects, agreements)
    return {
        "created": True,
        "projects": len(projects),
        "funders": len(funders),
        "agreements": len(agreements),
        "people": len(staff) + len(volunteers),
        "time_entries": entries,
        "ledger_lines": lines,
    }


def _creator(workspace, user):
    def create(model, **fields):
        return tenant_create(model, workspace=workspace, user=user, **fields)

    return create


def _agreements(workspace, create, projects, funders, today):
    agreements = {}
    for reference, title, funder, codes, granted, eligible, max_rate, indirect, keys in AGREEMENTS:
        agreement = create(
            FundingAgreement,
            reference=reference,
            title=title,
            funder=funders[funder],
            kind="subsidy" if funders[funder].is_public else "patronage",
            status=FundingAgreement.Status.SIGNED,
            signed_on=datetime.date(2025, 3, 14),
            amount_granted=granted,
            start_date=datetime.date(YEAR, 1, 1),
            end_date=datetime.date(YEAR, 12, 31),
            eligible_categories=eligible,
            max_rate=max_rate,
            indirect_rate=indirect,
            indirect_base="staff",
        )
        agreement.projects.set([projects[code] for code in codes])
        for code, share in keys.items():
            create(FundingKey, project=projects[code], agreement=agreement, share=share)
        # Instalments: 50 % on signature, 30 % in autumn, the balance after the report.
        for day, part in (
            (datetime.date(2025, 4, 10), D("0.5")),
            (datetime.date(2025, 10, 6), D("0.3")),
        ):
            create(
                Instalment,
                agreement=agreement,
                received_on=day,
                amount=round_euro(granted * part),
                reference=f"VIR {reference} {day:%m/%Y}",
            )
        agreements[reference] = agreement
    # Reporting deadlines: one submitted, one overdue, two falling due soon (whatever today is).
    deadlines = [
        (
            "REGION-2025-0412",
            datetime.date(2026, 6, 30),
            "Compte rendu financier 2025",
            datetime.date(2026, 6, 24),
        ),
        (
            "DEPT-ALIM-2025",
            today - datetime.timedelta(days=12),
            "Bilan d'activité et compte rendu financier",
            None,
        ),
        (
            "FSE-2025-AURA-0087",
            today + datetime.timedelta(days=18),
            "Demande de paiement et contrôle de service fait",
            None,
        ),
        (
            "ETAT-EMPLOI-2025",
            today + datetime.timedelta(days=45),
            "Compte rendu financier (CERFA 15059)",
            None,
        ),
        (
            "FTC-2025-17",
            today + datetime.timedelta(days=120),
            "Rapport narratif à la fondation",
            None,
        ),
    ]
    for reference, due, label, submitted in deadlines:
        create(
            ReportingDeadline,
            agreement=agreements[reference],
            due_on=due,
            label=label,
            submitted_on=submitted,
        )
    return agreements


def _budgets(create, projects, funders):
    """Each year's budget balances: what the grants and sales do not cover is the association's
    own funds and other support (a 75 line), as in a real application form."""
    cash_charges = ("60", "61", "62", "63", "64", "65", "66", "67", "68")
    for code, lines in BUDGET.items():
        project = projects[code]
        for year in project.years:
            charges = products = D(0)
            for category, amount in lines.items():
                create(BudgetLine, project=project, year=year, category=category, amount=amount)
                if category in cash_charges:
                    charges += amount
                elif category in ("70", "73", "74", "75"):
                    products += amount
            if year == YEAR:
                for funder, amount in SUBSIDY_PLAN[code]:
                    create(
                        BudgetLine,
                        project=project,
                        year=year,
                        category="74",
                        amount=amount,
                        funder=funders[funder],
                    )
                    products += amount
            if charges > products:
                create(
                    BudgetLine,
                    project=project,
                    year=year,
                    category="75",
                    amount=charges - products,
                    label="Fonds propres, cotisations et autres soutiens",
                )


def _resources(create, funders, projects):
    for year, dues, sales, gifts in (
        (2024, D("5200"), D("16800"), D("2300")),
        (2025, D("5650"), D("19450"), D("3100")),
    ):
        create(
            Resource,
            funder=funders["adherents"],
            kind="militant_dues",
            year=year,
            amount=dues,
            label="Cotisations annuelles",
        )
        create(
            Resource,
            funder=funders["clients"],
            kind="service_sale",
            year=year,
            amount=sales,
            label="Ventes de l'épicerie",
            project=projects["ALIM"],
        )
        create(
            Resource,
            funder=funders["adherents"],
            kind="militant_dues",
            year=year,
            amount=gifts,
            label="Dons des adhérents",
        )


def _staff(create):
    staff = []
    for spec in STAFF:
        person = create(
            Person,
            first_name=spec.first_name,
            last_name=spec.last_name,
            kind=Person.Kind.EMPLOYEE,
            job_title=spec.job_title,
            email=spec.email,
        )
        create(
            Contract,
            person=person,
            kind=spec.kind,
            start_date=spec.start,
            end_date=spec.end,
            weekly_hours=spec.weekly_hours,
            gross_annual_salary=spec.gross,
            annual_employer_charges=spec.charges,
        )
        staff.append((person, spec))
    return staff


def _time_entries(workspace, author, staff, volunteers, projects, agreements) -> int:
    """A year of hours: each employee's day split across projects as in their spec.

    Bulk-created (about 3,000 rows) after the models' own checks on one of each kind.
    """
    rng = random.Random(2025)  # noqa: S311 - fictional demo data
    fse = agreements["FSE-2025-AURA-0087"]
    rows = []
    for index, (person, spec) in enumerate(staff):
        daily = spec.weekly_hours / 5
        leave = LEAVE_WEEKS[index % len(LEAVE_WEEKS)]
        for day in _working_days(YEAR):
            if day.isocalendar().week in leave:
                continue
            if day < spec.start or (spec.end and day > spec.end):
                continue
            for code, share in spec.split.items():
                hours = (daily * share).quantize(D("0.25"))
                # A little day-to-day variation that keeps the week within the contract.
                if hours >= 2 and rng.random() < 0.15:
                    hours -= D("0.5")
                if hours <= 0:
                    continue
                rows.append(
                    TimeEntry(
                        workspace=workspace,
                        created_by=author,
                        person=person,
                        date=day,
                        project=projects[code],
                        hours=hours,
                    )
                )
    # The integration adviser's follow-up interviews are charged to the ESF+ by name on
    # Thursdays, as its timesheets require.
    aicha = next(p for p, spec in staff if spec.last_name == "Diallo")
    for row in rows:
        if row.person_id == aicha.pk and row.date.weekday() == 3:
            row.agreement = fse
    for (_first, _last, _role, _rate, days), volunteer in zip(VOLUNTEERS, volunteers, strict=True):
        for day in _working_days(YEAR):
            if day.weekday() in days and day.isocalendar().week not in {31, 32, 33, 52}:
                code, hours = days[day.weekday()]
                rows.append(
                    TimeEntry(
                        workspace=workspace,
                        created_by=author,
                        person=volunteer,
                        date=day,
                        project=projects[code],
                        hours=hours,
                    )
                )
    for sample in (rows[0], rows[-1]):
        sample.full_clean()
    TimeEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _ledger(workspace, author, projects, agreements) -> int:
    """Import the 2025 FEC (see `demo_fec`), assign it by rules, then the deliberate mistake."""
    from . import demo_fec

    for position, (code, text) in enumerate(
        (("JARDINS", "JARDINS"), ("EMPLOI", "EMPLOI"), ("ALIM", "EPICERIE")), start=1
    ):
        tenant_create(
            AssignmentRule,
            workspace=workspace,
            user=author,
            position=position,
            project=projects[code],
            label_contains=text,
        )
    count = demo_fec.import_demo_fec(workspace, author)
    # The work clothes invoice, already on the employment project by its label, is also put
    # in full on the grocery project for the Department: charged twice.
    line = LedgerLine.objects.get(
        workspace=workspace, piece_ref="FA-2025-0917", account_number="6063"
    )
    tenant_create(
        LedgerAllocation,
        workspace=workspace,
        user=author,
        line=line,
        project=projects["ALIM"],
        agreement=agreements["DEPT-ALIM-2025"],
        share=D("100"),
    )
    return count
