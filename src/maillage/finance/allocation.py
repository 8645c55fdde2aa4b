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
   Time is read in groups (person, project, agreement, month: one SQL aggregate), split at the
   days where a contract or one of the project's agreements starts or ends, so that a group
   has one rate and lies wholly inside or outside every agreement's period.
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

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Min, Sum
from django.db.models.functions import TruncMonth

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
)
from .models.accounts import CHARGE_SIDE, PRODUCT_SIDE, STAFF_CATEGORY

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE_DAY = datetime.timedelta(days=1)
VOLUNTEER_USE = "86"
VOLUNTEER_SOURCE = "87"


@dataclass
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
    line_share_total: Decimal = ZERO  # a ledger line's shares across all its allocations

    @property
    def is_product(self) -> bool:
        return self.category in PRODUCT_SIDE

    @property
    def key(self) -> tuple:
        if self.source == "ledger":
            return ("ledger", self.allocation_id)
        return ("time", self.person_id, self.project_id, self.agreement_id, self.start)


@dataclass
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

    @property
    def rate(self) -> Decimal:
        return (self.agreement.indirect_rate or ZERO) / HUNDRED

    def _indirect(self, staff: Decimal, direct: Decimal) -> Decimal:
        base = staff if self.agreement.indirect_base == IndirectBase.STAFF else direct
        return base * self.rate

    @property
    def eligible_direct(self) -> Decimal:
        return sum((c.amount for c in self.eligible_costs), ZERO)

    @property
    def eligible_staff(self) -> Decimal:
        return sum((c.amount for c in self.eligible_costs if c.category == STAFF_CATEGORY), ZERO)

    @property
    def eligible_indirect(self) -> Decimal:
        return self._indirect(self.eligible_staff, self.eligible_direct)

    @property
    def eligible_total(self) -> Decimal:
        return self.eligible_direct + self.eligible_indirect

    @property
    def charged_direct(self) -> Decimal:
        return sum((charge.amount for charge in self.charges), ZERO)

    @property
    def charged_staff(self) -> Decimal:
        return sum((ch.amount for ch in self.charges if ch.cost.category == STAFF_CATEGORY), ZERO)

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
        for cost in self.costs:
            charges = self.charges_by_cost.get(cost.key, ())
            total = sum((charge.share for charge in charges), ZERO)
            if total > HUNDRED:
                yield cost, total


# --- Loading costs -------------------------------------------------------------------------


def _boundaries(start: datetime.date, end: datetime.date | None) -> list[datetime.date]:
    """The days a period changes something: its first day and the day after its last."""
    days = [start]
    if end is not None:
        days.append(end + ONE_DAY)
    return days


def _split(first: datetime.date, last: datetime.date, cuts: Iterable[datetime.date]) -> bool:
    return any(first < cut <= last for cut in cuts)


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
    groups = list(
        entries.values("person_id", "project_id", "agreement_id", month=TruncMonth("date"))
        .annotate(hours=Sum("hours"), first=Min("date"), last=Max("date"))
        .order_by()
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
    project_cuts = {
        pid: [day for a in agreements for day in _boundaries(a.start_date, a.end_date)]
        for pid, agreements in agreements_by_project.items()
    }
    person_cuts = {
        pid: [day for c in person_contracts for day in _boundaries(c.start_date, c.end_date)]
        for pid, person_contracts in contracts.items()
    }

    def rate_on(person: Person, day: datetime.date) -> Decimal | None:
        if person.is_volunteer:
            return person.valuation_rate
        contract = cost_rates.contract_on(contracts.get(person.pk, []), day)
        if contract is None:
            return None
        return round_euro(cost_rates.hourly_cost(contract, settings))

    result = []
    for group in groups:
        person = people[group["person_id"]]
        cuts = project_cuts.get(group["project_id"], []) + person_cuts.get(person.pk, [])
        if _split(group["first"], group["last"], cuts):
            days = (
                entries.filter(
                    person_id=person.pk,
                    project_id=group["project_id"],
                    agreement_id=group["agreement_id"],
                    date__range=(group["first"], group["last"]),
                )
                .values("date")
                .annotate(hours=Sum("hours"))
                .order_by("date")
            )
            pieces = [(row["date"], row["date"], row["hours"]) for row in days]
        else:
            pieces = [(group["first"], group["last"], group["hours"])]
        for first, last, hours in pieces:
            hours = Decimal(hours).quantize(Decimal("0.01"))  # exact: sums of hundredths
            rate = rate_on(person, first)
            result.append(
                Cost(
                    source="time",
                    project_id=group["project_id"],
                    category=VOLUNTEER_USE if person.is_volunteer else STAFF_CATEGORY,
                    start=first,
                    end=last,
                    amount=hours * rate if rate is not None else ZERO,
                    agreement_id=group["agreement_id"],
                    person_id=person.pk,
                    hours=hours,
                    rate=rate,
                    in_kind=person.is_volunteer,
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
    rows = list(
        allocations.values(
            "id",
            "line_id",
            "project_id",
            "agreement_id",
            "share",
            "line__debit",
            "line__credit",
            "line__category",
            "line__entry_date",
        ).order_by("line__entry_date", "line_id", "id")
    )
    line_ids = {row["line_id"] for row in rows}
    totals = dict(
        LedgerAllocation.objects.filter(workspace=workspace, line_id__in=line_ids)
        .values("line_id")
        .annotate(total=Sum("share"))
        .values_list("line_id", "total")
        .order_by()
    )
    result = []
    for row in rows:
        category = row["line__category"]
        if category in PRODUCT_SIDE:
            amount = row["line__credit"] - row["line__debit"]
        elif category in CHARGE_SIDE:
            amount = row["line__debit"] - row["line__credit"]
        else:
            continue
        day = row["line__entry_date"]
        result.append(
            Cost(
                source="ledger",
                project_id=row["project_id"],
                category=category,
                start=day,
                end=day,
                amount=amount * row["share"] / HUNDRED,
                agreement_id=row["agreement_id"],
                line_id=row["line_id"],
                allocation_id=row["id"],
                line_share_total=Decimal(totals.get(row["line_id"], 0)).quantize(Decimal("0.01")),
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


def allocate_projects(
    workspace,
    project_ids: Iterable[int],
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Allocation:
    """Costs of `project_ids` (optionally between two days) and their charges to agreements."""
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
    for cost in costs:
        if cost.is_product:
            continue
        for agreement in by_project.get(cost.project_id, ()):
            if _inside(agreement, cost) and _eligible_category(agreement, cost):
                figures[agreement.pk].eligible_costs.append(cost)
        if cost.in_kind:
            continue
        if cost.agreement_id is not None:
            named = [(cost.agreement_id, HUNDRED)]
        else:
            named = [(key.agreement_id, key.share) for key in keys.get(cost.project_id, ())]
        for agreement_id, share in named:
            agreement = agreements.get(agreement_id)
            if agreement is None:  # a key of an agreement that no longer funds the project
                continue
            charge = Charge(cost, agreement_id, share)
            inside = _inside(agreement, cost)
            eligible = _eligible_category(agreement, cost)
            if inside and eligible:
                figures[agreement_id].charges.append(charge)
                charges_by_cost[cost.key].append(charge)
            elif cost.agreement_id is not None:  # named by hand but not eligible: say why
                reason = "period" if not inside else "category"
                figures[agreement_id].refused.append((charge, reason))
    return Allocation(
        costs=costs,
        agreements=agreements,
        keys=dict(keys),
        figures=figures,
        charges_by_cost=dict(charges_by_cost),
        projects_by_agreement={
            pk: sorted(pid for pid, group in by_project.items() if agreements[pk] in group)
            for pk in agreements
        },
    )


def allocate_agreement(agreement: FundingAgreement) -> AgreementFigures:
    """The figures of one agreement, over its projects and eligible period."""
    project_ids = list(agreement.projects.values_list("pk", flat=True))
    allocation = allocate_projects(
        agreement.workspace, project_ids, start=agreement.start_date, end=agreement.end_date
    )
    return allocation.figures.get(agreement.pk) or AgreementFigures(agreement)


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
