"""The P&L of one project, planned vs actual, and its funding plan year by year.

One report model, shown as a page and written as XLSX (`views/overviews.py`).

- **Charges** by CERFA line (60–68), then their total, then the use of voluntary contributions
  in kind (86) apart: planned from the project's budget lines, actual from the allocation
  engine (ledger shares allocated to the project, staff time at its hourly cost, volunteer time
  at its valuation rate).
- **Products**: 70 and 73 from the ledger; 74 by funder, and under each funder its agreements —
  the actual of an agreement is the share of its claimable amount that this project's costs of
  the year justify (`shares.agreement_shares`); 75–78 from the ledger; the total; the
  voluntary contributions in kind (87) apart: the ledger's 87 lines and the volunteers' time.
- Amounts are rounded per (year, line), with `split_rounded` over the line's items, so that a
  line's items add up to it, a year's lines to the year's total, and the whole project's
  figures are the sums of its years' (the same figures as the project page's budget grid).
- **Funding plan**, per year and in total: the cash charges, covered by each agreement's
  claimable share, the other products (70, 73, 75–78) and the association's own funds, which
  are what is left (negative: a surplus). The parts add up to the charges to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from maillage.core.charts import Chart, stacked_bar_chart

from ..allocation import VOLUNTEER_SOURCE, VOLUNTEER_USE, ZERO, Cost, allocate_projects
from ..models import BudgetLine, FundingAgreement, LedgerLine, Person, Project
from ..models.accounts import CHARGE_CATEGORIES
from .cerfa import CENT, OTHER_PRODUCTS, Line, _category_label, _cost_line
from .shares import Shares, agreement_shares

#: Products other than subsidies: what covers the costs besides the agreements.
OTHER_CASH_PRODUCTS = ("70", "73", *OTHER_PRODUCTS)
NO_FUNDER = "74:none"
#: Funders' names are cut in the chart's legend, whose four columns must fit its width.
LEGEND_CHARS = 20


@dataclass
class PlanRow:
    """A row of the funding plan: amounts by year (and their total)."""

    key: str  # "costs", "agreement:<pk>", "products", "own"
    label: str
    amounts: dict[int, Decimal]
    charged: dict[int, Decimal] | None = None  # an agreement's charged amounts, for reference
    agreement: FundingAgreement | None = None

    def amount(self, year: int) -> Decimal:
        return self.amounts.get(year, ZERO)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    @property
    def charged_total(self) -> Decimal | None:
        return None if self.charged is None else sum(self.charged.values(), ZERO)

    def cells(self, years: list[int]) -> list[Decimal]:
        return [self.amount(year) for year in years]

    def charged_cells(self, years: list[int]) -> list[Decimal]:
        return [(self.charged or {}).get(year, ZERO) for year in years]

    @property
    def year_cells(self) -> list[tuple[Decimal, Decimal | None]]:
        """(amount, charged or None) for each year, in the plan's order."""
        charged = self.charged
        return [
            (a, None if charged is None else charged.get(y, ZERO)) for y, a in self.amounts.items()
        ]


@dataclass
class FundingPlan:
    years: list[int]
    costs: PlanRow
    agreements: list[PlanRow]
    products: PlanRow
    own: PlanRow

    @property
    def sources(self) -> list[PlanRow]:
        """What covers the costs, in order: the agreements, other products, own funds."""
        return [*self.agreements, self.products, self.own]

    def adds_up(self) -> bool:
        return all(
            sum((row.amount(year) for row in self.sources), ZERO) == self.costs.amount(year)
            for year in self.years
        )


@dataclass
class ProjectReport:
    project: Project
    year: int | None  # None: the whole project
    years: list[int]  # every year the project has a budget or costs in
    charges: list[Line]
    charges_total: Line
    in_kind_use: Line
    products: list[Line]
    products_total: Line
    in_kind_source: Line
    plan: FundingPlan
    agreements: list[FundingAgreement]
    shares: dict[int, Shares] = field(default_factory=dict)

    @property
    def balance(self) -> Decimal:
        return self.products_total.actual - self.charges_total.actual

    @property
    def planned_balance(self) -> Decimal:
        return self.products_total.planned - self.charges_total.planned

    @property
    def lines(self) -> list[Line]:
        """Every line in the table's order (for exports)."""
        return [
            *self.charges,
            self.charges_total,
            *self.products,
            self.products_total,
            self.in_kind_use,
            self.in_kind_source,
        ]

    @property
    def period_label(self) -> str:
        if self.year is not None:
            return str(self.year)
        return _("Whole project (%(first)s–%(last)s)") % {
            "first": self.years[0],
            "last": self.years[-1],
        }

    def chart(self) -> Chart:
        return funding_chart(self)


# --- building ---------------------------------------------------------------------------------


def _planned(project: Project) -> dict[tuple[int, str], Decimal]:
    """Planned amounts by (year, category), and by (year, "74:<funder id>") for subsidies."""
    rows = (
        BudgetLine.objects.filter(project=project)
        .values("year", "category", "funder_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    planned: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        total = Decimal(row["total"]).quantize(CENT)
        planned[(row["year"], row["category"])] += total
        if row["category"] == "74":
            key = f"74:{row['funder_id']}" if row["funder_id"] else NO_FUNDER
            planned[(row["year"], key)] += total
    return planned


def _merge(key: str, label: str, lines: list[Line], level: int = 0) -> Line:
    """One line from the same line of several years: sums, and the items one after another."""
    merged = Line(key, label, level=level)
    for line in lines:
        merged.planned += line.planned
        merged.actual += line.actual
        merged.drill.extend(line.drill)
    return merged


def _funding_projects(project: Project, agreements: list[FundingAgreement]) -> set[int]:
    """The project and every other project its agreements fund (their claimable amounts are
    shared between them)."""
    through = FundingAgreement.projects.through
    others = through.objects.filter(fundingagreement_id__in=[a.pk for a in agreements])
    return {project.pk, *others.values_list("project_id", flat=True)}


def build_project_report(project: Project, year: int | None = None) -> ProjectReport:
    """The P&L of `project` for `year` (None, or a year without budget or costs: the whole
    project) and its funding plan (always every year)."""
    workspace = project.workspace
    agreements = list(
        project.agreements.exclude(status=FundingAgreement.Status.REFUSED)
        .select_related("funder")
        .order_by("funder__name", "reference", "pk")
    )
    allocation = allocate_projects(workspace, _funding_projects(project, agreements))
    costs = [cost for cost in allocation.costs if cost.project_id == project.pk]
    shares = {
        a.pk: agreement_shares(allocation.figures[a.pk])
        for a in agreements
        if a.pk in allocation.figures
    }
    planned = _planned(project)
    years = sorted(set(project.years) | {c.start.year for c in costs} | {y for y, _code in planned})
    if year not in years:  # a year without budget or costs: the whole project
        year = None
    shown = [year] if year is not None else years

    person_ids = {c.person_id for c in costs if c.person_id}
    people = {p.pk: p for p in Person.objects.filter(workspace=workspace, pk__in=person_ids)}
    line_ids = {c.line_id for c in costs if c.line_id}
    ledger = {line.pk: line for line in LedgerLine.objects.filter(pk__in=line_ids)}
    by_key: dict[tuple[int, str], list[Cost]] = defaultdict(list)
    for cost in costs:
        by_key[(cost.start.year, cost.category)].append(cost)
        if cost.category == VOLUNTEER_USE and cost.source == "time":
            # Volunteer time is valued on both sides: its use (86) and its source (87).
            by_key[(cost.start.year, VOLUNTEER_SOURCE)].append(cost)

    def year_line(y: int, code: str) -> Line:
        label = _category_label(code)
        return _cost_line(code, label, planned[(y, code)], by_key[(y, code)], people, ledger)

    # Every (year, category) line of cash and in kind, rounded once.
    yearly = {
        (y, code): year_line(y, code)
        for y in years
        for code in (*CHARGE_CATEGORIES, *OTHER_CASH_PRODUCTS, VOLUNTEER_USE, VOLUNTEER_SOURCE)
    }

    def line(code: str) -> Line:
        return _merge(code, _category_label(code), [yearly[(y, code)] for y in shown])

    charges = [line(code) for code in CHARGE_CATEGORIES]
    charges_total = Line(
        "charges_total",
        _("Total charges"),
        planned=sum((x.planned for x in charges), ZERO),
        actual=sum((x.actual for x in charges), ZERO),
    )
    in_kind_use = line(VOLUNTEER_USE)
    products = [line("70"), line("73")]
    products.extend(_subsidy_lines(agreements, shares, planned, shown, project))
    products.extend(line(code) for code in OTHER_PRODUCTS)
    products_total = Line(
        "products_total",
        _("Total products"),
        planned=sum((x.planned for x in products if x.level == 0), ZERO),
        actual=sum((x.actual for x in products if x.level == 0), ZERO),
    )
    in_kind_source = line(VOLUNTEER_SOURCE)

    plan = _funding_plan(years, yearly, agreements, shares, project)
    return ProjectReport(
        project=project,
        year=year,
        years=years,
        charges=charges,
        charges_total=charges_total,
        in_kind_use=in_kind_use,
        products=products,
        products_total=products_total,
        in_kind_source=in_kind_source,
        plan=plan,
        agreements=agreements,
        shares=shares,
    )


def _subsidy_lines(agreements, shares, planned, shown, project) -> list[Line]:
    """Line 74, then one line per funder (planned from the budget, actual from its agreements'
    claimable shares), each followed by its agreements (actual only)."""
    funders: dict[int, object] = {}
    by_funder: dict[int, list[FundingAgreement]] = defaultdict(list)
    for agreement in agreements:
        funders[agreement.funder_id] = agreement.funder
        by_funder[agreement.funder_id].append(agreement)
    budgeted = {
        int(key[3:])
        for (y, key), amount in planned.items()
        if key.startswith("74:") and key != NO_FUNDER and y in shown and amount
    }
    missing = budgeted - set(funders)
    if missing:
        from ..models import Funder

        for funder in Funder.objects.filter(pk__in=missing):
            funders[funder.pk] = funder
    lines: list[Line] = []
    for funder in sorted(funders.values(), key=lambda f: (f.name.casefold(), f.pk)):
        agreement_lines = []
        for agreement in by_funder.get(funder.pk, []):
            share = shares.get(agreement.pk)
            by_year = share.by_year("claimable", project.pk) if share else {}
            agreement_lines.append(
                Line(
                    f"74:agreement:{agreement.pk}",
                    f"{agreement.reference} – {agreement.title}",
                    actual=sum((by_year.get(y, ZERO) for y in shown), ZERO),
                    level=2,
                )
            )
        lines.append(
            Line(
                f"74:{funder.pk}",
                funder.name,
                planned=sum((planned[(y, f"74:{funder.pk}")] for y in shown), ZERO),
                actual=sum((x.actual for x in agreement_lines), ZERO),
                level=1,
            )
        )
        lines.extend(agreement_lines)
    unassigned = sum((planned[(y, NO_FUNDER)] for y in shown), ZERO)
    if unassigned:
        label = _("Funder not named in the budget")
        lines.append(Line(NO_FUNDER, label, planned=unassigned, level=1))
    header = Line(
        "74",
        _category_label("74"),
        planned=sum((planned[(y, "74")] for y in shown), ZERO),
        actual=sum((x.actual for x in lines if x.level == 1), ZERO),
    )
    return [header, *lines]


def _funding_plan(years, yearly, agreements, shares, project) -> FundingPlan:
    costs = PlanRow(
        "costs",
        _("Cash charges of the project"),
        {y: sum((yearly[(y, c)].actual for c in CHARGE_CATEGORIES), ZERO) for y in years},
    )
    rows = []
    for agreement in agreements:
        share = shares.get(agreement.pk)
        claimable = share.by_year("claimable", project.pk) if share else {}
        charged = share.by_year("charged", project.pk) if share else {}
        rows.append(
            PlanRow(
                f"agreement:{agreement.pk}",
                f"{agreement.reference} – {agreement.funder.name}",
                {y: claimable.get(y, ZERO) for y in years},
                charged={y: charged.get(y, ZERO) for y in years},
                agreement=agreement,
            )
        )
    products = PlanRow(
        "products",
        _("Other products (sales, dues, gifts…)"),
        {y: sum((yearly[(y, c)].actual for c in OTHER_CASH_PRODUCTS), ZERO) for y in years},
    )
    own = PlanRow(
        "own",
        _("The association's own funds"),
        {
            y: costs.amount(y) - sum((r.amount(y) for r in rows), ZERO) - products.amount(y)
            for y in years
        },
    )
    return FundingPlan(years, costs, rows, products, own)


def funding_chart(report: ProjectReport) -> Chart:
    """Stacked bars per year: each funder's share, the other products and the own funds
    (below zero: a surplus)."""
    plan = report.plan
    series: dict[str, list[Decimal]] = {}
    for row in plan.agreements:
        name = Truncator(row.agreement.funder.name).chars(LEGEND_CHARS)
        values = row.cells(plan.years)
        if name in series:
            series[name] = [a + b for a, b in zip(series[name], values, strict=True)]
        else:
            series[name] = values
    series[_("Other products")] = plan.products.cells(plan.years)
    series[_("Own funds")] = plan.own.cells(plan.years)
    return stacked_bar_chart(
        _("How the project's cash charges are covered, year by year"),
        [str(y) for y in plan.years],
        series,
        kind="money",
        category_label=_("Year"),
        chart_id=f"project-funding-{report.project.pk}",
    )
