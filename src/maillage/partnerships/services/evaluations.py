"""Evaluations on the three dimensions, and the latest score the portfolio shows."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg

from ..models import Evaluation, EvaluationScore, Partnership


def refresh_evaluation(partnership: Partnership) -> None:
    """Keep the partnership's latest evaluation (date, average of its scores to two decimals).

    The latest evaluation is the most recent one with at least one score. Derived values: no
    version bump, no audit line (scores are audited where they are written)."""
    latest = (
        Evaluation.objects.filter(partnership=partnership, scores__isnull=False)
        .order_by("-evaluated_on", "-id")
        .first()
    )
    score = None
    evaluated_on = None
    if latest is not None:
        average = EvaluationScore.objects.filter(evaluation=latest).aggregate(avg=Avg("score"))
        score = Decimal(str(average["avg"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        evaluated_on = latest.evaluated_on
    Partnership.objects.filter(pk=partnership.pk).update(
        evaluation_score=score, evaluated_on=evaluated_on
    )
    partnership.evaluation_score, partnership.evaluated_on = score, evaluated_on
