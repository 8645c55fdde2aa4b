"""Reads of the findings: the frequency of a finding (distinct sources), its weight, the list
with filters and sorts, and a finding's sources.

Frequency = number of distinct interviews + number of distinct documents among its sources
(two quotes from the same interview count once), computed by the database in the query that
lists the findings. Weight = frequency × severity (`scoring.finding_weight`; the same product
is annotated so that the database sorts and paginates by it)."""

from django.db.models import Count, F, IntegerField, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from .. import scoring
from ..models import Engagement, Finding, FindingSource, Stakeholder

SORTS = {
    "weight": ("-weight", "-severity", "id"),
    "frequency": ("-frequency", "-severity", "id"),
    "severity": ("-severity", "-frequency", "id"),
    "dimension": ("dimension__position", "dimension__name", "quadrant", "id"),
    "recent": ("-id",),
}


def with_frequency(queryset: QuerySet) -> QuerySet:
    """`queryset` of findings annotated with `frequency` and `weight` (one query, no N+1)."""
    return queryset.annotate(
        frequency=Coalesce(
            Count("sources__interview", distinct=True) + Count("sources__document", distinct=True),
            0,
            output_field=IntegerField(),
        )
    ).annotate(weight=F("frequency") * F("severity"))


def frequency(finding: Finding) -> int:
    return with_frequency(Finding.objects.filter(pk=finding.pk)).values_list(
        "frequency", flat=True
    )[0]


def weight(finding) -> int:
    """The weight of an annotated finding, by the scoring rule."""
    return scoring.finding_weight(finding.frequency, finding.severity)


def findings_for_list(
    engagement: Engagement,
    *,
    dimension=None,
    quadrant: str = "",
    severity: int | None = None,
    text: str = "",
    sort: str = "weight",
) -> QuerySet:
    findings = Finding.objects.filter(engagement=engagement)
    if dimension is not None:
        findings = findings.filter(dimension=dimension)
    if quadrant:
        findings = findings.filter(quadrant=quadrant)
    if severity:
        findings = findings.filter(severity=severity)
    if text:
        # A subquery, not a join: a join here would also restrict the sources counted below.
        quoted = FindingSource.objects.filter(quote__icontains=text).values("finding")
        findings = findings.filter(Q(statement__icontains=text) | Q(pk__in=quoted))
    findings = with_frequency(findings.select_related("dimension"))
    return findings.order_by(*SORTS.get(sort, SORTS["weight"]))


def finding_in(engagement: Engagement, pk) -> Finding | None:
    return (
        with_frequency(Finding.objects.filter(engagement=engagement, pk=pk))
        .select_related("dimension")
        .first()
    )


def sources(finding: Finding) -> list[FindingSource]:
    return list(
        finding.sources.select_related("interview", "document").prefetch_related(
            Prefetch(
                "interview__stakeholders",
                queryset=Stakeholder.objects.select_related("organisation"),
            )
        )
    )


def findings_from(*, interview=None, document=None) -> list[Finding]:
    """The findings one interview or one document supports, heaviest first."""
    condition = Q(sources__interview=interview) if interview else Q(sources__document=document)
    engagement_id = interview.engagement_id if interview else document.engagement_id
    ids = Finding.objects.filter(condition, engagement_id=engagement_id).values("pk")
    return list(
        with_frequency(Finding.objects.filter(pk__in=ids))
        .select_related("dimension")
        .order_by(*SORTS["weight"])
    )
