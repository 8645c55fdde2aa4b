"""Reads of projects: the filtered list and the multi-year budget grid (planned vs actual)."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import BudgetLine, CostCategory, FundingAgreement, Project
from ..models.accounts import CHARGE_CATEGORIES, PRODUCT_CATEGORIES

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _budget_sum(categories) -> Subquery:
    return Coalesce(
        Subquery(
            BudgetLine.objects.filter(project=OuterRef("pk"), category__in=categories)
            .order_by()
            .values("project")
            .annotate(total=Sum("amount"))
            .values("total"),
            output_field=_MONEY,
        ),
        Value(ZERO),
        output_field=_MONEY,
    )


def projects_for_list(
    workspace, *, status: str = "", year: int | None = None, query: str = ""
) -> QuerySet:
    """The workspace's projects with their planned cash charges and products (all years) and
    the number of agreements funding them: one query whatever the number of rows."""
    projects = (
        Project.objects.filter(workspace=workspace)
        .select_related("manager")
        .annotate(
            planned_charges=_budget_sum(CHARGE_CATEGORIES),
            planned_products=_budget_sum(PRODUCT_CATEGORIES),
            agreement_count=Coalesce(
                Subquery(
                    FundingAgreement.projects.through.objects.filter(project_id=OuterRef("pk"))
                    .order_by()
                    .values("project_id")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
    )
    if status:
        projects = projects.filter(status=status)
    if year:
        projects = projects.filter(
            start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1)
        )
    if query:
        projects = projects.filter(Q(code__icontains=query) | Q(name__icontains=query))
    return projects.order_by("name", "pk")


def project_years(workspace) -> list[int]:
    """The years some project runs in, and the current one, newest first."""
    bounds = Project.objects.filter(workspace=workspace).aggregate(
        first=Min("start_date"), last=Max("end_date")
    )
    today = timezone.localdate()
    first = min(bounds["first"].year, today.year) if bounds["first"] else today.year
    last = max(bounds["last"].year, today.year) if bounds["last"] else today.year
    return list(range(last, first - 1, -1))


# --- the budget grid -------------------------------------------------------------------------


@dataclass
class Cell:
    planned: Decimal
    actual: Decimal | None

    @property
    def variance(self) -> Decimal | None:
        return None if self.actual is None else self.actual - self.planned


@dataclass
class GridRow:
    """A line of the grid: a CERFA category, a detail of it (a funder, a label) or a total."""

    label: str
    cells: list[Cell]
    category: str = ""
    kind: str = "category"  # category, detail, total, balance
    line_count: int = 0

    @property
    def total(self) -> Cell:
        actuals = [c.actual for c in self.cells]
        return Cell(
            sum((c.planned for c in self.cells), ZERO),
            None if all(a is None for a in actuals) else sum((a or ZERO for a in actuals), ZERO),
        )

    @property
    def is_empty(self) -> bool:
        return self.line_count == 0 and all(not c.actual for c in self.cells)


@dataclass
class BudgetGrid:
    years: list[int]
    charges: list[GridRow] = field(default_factory=list)
    products: list[GridRow] = field(default_factory=list)
    in_kind: list[GridRow] = field(default_factory=list)
    charges_total: GridRow | None = None
    products_total: GridRow | None = None
    balance: GridRow | None = None
    has_actuals: bool = False

    @property
    def column_count(self) -> int:
        return 1 + 2 * (len(self.years) + 1)

    @property
    def has_lines(self) -> bool:
        return any(r.line_count for r in (*self.charges, *self.products, *self.in_kind))


def _add(a: Decimal | None, b: Decimal | None, sign: int = 1) -> Decimal | None:
    if a is None and b is None:
        return None
    return (a or ZERO) + sign * (b or ZERO)


def _sum_rows(label: str, rows: list[GridRow], years: list[int], kind: str) -> GridRow:
    cells = []
    for i in range(len(years)):
        planned = sum((r.cells[i].planned for r in rows), ZERO)
        actual = None
        for r in rows:
            actual = _add(actual, r.cells[i].actual)
        cells.append(Cell(planned, actual))
    return GridRow(label, cells, kind=kind)


def _category_rows(
    category: str,
    years: list[int],
    lines: list[BudgetLine],
    actuals: Mapping[tuple[int, str], Decimal] | None,
) -> list[GridRow]:
    """The category's row, then one row per funder and label when there is more than one
    or when they are named (74 lists each funder)."""
    index = {year: i for i, year in enumerate(years)}
    planned = [ZERO] * len(years)
    details: dict[tuple[str, str], list[Decimal]] = {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for line in lines:
        i = index.get(line.year)
        if i is None:
            continue
        planned[i] += line.amount
        key = (line.funder.name if line.funder_id else "", line.label)
        details.setdefault(key, [ZERO] * len(years))[i] += line.amount
        counts[key] += 1
    cells = [
        Cell(
            planned[i],
            None if actuals is None else actuals.get((year, category), ZERO),
        )
        for i, year in enumerate(years)
    ]
    label = str(CostCategory(category).label)
    rows = [GridRow(label, cells, category=category, line_count=len(lines))]
    if len(details) > 1 or any(funder or text for funder, text in details):
        for (funder, text), amounts in sorted(details.items()):
            name = " – ".join(part for part in (funder, text) if part) or "—"
            rows.append(
                GridRow(
                    name,
                    [Cell(a, None) for a in amounts],
                    category=category,
                    kind="detail",
                    line_count=counts[(funder, text)],
                )
            )
    return rows


def budget_grid(
    years: list[int],
    lines: Iterable[BudgetLine],
    actuals: Mapping[tuple[int, str], Decimal] | None,
) -> BudgetGrid:
    """Planned amounts by year and CERFA line, the actual ones beside them (`actuals` from the
    allocation engine; None when there are none to show), totals per side, the cash balance
    (products − charges) and, apart, the contributions in kind (86/87), never added to cash."""
    by_category: dict[str, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        by_category[line.category].append(line)
    grid = BudgetGrid(years=list(years), has_actuals=actuals is not None)

    def rows(categories) -> list[GridRow]:
        result = []
        for category in categories:
            result.extend(_category_rows(category, grid.years, by_category[category], actuals))
        return result

    grid.charges = rows(CHARGE_CATEGORIES)
    grid.products = rows(PRODUCT_CATEGORIES)
    grid.in_kind = rows(("86", "87"))
    grid.charges_total = _sum_rows(
        _("Total charges"),
        [r for r in grid.charges if r.kind == "category"],
        grid.years,
        "total",
    )
    grid.products_total = _sum_rows(
        _("Total products"),
        [r for r in grid.products if r.kind == "category"],
        grid.years,
        "total",
    )
    grid.balance = GridRow(
        _("Balance (products − charges)"),
        [
            Cell(p.planned - c.planned, _add(p.actual, c.actual, -1))
            for p, c in zip(grid.products_total.cells, grid.charges_total.cells, strict=True)
        ],
        kind="balance",
    )
    return grid


def project_actuals(project: Project) -> dict[tuple[int, str], Decimal]:
    """The actual amounts by (year, category), from the allocation engine."""
    from ..allocation import project_actuals as compute

    return compute(project)


def project_budget_lines(project: Project) -> list[BudgetLine]:
    return list(
        project.budget_lines.select_related("funder").order_by("year", "category", "label", "pk")
    )
