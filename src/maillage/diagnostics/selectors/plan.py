"""Reads of the implementation plan: the filtered actions with their totals, the overdue
ones, the Gantt, one action with its updates, and the shared (boards-validated) plan."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from maillage.core import gantt

from ..choices import ActionStatus, RecommendationStatus
from ..models import Engagement, PlanAction, Recommendation

CLOSED = (ActionStatus.DONE, ActionStatus.CANCELLED)


def overdue_q(today: date) -> Q:
    """Deadline passed and not done (nor cancelled)."""
    return Q(due_on__lt=today) & ~Q(status__in=CLOSED)


def actions(
    engagement: Engagement,
    *,
    today: date | None = None,
    recommendation=None,
    dimension=None,
    status: str = "",
    priority=None,
    overdue: bool = False,
):
    from maillage.impact.models import Indicator

    today = today or timezone.localdate()
    queryset = (
        PlanAction.objects.filter(engagement=engagement)
        .select_related("recommendation__dimension")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("code")))
        .order_by("start_on", "due_on", "priority", "id")
    )
    if recommendation is not None:
        queryset = queryset.filter(recommendation=recommendation)
    if dimension is not None:
        queryset = queryset.filter(recommendation__dimension=dimension)
    if status:
        queryset = queryset.filter(status=status)
    if priority is not None:
        queryset = queryset.filter(priority=priority)
    if overdue:
        queryset = queryset.filter(overdue_q(today))
    return queryset


def is_overdue(action: PlanAction, today: date) -> bool:
    return action.due_on < today and action.status not in CLOSED


def totals(queryset) -> dict:
    """Exact sums (Decimal) of the resources of the actions of `queryset`."""
    sums = queryset.order_by().aggregate(days=Sum("resource_days"), amount=Sum("resource_amount"))
    return {
        "days": sums["days"] or Decimal("0.00"),
        "amount": sums["amount"] or Decimal("0.00"),
    }


@dataclass
class _Item:
    """An action as the Gantt geometry wants it (`core.gantt.build`)."""

    pk: int
    name: str
    start_date: date
    due_date: date
    done_on: date | None
    owner: str
    axis_id: int | None


@dataclass
class _Axis:
    pk: int
    name: str


def plan_gantt(action_list, today: date, *, group: str = "dimension") -> gantt.Gantt:
    """The Gantt of the actions (cancelled ones left out), grouped by dimension or by
    recommendation."""
    items, axes = [], {}
    for action in action_list:
        if action.status == ActionStatus.CANCELLED:
            continue
        recommendation = action.recommendation
        if group == "recommendation":
            axis = _Axis(recommendation.pk, recommendation.title)
            order = (recommendation.dimension.position, recommendation.priority, recommendation.pk)
        else:
            axis = _Axis(recommendation.dimension_id, recommendation.dimension.name)
            order = (recommendation.dimension.position, recommendation.dimension_id)
        axes[axis.pk] = (order, axis)
        items.append(
            _Item(
                pk=action.pk,
                name=action.title,
                start_date=action.start_on,
                due_date=action.due_on,
                done_on=action.due_on if action.status == ActionStatus.DONE else None,
                owner=action.owner,
                axis_id=axis.pk,
            )
        )
    ordered = [axis for _order, axis in sorted(axes.values(), key=lambda pair: pair[0])]
    return gantt.build(items, today, axes=ordered)


def action(workspace, pk: int) -> PlanAction | None:
    """One action of the workspace (for its own page, whose URL names the action only)."""
    return (
        PlanAction.objects.filter(workspace=workspace, pk=pk)
        .select_related("engagement", "recommendation__dimension")
        .first()
    )


def shared_plan(token: str) -> dict | None:
    """The plan opened by a share link: None unless the link is on and the token right. Only
    the actions of boards-validated recommendations, without notes."""
    if not token:
        return None
    with scopes_disabled():  # the one read across workspaces: the token finds its engagement
        engagement = (
            Engagement.objects.select_related("workspace")
            .filter(plan_share_token=token, plan_shared=True)
            .first()
        )
    if engagement is None:
        return None
    with scope(workspace=engagement.workspace):
        return _shared_plan(engagement)


def _shared_plan(engagement: Engagement) -> dict:
    today = timezone.localdate()
    action_list = list(
        PlanAction.objects.filter(
            engagement=engagement,
            recommendation__status=RecommendationStatus.VALIDATED_BOARDS,
        )
        .select_related("recommendation__dimension")
        .order_by("start_on", "due_on", "priority", "id")
    )
    recommendations = list(
        Recommendation.objects.filter(
            engagement=engagement, status=RecommendationStatus.VALIDATED_BOARDS
        )
        .select_related("dimension")
        .order_by("dimension__position", "priority", "id")
    )
    return {
        "engagement": engagement,
        "actions": action_list,
        "recommendations": recommendations,
        "today": today,
        "overdue": {a.pk for a in action_list if is_overdue(a, today)},
        "gantt": plan_gantt(action_list, today),
    }
