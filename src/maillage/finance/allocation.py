"""The allocation engine: what each project cost, and which share of it each funder pays.

Everything here is a read; nothing is stored. The rules, in the order they apply:

1. **Costs.** A project's costs are
   - *staff time*: an employee's hours × their hourly cost on that day (the contract's
     (gross + charges) / productive hours, rounded to the cent: the one rounding of a rate);
     account class 64;
   - *volunteer time*: hours × the volunteer's valuation rate, in kind (86 on the charge side,
     87 on the product side), never added to cash;
   - *ledger lines* allocated to the project: the line's amount (a charge's debit − credit, a
     product's credit − debit) × the allocation's share; the line's category (mapped account).
   Time is read in groups (person, project, agreement, month) from the summary the database
   keeps (`TimeMonth`, see `time_summary.py`; the months a period cuts, from the entries),
   split at the days where a contract or one of the project's agreements starts or ends, so
   that a group has one rate and lies wholly inside or outside every agreement's period. The
   costs come in one order whatever the database: time by person, project, agreement (none
   first) and month, then ledger shares by date, line and allocation.
2. **Charges to agreements.** A cost named with an agreement (a time entry's or a ledger
   allocation's) is charged 100 % to it; any other cost is charged to the project's agreements
   by the project's funding keys (`FundingKey.share`). A cost is charged to an agreement only
   inside the agreement's eligible period and in its eligible categories (64 for staff time);
   volunteer time is never charged (in kind).
3. **Indirect costs** (flat rate): the agreement's rate × its direct staff costs, or × all its
   direct costs, on the costs charged to it (and, for the eligible total, on the action's).
4. **Exactness.** Costs are kept exact (an hourly rate in cents × hours in hundredths has four
   decimal places; a share of a line, six) and rounded only where a figure is shown: a report
   line. Where rounded figures must add up (the funders' shares of a line, the items of a
   drill-down), the rounded total is split with `core.money.allocate` by the exact parts, so
   parts sum to the whole to the cent.
"""

from __future__ import annotations

import bisect
import datetime
import gc
import itertools
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    CharField,
    DateField,
    F,
    Func,
    Max,
    Min,
    Q,
    Sum,
)
from django.db.models.functions import Cast, Round, TruncMonth

from maillage.core.money import allocate, round_euro

from . import costs as cost_rates
from .models import (
    Contract,
    FundingAgreement,
    FundingKey,
    IndirectBase,
    LedgerAllocation,
    Person,
    Project,
    TimeEntry,
    TimeMonth,
)
from .models.accounts import CHARGE_SIDE, PRODUCT_SIDE, STAFF_CATEGORY

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE_DAY = datetime.timedelta(days=1)
VOLUNTEER_USE = "86"
VOLUNTEER_SOURCE = "87"


@dataclass(slots=True)
class Cost:
    """One cost of a project, exact. A time group spans days; a ledger share is one day."""

    source: str  # "time" or "ledger"
    project_id: int
    category: str
    start: datetime.date
    end: datetime.date
    amount: Decimal
    agreement_id: int | None = None  # named explicitly (time entry or ledger allocation)
    person_id: int | None = None
    hours: Decimal = ZERO
    rate: Decimal | None = None  # None: no contract covers these days (not costed)
    in_kind: bool = False
    line_id: int | None = None
    allocation_id: int | None = None

    @property
    def is_product(self) -> bool:
        return self.category in PRODUCT_SIDE

    @property
    def key(self) -> tuple:
        if self.source == "ledger":
            return ("ledger", self.allocation_id)
        return ("time", self.person_id, self.project_id, self.agreement_id, self.start)


@dataclass(slots=True)
class Charge:
    cost: Cost
    agreement_id: int
    share: Decimal  # percent of the cost

    @property
    def amount(self) -> Decimal:
        return self.cost.amount * self.share / HUNDRED


@dataclass
class AgreementFigures:
    """What the engine knows of one agreement: the action's costs and what is charged to it."""

    agreement: FundingAgreement
    eligible_costs: list[Cost] = field(default_factory=list)  # the action's, in period/category
    charges: list[Charge] = field(default_factory=list)  # charged to this agreement, eligible
    refused: list[tuple[Charge, str]] = field(default_factory=list)  # named but ineligible
    _sums: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def rate(self) -> Decimal:
        return (self.agreement.indirect_rate or ZERO) / HUNDRED

    def _indirect(self, staff: Decimal, direct: Decimal) -> Decimal:
        base = staff if self.agreement.indirect_base == IndirectBase.STAFF else direct
        return base * self.rate

    # The sums are read many times (totals, indirect costs, the maximum, what can be claimed):
    # each is computed once, in the order of the lists, and again only if a list has grown.

    def _eligible_sums(self) -> tuple[Decimal, Decimal]:
        token = ("eligible", id(self.eligible_costs), len(self.eligible_costs))
        cached = self._sums.get("eligible")
        if cached is None or cached[0] != token:
            direct = staff = ZERO
            for cost in self.eligible_costs:
                amount = cost.amount
                direct += amount
                if cost.category == STAFF_CATEGORY:
                    staff += amount
            cached = self._sums["eligible"] = (token, direct, staff)
        return cached[1], cached[2]

    def _charged_sums(self) -> tuple[Decimal, Decimal]:
        token = ("charged", id(self.charges), len(self.charges))
        cached = self._sums.get("charged")
        if cached is None or cached[0] != token:
            direct = staff = ZERO
            for charge in self.charges:
                amount = charge.cost.amount * charge.share / HUNDRED
                direct += amount
                if charge.cost.category == STAFF_CATEGORY:
                    staff += amount
            cached = self._sums["charged"] = (token, direct, staff)
        return cached[1], cached[2]

    @property
    def eligible_direct(self) -> Decimal:
        return self._eligible_sums()[0]

    @property
    def eligible_staff(self) -> Decimal:
        return self._eligible_sums()[1]

    @property
    def eligible_indirect(self) -> Decimal:
        return self._indirect(self.eligible_staff, self.eligible_direct)

    @property
    def eligible_total(self) -> Decimal:
        return self.eligible_direct + self.eligible_indirect

    @property
    def charged_direct(self) -> Decimal:
        return self._charged_sums()[0]

    @property
    def charged_staff(self) -> Decimal:
        return self._charged_sums()[1]

    @property
    def charged_indirect(self) -> Decimal:
        return self._indirect(self.charged_staff, self.charged_direct)

    @property
    def charged_total(self) -> Decimal:
        return self.charged_direct + self.charged_indirect

    @property
    def max_fundable(self) -> Decimal | None:
        """The most the funder may pay under its maximum rate, on the eligible total."""
        if self.agreement.max_rate is None:
            return None
        return self.eligible_total * self.agreement.max_rate / HUNDRED

    @property
    def claimable(self) -> Decimal:
        """What can be claimed: the charged total, within the grant and the maximum rate."""
        limits = [self.charged_total, self.agreement.amount_granted]
        if self.max_fundable is not None:
            limits.append(self.max_fundable)
        return min(limits)


@dataclass
class Allocation:
    """The costs of a set of projects and their charges to every agreement funding them."""

    costs: list[Cost]
    agreements: dict[int, FundingAgreement]
    keys: dict[int, list[FundingKey]]  # by project
    figures: dict[int, AgreementFigures]
    charges_by_cost: dict[tuple, list[Charge]]
    projects_by_agreement: dict[int, list[int]]

    def over_charged(self) -> Iterable[tuple[Cost, Decimal]]:
        """Costs charged beyond 100 % across agreements, with the percentage charged."""
        # `charges_by_cost` holds the charged costs in the order of `costs` (filled by walking
        # them); a cost charged once at most 100 % is never over charged.
        for charges in self.charges_by_cost.values():
            if len(charges) == 1 and charges[0].share <= HUNDRED:
                continue
            total = sum((charge.share for charge in charges), ZERO)
            if total > HUNDRED:
                yield charges[0].cost, total


# --- Reading many rows -----------------------------------------------------------------------
#
# The engine and the checks read a few hundred thousand grouped rows. Django converts every
# value of every row in Python (on SQLite a Decimal made from a float and quantized, a date
# parsed from text: about a fifth of the checks' time). The big reads below take the rows as
# the database gives them (`raw_rows`), with amounts and hours as integers of hundredths
# computed by the database (`hundredths`), and make a Decimal or a date once per distinct value
# (`Hundredths`, `Days`). The Decimals are the ones Django made: same value, two places.


def hundredths(expression):
    """`expression` × 100 rounded to an integer by the database: cents of an amount,
    hundredths of hours or of a percentage (all stored with two decimal places), or of their
    sum. Exact: PostgreSQL sums decimals exactly; SQLite sums floats, whose error on any sum
    read here (a month's hours, a line's shares) is below 1e-9, far from half a hundredth."""
    return Cast(Round(expression * 100), BigIntegerField())


class Hundredths(dict):
    """An integer of hundredths → its Decimal with two places (750 → Decimal("7.50")), each once."""

    def __missing__(self, value):
        number = self[value] = Decimal(value).scaleb(-2)
        return number


class Days(dict):
    """A day as the database gives it (SQLite: text "2025-03-31", PostgreSQL: a date) → a
    date, each once."""

    def __missing__(self, value):
        day = self[value] = datetime.date.fromisoformat(value) if isinstance(value, str) else value
        return day


def raw_rows(queryset, names: tuple[str, ...]) -> list[tuple]:
    """The rows of a `values()`/`values_list()` queryset as the database gives them, without
    Django's converters. Django writes the model's fields first, then the annotations in the
    order they were added: `names` says which columns the caller expects, in order, and is
    checked against the query."""
    query = queryset.query
    columns = (*query.extra_select, *query.values_select, *query.annotation_select)
    if columns != names:
        raise ValueError(f"columns {columns} are not {names}")
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:  # e.g. `pk__in=[]`: Django answers without asking the database
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Loading costs -------------------------------------------------------------------------


def _boundaries(start: datetime.date, end: datetime.date | None) -> list[datetime.date]:
    """The days a period changes something: its first day and the day after its last."""
    days = [start]
    if end is not None:
        days.append(end + ONE_DAY)
    return days


def _splits(first: datetime.date, last: datetime.date, cuts: list[datetime.date]) -> bool:
    """Whether a boundary among the sorted `cuts` lies in (first, last]: a group to split."""
    index = bisect.bisect_right(cuts, first)
    return index < len(cuts) and cuts[index] <= last


#: The month of a day, written out per database (for the months a period cuts, read from the
#: entries). SQLite: Django's `TruncMonth` is a Python function called for every row there.
#: PostgreSQL: on the day as a plain timestamp, returned as a date; `TruncMonth("date")` casts
#: the day to a timestamp *with* time zone, which costs the server a time zone conversion per
#: row and the client a Python parse per group.
SQLITE_MONTH = "substr(%(expressions)s, 1, 7)"
POSTGRESQL_MONTH = "DATE_TRUNC('month', %(expressions)s::timestamp)::date"


def month_key(queryset):
    """An expression grouping `date` by month, computed by the database itself."""
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        return Func("date", template=SQLITE_MONTH, output_field=CharField())
    if vendor == "postgresql":
        return Func("date", template=POSTGRESQL_MONTH, output_field=DateField())
    return TruncMonth("date")


#: How many (project or person, month) windows one query reads day by day.
SPLIT_BATCH = 200


def _month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - ONE_DAY


def _days_of_split_groups(entries, split: list[dict], days_read: Days) -> dict[tuple, list]:
    """The daily hours (in hundredths) of the groups that a boundary splits, by (person,
    project, agreement, month). A group is split by a boundary of its project (an agreement's)
    or of its person (a contract's): the days are read by window, (project, month) or (person,
    month), one query per `SPLIT_BATCH` windows; the days of groups that are not split are left
    aside."""
    wanted = {}
    windows = set()
    for group in split:
        month = group["first"].replace(day=1)
        wanted[(group["person_id"], group["project_id"], group["agreement_id"], month)] = {}
        windows.add(
            (group["window"], group["person_id" if group["window"] else "project_id"], month)
        )
    windows = sorted(windows)
    for index in range(0, len(windows), SPLIT_BATCH):
        condition = Q()
        for by_person, pk, month in windows[index : index + SPLIT_BATCH]:
            span = _month_bounds(month)
            if by_person:
                condition |= Q(person_id=pk, date__range=span)
            else:
                condition |= Q(project_id=pk, date__range=span)
        rows = (
            entries.filter(condition)
            .values_list("person_id", "project_id", "agreement_id", "date")
            .annotate(hours=hundredths(Sum("hours")))
            .order_by()
        )
        names = ("person_id", "project_id", "agreement_id", "date", "hours")
        for person_id, project_id, agreement_id, day, hours in raw_rows(rows, names):
            day = days_read[day]
            found = wanted.get((person_id, project_id, agreement_id, day.replace(day=1)))
            if found is not None:
                found[day] = hours  # a day read through two windows is the same day
    return {key: [(day, day, found[day]) for day in sorted(found)] for key, found in wanted.items()}


def _group_order(group: dict) -> tuple:
    agreement_id = group["agreement_id"]
    return (
        group["person_id"],
        group["project_id"],
        agreement_id is not None,
        agreement_id or 0,
        group["first"],
    )


def _month_groups(workspace, project_ids, entries, start, end) -> list[tuple]:
    """The time of `project_ids` by (project, person, agreement, month) between `start` and
    `end` (either may be None): (project, person, agreement, hundredths of hours, first day,
    last day). Whole months come from the summary the database keeps (`TimeMonth`); the days
    of a month that the period cuts, from the entries themselves."""
    first_full = start if start is None or start.day == 1 else _month_bounds(start)[1] + ONE_DAY
    last_full = end if end is None or end == _month_bounds(end)[1] else end.replace(day=1) - ONE_DAY
    whole = first_full is None or last_full is None or first_full <= last_full
    if not whole:
        cut = [(start, end)]  # no whole month: within one month, or parts of two
    else:  # the months cut by `start` or `end`
        cut = [(start, first_full - ONE_DAY)] if start is not None and start != first_full else []
        if end is not None and end != last_full:
            cut.append((last_full + ONE_DAY, end))
    names = ("project_id", "person_id", "agreement_id", "hundredths", "first", "last")
    rows = []
    if whole:
        summary = TimeMonth.objects.filter(workspace=workspace, project_id__in=project_ids)
        if first_full is not None:
            summary = summary.filter(month__gte=first_full)
        if last_full is not None:
            summary = summary.filter(month__lte=last_full)
        rows += raw_rows(summary.values_list(*names).order_by(), names)
    if cut:
        condition = Q()
        for first, last in cut:
            condition |= Q(date__range=(first, last))
        days = entries.filter(condition)
        grouped = (
            days.values("project_id", "person_id", "agreement_id", month=month_key(days))
            .annotate(hours=hundredths(Sum("hours")), first=Min("date"), last=Max("date"))
            .order_by()
        )
        columns = ("project_id", "person_id", "agreement_id", "month", "hours", "first", "last")
        rows += [
            (project_id, person_id, agreement_id, hours, first, last)
            for project_id, person_id, agreement_id, _month, hours, first, last in raw_rows(
                grouped, columns
            )
        ]
    return rows


def _time_costs(
    workspace,
    project_ids: list[int],
    agreements_by_project: dict[int, list[FundingAgreement]],
    start: datetime.date | None,
    end: datetime.date | None,
) -> list[Cost]:
    entries = TimeEntry.objects.filter(workspace=workspace, project_id__in=project_ids)
    if start:
        entries = entries.filter(date__gte=start)
    if end:
        entries = entries.filter(date__lte=end)
    # In one order whatever the database: person, project, agreement (none first), month.
    days_read = Days()
    groups = sorted(
        (
            {
                "project_id": project_id,
                "person_id": person_id,
                "agreement_id": agreement_id,
                "hours": hours,  # hundredths
                "first": days_read[first],
                "last": days_read[last],
            }
            for project_id, person_id, agreement_id, hours, first, last in _month_groups(
                workspace, project_ids, entries, start, end
            )
        ),
        key=_group_order,
    )
    if not groups:
        return []
    person_ids = {group["person_id"] for group in groups}
    people = {p.pk: p for p in Person.objects.filter(workspace=workspace, pk__in=person_ids)}
    contracts: dict[int, list[Contract]] = defaultdict(list)
    for contract in Contract.objects.filter(workspace=workspace, person_id__in=person_ids).order_by(
        "start_date"
    ):
        contracts[contract.person_id].append(contract)
    settings = cost_rates.get_settings(workspace)
    # The rate of each contract, rounded to the cent once (the one rounding of a rate).
    contract_rates = {
        contract.pk: cost_rates.hourly_cost(contract, settings)
        for person_contracts in contracts.values()
        for contract in person_contracts
    }
    project_cuts = {
        pid: sorted(day for a in agreements for day in _boundaries(a.start_date, a.end_date))
        for pid, agreements in agreements_by_project.items()
    }
    person_cuts = {
        pid: sorted(day for c in person_contracts for day in _boundaries(c.start_date, c.end_date))
        for pid, person_contracts in contracts.items()
    }

    # The contract found last for each person, reused while it covers the day (contracts do
    # not overlap; where they do, the first covering one is looked up every time, as before).
    overlapping = {
        pid
        for pid, person_contracts in contracts.items()
        if any(
            a.end_date is None or a.end_date >= b.start_date
            for a, b in itertools.pairwise(person_contracts)
        )
    }
    current: dict[int, tuple[Contract, Decimal]] = {}  # (contract, its rate)
    volunteers = {pk: person.valuation_rate for pk, person in people.items() if person.is_volunteer}

    def rate_on(person_id: int, day: datetime.date) -> Decimal | None:
        if person_id in volunteers:
            return volunteers[person_id]
        found = current.get(person_id)
        if found is None or not found[0].covers(day) or person_id in overlapping:
            contract = cost_rates.contract_on(contracts.get(person_id, []), day)
            if contract is None:
                return None
            found = current[person_id] = (contract, contract_rates[contract.pk])
        return found[1]

    split = []
    for group in groups:
        first, last = group["first"], group["last"]
        if _splits(first, last, project_cuts.get(group["project_id"], [])):
            group["split"], group["window"] = True, False  # read by (project, month)
            split.append(group)
        elif _splits(first, last, person_cuts.get(group["person_id"], [])):
            group["split"], group["window"] = True, True  # read by (person, month)
            split.append(group)
        else:
            group["split"] = False
    days = _days_of_split_groups(entries, split, days_read) if split else {}

    as_hours = Hundredths()
    result = []
    append = result.append
    for group in groups:
        person_id, project_id, agreement_id = (
            group["person_id"],
            group["project_id"],
            group["agreement_id"],
        )
        volunteer = person_id in volunteers
        if group["split"]:
            month = group["first"].replace(day=1)
            pieces = days[(person_id, project_id, agreement_id, month)]
        else:
            pieces = [(group["first"], group["last"], group["hours"])]
        for first, last, hours in pieces:
            hours = as_hours[hours]  # exact: sums of hundredths
            rate = rate_on(person_id, first)
            append(
                Cost(
                    source="time",
                    project_id=project_id,
                    category=VOLUNTEER_USE if volunteer else STAFF_CATEGORY,
                    start=first,
                    end=last,
                    amount=hours * rate if rate is not None else ZERO,
                    agreement_id=agreement_id,
                    person_id=person_id,
                    hours=hours,
                    rate=rate,
                    in_kind=volunteer,
                )
            )
    return result


def _ledger_costs(
    workspace, project_ids: list[int], start: datetime.date | None, end: datetime.date | None
) -> list[Cost]:
    allocations = LedgerAllocation.objects.filter(
        workspace=workspace, project_id__in=project_ids
    ).exclude(line__category="")
    if start:
        allocations = allocations.filter(line__entry_date__gte=start)
    if end:
        allocations = allocations.filter(line__entry_date__lte=end)
    rows = (
        allocations.annotate(
            share_hundredths=hundredths(F("share")),
            debit_cents=hundredths(F("line__debit")),
            credit_cents=hundredths(F("line__credit")),
        )
        .values_list(
            "id",
            "line_id",
            "project_id",
            "agreement_id",
            "line__category",
            "line__entry_date",
            "share_hundredths",
            "debit_cents",
            "credit_cents",
        )
        .order_by("line__entry_date", "line_id", "id")
    )
    names = (
        "id",
        "line_id",
        "project_id",
        "agreement_id",
        "line__category",
        "line__entry_date",
        "share_hundredths",
        "debit_cents",
        "credit_cents",
    )
    decimals, days_read = Hundredths(), Days()
    result = []
    append = result.append
    for (
        allocation_id,
        line_id,
        project_id,
        agreement_id,
        category,
        day,
        share,
        debit,
        credit,
    ) in raw_rows(rows, names):
        if category in PRODUCT_SIDE:
            amount = credit - debit  # in cents
        elif category in CHARGE_SIDE:
            amount = debit - credit
        else:
            continue
        day = days_read[day]
        append(
            Cost(
                source="ledger",
                project_id=project_id,
                category=category,
                start=day,
                end=day,
                amount=decimals[amount] * decimals[share] / HUNDRED,
                agreement_id=agreement_id,
                line_id=line_id,
                allocation_id=allocation_id,
                in_kind=category in ("86", "87"),
            )
        )
    return result


def project_costs(
    workspace,
    project_ids: list[int],
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    agreements_by_project: dict[int, list[FundingAgreement]] | None = None,
) -> list[Cost]:
    if agreements_by_project is None:
        agreements_by_project = _agreements_by_project(workspace, project_ids)
    return _time_costs(workspace, project_ids, agreements_by_project, start, end) + _ledger_costs(
        workspace, project_ids, start, end
    )


def _agreements_by_project(workspace, project_ids) -> dict[int, list[FundingAgreement]]:
    through = FundingAgreement.projects.through
    links = through.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "fundingagreement_id"
    )
    links = list(links)
    agreements = {
        a.pk: a
        for a in FundingAgreement.objects.filter(
            workspace=workspace, pk__in={aid for _pid, aid in links}
        ).select_related("funder")
    }
    result: dict[int, list[FundingAgreement]] = defaultdict(list)
    for project_id, agreement_id in links:
        result[project_id].append(agreements[agreement_id])
    return result


# --- Charging ------------------------------------------------------------------------------


def _inside(agreement: FundingAgreement, cost: Cost) -> bool:
    return agreement.start_date <= cost.start and cost.end <= agreement.end_date


def _eligible_category(agreement: FundingAgreement, cost: Cost) -> bool:
    return not cost.in_kind and cost.category in agreement.eligible_categories


@contextmanager
def without_cycle_collection():
    """Run a block without Python's cyclic garbage collector.

    The engine builds hundreds of thousands of small objects (costs, charges) that live until
    the end of the request and form no reference cycles; the collector would walk them again
    and again as they are created (20–30 % of a workspace's checks). Reference counting still
    frees everything; the collector runs again after the block.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def allocate_projects(
    workspace,
    project_ids: Iterable[int],
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Allocation:
    """Costs of `project_ids` (optionally between two days) and their charges to agreements."""
    with without_cycle_collection():
        return _allocate_projects(workspace, project_ids, start, end)


def _allocate_projects(workspace, project_ids, start, end) -> Allocation:
    project_ids = sorted(set(project_ids))
    by_project = _agreements_by_project(workspace, project_ids)
    costs = project_costs(
        workspace, project_ids, start=start, end=end, agreements_by_project=by_project
    )
    agreements = {a.pk: a for group in by_project.values() for a in group}
    keys: dict[int, list[FundingKey]] = defaultdict(list)
    for key in FundingKey.objects.filter(workspace=workspace, project_id__in=project_ids):
        keys[key.project_id].append(key)
    figures = {pk: AgreementFigures(agreement) for pk, agreement in agreements.items()}
    charges_by_cost: dict[tuple, list[Charge]] = defaultdict(list)
    # The rules of `_inside` and `_eligible_category`, with what they read looked up once:
    # (start, end, eligible categories, figures) of each agreement, each project's agreements
    # and keys.
    terms = {
        pk: (a.start_date, a.end_date, frozenset(a.eligible_categories), figures[pk])
        for pk, a in agreements.items()
    }
    funding = {pid: [terms[a.pk] for a in group] for pid, group in by_project.items()}
    keyed = {  # keys of agreements that no longer fund the project are skipped
        pid: [
            (terms[key.agreement_id], key.agreement_id, key.share)
            for key in project_keys
            if key.agreement_id in terms
        ]
        for pid, project_keys in keys.items()
    }
    # A cost lies within one month (a time group, a day): only the agreements whose period
    # meets that month can take it; they are listed once per (project, month).
    candidates: dict[tuple, tuple[list, list]] = {}

    def meeting(project_id: int, day: datetime.date) -> tuple[list, list]:
        first, last = _month_bounds(day)
        found = (
            [t for t in funding.get(project_id, ()) if t[0] <= last and first <= t[1]],
            [k for k in keyed.get(project_id, ()) if k[0][0] <= last and first <= k[0][1]],
        )
        candidates[(project_id, day.year, day.month)] = found
        return found

    for cost in costs:
        category = cost.category
        if category in PRODUCT_SIDE or cost.in_kind:  # in kind: eligible and charged nowhere
            continue
        first, last, project_id = cost.start, cost.end, cost.project_id
        if first.year != last.year or first.month != last.month:  # not from the engine
            eligible_terms, keyed_terms = funding.get(project_id, ()), keyed.get(project_id, ())
        else:
            eligible_terms, keyed_terms = candidates.get(
                (project_id, first.year, first.month)
            ) or meeting(project_id, first)
        for start_date, end_date, eligible, figure in eligible_terms:
            if start_date <= first and last <= end_date and category in eligible:
                figure.eligible_costs.append(cost)
        if cost.agreement_id is not None:
            found = terms.get(cost.agreement_id)
            named = [(found, cost.agreement_id, HUNDRED)] if found is not None else ()
        else:
            named = keyed_terms
        cost_key = None
        for (start_date, end_date, eligible, figure), agreement_id, share in named:
            inside = start_date <= first and last <= end_date
            if inside and category in eligible:
                charge = Charge(cost, agreement_id, share)
                figure.charges.append(charge)
                if cost_key is None:
                    cost_key = cost.key
                charges_by_cost[cost_key].append(charge)
            elif cost.agreement_id is not None:  # named by hand but not eligible: say why
                reason = "period" if not inside else "category"
                figure.refused.append((Charge(cost, agreement_id, share), reason))
    funded: dict[int, set[int]] = defaultdict(set)
    for pid, group in by_project.items():
        for agreement in group:
            funded[agreement.pk].add(pid)
    return Allocation(
        costs=costs,
        agreements=agreements,
        keys=dict(keys),
        figures=figures,
        charges_by_cost=dict(charges_by_cost),
        projects_by_agreement={pk: sorted(funded[pk]) for pk in agreements},
    )


# --- Rounding for display ------------------------------------------------------------------


def split_rounded(exact_parts: list[Decimal]) -> list[Decimal]:
    """Round the exact parts' total to the cent and split it by the parts (largest remainder).

    The rounded parts add up to the rounded total exactly, each within a cent of its exact
    value. Parts may be negative (credit notes); the split then follows their magnitudes on
    each side.
    """
    if not exact_parts:
        return []
    total = round_euro(sum(exact_parts, ZERO))
    positives = [p if p > 0 else ZERO for p in exact_parts]
    negatives = [-p if p < 0 else ZERO for p in exact_parts]
    if not any(negatives):
        if not any(positives):
            return [ZERO.quantize(Decimal("0.01")) for _ in exact_parts]
        return allocate(total, positives)
    # Mixed signs: round each side on its own, so that each side sums exactly.
    plus = allocate(round_euro(sum(positives, ZERO)), positives) if any(positives) else None
    minus = allocate(round_euro(sum(negatives, ZERO)), negatives) if any(negatives) else None
    parts = []
    for index in range(len(exact_parts)):
        value = ZERO
        if plus is not None:
            value += plus[index]
        if minus is not None:
            value -= minus[index]
        parts.append(value)
    return parts


# --- Project actuals -----------------------------------------------------------------------


def project_actuals(project: Project) -> dict[tuple[int, str], Decimal]:
    """The project's actual amounts by (year, CERFA category), rounded to the cent.

    Charges: ledger shares by category, staff time (64), volunteer time (86). Products: ledger
    shares of class 7, and the volunteer time again as its source (87).
    """
    costs = project_costs(project.workspace, [project.pk])
    exact: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for cost in costs:
        exact[(cost.start.year, cost.category)] += cost.amount
        if cost.category == VOLUNTEER_USE and cost.source == "time":
            exact[(cost.start.year, VOLUNTEER_SOURCE)] += cost.amount
    return {key: round_euro(value) for key, value in exact.items()}
