"""The impact module's charts, built on `core.charts` (SVG with its table of figures), so the
same chart shows on the page and in the reports."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from maillage.core.charts import Chart, bar_chart, line_chart

from .models import Aggregation, Indicator
from .selectors import DimensionFigures, PeriodFigures


def _value_label(indicator: Indicator) -> str:
    return indicator.display_unit or ""


def target_vs_actual(
    indicator: Indicator, figures: Sequence[PeriodFigures], *, title: str | None = None
) -> Chart | None:
    """Actual and target per period: bars for a flow (sum), lines for levels and totals."""
    if not figures or not indicator.is_quantitative:
        return None
    labels = [f.label for f in figures]
    series = {
        _("Actual"): [f.actual.value for f in figures],
        _("Target"): [f.target.value for f in figures],
    }
    if all(v is None for v in series[_("Target")]):
        del series[_("Target")]
    chart = bar_chart if indicator.aggregation == Aggregation.SUM else line_chart
    return chart(
        title or _("%(indicator)s: target and actual per period") % {"indicator": indicator.name},
        labels,
        series,
        category_label=_("Period"),
        value_label=_value_label(indicator),
        chart_id=f"chart-indicator-{indicator.pk}-periods",
    )


def breakdown_chart(
    indicator: Indicator, dimension: DimensionFigures, *, period_label: str = ""
) -> Chart | None:
    """One bar per category of a dimension."""
    if not dimension.rows or all(row.value is None for row in dimension.rows):
        return None
    title = _("%(indicator)s by %(dimension)s") % {
        "indicator": indicator.name,
        "dimension": dimension.dimension.name.lower(),
    }
    if period_label:
        title = f"{title} ({period_label})"
    return bar_chart(
        title,
        [row.category.name for row in dimension.rows],
        {indicator.display_unit or _("Value"): [row.value for row in dimension.rows]},
        category_label=dimension.dimension.name,
        value_label=_value_label(indicator),
        chart_id=f"chart-indicator-{indicator.pk}-dimension-{dimension.dimension.pk}",
    )
