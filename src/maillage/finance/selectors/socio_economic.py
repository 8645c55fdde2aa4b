"""The socio-economic model (seed 002, Le RAMEAU): the resource mix and the three levers.

A resource is placed by two questions: who brings it (members, public actors, private persons,
private organisations) and whether it pays for a service (with a counterpart) or not. The
answers name seven kinds (``ResourceKind``); the mix is the share of each, per year.

- **Financial resources** (the typology): the funding agreements awarded (signed or closed),
  each amount granted counted in the years of its eligible period in proportion to its days
  there (``split_by_year``: ``core.money.allocate`` by days, so the years' parts add up to the
  grant to the cent), plus the resources recorded by year outside agreements (dues, sales,
  gifts, patronage). Requested and refused agreements do not count.
- **Human wealth**: the staff's hours and their cost (hours × hourly cost, from the
  allocation engine's time costs), and the volunteers' hours valued in kind (hours × their
  valuation rate) — shown apart, never added to the money.
- **Strategic alliances**: the agreements running in the year and the funders who brought
  something that year. (Partnerships will join them once the partnerships module exists.)

The "barycentre" of a year is where its money sits on the two axes: the share brought by each
kind of contributor and the share with or without a counterpart, drawn as a 2 × 4 matrix.
Shares are whole percents split by the largest remainder, so each set adds up to 100.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Min, Sum
from django.utils import timezone

from maillage.core.money import allocate, round_euro, round_hours

from ..allocation import project_costs
from ..models import FunderSource, FundingAgreement, Project, Resource, ResourceKind, TimeEntry
from ..models.funding import RESOURCE_KIND_OF
from .agreements import GRANTED

ZERO = Decimal("0.00")
#: At most this many years are shown at once (the latest ones by default).
MAX_YEARS = 10

#: The kinds paid in return for a service (the typology's "with a counterpart" column).
WITH_COUNTERPART = frozenset(
    kind.value for (_source, paid), kind in RESOURCE_KIND_OF.items() if paid
)
#: Columns of the barycentre matrix, in the typology's order.
SOURCES = list(FunderSource)
#: Rows of the barycentre matrix.
COUNTERPARTS = (True, False)
#: Share thresholds (whole percents) of the heat levels 1 to 5; 0 is "nothing".
HEAT_STEPS = (10, 25, 50, 75)


def split_by_year(amount: Decimal, start: datetime.date, end: datetime.date) -> dict[int, Decimal]:
    """`amount` split between the years of [start, end] in proportion to their days there.

    The parts are in cents and add up to `amount` exactly (largest remainder)."""
    years = list(range(start.year, end.year + 1))
    days = [
        (min(end, datetime.date(year, 12, 31)) - max(start, datetime.date(year, 1, 1))).days + 1
        for year in years
    ]
    return dict(zip(years, allocate(amount, days), strict=True))


def whole_percents(amounts: list[Decimal]) -> list[int]:
    """The amounts' shares in whole percents adding up to 100 (all 0 when the total is 0)."""
    positive = [max(amount, ZERO) for amount in amounts]
    if not any(positive):
        return [0] * len(amounts)
    return [int(part * 100) for part in allocate(Decimal(1), positive)]


def heat(share: int, amount: Decimal) -> int:
    if not amount:
        return 0
    return 1 + sum(share > step for step in HEAT_STEPS)


@dataclass
class MixRow:
    kind: str
    label: str
    with_counterpart: bool
    amounts: list[Decimal]
    total: Decimal


@dataclass
class Cell:
    amount: Decimal
    share: int
    heat: int


@dataclass
class MatrixRow:
    with_counterpart: bool
    cells: list[Cell]
    total: Decimal
    share: int


@dataclass
class Matrix:
    """The year's money on the two axes: rows with/without a counterpart, columns by source."""

    label: str
    rows: list[MatrixRow]
    column_totals: list[Cell]
    total: Decimal

    @property
    def by_source(self) -> list[tuple[FunderSource, list[Cell], Cell]]:
        """The matrix turned to read like the typology: one row per source, with its cells
        with and without a counterpart, and its total."""
        return [
            (source, [row.cells[index] for row in self.rows], self.column_totals[index])
            for index, source in enumerate(SOURCES)
        ]

    @property
    def leading_source(self) -> tuple[FunderSource, int] | None:
        if not self.total:
            return None
        index = max(range(len(SOURCES)), key=lambda i: self.column_totals[i].amount)
        return SOURCES[index], self.column_totals[index].share

    @property
    def counterpart_share(self) -> int:
        """The share paid in return for a service (the rest is without a counterpart)."""
        return self.rows[0].share


@dataclass
class Levers:
    year: int
    staff_hours: Decimal = ZERO
    staff_cost: Decimal = ZERO
    uncosted_hours: Decimal = ZERO
    volunteer_hours: Decimal = ZERO
    volunteer_value: Decimal = ZERO
    financial: Decimal = ZERO
    public: Decimal = ZERO
    private: Decimal = ZERO
    public_share: int = 0
    private_share: int = 0
    agreements: int = 0
    funders: int = 0


@dataclass
class SocioEconomicModel:
    years: list[int]
    available_years: list[int]
    mix: list[MixRow]
    totals: list[Decimal]
    levers: list[Levers]
    matrices: list[Matrix]  # the period's, then one per year
    has_time: bool = False
    uncosted: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.available_years)

    @property
    def total(self) -> Decimal:
        return sum(self.totals, ZERO)


def _matrix(label: str, amounts: dict[tuple[bool, str], Decimal]) -> Matrix:
    cells = [[amounts.get((paid, source), ZERO) for source in SOURCES] for paid in COUNTERPARTS]
    flat = [amount for row in cells for amount in row]
    shares = whole_percents(flat)
    row_totals = [sum(row, ZERO) for row in cells]
    row_shares = whole_percents(row_totals)
    column_totals = [sum(column, ZERO) for column in zip(*cells, strict=True)]
    column_shares = whole_percents(column_totals)
    rows = []
    for index, paid in enumerate(COUNTERPARTS):
        row_cells = []
        for column, amount in enumerate(cells[index]):
            share = shares[index * len(SOURCES) + column]
            row_cells.append(Cell(amount, share, heat(share, amount)))
        rows.append(MatrixRow(paid, row_cells, row_totals[index], row_shares[index]))
    return Matrix(
        label=label,
        rows=rows,
        column_totals=[
            Cell(amount, share, heat(share, amount))
            for amount, share in zip(column_totals, column_shares, strict=True)
        ],
        total=sum(row_totals, ZERO),
    )


def _default_years(available: list[int], today: datetime.date) -> tuple[int, int]:
    last = max(min(available[-1], today.year + 1), available[0])
    return max(available[0], last - MAX_YEARS + 1), last


def year_range(
    available: list[int], start: int | None, end: int | None, today: datetime.date
) -> list[int]:
    """The years to show: those asked for (at most MAX_YEARS, latest kept), else the default
    (the latest MAX_YEARS years with data, up to next year)."""
    if not available:
        return []
    default_start, default_end = _default_years(available, today)
    start = start if start is not None else default_start
    end = end if end is not None else default_end
    if end < start:
        start, end = end, start
    start = max(start, end - MAX_YEARS + 1)
    return list(range(start, end + 1))


def socio_economic_model(
    workspace,
    *,
    start: int | None = None,
    end: int | None = None,
    today: datetime.date | None = None,
) -> SocioEconomicModel:
    today = today or timezone.localdate()
    # Money by (year, kind, source), and who brought it (for the alliances).
    money: dict[tuple[int, str, str], Decimal] = defaultdict(lambda: ZERO)
    funders_by_year: dict[int, set[int]] = defaultdict(set)
    agreements_by_year: dict[int, int] = defaultdict(int)
    agreements = FundingAgreement.objects.filter(workspace=workspace, status__in=GRANTED).values(
        "kind", "funder_id", "funder__source", "amount_granted", "start_date", "end_date"
    )
    for row in agreements.order_by():
        for year, part in split_by_year(
            row["amount_granted"], row["start_date"], row["end_date"]
        ).items():
            money[(year, row["kind"], row["funder__source"])] += part
            funders_by_year[year].add(row["funder_id"])
            agreements_by_year[year] += 1
    resources = (
        Resource.objects.filter(workspace=workspace)
        .values("year", "kind", "funder_id", "funder__source")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    for row in resources:
        money[(row["year"], row["kind"], row["funder__source"])] += row["amount"]
        funders_by_year[row["year"]].add(row["funder_id"])
    time_span = TimeEntry.objects.filter(workspace=workspace).aggregate(
        first=Min("date"), last=Max("date")
    )
    available = {year for year, _kind, _source in money}
    if time_span["first"] is not None:
        available.update(range(time_span["first"].year, time_span["last"].year + 1))
    available_years = sorted(available)
    years = year_range(available_years, start, end, today)
    levers = {year: Levers(year) for year in years}
    has_time = uncosted = False
    if years and time_span["first"] is not None:
        has_time, uncosted = _human_wealth(workspace, years, levers)
    mix = []
    for kind in ResourceKind:
        amounts = [
            sum((money.get((year, kind.value, source.value), ZERO) for source in SOURCES), ZERO)
            for year in years
        ]
        mix.append(
            MixRow(
                kind.value, str(kind.label), kind in WITH_COUNTERPART, amounts, sum(amounts, ZERO)
            )
        )
    totals = [sum((row.amounts[i] for row in mix), ZERO) for i in range(len(years))]
    period: dict[tuple[bool, str], Decimal] = defaultdict(lambda: ZERO)
    year_matrices = []
    for index, year in enumerate(years):
        cells: dict[tuple[bool, str], Decimal] = defaultdict(lambda: ZERO)
        for (money_year, kind, source), amount in money.items():
            if money_year == year:
                cells[(kind in WITH_COUNTERPART, source)] += amount
                period[(kind in WITH_COUNTERPART, source)] += amount
        year_matrices.append(_matrix(str(year), cells))
        lever = levers[year]
        lever.financial = totals[index]
        lever.public = sum(
            (a for (y, _k, s), a in money.items() if y == year and s == FunderSource.PUBLIC), ZERO
        )
        lever.private = lever.financial - lever.public
        lever.public_share, lever.private_share = whole_percents([lever.public, lever.private])
        lever.agreements = agreements_by_year.get(year, 0)
        lever.funders = len(funders_by_year.get(year, ()))
    matrices = []
    if len(years) > 1:
        matrices.append(_matrix(f"{years[0]}–{years[-1]}", period))
    matrices.extend(year_matrices)
    return SocioEconomicModel(
        years=years,
        available_years=available_years,
        mix=mix,
        totals=totals,
        levers=[levers[year] for year in years],
        matrices=matrices,
        has_time=has_time,
        uncosted=uncosted,
    )


def _human_wealth(workspace, years: list[int], levers: dict[int, Levers]) -> tuple[bool, bool]:
    """Staff and volunteer hours and their cost per year, from the engine's time costs.

    Returns whether any time was found, and whether some staff hours have no contract to cost
    them. No agreement is passed to the engine: a year's totals do not depend on them."""
    project_ids = list(Project.objects.filter(workspace=workspace).values_list("pk", flat=True))
    costs = project_costs(
        workspace,
        project_ids,
        start=datetime.date(years[0], 1, 1),
        end=datetime.date(years[-1], 12, 31),
        agreements_by_project={},
    )
    exact: dict[tuple[int, bool], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    found = uncosted = False
    for cost in costs:
        if cost.source != "time":
            continue
        found = True
        figures = exact[(cost.start.year, cost.in_kind)]
        figures[0] += cost.hours
        figures[1] += cost.amount
        if cost.rate is None:
            levers[cost.start.year].uncosted_hours += cost.hours
            uncosted = True
    for (year, in_kind), (hours, amount) in exact.items():
        lever = levers[year]
        if in_kind:
            lever.volunteer_hours, lever.volunteer_value = round_hours(hours), round_euro(amount)
        else:
            lever.staff_hours, lever.staff_cost = round_hours(hours), round_euro(amount)
    return found, uncosted
