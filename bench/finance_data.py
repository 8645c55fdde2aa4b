"""Synthetic finance data for bench/bench_finance.py: one association's five years (2021–2025),
written with bulk inserts (Django set up, a database migrated, inside a workspace scope).

Shape (defaults, all drawn from one seeded generator, so every run writes the same rows):

- 100 projects over 2021–2025 (one to five years each), budget lines for every year (60, 61,
  62, 64, 68, 86 and 87 planned, 74 per funder of the year's agreements, 70 on some);
- 36 funders: public ones of every level (State, region, department, communes, social bodies,
  EU, other) and private organisations (foundations, companies);
- 300 agreements, one budget year each (60 % the calendar year, 20 % starting mid-month,
  20 % ending mid-month), on one project (80 %) or two; eligible categories drawn from common
  sets (a few without staff costs), a maximum rate on half, flat-rate indirect costs on a third
  (on staff or on all direct costs), 1–2 instalments each; funding keys per project-year that
  add up to 30–95 %;
- 200 employees (a quarter part-time, 10 % changing contract in the middle of a year, 10 %
  hired later, a few leaving), 20 volunteers with a valuation rate;
- time: every working day of every contract (weekends, 11 public holidays and bridges, and
  each employee's ~30 days of leave a year excepted), each employee's day (weekly hours ÷ 5)
  split across 4–6 of the running projects of their team of 16, in
  hundredths: about 1,000,000 entries; 5 % name one of the project's agreements; volunteers
  give one afternoon a week;
- a ledger of 200,000 FEC lines (100,000 balanced two-line entries: a charge or product against
  a supplier, customer or bank account, plus unallocated salaries) and ~100,000 allocations of
  its charge and product lines to projects (10 % split across two projects, 5 % naming one of
  the project's agreements).

Deliberate problems, so that every family of checks has findings: four project-years whose
keys add up to more than 100 %, 40 ledger lines allocated twice, agreements whose key is above
their maximum rate, three public grants far above their project's cost, time named for an
agreement outside its period and ledger shares named for one in a category it does not fund,
eight employees working 9–11 h days for a few weeks, three with hours before their contract
started, five agreements whose instalments exceed the grant.

Big tables are written with `cursor.executemany` on SQLite and `COPY` on PostgreSQL, ids chosen
here (sequences reset afterwards); small ones with `bulk_create`.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from decimal import Decimal

SEED = 20_261_130
YEARS = (2021, 2022, 2023, 2024, 2025)
FIRST_DAY = datetime.date(2021, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
ONE_DAY = datetime.timedelta(days=1)
D = Decimal
CHARGE_CLASSES = ("60", "61", "62", "63", "64", "65", "66", "67", "68")

CATEGORY_SETS = [
    ["60", "61", "62", "64"],
    ["64"],
    ["60", "62", "64"],
    ["60", "61", "62", "63", "64", "65"],
    ["61", "62", "64", "66"],
    ["60", "61", "62"],  # no staff costs
]
CHARGE_ACCOUNTS = [
    ("6063", "60", "Fournitures d'entretien et petit équipement"),
    ("6064", "60", "Fournitures administratives"),
    ("6068", "60", "Autres matières et fournitures"),
    ("6132", "61", "Locations immobilières"),
    ("6155", "61", "Entretien et réparations"),
    ("6161", "61", "Assurances"),
    ("6226", "62", "Honoraires"),
    ("6251", "62", "Voyages et déplacements"),
    ("6256", "62", "Missions"),
    ("6261", "62", "Frais postaux et de télécommunications"),
    ("6333", "63", "Participation à la formation continue"),
    ("6511", "65", "Redevances pour licences"),
    ("6611", "66", "Intérêts des emprunts"),
    ("6712", "67", "Pénalités"),
    ("6811", "68", "Dotations aux amortissements"),
]
PRODUCT_ACCOUNTS = [
    ("706", "70", "Prestations de services"),
    ("7411", "74", "Subventions d'exploitation"),
    ("756", "75", "Cotisations"),
    ("7541", "75", "Dons manuels"),
]
FUNDERS = (
    [("public", "state", f"Préfecture – service {n}") for n in range(1, 5)]
    + [("public", "region", f"Région – direction {n}") for n in range(1, 5)]
    + [("public", "department", f"Département {n}") for n in range(1, 5)]
    + [("public", "municipal", f"Commune ou EPCI {n}") for n in range(1, 6)]
    + [("public", "social_bodies", f"CAF / CPAM {n}") for n in range(1, 4)]
    + [("public", "eu", f"Fonds européen {n}") for n in range(1, 4)]
    + [("public", "other", f"Autre organisme public {n}") for n in range(1, 3)]
    + [("private_organisations", "other", f"Fondation {n}") for n in range(1, 7)]
    + [("private_organisations", "other", f"Entreprise mécène {n}") for n in range(1, 4)]
)


class Inserter:
    """INSERTs (SQLite: executemany) or COPY (PostgreSQL) of every concrete column of `model`:
    `columns` given per row, the others fixed (the model's defaults, or `fixed`)."""

    def __init__(self, model, columns: list[str], fixed: dict):
        from django.db import connection

        self.connection = connection
        fields = {f.attname: f for f in model._meta.concrete_fields}
        others = [name for name in fields if name not in columns]
        values = []
        for name in others:
            field = fields[name]
            value = fixed[name] if name in fixed else field.get_default()
            values.append(field.get_db_prep_save(value, connection))
        self.fixed = tuple(values)
        quote = connection.ops.quote_name
        self.names = ", ".join(quote(fields[n].column) for n in [*columns, *others])
        self.table = quote(model._meta.db_table)
        marks = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {self.table} ({self.names}) VALUES ({marks})"  # noqa: S608

    def insert(self, rows, batch: int = 10_000) -> int:
        fixed = self.fixed
        count = 0
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + fixed)
                        count += 1
                return count
            chunk = []
            for row in rows:
                chunk.append(row + fixed)
                if len(chunk) >= batch:
                    cursor.executemany(self.sql, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(self.sql, chunk)
                count += len(chunk)
        return count


def working_days(rng: random.Random) -> dict[int, set[datetime.date]]:
    """Weekdays of each year, less about 11 public holidays and bridges (same for everyone)."""
    days: dict[int, set[datetime.date]] = {}
    for year in YEARS:
        day = datetime.date(year, 1, 1)
        found = set()
        while day.year == year:
            if day.weekday() < 5:
                found.add(day)
            day += ONE_DAY
        for off in rng.sample(sorted(found), 11):
            found.discard(off)
        days[year] = found
    return days


def leave(rng: random.Random) -> set[datetime.date]:
    """One employee's days off: three weeks in summer, a week in spring, the end of December,
    and eight single days (sickness, training) a year: about 30 working days."""
    days = set()
    for year in YEARS:
        summer = datetime.date.fromisocalendar(year, rng.randint(28, 31), 1)
        spring = datetime.date.fromisocalendar(year, rng.randint(7, 16), 1)
        days.update(summer + datetime.timedelta(days=n) for n in range(21))
        days.update(spring + datetime.timedelta(days=n) for n in range(7))
        days.update(datetime.date(year, 12, n) for n in range(24, 32))
        first = datetime.date(year, 1, 1)
        days.update(first + datetime.timedelta(days=rng.randrange(365)) for _ in range(8))
    return days


def _parts(total: int, count: int, rng: random.Random) -> list[int]:
    """`count` positive parts of `total` hundredths, in quarter hours but the last."""
    if count == 1 or total < 25 * count:
        return [total]
    cuts = sorted(rng.sample(range(1, total // 25), count - 1))
    parts = [(b - a) * 25 for a, b in zip([0, *cuts], [*cuts, total // 25], strict=True)]
    parts[-1] += total - sum(parts)
    return [p for p in parts if p > 0]


def generate(workspace, user, *, seed: int = SEED, scale: float = 1.0) -> dict:
    """Write the data set into `workspace` (inside a scope); return counts and seconds.

    `scale` shrinks the staff, the projects' time and the ledger (e.g. 0.05 for a quick check
    of the benchmark itself); the agreements and projects stay as they are.
    """
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from maillage.finance.models import (
        BudgetLine,
        Contract,
        FinanceSettings,
        Funder,
        FundingAgreement,
        FundingKey,
        Instalment,
        LedgerAllocation,
        LedgerLine,
        Person,
        Project,
        TimeEntry,
    )

    began = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    tenant = {
        "workspace_id": workspace.pk,
        "created_by_id": user.pk,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    employees_count = max(10, round(200 * scale))
    volunteers_count = max(2, round(20 * scale))
    lines_count = max(2000, round(100_000 * scale))  # entries: two lines each
    days_by_year = working_days(rng)
    counts: dict = {}

    with transaction.atomic():
        FinanceSettings.objects.get_or_create(workspace=workspace)

        # --- funders and projects --------------------------------------------------------
        funders = Funder.objects.bulk_create(
            [
                Funder(workspace=workspace, created_by=user, name=name, source=source, level=level)
                for source, level, name in FUNDERS
            ]
        )
        projects = []
        for number in range(1, 101):
            start_year = rng.choice(YEARS)
            end_year = rng.randint(start_year, min(YEARS[-1], start_year + 4))
            start = datetime.date(start_year, rng.choice((1, 1, 1, 4, 9)), 1)
            end = datetime.date(end_year, 12, 31)
            projects.append(
                Project(
                    workspace=workspace,
                    created_by=user,
                    code=f"P{number:03d}",
                    name=f"Projet de banc d'essai {number:03d}",
                    start_date=start,
                    end_date=end,
                    status="closed" if end_year < 2025 else "active",
                )
            )
        projects = Project.objects.bulk_create(projects)
        years_of = {p.pk: list(range(p.start_date.year, p.end_date.year + 1)) for p in projects}
        project_years = [(p.pk, y) for p in projects for y in years_of[p.pk]]

        # --- agreements, keys, instalments -------------------------------------------------
        # 300 agreements over the project-years: each project-year gets 0–3, keys adding up to
        # 30–95 % of it (a few deliberately above 100 %).
        slots = list(project_years)
        rng.shuffle(slots)
        per_slot: dict[tuple[int, int], int] = defaultdict(int)
        remaining = 300
        index = 0
        while remaining:
            slot = slots[index % len(slots)]
            if per_slot[slot] < 3:
                per_slot[slot] += 1
                remaining -= 1
            index += 1
        running = {p.pk: p for p in projects}
        agreements, links, shares = [], [], []  # shares: (agreement index, project pk, share)
        over_slots = set(rng.sample(sorted(per_slot), 4))
        for (project_id, year), count in sorted(per_slot.items()):
            project = running[project_id]
            total = rng.randint(30, 95) if (project_id, year) not in over_slots else 115
            split = [max(1, total * w // 10) for w in _weights(count, rng)]
            split[-1] = max(1, total - sum(split[:-1]))
            for share in split:
                funder = rng.choice(funders)
                shape = rng.random()
                start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
                if shape < 0.2:
                    start = datetime.date(year, rng.randint(2, 5), rng.randint(10, 20))
                elif shape < 0.4:
                    end = datetime.date(year, rng.randint(8, 11), rng.randint(10, 20))
                categories = list(rng.choice(CATEGORY_SETS))
                indirect_rate = None
                base = "staff"
                if rng.random() < 0.33:
                    indirect_rate = D(rng.choice((7, 10, 15, 20)))
                    base = "staff" if "64" in categories and rng.random() < 0.6 else "direct"
                public = funder.source == "public"
                status = "closed" if year < 2025 else "signed"
                if rng.random() < 0.03:
                    status = "requested"
                elif rng.random() < 0.02:
                    status = "refused"
                agreements.append(
                    FundingAgreement(
                        workspace=workspace,
                        created_by=user,
                        reference=f"CONV-{year}-{len(agreements) + 1:03d}",
                        title=f"Convention {year} {project.code}",
                        funder=funder,
                        kind="subsidy" if public else "patronage",
                        status=status,
                        signed_on=start - datetime.timedelta(days=rng.randint(10, 90)),
                        amount_granted=D(rng.randint(100, 1200) * 100),
                        start_date=start,
                        end_date=end,
                        eligible_categories=categories,
                        max_rate=D(rng.choice((50, 60, 70, 80))) if rng.random() < 0.5 else None,
                        indirect_rate=indirect_rate,
                        indirect_base=base,
                    )
                )
                shares.append((len(agreements) - 1, project_id, D(share)))
        # A fifth of the agreements also fund a second project running that year.
        for agreement_index, project_id, _share in list(shares):
            if rng.random() >= 0.2:
                continue
            agreement = agreements[agreement_index]
            year = agreement.start_date.year
            others = [
                pid
                for pid, years in years_of.items()
                if year in years and pid != project_id and per_slot.get((pid, year), 0) < 3
            ]
            if others:
                other = rng.choice(others)
                per_slot[(other, year)] = per_slot.get((other, year), 0) + 1
                shares.append((agreement_index, other, D(rng.randint(5, 20))))
        # Three public grants far above the cost of their project.
        for agreement in rng.sample([a for a in agreements if a.funder.source == "public"], 3):
            agreement.amount_granted = D(5_000_000)
        agreements = FundingAgreement.objects.bulk_create(agreements)
        through = FundingAgreement.projects.through
        links = {(agreements[i].pk, pid) for i, pid, _s in shares}
        through.objects.bulk_create(
            [through(fundingagreement_id=a, project_id=p) for a, p in sorted(links)]
        )
        keys = []
        for agreement_index, project_id, share in shares:
            agreement = agreements[agreement_index]
            if agreement.max_rate is not None and rng.random() < 0.15:
                share = agreement.max_rate + 10  # above its maximum rate
            keys.append(
                FundingKey(
                    workspace=workspace,
                    created_by=user,
                    project_id=project_id,
                    agreement=agreement,
                    share=min(share, D(100)),
                )
            )
        FundingKey.objects.bulk_create(keys)
        instalments = []
        above = set(rng.sample(range(len(agreements)), 5))
        for number, agreement in enumerate(agreements):
            if agreement.status in ("requested", "refused"):
                continue
            first = (agreement.amount_granted * D("0.6")).quantize(D("0.01"))
            second = (agreement.amount_granted * D("0.3")).quantize(D("0.01"))
            if number in above:
                second = agreement.amount_granted  # 160 % received
            instalments.append(
                Instalment(
                    workspace=workspace,
                    created_by=user,
                    agreement=agreement,
                    received_on=agreement.start_date + datetime.timedelta(days=30),
                    amount=first,
                    reference=f"VIR-{agreement.reference}-1",
                )
            )
            if agreement.status == "closed" or number in above:
                instalments.append(
                    Instalment(
                        workspace=workspace,
                        created_by=user,
                        agreement=agreement,
                        received_on=agreement.end_date,
                        amount=second,
                        reference=f"VIR-{agreement.reference}-2",
                    )
                )
        Instalment.objects.bulk_create(instalments)
        agreement_by_pk = {a.pk: a for a in agreements}
        agreements_of: dict[int, list] = defaultdict(list)
        for agreement_pk, project_id in sorted(links):
            agreements_of[project_id].append(agreement_by_pk[agreement_pk])

        # --- budgets -------------------------------------------------------------------------
        budget = []
        for project in projects:
            for year in years_of[project.pk]:
                for category, low, high in (
                    ("60", 2, 20),
                    ("61", 5, 30),
                    ("62", 5, 40),
                    ("64", 60, 260),
                    ("68", 1, 5),
                    ("86", 2, 15),
                    ("87", 2, 15),
                ):
                    budget.append(
                        BudgetLine(
                            workspace=workspace,
                            created_by=user,
                            project=project,
                            year=year,
                            category=category,
                            amount=D(rng.randint(low, high) * 1000),
                        )
                    )
                if rng.random() < 0.3:
                    budget.append(
                        BudgetLine(
                            workspace=workspace,
                            created_by=user,
                            project=project,
                            year=year,
                            category="70",
                            amount=D(rng.randint(2, 30) * 1000),
                        )
                    )
                for agreement in agreements_of[project.pk]:
                    if agreement.start_date.year == year:
                        budget.append(
                            BudgetLine(
                                workspace=workspace,
                                created_by=user,
                                project=project,
                                year=year,
                                category="74",
                                amount=agreement.amount_granted,
                                funder=agreement.funder,
                            )
                        )
        BudgetLine.objects.bulk_create(budget, batch_size=2000)

        # --- people and contracts ------------------------------------------------------------
        people = [
            Person(
                workspace=workspace,
                created_by=user,
                first_name=f"Salarié{number:03d}",
                last_name=f"Banc{number:03d}",
                kind="employee",
                job_title=rng.choice(("Animateur", "Coordinatrice", "Chargé de mission")),
            )
            for number in range(1, employees_count + 1)
        ] + [
            Person(
                workspace=workspace,
                created_by=user,
                first_name=f"Bénévole{number:02d}",
                last_name=f"Banc{number:02d}",
                kind="volunteer",
                valuation_rate=D(rng.randint(12, 20)),
            )
            for number in range(1, volunteers_count + 1)
        ]
        people = Person.objects.bulk_create(people)
        employees = [p for p in people if p.kind == "employee"]
        volunteers = [p for p in people if p.kind == "volunteer"]
        contracts = []
        spans: dict[int, list[tuple[datetime.date, datetime.date, int]]] = {}
        early = set(rng.sample(range(len(employees)), 3))  # hours before their contract
        early_pks = {employees[i].pk for i in early}
        for number, person in enumerate(employees):
            weekly = D(35) if rng.random() < 0.75 else D(rng.choice((17.5, 21, 24.5, 28)))
            gross = D(rng.randint(22, 45) * 1000)
            start = FIRST_DAY
            if rng.random() < 0.1 or number in early:
                start = datetime.date(rng.choice((2021, 2022, 2023, 2024)), rng.randint(1, 12), 15)
            end = None
            if rng.random() < 0.05:
                end = datetime.date(2024, rng.randint(1, 12), 10)
                end = max(end, start + datetime.timedelta(days=200))
            pieces = [(start, end, weekly, gross)]
            if rng.random() < 0.10:  # a new contract from a day in the middle of a year
                change = datetime.date(
                    rng.choice(YEARS[1:]), rng.randint(2, 11), rng.randint(2, 27)
                )
                if change > start + ONE_DAY and (end is None or change < end):
                    new_weekly = D(35) if weekly < 35 else D(28)
                    pieces = [
                        (start, change - ONE_DAY, weekly, gross),
                        (change, end, new_weekly, gross + D(rng.randint(1, 5) * 1000)),
                    ]
            for begin, finish, hours, salary in pieces:
                contracts.append(
                    Contract(
                        workspace=workspace,
                        created_by=user,
                        person=person,
                        kind="permanent",
                        start_date=begin,
                        end_date=finish,
                        weekly_hours=hours,
                        gross_annual_salary=salary,
                        annual_employer_charges=(salary * D("0.42")).quantize(D("0.01")),
                    )
                )
                spans.setdefault(person.pk, []).append(
                    (begin, finish or LAST_DAY, int(hours * 100) // 5)
                )
        Contract.objects.bulk_create(contracts)

        # --- time entries ----------------------------------------------------------------------
        agreements_running: dict[int, list] = {
            pid: sorted(group, key=lambda a: a.start_date) for pid, group in agreements_of.items()
        }
        long_days = set(rng.sample([p.pk for p in employees], 8))
        next_id = 1
        entries = []
        named = outside_named = 0

        def add(person_id, day, project_id, hundredths, agreement_id=None):
            nonlocal next_id
            entries.append(
                (
                    next_id,
                    person_id,
                    day,
                    project_id,
                    agreement_id,
                    D(hundredths).scaleb(-2),
                )
            )
            next_id += 1

        all_days = sorted(d for year in YEARS for d in days_by_year[year])
        running_on = {
            day: [p for p in projects if p.start_date <= day <= p.end_date] for day in all_days
        }
        for person in employees:
            team = rng.sample(projects, 16)
            days_off = leave(rng)
            heavy_weeks = set()
            if person.pk in long_days:
                heavy_weeks = {rng.randrange(len(all_days) // 5) for _ in range(3)}
            for begin, finish, daily in spans[person.pk]:
                for position, day in enumerate(all_days):
                    if day < begin or day > finish or day in days_off:
                        continue
                    if scale < 1 and rng.random() > scale * 4:
                        continue
                    running_now = [p for p in team if p.start_date <= day <= p.end_date] or team[:1]
                    chosen = rng.sample(running_now, min(len(running_now), rng.randint(4, 6)))
                    total = daily
                    if position // 5 in heavy_weeks:
                        total = rng.randint(900, 1100)
                    for project, hundredths in zip(
                        chosen, _parts(total, len(chosen), rng), strict=False
                    ):
                        agreement_id = None
                        if rng.random() < 0.05:
                            candidates = [
                                a
                                for a in agreements_running.get(project.pk, ())
                                if a.start_date <= day <= a.end_date
                            ]
                            if candidates:
                                agreement_id = rng.choice(candidates).pk
                                named += 1
                        add(person.pk, day, project.pk, hundredths, agreement_id)
            if person.pk in early_pks:
                first = spans[person.pk][0][0]
                for back in range(1, 4):
                    add(person.pk, first - datetime.timedelta(days=back * 7), team[0].pk, 300)
        # Time named for an agreement outside its period (the day after it ends).
        for agreement in rng.sample(agreements, 12):
            day = agreement.end_date + ONE_DAY
            if day > LAST_DAY:
                continue
            project_id = next(pid for a, pid in links if a == agreement.pk)
            for person in rng.sample(employees, 2):
                add(person.pk, day, project_id, 250, agreement.pk)
                outside_named += 1
        for person in volunteers:
            team = rng.sample(projects, 2)
            for day in all_days:
                if day.weekday() != 2 or (scale < 1 and rng.random() > scale * 4):
                    continue
                running_now = [p for p in team if p.start_date <= day <= p.end_date]
                if running_now:
                    add(person.pk, day, running_now[0].pk, rng.choice((200, 300, 350)))
        time_columns = ["id", "person_id", "date", "project_id", "agreement_id", "hours"]
        counts["time_entries"] = Inserter(TimeEntry, time_columns, {**tenant, "note": ""}).insert(
            entries
        )
        counts["time_named"] = named
        counts["time_named_outside"] = outside_named
        entries.clear()

        # --- ledger ------------------------------------------------------------------------
        lines, allocations = [], []
        next_line = next_allocation = 1
        twice = set(rng.sample(range(lines_count), 40))
        charge_weights = [6, 6, 3, 5, 3, 2, 5, 4, 3, 3, 1, 1, 1, 1, 2]
        for number in range(lines_count):
            day = all_days[rng.randrange(len(all_days))]
            entry = f"E{number + 1:07d}"
            is_product = rng.random() < 0.12
            if is_product:
                account, category, label = rng.choice(PRODUCT_ACCOUNTS)
                counter = ("411000", "Clients", "VT")
            else:
                account, category, label = rng.choices(CHARGE_ACCOUNTS, charge_weights)[0]
                counter = ("401000", "Fournisseurs", "AC")
            amount = D(rng.randint(2_000, 500_000)).scaleb(-2)
            journal = counter[2]
            common = (journal, entry, day, f"PJ{number + 1:07d}", f"{label} {number + 1}")
            lines.append(
                (
                    next_line,
                    *common,
                    account,
                    label,
                    D(0) if is_product else amount,
                    amount if is_product else D(0),
                    category,
                    f"{next_line:040x}",
                )
            )
            line_id = next_line
            lines.append(
                (
                    next_line + 1,
                    *common,
                    counter[0],
                    counter[1],
                    amount if is_product else D(0),
                    D(0) if is_product else amount,
                    "",
                    f"{next_line + 1:040x}",
                )
            )
            next_line += 2
            running_now = running_on[day]
            if not running_now or rng.random() < 0.08:
                continue  # not allocated (overheads)
            project = rng.choice(running_now)
            targets = [(project, D(100))]
            if number in twice:
                second = rng.choice([p for p in running_now if p != project] or [project])
                targets = [(project, D(100)), (second, D(rng.choice((40, 60, 100))))]
            elif rng.random() < 0.1 and len(running_now) > 1:
                second = rng.choice([p for p in running_now if p != project])
                targets = [(project, D(50)), (second, D(50))]
            for target, share in targets:
                agreement_id = None
                if rng.random() < 0.05:
                    candidates = [
                        a
                        for a in agreements_running.get(target.pk, ())
                        if a.start_date <= day <= a.end_date
                    ]
                    if candidates:
                        agreement_id = rng.choice(candidates).pk
                allocations.append((next_allocation, line_id, target.pk, agreement_id, share))
                next_allocation += 1
        # Salaries in the ledger: 64, never allocated (staff costs come from time).
        for month in range(60):
            year, month_number = YEARS[0] + month // 12, month % 12 + 1
            day = datetime.date(year, month_number, 28)
            for account, label in (("6411", "Salaires"), ("6451", "Cotisations URSSAF")):
                amount = D(rng.randint(30_000_000, 50_000_000)).scaleb(-2)
                common = ("OD", f"S{month:03d}{account}", day, f"PAIE{month:03d}", label)
                lines.append(
                    (next_line, *common, account, label, amount, D(0), "64", f"{next_line:040x}")
                )
                lines.append(
                    (
                        next_line + 1,
                        *common,
                        "421000",
                        "Personnel",
                        D(0),
                        amount,
                        "",
                        f"{next_line + 1:040x}",
                    )
                )
                next_line += 2
        # Ledger shares named for an agreement in a category it does not fund.
        by_line = {row[0]: row for row in lines}
        wrong = 0
        for position in rng.sample(range(len(allocations)), 3000):
            alloc = allocations[position]
            line = by_line[alloc[1]]
            for agreement in agreements_running.get(alloc[2], ()):
                category = line[10]
                fundable = category in CHARGE_CLASSES and category != "64"
                if (
                    fundable
                    and category not in agreement.eligible_categories
                    and agreement.start_date <= line[3] <= agreement.end_date
                ):
                    allocations[position] = (*alloc[:3], agreement.pk, alloc[4])
                    wrong += 1
                    break
            if wrong >= 30:
                break
        del by_line
        line_columns = [
            "id",
            "journal_code",
            "entry_number",
            "entry_date",
            "piece_ref",
            "label",
            "account_number",
            "account_label",
            "debit",
            "credit",
            "category",
            "fingerprint",
        ]
        counts["ledger_lines"] = Inserter(
            LedgerLine,
            line_columns,
            {**tenant, "source_name": "bench.txt", "journal_label": "", "currency": ""},
        ).insert(lines)
        counts["ledger_allocations"] = Inserter(
            LedgerAllocation, ["id", "line_id", "project_id", "agreement_id", "share"], tenant
        ).insert(allocations)
        counts["allocations_wrong_category"] = wrong
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [TimeEntry, LedgerLine, LedgerAllocation]
                ):
                    cursor.execute(sql)
    counts.update(
        projects=len(projects),
        funders=len(funders),
        agreements=len(agreements),
        agreement_links=len(links),
        keys=len(keys),
        instalments=len(instalments),
        budget_lines=len(budget),
        employees=len(employees),
        volunteers=len(volunteers),
        contracts=len(contracts),
        seconds=time.perf_counter() - began,
    )
    return counts


def _weights(count: int, rng: random.Random) -> list[int]:
    """`count` weights out of 10 (at least 1 each)."""
    if count == 1:
        return [10]
    cuts = sorted(rng.sample(range(1, 10), count - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, 10], strict=True)]
