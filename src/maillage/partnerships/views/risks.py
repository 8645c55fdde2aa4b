"""The risk register with its heat map, and the pitfalls and brakes checklist reviews that give
the partnership its health light. Guests of a shared partnership read, write nothing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.charts import line_chart
from maillage.core.form_flow import create_from_form, edit_or_delete, save_form
from maillage.workspaces.access import require_member

from .. import heatmap
from ..access import get_partnership
from ..checklists import AMBER_FROM, RED_FROM, TREND_STEP
from ..forms.risks import ReviewForm, RiskForm
from ..models import ChecklistReview, Risk
from ..selectors import risks as selectors
from ..services import checklists as review_services
from ..services import risks as services

PAGE_SIZE = 25


def _risks_url(workspace_slug, partnership) -> str:
    return reverse("partnerships:risks", args=[workspace_slug, partnership.pk])


def _scale(value: str) -> int | None:
    return int(value) if value in {"1", "2", "3", "4", "5"} else None


def score_chart(reviews):
    """The risk score over the reviews (lower is better), or None before two reviews."""
    scored = [review for review in reviews if review.score is not None]
    if len(scored) < 2:
        return None
    return line_chart(
        _("Checklist risk score over the reviews (lower is better)"),
        [review.reviewed_on.isoformat() for review in scored],
        {_("Risk score (%)"): [review.score for review in scored]},
        category_label=_("Review"),
        value_label=_("% of the worst answers"),
        chart_id="checklist-score",
    )


def risk_page(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    likelihood = _scale(request.GET.get("likelihood", ""))
    impact = _scale(request.GET.get("impact", ""))
    status = request.GET.get("status", "")
    status = status if status in ("active", *Risk.Status.values) else ""
    sort = request.GET.get("sort", "score")
    sort = sort if sort in selectors.SORTS else "score"
    risks = selectors.risks_for_list(
        partnership, likelihood=likelihood, impact=impact, status=status, sort=sort
    )
    page = Paginator(risks, PAGE_SIZE).get_page(request.GET.get("page"))
    reviews = selectors.reviews(partnership)
    latest = reviews[-1] if reviews else None
    previous = reviews[-2] if len(reviews) > 1 else None
    return render(
        request,
        "partnerships/risk_page.html",
        {
            "partnership": partnership,
            "page_obj": page,
            "likelihood": likelihood,
            "impact": impact,
            "status": status,
            "sort": sort,
            "statuses": Risk.Status.choices,
            "grid": selectors.heat_map(partnership),
            "scale": list(heatmap.SCALE),
            "legend": heatmap.legend(),
            "filtered": bool(likelihood or impact or status),
            "reviews": list(reversed(reviews)),
            "latest": latest,
            "previous": previous,
            "item_rows": selectors.item_rows(latest, previous) if latest else [],
            "chart": score_chart(reviews),
            "amber_from": AMBER_FROM,
            "red_from": RED_FROM,
            "trend_step": TREND_STEP,
        },
    )


@require_member
def risk_create(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    form = RiskForm(request.POST or None, initial={"version": 1})
    risk = create_from_form(request, form, services.risk_create, partnership)
    if risk is not None:
        messages.success(request, _("Risk “%(title)s” added.") % {"title": risk.title})
        return redirect(_risks_url(workspace_slug, partnership) + "#risk-list")
    return render(
        request,
        "partnerships/risk_form.html",
        {"partnership": partnership, "form": form, "risk": None},
    )


@require_member
def risk_edit(request, workspace_slug, pk, risk_pk):
    partnership = get_partnership(request, pk)
    risk = get_object_or_404(Risk, partnership=partnership, pk=risk_pk)
    back = _risks_url(workspace_slug, partnership) + "#risk-list"
    form = RiskForm(request.POST or None, instance=risk)
    done, conflict, status = edit_or_delete(
        request,
        form,
        risk,
        update=services.risk_update,
        delete=services.risk_delete,
        saved=_("Risk saved."),
        deleted=_("Risk deleted."),
    )
    if done:
        return redirect(back)
    if conflict:
        form = RiskForm(instance=risk)
    return render(
        request,
        "partnerships/risk_form.html",
        {"partnership": partnership, "form": form, "risk": risk, "conflict": conflict},
        status=status,
    )


# --- checklist reviews -----------------------------------------------------------------------


@require_member
def review_create(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    reviews = selectors.reviews(partnership)
    initial = {"reviewed_on": timezone.localdate()}
    if reviews:  # start from the latest answers: a review often changes a few items only
        for row in selectors.item_rows(reviews[-1], None):
            if row["answer"] is not None:
                initial[review_services.answer_field(row["item"].key)] = row["answer"].answer
    form = ReviewForm(request.POST or None, initial=initial)

    def write(**changes):
        write.review = review_services.review_create(
            partnership, user=request.user, request=request, **changes
        )

    saved, status = save_form(request, form, write, _("Review saved: the health light is updated."))
    if saved:
        return redirect(
            reverse("partnerships:review", args=[workspace_slug, partnership.pk, write.review.pk])
        )
    return render(
        request,
        "partnerships/review_form.html",
        {"partnership": partnership, "form": form, "review": None, "from_latest": bool(reviews)},
        status=status,
    )


def _review(partnership, review_pk) -> ChecklistReview:
    return get_object_or_404(
        ChecklistReview.objects.select_related("reviewed_by"), partnership=partnership, pk=review_pk
    )


def review_detail(request, workspace_slug, pk, review_pk):
    partnership = get_partnership(request, pk)
    review = _review(partnership, review_pk)
    previous = selectors.previous_review(review)
    return render(
        request,
        "partnerships/review_detail.html",
        {
            "partnership": partnership,
            "review": review,
            "previous": previous,
            "item_rows": selectors.item_rows(review, previous),
        },
    )


@require_member
def review_edit(request, workspace_slug, pk, review_pk):
    partnership = get_partnership(request, pk)
    review = _review(partnership, review_pk)
    form = ReviewForm(request.POST or None, review=review)
    done, conflict, status = edit_or_delete(
        request,
        form,
        review,
        update=review_services.review_update,
        delete=review_services.review_delete,
        saved=_("Review saved: the health light is recomputed."),
        deleted=_("Review deleted: the health light is recomputed."),
    )
    if done == "deleted":
        return redirect(_risks_url(workspace_slug, partnership) + "#health")
    if done:
        return redirect(
            reverse("partnerships:review", args=[workspace_slug, partnership.pk, review.pk])
        )
    if conflict:
        form = ReviewForm(review=review)
    return render(
        request,
        "partnerships/review_form.html",
        {"partnership": partnership, "form": form, "review": review, "conflict": conflict},
        status=status,
    )


urlpatterns = [
    path("<int:pk>/risks/", risk_page, name="risks"),
    path("<int:pk>/risks/new/", risk_create, name="risk_create"),
    path("<int:pk>/risks/<int:risk_pk>/edit/", risk_edit, name="risk_edit"),
    path("<int:pk>/reviews/new/", review_create, name="review_create"),
    path("<int:pk>/reviews/<int:review_pk>/", review_detail, name="review"),
    path("<int:pk>/reviews/<int:review_pk>/edit/", review_edit, name="review_edit"),
]
