"""The funder report of one agreement, in the structure of the "compte rendu financier" (CERFA
15059): one report model, rendered as HTML, XLSX, DOCX, PDF and JSON by the modules beside it.

The action is the agreement's projects over its eligible period.

- **Charges**, by account class 60–68: planned from the projects' budgets for the years the
  period covers; actual from the engine (ledger shares dated in the period, staff time costed
  at the hourly cost). Then the indirect charges (the agreement's flat rate on the action's
  eligible base), the total, and the use of voluntary contributions in kind (86).
- **Products**: 70; 73; 74 by funder level (EU, State, region…, private funders last) — the
  actual of a funder is what its agreements can claim for the action's costs in the period
  (charged, within the grant and the maximum rate); 75–78 from the ledger; voluntary
  contributions in kind (87), equal to their use.
- Each line carries planned, actual, the ratio, and whether its variance needs an explanation
  (above the workspace's threshold); each cost line drills down to its time groups and ledger
  shares, whose rounded amounts add up to the line exactly (`allocation.split_rounded`).
- The funding plan: for each eligible category, the share charged to this funder, to each other
  agreement, and what is left to the association, adding up to the category's total.
- The qualitative part: the indicators the funder requires, over the period.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.money import round_euro

from .. import checks
from ..allocation import (
    HUNDRED,
    VOLUNTEER_SOURCE,
    VOLUNTEER_USE,
    ZERO,
    AgreementFigures,
    Allocation,
    Cost,
    allocate_projects,
    split_rounded,
)
from ..costs import get_settings
from ..models import (
    BudgetLine,
    CostCategory,
    FunderLevel,
    FunderSource,
    FundingAgreement,
    IndirectBase,
    Instalment,
    LedgerLine,
    Person,
    VarianceExplanation,
)
from ..models.accounts import CHARGE_CATEGORIES, STAFF_CATEGORY

CENT = Decimal("0.01")
INDIRECT = "indirect"
PRIVATE = "private"

#: The subsidy lines (74) of the form, in its order; private funders come last.
SUBSIDY_LINES = [
    (FunderLevel.STATE.value, gettext_lazy("State")),
    (FunderLevel.REGION.value, gettext_lazy("Region(s)")),
    (FunderLevel.DEPARTMENT.value, gettext_lazy("Department(s)")),
    (FunderLevel.MUNICIPAL.value, gettext_lazy("Intermunicipalities (EPCI) and communes")),
    (FunderLevel.SOCIAL_BODIES.value, gettext_lazy("Social bodies")),
    (FunderLevel.EU.value, gettext_lazy("European funds")),
    (FunderLevel.OTHER.value, gettext_lazy("Other public bodies")),
    (PRIVATE, gettext_lazy("Private funders (foundations, companies)")),
]
OTHER_PRODUCTS = ("75", "76", "77", "78")


@dataclass
class Drill:
    """One item behind a report line: a time group or a ledger share."""

    kind: str  # "time" or "ledger"
    date: datetime.date
    end: datetime.date
    label: str
    amount: Decimal  # rounded, so that a line's items add up to it
    hours: Decimal | None = None
    rate: Decimal | None = None
    person_id: int | None = None
    line_id: int | None = None
    piece_ref: str = ""
    account: str = ""
    journal: str = ""
    share: Decimal | None = None


@dataclass
class Line:
    key: str
    label: str
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    level: int = 0  # 1 for the funder lines under 74
    drill: list[Drill] = field(default_factory=list)
    explanation: str = ""
    needs_explanation: bool = False

    @property
    def variance(self) -> Decimal:
        return self.actual - self.planned

    @property
    def ratio(self) -> Decimal | None:
        """Actual ÷ planned as a percentage (one decimal), None without a plan."""
        if not self.planned:
            return None
        return (self.actual / self.planned * HUNDRED).quantize(Decimal("0.1"))


@dataclass
class FundingRow:
    """How one category's eligible costs are funded: this funder, the others, the association."""

    category: str
    label: str
    total: Decimal
    this: Decimal
    others: dict[int, Decimal]
    own: Decimal


@dataclass
class Report:
    agreement: FundingAgreement
    start: datetime.date
    end: datetime.date
    projects: list
    charges: list[Line]
    charges_total: Line
    in_kind_use: Line
    products: list[Line]
    products_total: Line
    in_kind_source: Line
    funding: list[FundingRow]
    other_agreements: list[FundingAgreement]
    figures: AgreementFigures
    received: Decimal
    threshold: Decimal
    indicators: list
    findings: list
    ledger_total: Decimal  # the ledger shares behind the cash charges, for reconciliation
    generated_at: datetime.datetime | None = None

    @property
    def balance(self) -> Decimal:
        return self.products_total.actual - self.charges_total.actual

    @property
    def planned_balance(self) -> Decimal:
        return self.products_total.planned - self.charges_total.planned

    @property
    def lines(self) -> list[Line]:
        """Every line, in the form's order (for exports)."""
        return [
            *self.charges,
            self.charges_total,
            self.in_kind_use,
            *self.products,
            self.products_total,
            self.in_kind_source,
        ]

    @property
    def missing_explanations(self) -> list[Line]:
        return [line for line in self.lines if line.needs_explanation and not line.explanation]

    @property
    def charged(self) -> Decimal:
        return round_euro(self.figures.charged_total)

    @property
    def claimable(self) -> Decimal:
        return round_euro(self.figures.claimable)

    @property
    def eligible(self) -> Decimal:
        return round_euro(self.figures.eligible_total)


def _category_label(code: str) -> str:
    return str(CostCategory(code).label)


def _planned(agreement, project_ids, start, end) -> dict[str, Decimal]:
    """Budget lines of the projects for the years the period touches, by category or funder."""
    rows = (
        BudgetLine.objects.filter(
            workspace=agreement.workspace,
            project_id__in=project_ids,
            year__gte=start.year,
            year__lte=end.year,
        )
        .values("category", "funder__source", "funder__level")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    planned: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        total = Decimal(row["total"]).quantize(CENT)
        planned[row["category"]] += total
        if row["category"] == "74":
            planned[f"74:{_level_key(row['funder__source'], row['funder__level'])}"] += total
    return planned


def _level_key(source: str | None, level: str | None) -> str:
    if source != FunderSource.PUBLIC:
        return PRIVATE
    return level or FunderLevel.OTHER.value


def _drill(costs: list[Cost], people, lines, amounts: list[Decimal]) -> list[Drill]:
    items = []
    for cost, amount in zip(costs, amounts, strict=True):
        if cost.source == "time":
            items.append(
                Drill(
                    "time",
                    cost.start,
                    cost.end,
                    str(people.get(cost.person_id, "")),
                    amount,
                    hours=cost.hours,
                    rate=cost.rate,
                    person_id=cost.person_id,
                )
            )
        else:
            line = lines[cost.line_id]
            items.append(
                Drill(
                    "ledger",
                    cost.start,
                    cost.end,
                    line.label,
                    amount,
                    line_id=line.pk,
                    piece_ref=line.piece_ref,
                    account=line.account_number,
                    journal=line.journal_code,
                    share=(cost.amount / line.amount * HUNDRED).quantize(CENT)
                    if line.amount
                    else None,
                )
            )
    items.sort(key=lambda item: (item.date, item.kind, item.label))
    return items


def _cost_line(key, label, planned, costs, people, lines) -> Line:
    amounts = split_rounded([c.amount for c in costs])
    line = Line(key, label, planned=planned, actual=sum(amounts, ZERO))
    line.drill = _drill(costs, people, lines, amounts)
    return line


def _in_period(cost: Cost, start, end) -> bool:
    return start <= cost.start and cost.end <= end


def build_report(agreement: FundingAgreement) -> Report:
    workspace = agreement.workspace
    start, end = agreement.start_date, agreement.end_date
    projects = list(agreement.projects.order_by("code"))
    project_ids = [p.pk for p in projects]
    allocation: Allocation = allocate_projects(workspace, project_ids, start=start, end=end)
    figures = allocation.figures.get(agreement.pk) or AgreementFigures(agreement)
    costs = [c for c in allocation.costs if _in_period(c, start, end)]
    people = {p.pk: p for p in Person.objects.filter(workspace=workspace)}
    line_ids = {c.line_id for c in costs if c.line_id}
    lines = {line.pk: line for line in LedgerLine.objects.filter(pk__in=line_ids)}
    planned = _planned(agreement, project_ids, start, end)
    settings = get_settings(workspace)
    threshold = settings.variance_threshold_percent
    explanations = dict(
        VarianceExplanation.objects.filter(agreement=agreement).values_list("line", "text")
    )

    by_category: dict[str, list[Cost]] = defaultdict(list)
    for cost in costs:
        by_category[cost.category].append(cost)

    charges = [
        _cost_line(code, _category_label(code), planned[code], by_category[code], people, lines)
        for code in CHARGE_CATEGORIES
    ]
    # Indirect charges: the flat rate on the action's eligible base (planned: on the budget).
    rate = (agreement.indirect_rate or ZERO) / HUNDRED
    if agreement.indirect_base == IndirectBase.STAFF:
        planned_base = planned[STAFF_CATEGORY]
    else:
        planned_base = sum(
            (planned[c] for c in CHARGE_CATEGORIES if c in agreement.eligible_categories), ZERO
        )
    indirect = Line(
        INDIRECT,
        _("Indirect charges allocated to the action (flat rate)"),
        planned=round_euro(planned_base * rate),
        actual=round_euro(figures.eligible_indirect),
    )
    charges.append(indirect)
    charges_total = Line(
        "charges_total",
        _("Total charges"),
        planned=sum((line.planned for line in charges), ZERO),
        actual=sum((line.actual for line in charges), ZERO),
    )
    volunteer_costs = by_category[VOLUNTEER_USE]
    in_kind_use = _cost_line(
        VOLUNTEER_USE,
        _category_label(VOLUNTEER_USE),
        planned[VOLUNTEER_USE],
        volunteer_costs,
        people,
        lines,
    )

    # Products.
    products = []
    for code in ("70", "73"):
        products.append(
            _cost_line(code, _category_label(code), planned[code], by_category[code], people, lines)
        )
    claimable: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for other in allocation.figures.values():
        other_agreement = other.agreement
        if other_agreement.status == FundingAgreement.Status.REFUSED:
            continue
        funder = other_agreement.funder
        claimable[_level_key(funder.source, funder.level)] += round_euro(other.claimable)
    subsidy_lines = [
        Line(
            f"74:{key}",
            str(label),
            planned=planned[f"74:{key}"],
            actual=claimable[key],
            level=1,
        )
        for key, label in SUBSIDY_LINES
    ]
    products.append(
        Line(
            "74",
            _category_label("74"),
            planned=planned["74"],
            actual=sum((line.actual for line in subsidy_lines), ZERO),
        )
    )
    products.extend(subsidy_lines)
    for code in OTHER_PRODUCTS:
        products.append(
            _cost_line(code, _category_label(code), planned[code], by_category[code], people, lines)
        )
    products_total = Line(
        "products_total",
        _("Total products"),
        planned=sum((line.planned for line in products if line.level == 0), ZERO),
        actual=sum((line.actual for line in products if line.level == 0), ZERO),
    )
    source_actual = in_kind_use.actual + sum(
        (round_euro(c.amount) for c in by_category[VOLUNTEER_SOURCE]), ZERO
    )
    in_kind_source = Line(
        VOLUNTEER_SOURCE,
        _category_label(VOLUNTEER_SOURCE),
        planned=planned[VOLUNTEER_SOURCE],
        actual=source_actual,
    )

    for line in [*charges, in_kind_use, *products, in_kind_source]:
        line.explanation = explanations.get(line.key, "")
        line.needs_explanation = _needs_explanation(line, threshold)

    others = [
        other.agreement
        for pk, other in sorted(allocation.figures.items())
        if pk != agreement.pk and other.charges
    ]
    funding = _funding_rows(agreement, figures, allocation, others, costs)
    ledger_total = sum(
        (item.amount for line in charges for item in line.drill if item.kind == "ledger"), ZERO
    )
    received = (
        Instalment.objects.filter(agreement=agreement).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    return Report(
        agreement=agreement,
        start=start,
        end=end,
        projects=projects,
        charges=charges,
        charges_total=charges_total,
        in_kind_use=in_kind_use,
        products=products,
        products_total=products_total,
        in_kind_source=in_kind_source,
        funding=funding,
        other_agreements=others,
        figures=figures,
        received=Decimal(received).quantize(CENT),
        threshold=threshold,
        indicators=_indicators(agreement, project_ids, start, end),
        findings=checks.agreement_findings(agreement, allocation),
        ledger_total=ledger_total,
    )


def _needs_explanation(line: Line, threshold: Decimal) -> bool:
    if line.planned == line.actual:
        return False
    if not line.planned:
        return True
    return abs(line.variance) * HUNDRED > threshold * line.planned


def _funding_rows(agreement, figures, allocation, others, costs) -> list[FundingRow]:
    """Per eligible category: what this funder, each other one and the association pay."""
    rows = []
    eligible = [c for c in CHARGE_CATEGORIES if c in agreement.eligible_categories]
    for code in eligible:
        category_costs = [c for c in figures.eligible_costs if c.category == code]
        if not category_costs:
            continue
        exact_total = sum((c.amount for c in category_costs), ZERO)
        keys = {c.key for c in category_costs}
        parts = []
        for funded in [figures, *(allocation.figures[o.pk] for o in others)]:
            parts.append(
                sum(
                    (ch.amount for ch in funded.charges if ch.cost.key in keys),
                    ZERO,
                )
            )
        own = exact_total - sum(parts, ZERO)
        if own < 0:  # charged beyond 100 %: the checks report it; the plan shows no own share
            own = ZERO
        rounded = split_rounded([*parts, own])
        rows.append(
            FundingRow(
                category=code,
                label=_category_label(code),
                total=sum(rounded, ZERO),
                this=rounded[0],
                others={o.pk: amount for o, amount in zip(others, rounded[1:-1], strict=True)},
                own=rounded[-1],
            )
        )
    return rows


def _indicators(agreement, project_ids, start, end):
    from maillage.impact.selectors import summaries

    indicators = list(agreement.required_indicators.all())
    if not indicators:
        return []
    subject_keys = [("agreement", agreement.pk), *(("project", pk) for pk in project_ids)]
    return summaries(indicators, start, end, subject_keys=subject_keys)
