"""Reads of the risk register and of the checklist reviews."""

from django.db.models import Count, F, Q, QuerySet

from .. import heatmap
from ..checklists import ITEMS, Answer
from ..models import ChecklistAnswer, ChecklistReview, Risk

ACTIVE_STATUSES = (Risk.Status.OPEN, Risk.Status.TREATED)
SORTS = {
    "score": ("-score_value", "-impact", "id"),
    "-score": ("score_value", "impact", "id"),
    "status": ("status", "-score_value", "id"),
    "title": ("title", "id"),
}


def risks_for_list(
    partnership,
    *,
    likelihood: int | None = None,
    impact: int | None = None,
    status: str = "",
    sort: str = "score",
) -> QuerySet:
    queryset = Risk.objects.filter(partnership=partnership).annotate(
        score_value=F("likelihood") * F("impact")
    )
    if likelihood:
        queryset = queryset.filter(likelihood=likelihood)
    if impact:
        queryset = queryset.filter(impact=impact)
    if status == "active":
        queryset = queryset.filter(status__in=ACTIVE_STATUSES)
    elif status in Risk.Status.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by(*SORTS.get(sort, SORTS["score"]))


def heat_map(partnership) -> list:
    """The 5×5 grid of open and being-treated risks (one query)."""
    counts = {
        (row["likelihood"], row["impact"]): row["n"]
        for row in Risk.objects.filter(partnership=partnership, status__in=ACTIVE_STATUSES)
        .order_by()
        .values("likelihood", "impact")
        .annotate(n=Count("pk"))
    }
    return heatmap.build(counts)


# --- checklist reviews -----------------------------------------------------------------------


def reviews(partnership) -> list[ChecklistReview]:
    """The partnership's reviews, oldest first (the history and its chart)."""
    return list(
        ChecklistReview.objects.filter(partnership=partnership)
        .select_related("reviewed_by")
        .order_by("reviewed_on", "id")
    )


def previous_review(review: ChecklistReview) -> ChecklistReview | None:
    """The review just before `review` (by date), if any."""
    return (
        ChecklistReview.objects.filter(partnership_id=review.partnership_id)
        .filter(
            Q(reviewed_on__lt=review.reviewed_on)
            | Q(reviewed_on=review.reviewed_on, id__lt=review.pk)
        )
        .order_by("-reviewed_on", "-id")
        .first()
    )


ANSWER_RANK = {Answer.NO: 0, Answer.PARTLY: 1, Answer.YES: 2}


def item_rows(review: ChecklistReview | None, previous: ChecklistReview | None) -> list[dict]:
    """One row per item of the checklists, in their order: the review's answer and comment,
    the previous review's answer, and whether it got better (fewer pitfalls present), worse or
    did not change (two queries)."""
    answers = _answers(review)
    before = _answers(previous)
    rows = []
    for item in ITEMS:
        current = answers.get(item.key)
        earlier = before.get(item.key)
        change = ""
        if current is not None and earlier is not None and current.answer != earlier.answer:
            change = (
                "better"
                if ANSWER_RANK[Answer(current.answer)] < ANSWER_RANK[Answer(earlier.answer)]
                else "worse"
            )
        rows.append({"item": item, "answer": current, "previous": earlier, "change": change})
    return rows


def _answers(review) -> dict:
    if review is None:
        return {}
    return {answer.item: answer for answer in ChecklistAnswer.objects.filter(review=review)}
