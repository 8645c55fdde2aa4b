"""Reads of the meetings log and the action items: a constant number of queries per page.

A workspace may hold 100,000 meetings: a partnership's log is read newest first through the
(partnership, held_on) index, one page at a time, with the counts as subqueries of that page
and its decisions prefetched in one query.
"""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from ..models import ActionItem, Meeting, MeetingDecision

OPEN_STATUSES = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)
ALL_STATUSES = "all"  # the action items filter's value for "any status"


def meetings_for_partnership(partnership) -> QuerySet:
    """The partnership's meetings, newest first, with their ritual; paginate it, then complete
    the page with `with_decisions_and_actions`."""
    return (
        Meeting.objects.filter(partnership=partnership)
        .select_related("ritual")
        .order_by("-held_on", "-id")
    )


def with_decisions_and_actions(meetings) -> list:
    """A page of meetings with their decisions (`decision_list`) and their number of action
    items (`action_count`), in two queries whatever the page's size."""
    meetings = list(meetings)
    by_meeting = {meeting.pk: [] for meeting in meetings}
    for decision in MeetingDecision.objects.filter(meeting__in=list(by_meeting)).order_by("id"):
        by_meeting[decision.meeting_id].append(decision)
    counts = dict(
        ActionItem.objects.filter(meeting__in=list(by_meeting))
        .order_by()
        .values_list("meeting")
        .annotate(n=Count("pk"))
    )
    for meeting in meetings:
        meeting.decision_list = by_meeting[meeting.pk]
        meeting.action_count = counts.get(meeting.pk, 0)
    return meetings


def meeting_decisions(meeting) -> QuerySet:
    return MeetingDecision.objects.filter(meeting=meeting).order_by("id")


def _with_overdue(queryset: QuerySet) -> QuerySet:
    today = timezone.localdate()
    return queryset.annotate(
        overdue=Case(
            When(Q(due_on__lt=today) & Q(status__in=OPEN_STATUSES), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _action_order(queryset: QuerySet) -> QuerySet:
    return queryset.order_by(F("due_on").asc(nulls_last=True), "id")


def meeting_actions(meeting) -> QuerySet:
    return _action_order(
        _with_overdue(
            ActionItem.objects.filter(meeting=meeting).select_related("owner_member__actor")
        )
    )


def open_actions(partnership) -> QuerySet:
    """The partnership's actions to do or in progress, soonest deadline first."""
    return _action_order(
        _with_overdue(
            ActionItem.objects.filter(
                partnership=partnership, status__in=OPEN_STATUSES
            ).select_related("meeting", "owner_member__actor")
        )
    )


def action_items_for_list(
    workspace,
    *,
    partnerships: QuerySet | None = None,
    status: str = "",
    overdue: bool = False,
    owner: str = "",
    partnership_id: int | None = None,
    partnership_name: str = "",
) -> QuerySet:
    """The action items of the workspace, or of `partnerships` only (a guest's shared ones):
    open ones (to do or in progress) unless `status` asks for another one, or "all"."""
    queryset = ActionItem.objects.filter(workspace=workspace)
    if partnerships is not None:
        queryset = queryset.filter(partnership__in=partnerships)
    if status in ActionItem.Status.values:
        queryset = queryset.filter(status=status)
    elif status != ALL_STATUSES:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if overdue:
        queryset = queryset.filter(due_on__lt=timezone.localdate(), status__in=OPEN_STATUSES)
    if owner:
        queryset = queryset.filter(
            Q(owner__icontains=owner) | Q(owner_member__actor__name__icontains=owner)
        )
    if partnership_id:
        queryset = queryset.filter(partnership_id=partnership_id)
    if partnership_name:
        queryset = queryset.filter(partnership__name__icontains=partnership_name)
    return _action_order(
        _with_overdue(queryset.select_related("partnership", "meeting", "owner_member__actor"))
    )
