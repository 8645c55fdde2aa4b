"""Reads of the recommendations: the filtered list, one recommendation, the findings to link."""

from django.db.models import Count, Prefetch

from ..models import Engagement, Finding, Recommendation


def recommendations(engagement: Engagement, *, dimension=None, status: str = "", priority=None):
    queryset = (
        Recommendation.objects.filter(engagement=engagement)
        .select_related("dimension", "scenario")
        .annotate(
            finding_count=Count("findings", distinct=True),
            action_count=Count("actions", distinct=True),
        )
        .order_by("dimension__position", "priority", "id")
    )
    if dimension is not None:
        queryset = queryset.filter(dimension=dimension)
    if status:
        queryset = queryset.filter(status=status)
    if priority is not None:
        queryset = queryset.filter(priority=priority)
    return queryset


def recommendation(engagement: Engagement, pk: int) -> Recommendation | None:
    return (
        Recommendation.objects.filter(engagement=engagement, pk=pk)
        .select_related("dimension", "scenario")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.select_related("dimension")),
            "actions",
        )
        .first()
    )


def findings(engagement: Engagement):
    return (
        Finding.objects.filter(engagement=engagement)
        .select_related("dimension")
        .order_by("dimension__position", "quadrant", "-severity", "id")
    )
