"""Reads of the fieldwork: stakeholders with their interviews, progress against the expected
number of interviews (overall and by category), interviews, the guide and the documents."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from ..choices import DEFAULT_DIMENSIONS, InterviewStatus, StakeholderCategory
from ..models import (
    Dimension,
    Engagement,
    Interview,
    InterviewQuestion,
    ReviewedDocument,
    Stakeholder,
)

ENGLISH_DIMENSIONS = {key: english for key, _french, english in DEFAULT_DIMENSIONS}


def stakeholders(engagement: Engagement) -> QuerySet:
    """The people heard, with the number of their interviews planned and done."""
    return (
        Stakeholder.objects.filter(engagement=engagement)
        .select_related("organisation")
        .annotate(
            planned=Count(
                "interviews", filter=Q(interviews__status=InterviewStatus.PLANNED), distinct=True
            ),
            done=Count(
                "interviews", filter=Q(interviews__status=InterviewStatus.DONE), distinct=True
            ),
        )
        .order_by("name", "id")
    )


def interviews(engagement: Engagement) -> QuerySet:
    return (
        Interview.objects.filter(engagement=engagement)
        .prefetch_related(Prefetch("stakeholders", queryset=Stakeholder.objects.order_by("name")))
        .annotate(finding_count=Count("finding_sources__finding", distinct=True))
        .order_by("status", "held_on", "planned_on", "id")
    )


def documents(engagement: Engagement) -> QuerySet:
    return (
        ReviewedDocument.objects.filter(engagement=engagement)
        .annotate(finding_count=Count("finding_sources__finding", distinct=True))
        .order_by("-reviewed_on", "title", "id")
    )


@dataclass
class CategoryProgress:
    key: str
    label: str
    people: int = 0
    planned: int = 0
    done: int = 0


@dataclass
class Progress:
    expected: int
    planned: int = 0
    done: int = 0
    cancelled: int = 0
    people: int = 0
    categories: list[CategoryProgress] = field(default_factory=list)

    @property
    def percent_done(self) -> int:
        if not self.expected:
            return 0
        return min(100, round(100 * self.done / self.expected))

    @property
    def percent_planned(self) -> int:
        if not self.expected:
            return 0
        return min(100 - self.percent_done, round(100 * self.planned / self.expected))

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.done - self.planned)


def progress(engagement: Engagement) -> Progress:
    """Interviews planned, done and cancelled against the engagement's expected number, and by
    category of the people heard (a group interview counts once in each category it hears)."""
    result = Progress(expected=engagement.expected_interviews)
    totals = Interview.objects.filter(engagement=engagement).aggregate(
        planned=Count("id", filter=Q(status=InterviewStatus.PLANNED)),
        done=Count("id", filter=Q(status=InterviewStatus.DONE)),
        cancelled=Count("id", filter=Q(status=InterviewStatus.CANCELLED)),
    )
    result.planned, result.done, result.cancelled = (
        totals["planned"],
        totals["done"],
        totals["cancelled"],
    )
    by_category = {
        row["category"]: row
        for row in Stakeholder.objects.filter(engagement=engagement)
        .values("category")
        .annotate(
            people=Count("id", distinct=True),
            planned=Count(
                "interviews", filter=Q(interviews__status=InterviewStatus.PLANNED), distinct=True
            ),
            done=Count(
                "interviews", filter=Q(interviews__status=InterviewStatus.DONE), distinct=True
            ),
        )
        .order_by()
    }
    for key, label in StakeholderCategory.choices:
        row = by_category.get(key, {})
        result.people += row.get("people", 0)
        result.categories.append(
            CategoryProgress(
                key=key,
                label=label,
                people=row.get("people", 0),
                planned=row.get("planned", 0),
                done=row.get("done", 0),
            )
        )
    return result


def questions(engagement: Engagement) -> QuerySet:
    return (
        InterviewQuestion.objects.filter(engagement=engagement)
        .select_related("dimension")
        .order_by("dimension__position", "dimension__id", "position", "id")
    )


def dimension_label(dimension: Dimension, lang: str) -> str:
    """The dimension's name; in English, the default English name of a default dimension."""
    if lang == "en" and dimension.key in ENGLISH_DIMENSIONS:
        return ENGLISH_DIMENSIONS[dimension.key]
    return dimension.name


def guide(engagement: Engagement, lang: str = "fr") -> list[dict]:
    """The guide grouped by dimension (every dimension, even without questions, for the
    editing page), each question's text in `lang` (French when no English text)."""
    grouped: dict[int, dict] = {}
    for dimension in Dimension.objects.filter(engagement=engagement).order_by("position", "id"):
        grouped[dimension.pk] = {
            "dimension": dimension,
            "label": dimension_label(dimension, lang),
            "questions": [],
        }
    for question in questions(engagement):
        text = question.text_en if lang == "en" and question.text_en else question.text_fr
        question.text = text
        question.missing_translation = lang == "en" and not question.text_en
        grouped[question.dimension_id]["questions"].append(question)
    return list(grouped.values())
