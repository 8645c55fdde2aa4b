"""Checklist reviews of pitfalls and brakes, and the health light they give a partnership.

A review answers the 18 items of `checklists.ITEMS` (no / partly / yes, with a comment), on a
date not in the future, at most one review per date and partnership. Every write (create, edit,
delete) recomputes the scores, lights and trends of all the partnership's reviews in date order
and the partnership's light (`refresh_health`), in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.services import create_child, tenant_delete, tenant_update

from ..checklists import ITEMS, Answer, Health, health_for, risk_score, trend_between
from ..models import ChecklistAnswer, ChecklistReview, Partnership


def refresh_health(partnership: Partnership) -> None:
    """Recompute each review's score, health and trend in date order, then the partnership's
    health and trend from its latest review. Derived values: no version bump, no audit line
    (the reviews' answers are audited where they are written)."""
    reviews = list(
        ChecklistReview.objects.filter(partnership=partnership)
        .order_by("reviewed_on", "id")
        .prefetch_related("answers")
    )
    previous = None
    for review in reviews:
        review.score = risk_score(answer.answer for answer in review.answers.all())
        review.health = health_for(review.score)
        review.trend = trend_between(previous, review.score)
        if review.score is not None:
            previous = review.score
    ChecklistReview.objects.bulk_update(reviews, ["score", "health", "trend"])
    latest = reviews[-1] if reviews else None
    health = latest.health if latest else Health.UNKNOWN
    trend = latest.trend if latest else ""
    Partnership.objects.filter(pk=partnership.pk).update(health=health, health_trend=trend)
    partnership.health, partnership.health_trend = health, trend


SAME_DAY = gettext_lazy("There is already a review on this date: edit it rather than add another.")


def answer_field(key: str) -> str:
    """The form field (and error key) of an item's answer."""
    return f"answer_{key}"


def _clean_review(partnership, reviewed_on, answers: dict, review=None) -> dict:
    """`answers` maps item keys to `(answer, comment)`; returns it cleaned, or refuses with an
    error per field (`reviewed_on`, `answer_<item>`)."""
    errors = {}
    if reviewed_on is None:
        errors["reviewed_on"] = _("Give the date of the review.")
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("The review date cannot be in the future.")
    else:
        same_day = ChecklistReview.objects.filter(partnership=partnership, reviewed_on=reviewed_on)
        if review is not None:
            same_day = same_day.exclude(pk=review.pk)
        if same_day.exists():
            errors["reviewed_on"] = SAME_DAY
    cleaned = {}
    for item in ITEMS:
        answer, comment = answers.get(item.key, ("", ""))
        if answer not in Answer.values:
            errors[answer_field(item.key)] = _("Answer this item: no, partly or yes.")
            continue
        cleaned[item.key] = (answer, (comment or "").strip()[:300])
    if errors:
        raise ValidationError(errors)
    return cleaned


def review_create(
    partnership: Partnership, *, user, request=None, reviewed_on, notes: str = "", answers: dict
) -> ChecklistReview:
    try:
        review = _review_create(partnership, user, request, reviewed_on, notes, answers)
    except IntegrityError as error:  # the same date recorded meanwhile by someone else
        raise ValidationError({"reviewed_on": SAME_DAY}) from error
    review.refresh_from_db()
    return review


def _review_create(partnership, user, request, reviewed_on, notes, answers) -> ChecklistReview:
    with transaction.atomic():
        cleaned = _clean_review(partnership, reviewed_on, answers)
        review = create_child(
            ChecklistReview,
            "partnership",
            partnership,
            user=user,
            request=request,
            reviewed_on=reviewed_on,
            reviewed_by=user,
            notes=(notes or "").strip(),
        )
        for key, (answer, comment) in cleaned.items():
            create_child(
                ChecklistAnswer,
                "review",
                review,
                user=user,
                request=request,
                item=key,
                answer=answer,
                comment=comment,
            )
        refresh_health(partnership)
    return review


def review_update(
    review: ChecklistReview,
    *,
    user,
    expected_version,
    request=None,
    reviewed_on,
    notes: str = "",
    answers: dict,
) -> ChecklistReview:
    partnership = review.partnership
    with transaction.atomic():
        cleaned = _clean_review(partnership, reviewed_on, answers, review=review)
        tenant_update(
            review,
            user=user,
            expected_version=expected_version,
            request=request,
            reviewed_on=reviewed_on,
            notes=(notes or "").strip(),
        )
        existing = {answer.item: answer for answer in review.answers.all()}
        for key, (answer, comment) in cleaned.items():
            current = existing.get(key)
            if current is None:
                create_child(
                    ChecklistAnswer,
                    "review",
                    review,
                    user=user,
                    request=request,
                    item=key,
                    answer=answer,
                    comment=comment,
                )
            elif (current.answer, current.comment) != (answer, comment):
                tenant_update(
                    current,
                    user=user,
                    expected_version=None,
                    request=request,
                    answer=answer,
                    comment=comment,
                )
        refresh_health(partnership)
    review.refresh_from_db()
    return review


def review_delete(review: ChecklistReview, *, user, expected_version=None, request=None) -> None:
    partnership = review.partnership
    with transaction.atomic():
        tenant_delete(review, user=user, expected_version=expected_version, request=request)
        refresh_health(partnership)
