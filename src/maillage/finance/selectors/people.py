"""Reads of people and contracts: the list, a person's contracts with their hourly cost, and
their hours by month and project.

Amounts derived from one person's rate (hourly cost, cost of their hours) are computed here for
everyone and shown by the views only to members allowed to see salaries
(`services.people.sees_salaries`)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from maillage.core.money import round_hours

from .. import costs
from ..models import Contract, Person, TimeEntry

ZERO = Decimal("0")


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def people_for_list(workspace, *, kind: str = "", active: str = "1", query: str = ""):
    """People of the workspace with their current contract and their hours of the last 12
    months, in three queries whatever the page size (a count, the page, nothing else)."""
    today = timezone.localdate()
    current = Contract.objects.filter(person=OuterRef("pk"), start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    since = add_months(month_start(today), -11)
    people = (
        Person.objects.filter(workspace=workspace)
        .annotate(
            current_weekly_hours=Subquery(current.values("weekly_hours")[:1]),
            current_contract_kind=Subquery(current.values("kind")[:1]),
            hours_last_year=Coalesce(
                Subquery(
                    TimeEntry.objects.filter(person=OuterRef("pk"), date__gte=since)
                    .order_by()
                    .values("person")
                    .annotate(total=Sum("hours"))
                    .values("total")[:1]
                ),
                Value(ZERO),
                output_field=DecimalField(max_digits=10, decimal_places=2),
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )
    if kind in Person.Kind.values:
        people = people.filter(kind=kind)
    if active == "1":
        people = people.filter(active=True)
    elif active == "0":
        people = people.filter(active=False)
    if query:
        people = people.annotate(
            full=Concat("first_name", Value(" "), "last_name"),
            reversed_full=Concat("last_name", Value(" "), "first_name"),
        )
        for word in query.split():
            people = people.filter(
                Q(full__icontains=word)
                | Q(reversed_full__icontains=word)
                | Q(email__icontains=word)
                | Q(job_title__icontains=word)
            )
    return people


@dataclass
class ContractRow:
    contract: Contract
    productive_hours: Decimal
    hourly_cost: Decimal
    is_current: bool


def contract_rows(person: Person, settings=None) -> list[ContractRow]:
    settings = settings or costs.get_settings(person.workspace)
    today = timezone.localdate()
    return [
        ContractRow(
            contract=contract,
            productive_hours=round_hours(costs.productive_hours(contract, settings)),
            hourly_cost=costs.hourly_cost(contract, settings),
            is_current=contract.covers(today),
        )
        for contract in person.contracts.order_by("-start_date", "-pk")
    ]


@dataclass
class HoursRow:
    code: str
    name: str
    project_id: int
    agreement_reference: str
    months: list[Decimal]
    total: Decimal = ZERO


@dataclass
class HoursTable:
    """A person's hours by month (columns) and project (rows), with the cost (or the value in
    kind, for a volunteer) of each month."""

    months: list[date]
    rows: list[HoursRow] = field(default_factory=list)
    month_totals: list[Decimal] = field(default_factory=list)
    total: Decimal = ZERO
    month_costs: list[Decimal] = field(default_factory=list)
    cost_total: Decimal = ZERO
    hours_without_rate: Decimal = ZERO


def person_hours_by_month(person: Person, *, months: int = 12, end: date | None = None):
    """The last `months` months up to the month of `end` (today by default)."""
    last = month_start(end or timezone.localdate())
    columns = [add_months(last, -i) for i in range(months - 1, -1, -1)]
    index = {m: i for i, m in enumerate(columns)}
    entries = list(
        TimeEntry.objects.filter(person=person, date__gte=columns[0], date__lt=add_months(last, 1))
        .select_related("project", "agreement")
        .order_by("date", "pk")
    )
    settings = costs.get_settings(person.workspace)
    contracts = list(person.contracts.order_by("start_date")) if not person.is_volunteer else []
    table = HoursTable(months=columns, month_totals=[ZERO] * months, month_costs=[ZERO] * months)
    rows: dict[tuple, HoursRow] = {}
    for entry in entries:
        key = (entry.project_id, entry.agreement_id)
        row = rows.get(key)
        if row is None:
            row = rows[key] = HoursRow(
                code=entry.project.code,
                name=entry.project.name,
                project_id=entry.project_id,
                agreement_reference=entry.agreement.reference if entry.agreement_id else "",
                months=[ZERO] * months,
            )
        column = index[month_start(entry.date)]
        row.months[column] += entry.hours
        row.total += entry.hours
        table.month_totals[column] += entry.hours
        table.total += entry.hours
        if person.is_volunteer:
            rate = person.valuation_rate
        else:
            contract = costs.contract_on(contracts, entry.date)
            rate = costs.hourly_cost(contract, settings) if contract is not None else None
        if rate is None:
            table.hours_without_rate += entry.hours
            continue
        cost = entry.hours * rate  # exact; rounded where shown
        table.month_costs[column] += cost
        table.cost_total += cost
    table.rows = sorted(
        rows.values(), key=lambda r: (r.code.casefold(), r.project_id, r.agreement_reference)
    )
    return table


def overlapping_entries(contract: Contract) -> Decimal:
    """Hours the person recorded during the contract's period (what its deletion leaves without
    an hourly cost)."""
    entries = TimeEntry.objects.filter(person_id=contract.person_id, date__gte=contract.start_date)
    if contract.end_date:
        entries = entries.filter(date__lte=contract.end_date)
    return entries.aggregate(total=Sum("hours"))["total"] or ZERO
