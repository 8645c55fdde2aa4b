"""Reads for the prioritised dimensions: each dimension's burden (the weight of its weaknesses
and threats), its questionnaire mean and its criticality (`scoring.criticality`)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from maillage.core.charts import bar_chart

from .. import scoring
from ..choices import Quadrant
from ..models import Dimension, QuestionnaireAnswer
from .questionnaires import short
from .swot import finding_weights

BURDEN_QUADRANTS = (Quadrant.WEAKNESS, Quadrant.THREAT)


@dataclass
class DimensionPriority:
    dimension: Dimension
    burden: int
    mean: Decimal | None
    answers: int
    criticality: Decimal
    computed_rank: int = 0


def burdens(engagement) -> dict[int, int]:
    """{dimension id: Σ weight of its weakness and threat findings}."""
    result: dict[int, int] = {}
    for row in finding_weights(engagement).values():
        if row["quadrant"] in BURDEN_QUADRANTS:
            result[row["dimension_id"]] = result.get(row["dimension_id"], 0) + row["weight"]
    return result


def mean_answers(engagement) -> dict[int, tuple[Decimal, int]]:
    """{dimension id: (exact mean of every questionnaire answer on it, number of answers)}."""
    rows = (
        QuestionnaireAnswer.objects.filter(item__questionnaire__engagement=engagement)
        .values("item__dimension_id")
        .annotate(total=Sum("value"), count=Count("id"))
    )
    return {
        row["item__dimension_id"]: (Decimal(row["total"]) / Decimal(row["count"]), row["count"])
        for row in rows
        if row["count"]
    }


def priorities(engagement) -> list[DimensionPriority]:
    """Every dimension in its list order, with its criticality and computed rank (1 = the most
    critical; ties keep the list order)."""
    dimensions = list(Dimension.objects.filter(engagement=engagement).order_by("position", "id"))
    burden = burdens(engagement)
    means = mean_answers(engagement)
    scores = scoring.criticality(
        {d.pk: burden.get(d.pk, 0) for d in dimensions},
        {d.pk: means[d.pk][0] for d in dimensions if d.pk in means},
    )
    rows = [
        DimensionPriority(
            dimension=d,
            burden=burden.get(d.pk, 0),
            mean=scoring.rounded(means[d.pk][0]) if d.pk in means else None,
            answers=means[d.pk][1] if d.pk in means else 0,
            criticality=scores[d.pk],
        )
        for d in dimensions
    ]
    for rank, row in enumerate(sorted(rows, key=lambda r: -r.criticality), start=1):
        row.computed_rank = rank
    return rows


def criticality_chart(rows: list[DimensionPriority]):
    if not rows:
        return None
    ordered = sorted(rows, key=lambda r: r.computed_rank)
    return bar_chart(
        _("Criticality of the dimensions (0–100)"),
        [short(r.dimension.name) for r in ordered],
        {_("Criticality"): [r.criticality for r in ordered]},
        category_label=_("Dimension"),
        value_label=_("Criticality"),
        chart_id="criticality",
    )
