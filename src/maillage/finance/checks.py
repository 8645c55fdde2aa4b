"""The checks ("Contrôles"): what a funder's controller would find, before they find it.

Each finding names the items concerned and the amount at stake, rounded to the cent:

- **double funding**: a cost charged beyond 100 % across agreements (the project's keys add up
  to more than 100 %, or a cost named for one agreement is also charged by keys), and a ledger
  line whose allocations add up to more than 100 % of it;
- **public funding above the cost**: the public grants of a project (a grant funding several
  projects counts for each in proportion of their eligible costs) above its cost — the actual
  cost once the project has ended, else the larger of its budget and its actual cost;
- **above the maximum rate**: what is charged to an agreement above its maximum co-financing
  rate of the eligible costs;
- **outside the eligible period** (and **not an eligible category**): a cost named for an
  agreement that the agreement cannot fund;
- **hours**: an employee's hours above their contractual hours in an ISO week, or in a month
  (weekly hours × 52 / 12), and hours on days no contract covers;
- **instalments above the grant**.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Min, Q, Sum
from django.db.models.functions import ExtractIsoYear, ExtractMonth, ExtractWeek, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.money import allocate, format_decimal, format_euros, format_hours, round_euro

from . import costs as cost_rates
from .allocation import HUNDRED, ZERO, Allocation, allocate_projects
from .models import (
    BudgetLine,
    Contract,
    FundingAgreement,
    Instalment,
    LedgerAllocation,
    LedgerLine,
    Person,
    Project,
    TimeEntry,
)
from .models.accounts import CHARGE_CATEGORIES

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)


class Kind:
    DOUBLE_FUNDING = "double_funding"
    LINE_OVER_ALLOCATED = "line_over_allocated"
    PUBLIC_ABOVE_COST = "public_above_cost"
    ABOVE_MAX_RATE = "above_max_rate"
    OUTSIDE_PERIOD = "outside_period"
    INELIGIBLE_CATEGORY = "ineligible_category"
    HOURS_WEEK = "hours_week"
    HOURS_MONTH = "hours_month"
    OUTSIDE_CONTRACT = "outside_contract"
    INSTALMENTS_ABOVE_GRANT = "instalments_above_grant"


#: The families shown as sections of the page, in the order of the issue's checks (a)–(e).
FAMILIES = [
    (
        "double_funding",
        gettext_lazy("Double funding"),
        {Kind.DOUBLE_FUNDING, Kind.LINE_OVER_ALLOCATED},
    ),
    (
        "public_funding",
        gettext_lazy("Public funding above the cost or the maximum rate"),
        {Kind.PUBLIC_ABOVE_COST, Kind.ABOVE_MAX_RATE},
    ),
    (
        "eligibility",
        gettext_lazy("Costs an agreement cannot fund"),
        {Kind.OUTSIDE_PERIOD, Kind.INELIGIBLE_CATEGORY},
    ),
    (
        "hours",
        gettext_lazy("Hours above the contract"),
        {Kind.HOURS_WEEK, Kind.HOURS_MONTH, Kind.OUTSIDE_CONTRACT},
    ),
    ("instalments", gettext_lazy("Instalments above the grant"), {Kind.INSTALMENTS_ABOVE_GRANT}),
]


@dataclass
class Item:
    """Something a finding is about, with a link to it when it has a page."""

    label: str
    url: str = ""


@dataclass
class Finding:
    kind: str
    message: str
    amount: Decimal  # at stake, rounded to the cent
    items: list[Item] = field(default_factory=list)
    agreement_ids: set[int] = field(default_factory=set)
    project_ids: set[int] = field(default_factory=set)
    person_id: int | None = None

    def concerns(self, agreement: FundingAgreement) -> bool:
        if agreement.pk in self.agreement_ids:
            return True
        return (
            bool(self.project_ids)
            and not self.agreement_ids
            and bool(self.project_ids & set(agreement.projects.values_list("pk", flat=True)))
        )


def _percent(value: Decimal) -> str:
    return format_decimal(value, 0 if value == value.to_integral_value() else 2)


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


class _Links:
    def __init__(self, workspace):
        self.slug = workspace.slug

    def __call__(self, name: str, pk: int) -> str:
        try:  # TEMPORARY until the pages land
            return reverse(name, kwargs={"workspace_slug": self.slug, "pk": pk})
        except Exception:
            return ""


def _agreement_item(agreement, link) -> Item:
    return Item(
        f"{agreement.reference} – {agreement.funder.name}", link("finance:agreement", agreement.pk)
    )


def _project_item(project, link) -> Item:
    return Item(str(project), link("finance:project", project.pk))


# --- (a) double funding --------------------------------------------------------------------


def _double_funding(allocation: Allocation, projects, people, link) -> list[Finding]:
    findings = []
    grouped: dict[tuple, list] = defaultdict(list)
    for cost, share in allocation.over_charged():
        charges = allocation.charges_by_cost[cost.key]
        agreement_ids = tuple(sorted({charge.agreement_id for charge in charges}))
        grouped[(cost.project_id, agreement_ids, share)].append(cost)
    for (project_id, agreement_ids, share), costs in grouped.items():
        excess = sum((cost.amount for cost in costs), ZERO) * (share - HUNDRED) / HUNDRED
        project = projects[project_id]
        agreements = [allocation.agreements[pk] for pk in agreement_ids]
        hours = sum((cost.hours for cost in costs if cost.source == "time"), ZERO)
        lines = sum(1 for cost in costs if cost.source == "ledger")
        findings.append(
            Finding(
                Kind.DOUBLE_FUNDING,
                _(
                    "%(project)s: costs charged at %(share)s %% across %(agreements)s "
                    "(%(hours)s of time, %(lines)s ledger line(s)); the part beyond 100 %% is "
                    "funded twice."
                )
                % {
                    "project": project,
                    "share": _percent(share),
                    "agreements": ", ".join(a.reference for a in agreements),
                    "hours": format_hours(hours),
                    "lines": lines,
                },
                round_euro(excess),
                items=[_project_item(project, link)]
                + [_agreement_item(a, link) for a in agreements]
                + [
                    Item(
                        _("%(person)s, %(start)s to %(end)s: %(hours)s")
                        % {
                            "person": people[c.person_id],
                            "start": _day(c.start),
                            "end": _day(c.end),
                            "hours": format_hours(c.hours),
                        },
                        link("finance:person", c.person_id),
                    )
                    if c.source == "time"
                    else Item(
                        _("Ledger line #%(id)s") % {"id": c.line_id},
                        link("finance:ledger_line", c.line_id),
                    )
                    for c in costs[:20]
                ],
                agreement_ids=set(agreement_ids),
                project_ids={project_id},
            )
        )
    return findings


def _lines_over_allocated(workspace, link) -> list[Finding]:
    over = (
        LedgerAllocation.objects.filter(workspace=workspace)
        .values("line_id")
        .annotate(total=Sum("share"))
        .filter(total__gt=100)
        .order_by()
    )
    totals = {row["line_id"]: Decimal(row["total"]).quantize(Decimal("0.01")) for row in over}
    if not totals:
        return []
    lines = LedgerLine.objects.filter(workspace=workspace, pk__in=totals).prefetch_related(
        "allocations__project", "allocations__agreement"
    )
    findings = []
    for line in lines:
        share = totals[line.pk]
        allocations = list(line.allocations.all())
        findings.append(
            Finding(
                Kind.LINE_OVER_ALLOCATED,
                _(
                    "Ledger line %(piece)s “%(label)s” (%(amount)s) is allocated at %(share)s %%: "
                    "%(targets)s."
                )
                % {
                    "piece": line.piece_ref or line.entry_number,
                    "label": line.label,
                    "amount": format_euros(line.amount),
                    "share": _percent(share),
                    "targets": "; ".join(
                        f"{a.project.code}"
                        + (f" / {a.agreement.reference}" if a.agreement_id else "")
                        + f" {_percent(a.share)} %"
                        for a in allocations
                    ),
                },
                round_euro(line.amount * (share - HUNDRED) / HUNDRED),
                items=[Item(str(line), link("finance:ledger_line", line.pk))],
                agreement_ids={a.agreement_id for a in allocations if a.agreement_id},
                project_ids={a.project_id for a in allocations},
            )
        )
    return findings


# --- (b) public funding above the cost, above the maximum rate ------------------------------


def _planned_charges(workspace) -> dict[int, Decimal]:
    rows = (
        BudgetLine.objects.filter(workspace=workspace, category__in=CHARGE_CATEGORIES)
        .values("project_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["project_id"]: Decimal(row["total"]).quantize(Decimal("0.01")) for row in rows}


def _public_above_cost(allocation: Allocation, projects, workspace, link) -> list[Finding]:
    today = timezone.localdate()
    actual: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for cost in allocation.costs:
        if not cost.in_kind and not cost.is_product:
            actual[cost.project_id] += cost.amount
    planned = _planned_charges(workspace)
    public: dict[int, Decimal] = defaultdict(lambda: ZERO)
    contributors: dict[int, list] = defaultdict(list)
    for figures in allocation.figures.values():
        agreement = figures.agreement
        if not agreement.funder.is_public or agreement.status == FundingAgreement.Status.REFUSED:
            continue
        project_ids = allocation.projects_by_agreement[agreement.pk]
        if len(project_ids) == 1:
            parts = [agreement.amount_granted]
        else:
            weights = [
                sum((c.amount for c in figures.eligible_costs if c.project_id == pid), ZERO)
                for pid in project_ids
            ]
            if sum(weights) <= 0:
                weights = [Decimal(1)] * len(project_ids)
            parts = allocate(agreement.amount_granted, [max(w, ZERO) for w in weights])
        for project_id, part in zip(project_ids, parts, strict=True):
            public[project_id] += part
            contributors[project_id].append(agreement)
    findings = []
    for project_id, granted in public.items():
        project = projects.get(project_id)
        if project is None:
            continue
        spent = round_euro(actual[project_id])
        base = spent if project.end_date < today else max(spent, planned.get(project_id, ZERO))
        if granted > base:
            findings.append(
                Finding(
                    Kind.PUBLIC_ABOVE_COST,
                    _(
                        "%(project)s: public grants of %(granted)s for a cost of %(base)s "
                        "(%(which)s)."
                    )
                    % {
                        "project": project,
                        "granted": format_euros(granted),
                        "base": format_euros(base),
                        "which": _("actual cost")
                        if project.end_date < today or spent >= planned.get(project_id, ZERO)
                        else _("budgeted cost"),
                    },
                    granted - base,
                    items=[_project_item(project, link)]
                    + [_agreement_item(a, link) for a in contributors[project_id]],
                    agreement_ids={a.pk for a in contributors[project_id]},
                    project_ids={project_id},
                )
            )
    return findings


def _above_max_rate(allocation: Allocation, link) -> list[Finding]:
    findings = []
    for figures in allocation.figures.values():
        agreement = figures.agreement
        limit = figures.max_fundable
        if limit is None:
            continue
        charged = round_euro(figures.charged_total)
        limit = round_euro(limit)
        if charged > limit:
            findings.append(
                Finding(
                    Kind.ABOVE_MAX_RATE,
                    _(
                        "%(agreement)s: %(charged)s charged for %(eligible)s of eligible costs, "
                        "above its maximum rate of %(rate)s %% (%(limit)s)."
                    )
                    % {
                        "agreement": agreement.reference,
                        "charged": format_euros(charged),
                        "eligible": format_euros(round_euro(figures.eligible_total)),
                        "rate": _percent(agreement.max_rate),
                        "limit": format_euros(limit),
                    },
                    charged - limit,
                    items=[_agreement_item(agreement, link)],
                    agreement_ids={agreement.pk},
                )
            )
    return findings


# --- (c) costs an agreement cannot fund ----------------------------------------------------


def _refused(allocation: Allocation, projects, people, link) -> list[Finding]:
    findings = []
    for figures in allocation.figures.values():
        agreement = figures.agreement
        by_reason: dict[str, list] = defaultdict(list)
        for charge, reason in figures.refused:
            by_reason[reason].append(charge.cost)
        for reason, costs in by_reason.items():
            amount = round_euro(sum((c.amount for c in costs), ZERO))
            if reason == "period":
                kind = Kind.OUTSIDE_PERIOD
                message = _(
                    "%(agreement)s (eligible %(start)s to %(end)s): %(count)s cost(s) charged "
                    "to it fall outside its period."
                )
            else:
                kind = Kind.INELIGIBLE_CATEGORY
                message = _(
                    "%(agreement)s: %(count)s cost(s) charged to it are in categories it does "
                    "not fund (eligible: %(categories)s)."
                )
            items = []
            for cost in costs[:20]:
                if cost.source == "time":
                    items.append(
                        Item(
                            _("%(person)s, %(start)s to %(end)s: %(hours)s")
                            % {
                                "person": people[cost.person_id],
                                "start": _day(cost.start),
                                "end": _day(cost.end),
                                "hours": format_hours(cost.hours),
                            },
                            link("finance:person", cost.person_id),
                        )
                    )
                else:
                    items.append(
                        Item(
                            _("Ledger line #%(id)s of %(date)s")
                            % {"id": cost.line_id, "date": _day(cost.start)},
                            link("finance:ledger_line", cost.line_id),
                        )
                    )
            findings.append(
                Finding(
                    kind,
                    message
                    % {
                        "agreement": agreement.reference,
                        "start": _day(agreement.start_date),
                        "end": _day(agreement.end_date),
                        "count": len(costs),
                        "categories": ", ".join(agreement.eligible_categories) or "—",
                    },
                    amount,
                    items=[_agreement_item(agreement, link), *items],
                    agreement_ids={agreement.pk},
                    project_ids={c.project_id for c in costs},
                )
            )
    return findings


# --- (d) hours -----------------------------------------------------------------------------


def _hours(workspace, link) -> list[Finding]:
    settings = cost_rates.get_settings(workspace)
    employees = {
        p.pk: p for p in Person.objects.filter(workspace=workspace, kind=Person.Kind.EMPLOYEE)
    }
    contracts: dict[int, list[Contract]] = defaultdict(list)
    for contract in Contract.objects.filter(workspace=workspace).order_by("start_date"):
        contracts[contract.person_id].append(contract)
    entries = TimeEntry.objects.filter(workspace=workspace, person__kind=Person.Kind.EMPLOYEE)
    findings = []

    def excess_finding(kind, person, contract, hours, limit, label, first):
        rate = round_euro(cost_rates.hourly_cost(contract, settings))
        excess = hours - limit
        return Finding(
            kind,
            _("%(person)s: %(hours)s in %(period)s for %(limit)s under contract (%(excess)s over).")
            % {
                "person": person,
                "hours": format_hours(hours),
                "period": label,
                "limit": format_hours(limit),
                "excess": format_hours(excess),
            },
            round_euro(excess * rate),
            items=[Item(str(person), link("finance:person", person.pk))],
            person_id=person.pk,
        )

    weeks = (
        entries.values("person_id", year=ExtractIsoYear("date"), week=ExtractWeek("date"))
        .annotate(hours=Sum("hours"), first=Min("date"))
        .order_by("person_id", "year", "week")
    )
    for row in weeks:
        person = employees[row["person_id"]]
        contract = cost_rates.contract_on(contracts[person.pk], row["first"])
        hours = Decimal(row["hours"]).quantize(Decimal("0.01"))
        if contract is not None and hours > contract.weekly_hours:
            label = _("week %(week)s of %(year)s") % {"week": row["week"], "year": row["year"]}
            findings.append(
                excess_finding(
                    Kind.HOURS_WEEK,
                    person,
                    contract,
                    hours,
                    contract.weekly_hours,
                    label,
                    row["first"],
                )
            )
    months = (
        entries.values("person_id", year=ExtractYear("date"), month=ExtractMonth("date"))
        .annotate(hours=Sum("hours"), first=Min("date"))
        .order_by("person_id", "year", "month")
    )
    for row in months:
        person = employees[row["person_id"]]
        contract = cost_rates.contract_on(contracts[person.pk], row["first"])
        hours = Decimal(row["hours"]).quantize(Decimal("0.01"))
        if contract is None:
            continue
        limit = (contract.weekly_hours * WEEKS_PER_MONTH).quantize(Decimal("0.01"))
        if hours > limit:
            label = datetime.date(row["year"], row["month"], 1).strftime("%m/%Y")
            findings.append(
                excess_finding(
                    Kind.HOURS_MONTH, person, contract, hours, limit, label, row["first"]
                )
            )
    # Days no contract covers: one query, each employee's contracts excluded.
    outside = Q()
    for person_id in employees:
        covered = Q()
        for contract in contracts.get(person_id, []):
            span = Q(date__gte=contract.start_date)
            if contract.end_date:
                span &= Q(date__lte=contract.end_date)
            covered |= span
        outside |= Q(person_id=person_id) & ~covered if covered else Q(person_id=person_id)
    if employees:
        rows = (
            entries.filter(outside)
            .values("person_id")
            .annotate(hours=Sum("hours"), first=Min("date"), last=Max("date"))
            .order_by("person_id")
        )
        for row in rows:
            person = employees[row["person_id"]]
            findings.append(
                Finding(
                    Kind.OUTSIDE_CONTRACT,
                    _(
                        "%(person)s: %(hours)s recorded between %(first)s and %(last)s on days "
                        "no contract covers; they cannot be costed."
                    )
                    % {
                        "person": person,
                        "hours": format_hours(Decimal(row["hours"]).quantize(Decimal("0.01"))),
                        "first": _day(row["first"]),
                        "last": _day(row["last"]),
                    },
                    ZERO.quantize(Decimal("0.01")),
                    items=[Item(str(person), link("finance:person", person.pk))],
                    person_id=person.pk,
                )
            )
    return findings


# --- (e) instalments -----------------------------------------------------------------------


def _instalments(workspace, link) -> list[Finding]:
    rows = (
        Instalment.objects.filter(workspace=workspace)
        .values("agreement_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    totals = {row["agreement_id"]: Decimal(row["total"]).quantize(Decimal("0.01")) for row in rows}
    findings = []
    for agreement in FundingAgreement.objects.filter(
        workspace=workspace, pk__in=totals
    ).select_related("funder"):
        received = totals[agreement.pk]
        if received > agreement.amount_granted:
            findings.append(
                Finding(
                    Kind.INSTALMENTS_ABOVE_GRANT,
                    _("%(agreement)s: %(received)s received for %(granted)s granted.")
                    % {
                        "agreement": agreement.reference,
                        "received": format_euros(received),
                        "granted": format_euros(agreement.amount_granted),
                    },
                    received - agreement.amount_granted,
                    items=[_agreement_item(agreement, link)],
                    agreement_ids={agreement.pk},
                )
            )
    return findings


# --- Entry points --------------------------------------------------------------------------


def run_checks(workspace) -> list[Finding]:
    """Every finding of the workspace, grouped by kind in the order of FAMILIES."""
    link = _Links(workspace)
    projects = {p.pk: p for p in Project.objects.filter(workspace=workspace)}
    people = {p.pk: p for p in Person.objects.filter(workspace=workspace)}
    allocation = allocate_projects(workspace, projects)
    findings = (
        _double_funding(allocation, projects, people, link)
        + _lines_over_allocated(workspace, link)
        + _public_above_cost(allocation, projects, workspace, link)
        + _above_max_rate(allocation, link)
        + _refused(allocation, projects, people, link)
        + _hours(workspace, link)
        + _instalments(workspace, link)
    )
    return findings


def by_family(findings: list[Finding]) -> list[dict]:
    return [
        {
            "key": key,
            "label": label,
            "findings": [f for f in findings if f.kind in kinds],
            "amount": sum((f.amount for f in findings if f.kind in kinds), ZERO),
        }
        for key, label, kinds in FAMILIES
    ]


def agreement_findings(agreement: FundingAgreement, allocation: Allocation) -> list[Finding]:
    """The findings a funder report shows: those its own allocation reveals (no hours)."""
    workspace = agreement.workspace
    link = _Links(workspace)
    projects = {p.pk: p for p in agreement.projects.all()}
    people = {p.pk: p for p in Person.objects.filter(workspace=workspace)}
    found = (
        _double_funding(allocation, projects, people, link)
        + _lines_over_allocated(workspace, link)
        + _above_max_rate(allocation, link)
        + _refused(allocation, projects, people, link)
        + _instalments(workspace, link)
    )
    return [f for f in found if f.concerns(agreement)]


def checks_for_agreement(agreement: FundingAgreement, findings: list[Finding] | None = None):
    """The findings that concern one agreement (its own, and its projects' without agreement)."""
    if findings is None:
        findings = run_checks(agreement.workspace)
    return [f for f in findings if f.concerns(agreement)]
