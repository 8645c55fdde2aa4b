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
  (weekly hours ÷ 5 × the month's weekdays), and hours on days no contract covers;
- **instalments above the grant**.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from maillage.core.money import allocate, format_decimal, format_euros, format_hours, round_euro

from . import costs as cost_rates
from .allocation import (
    HUNDRED,
    ZERO,
    Allocation,
    Days,
    Hundredths,
    allocate_projects,
    raw_rows,
    without_cycle_collection,
)
from .models import (
    AccountMapping,
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
    TimeWeek,
)
from .models.accounts import CHARGE_CATEGORIES

WORKING_DAYS_PER_WEEK = 5


@functools.cache  # asked for every employee's every month
def weekdays_in_month(year: int, month: int) -> int:
    """Mondays to Fridays of a month (public holidays count: work on them is possible)."""
    first = datetime.date(year, month, 1)
    days = (first.replace(month=month % 12 + 1, year=year + month // 12) - first).days
    return sum(1 for offset in range(days) if (first.weekday() + offset) % 7 < 5)


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

    def concerns(self, agreement: FundingAgreement, project_ids: set[int] | None = None) -> bool:
        """Whether the finding is the agreement's: it names it, or names none but one of its
        projects (`project_ids`: the agreement's projects, read here when not given)."""
        if agreement.pk in self.agreement_ids:
            return True
        if not self.project_ids or self.agreement_ids:
            return False
        if project_ids is None:
            project_ids = set(agreement.projects.values_list("pk", flat=True))
        return bool(self.project_ids & project_ids)


def _percent(value: Decimal) -> str:
    return format_decimal(value, 0 if value == value.to_integral_value() else 2)


#: While checks run, each value's text once (formatting reads the language's formats each
#: time; thousands of findings repeat the same hours and days). Per run: one language.
_texts: ContextVar[dict | None] = ContextVar("finance_check_texts", default=None)


def _text(function, value) -> str:
    memo = _texts.get()
    if memo is None:
        return function(value)
    key = (function, value)
    text = memo.get(key)
    if text is None:
        text = memo[key] = function(value)
    return text


def _short_date(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _day(value: datetime.date) -> str:
    return _text(_short_date, value)


def _hours_text(value) -> str:
    return _text(format_hours, value)


def _euros(value) -> str:
    return _text(format_euros, value)


class _Links:
    def __init__(self, workspace):
        self.slug = workspace.slug
        self.found: dict[tuple[str, int], str] = {}

    def __call__(self, name: str, pk: int) -> str:
        url = self.found.get((name, pk))
        if url is None:
            url = reverse(name, kwargs={"workspace_slug": self.slug, "pk": pk})
            self.found[(name, pk)] = url
        return url


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
                ngettext(
                    "%(project)s: costs charged at %(share)s %% across %(agreements)s "
                    "(%(hours)s of time, %(lines)s ledger line); the part beyond 100 %% is "
                    "funded twice.",
                    "%(project)s: costs charged at %(share)s %% across %(agreements)s "
                    "(%(hours)s of time, %(lines)s ledger lines); the part beyond 100 %% is "
                    "funded twice.",
                    lines,
                )
                % {
                    "project": project,
                    "share": _percent(share),
                    "agreements": ", ".join(a.reference for a in agreements),
                    "hours": _hours_text(hours),
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
                            "hours": _hours_text(c.hours),
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


def _lines_over_allocated(workspace, link, among=None) -> list[Finding]:
    """Lines allocated beyond 100 %; with `among` (an agreement's id and its projects' ids), only
    the lines with an allocation to one of those projects or naming the agreement: the only
    ones whose finding can concern it."""
    allocations = LedgerAllocation.objects.filter(workspace=workspace)
    if among is not None:
        agreement_id, project_ids = among
        concerned = LedgerAllocation.objects.filter(
            Q(agreement_id=agreement_id) | Q(project_id__in=project_ids), workspace=workspace
        )
        allocations = allocations.filter(
            line_id__in=Subquery(concerned.values("line_id").order_by())
        )
    over = (
        allocations.values("line_id").annotate(total=Sum("share")).filter(total__gt=100).order_by()
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
                    "amount": _euros(line.amount),
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
            eligible: dict[int, Decimal] = {}
            for cost in figures.eligible_costs:  # each project's, in the order of the list
                eligible[cost.project_id] = eligible.get(cost.project_id, ZERO) + cost.amount
            weights = [eligible.get(pid, ZERO) for pid in project_ids]
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
                        "granted": _euros(granted),
                        "base": _euros(base),
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
                        "charged": _euros(charged),
                        "eligible": _euros(round_euro(figures.eligible_total)),
                        "rate": _percent(agreement.max_rate),
                        "limit": _euros(limit),
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
                message = ngettext(
                    "%(agreement)s (eligible %(start)s to %(end)s): %(count)s cost charged "
                    "to it falls outside its period.",
                    "%(agreement)s (eligible %(start)s to %(end)s): %(count)s costs charged "
                    "to it fall outside its period.",
                    len(costs),
                )
            else:
                kind = Kind.INELIGIBLE_CATEGORY
                message = ngettext(
                    "%(agreement)s: %(count)s cost charged to it is in a category it does "
                    "not fund (eligible: %(categories)s).",
                    "%(agreement)s: %(count)s costs charged to it are in categories it does "
                    "not fund (eligible: %(categories)s).",
                    len(costs),
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
                                "hours": _hours_text(cost.hours),
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


def _days_outside_contracts(entries, spans, contracts) -> dict[int, list]:
    """Per employee, [hours, first day, last day] of the days of `spans` (person, first, last)
    that none of their contracts covers, read day by day (a few spans: those that a contract
    does not cover from end to end)."""
    outside: dict[int, list] = {}
    for index in range(0, len(spans), 200):
        condition = Q()
        for person_id, first, last in spans[index : index + 200]:
            condition |= Q(person_id=person_id, date__range=(first, last))
        days = (
            entries.filter(condition)
            .values("person_id", "date")
            .annotate(hours=Sum("hours"))
            .order_by("person_id", "date")
        )
        for row in days:
            person_id, day = row["person_id"], row["date"]
            if cost_rates.contract_on(contracts.get(person_id, []), day) is not None:
                continue
            found = outside.get(person_id)
            if found is None:
                outside[person_id] = [row["hours"], day, day]
            else:
                found[0] += row["hours"]
                found[1] = min(found[1], day)
                found[2] = max(found[2], day)
    return dict(sorted(outside.items()))


def _hours(workspace, link) -> list[Finding]:
    settings = cost_rates.get_settings(workspace)
    employees = {
        p.pk: p for p in Person.objects.filter(workspace=workspace, kind=Person.Kind.EMPLOYEE)
    }
    contracts: dict[int, list[Contract]] = defaultdict(list)
    for contract in Contract.objects.filter(workspace=workspace).order_by("start_date"):
        contracts[contract.person_id].append(contract)
    # The employees' ids rather than a join on their kind: SQLite then reads the index by person.
    entries = TimeEntry.objects.filter(workspace=workspace, person_id__in=list(employees))
    findings = []

    message = _(
        "%(person)s: %(hours)s in %(period)s for %(limit)s under contract (%(excess)s over)."
    )
    week_label = _("week %(week)s of %(year)s")

    def excess_finding(kind, person, contract, hours, limit, label, first):
        rate = cost_rates.hourly_cost(contract, settings)
        excess = hours - limit
        return Finding(
            kind,
            message
            % {
                "person": person,
                "hours": _hours_text(hours),
                "period": label,
                "limit": _hours_text(limit),
                "excess": _hours_text(excess),
            },
            round_euro(excess * rate),
            items=[Item(str(person), link("finance:person", person.pk))],
            person_id=person.pk,
        )

    # Each employee's hours by week and month (a week across two months is two chunks), from
    # the summary the database keeps (`TimeWeek`). Weeks and months add their chunks up, in
    # the order of the days, so in the order of (person, year, week) and (person, year, month).
    # Hours in hundredths, rows without Django's converters (see allocation.raw_rows).
    names = ("person_id", "hundredths", "first", "last")
    rows = TimeWeek.objects.filter(workspace=workspace, person_id__in=list(employees))
    days = Days()
    chunks = sorted(
        (
            (person_id, days[first], days[last], hours)
            for person_id, hours, first, last in raw_rows(
                rows.values_list(*names).order_by(), names
            )
        ),
        key=lambda chunk: (chunk[0], chunk[1]),
    )
    # Each week and month keeps the contract of its first day, found for its first chunk.
    weeks: dict[tuple, list] = {}
    months: dict[tuple, list] = {}
    uncovered = []
    for person_id, first, last, hours in chunks:
        contract = cost_rates.contract_on(contracts.get(person_id, []), first)
        key = (person_id, *first.isocalendar()[:2])
        found = weeks.get(key)
        if found is None:
            weeks[key] = [hours, first, contract]
        else:
            found[0] += hours
        key = (person_id, first.year, first.month)
        found = months.get(key)
        if found is None:
            months[key] = [hours, first, contract]
        else:
            found[0] += hours
        if contract is None or not contract.covers(last):
            uncovered.append((person_id, first, last))  # some of its days may lie outside
    outside = _days_outside_contracts(entries, uncovered, contracts)
    as_hours = Hundredths()
    for (person_id, year, week), (total, first, contract) in weeks.items():
        if contract is None:
            continue
        hours = as_hours[total]
        if hours > contract.weekly_hours:
            label = week_label % {"week": week, "year": year}
            findings.append(
                excess_finding(
                    Kind.HOURS_WEEK,
                    employees[person_id],
                    contract,
                    hours,
                    contract.weekly_hours,
                    label,
                    first,
                )
            )
    for (person_id, year, month), (total, first, contract) in months.items():
        person = employees[person_id]
        hours = as_hours[total]
        if contract is None:
            continue
        limit = (
            contract.weekly_hours * weekdays_in_month(year, month) / WORKING_DAYS_PER_WEEK
        ).quantize(Decimal("0.01"))
        if hours > limit:
            label = datetime.date(year, month, 1).strftime("%m/%Y")
            findings.append(
                excess_finding(Kind.HOURS_MONTH, person, contract, hours, limit, label, first)
            )
    # Days no contract covers.
    for person_id, (total, first, last) in outside.items():
        person = employees[person_id]
        findings.append(
            Finding(
                Kind.OUTSIDE_CONTRACT,
                _(
                    "%(person)s: %(hours)s recorded between %(first)s and %(last)s on days "
                    "no contract covers; they cannot be costed."
                )
                % {
                    "person": person,
                    "hours": _hours_text(Decimal(total).quantize(Decimal("0.01"))),
                    "first": _day(first),
                    "last": _day(last),
                },
                ZERO.quantize(Decimal("0.01")),
                items=[Item(str(person), link("finance:person", person.pk))],
                person_id=person.pk,
            )
        )
    return findings


# --- (e) instalments -----------------------------------------------------------------------


def _instalments(workspace, link, agreement_id: int | None = None) -> list[Finding]:
    """Agreements whose instalments exceed the grant (with `agreement_id`: that one only)."""
    instalments = Instalment.objects.filter(workspace=workspace)
    if agreement_id is not None:
        instalments = instalments.filter(agreement_id=agreement_id)
    rows = instalments.values("agreement_id").annotate(total=Sum("amount")).order_by()
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
                        "received": _euros(received),
                        "granted": _euros(agreement.amount_granted),
                    },
                    received - agreement.amount_granted,
                    items=[_agreement_item(agreement, link)],
                    agreement_ids={agreement.pk},
                )
            )
    return findings


# --- Entry points --------------------------------------------------------------------------


#: A workspace with more time entries and ledger allocations than this takes seconds to check
#: (about 4 s of CPU for a million time entries on SQLite): its findings are kept in the cache,
#: keyed by the version of everything they are computed from (`data_version`), so that the page
#: opens at once while nothing changed. Smaller workspaces are checked every time.
CACHE_ABOVE_ROWS = 100_000
CACHE_SECONDS = 60 * 60
#: Bump when the checks change what they find or how they say it (cached findings then expire).
CHECKS_VERSION = 1


def run_checks(workspace) -> list[Finding]:
    """Every finding of the workspace, grouped by kind in the order of FAMILIES."""
    version = data_version(workspace)
    if version is None:
        return _run_checks(workspace)
    key = f"finance:checks:{workspace.pk}:{version}"
    findings = cache.get(key)
    if findings is None:
        findings = _run_checks(workspace)
        cache.set(key, findings, CACHE_SECONDS)
    return findings


def data_version(workspace) -> str | None:
    """A digest of everything the checks read, or None for a workspace small enough to check
    every time (`CACHE_ABOVE_ROWS`).

    The big tables (time entries, ledger lines and allocations) count by rows, highest id and
    latest `updated_at` (every write of the app sets it, the importers' bulk writes included);
    the small ones by their full content, so that even a bulk `update()` that leaves
    `updated_at` alone shows (a ledger line's category changes only with the account
    mappings, hashed here). Then the day (a project ends), the language (findings are
    sentences) and the workspace's address (links).
    """
    big = [
        model.objects.filter(workspace=workspace).aggregate(
            rows=Count("id"), last=Max("id"), at=Max("updated_at")
        )
        for model in (TimeEntry, LedgerAllocation, LedgerLine)
    ]
    if big[0]["rows"] + big[1]["rows"] < CACHE_ABOVE_ROWS:
        return None
    digest = hashlib.sha256()
    parts = [
        CHECKS_VERSION,
        timezone.localdate(),
        get_language(),
        workspace.slug,
        *((row["rows"], row["last"], row["at"]) for row in big),
    ]
    for part in parts:
        digest.update(repr(part).encode())
    small = [
        Project,
        Person,
        Contract,
        Funder,
        FundingAgreement,
        FundingKey,
        Instalment,
        BudgetLine,
        AccountMapping,
        FinanceSettings,
    ]
    for model in small:
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model.objects.filter(workspace=workspace).order_by("pk").values_list(*names):
            digest.update(repr(row).encode())
    links = FundingAgreement.projects.through.objects.filter(
        fundingagreement__workspace=workspace
    ).order_by("pk")
    for row in links.values_list("pk", "fundingagreement_id", "project_id"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def _run_checks(workspace) -> list[Finding]:
    with without_cycle_collection():
        return _all_findings(workspace)


def _all_findings(workspace) -> list[Finding]:
    link = _Links(workspace)
    projects = {p.pk: p for p in Project.objects.filter(workspace=workspace)}
    people = {p.pk: p for p in Person.objects.filter(workspace=workspace)}
    allocation = allocate_projects(workspace, projects)
    token = _texts.set({})
    try:
        findings = (
            _double_funding(allocation, projects, people, link)
            + _lines_over_allocated(workspace, link)
            + _public_above_cost(allocation, projects, workspace, link)
            + _above_max_rate(allocation, link)
            + _refused(allocation, projects, people, link)
            + _hours(workspace, link)
            + _instalments(workspace, link)
        )
    finally:
        _texts.reset(token)
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
    project_ids = set(projects)
    people = {p.pk: p for p in Person.objects.filter(workspace=workspace)}
    token = _texts.set({})
    try:
        found = (
            _double_funding(allocation, projects, people, link)
            + _lines_over_allocated(workspace, link, among=(agreement.pk, project_ids))
            + _above_max_rate(allocation, link)
            + _refused(allocation, projects, people, link)
            + _instalments(workspace, link, agreement.pk)  # the only ones that concern it
        )
    finally:
        _texts.reset(token)
    return [f for f in found if f.concerns(agreement, project_ids)]


def checks_for_agreement(agreement: FundingAgreement, findings: list[Finding] | None = None):
    """The findings that concern one agreement (its own, and its projects' without agreement)."""
    if findings is None:
        findings = run_checks(agreement.workspace)
    project_ids = set(agreement.projects.values_list("pk", flat=True))
    return [f for f in findings if f.concerns(agreement, project_ids)]
