"""Reads of the steering committee: meetings with their outcomes and action items, the open
action items (overdue flagged) and the suggested calendar of seed 000, planned vs held."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ActionStatus, CommitteeMeetingKind, MilestoneKind
from ..models import CommitteeActionItem, CommitteeMeeting, CommitteeOutcome

OPEN_STATUSES = (ActionStatus.TO_DO, ActionStatus.IN_PROGRESS)


def meetings(engagement):
    """The meetings, oldest first, each with its outcomes and action items (3 queries)."""
    return (
        CommitteeMeeting.objects.filter(engagement=engagement)
        .order_by("held_on", "id")
        .prefetch_related(
            Prefetch("outcomes", queryset=CommitteeOutcome.objects.order_by("id")),
            Prefetch("action_items", queryset=CommitteeActionItem.objects.order_by("due_on", "id")),
        )
    )


def flag_overdue(items, today: datetime.date | None = None):
    today = today or timezone.localdate()
    for item in items:
        item.overdue = bool(item.due_on and item.due_on < today and item.status in OPEN_STATUSES)
    return items


def open_action_items(engagement):
    items = list(
        CommitteeActionItem.objects.filter(meeting__engagement=engagement, status__in=OPEN_STATUSES)
        .select_related("meeting")
        .order_by("due_on", "id")
    )
    return flag_overdue(items)


def meeting_counts(engagement) -> dict[str, int]:
    return dict(
        CommitteeMeeting.objects.filter(engagement=engagement)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )


@dataclass
class PlannedMeeting:
    """One meeting of the suggested calendar and the meetings held for it."""

    kind: str
    label: str
    month: datetime.date  # the first day of the month it is planned in
    held: list = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.held:
            return "held"
        today = timezone.localdate()
        return "late" if self.month < today.replace(day=1) else "to_come"


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, current = [], _month(start)
    while current <= _month(end):
        months.append(current)
        current = (current.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def suggested_calendar(engagement, held_meetings) -> tuple[list[PlannedMeeting], list]:
    """Seed 000's calendar: a kick-off in the first month, a monthly meeting in each month
    between, the restitution of the recommendations in the month of the recommendations
    milestone and that of the plan in the month of the plan milestone (the end month when the
    milestone is missing). Each held meeting is matched to the planned one of its kind in its
    month (a monthly meeting held in a restitution month counts for that month too); the
    meetings that match nothing (other kinds, extra meetings) are returned apart."""
    milestones = {m.kind: m.due_on for m in engagement.milestones.all()}
    months = _months_between(engagement.start_date, engagement.end_date)
    recommendations_month = _month(
        milestones.get(MilestoneKind.RECOMMENDATIONS, engagement.end_date)
    )
    plan_month = _month(milestones.get(MilestoneKind.PLAN, engagement.end_date))
    labels = dict(CommitteeMeetingKind.choices)
    planned = []
    for index, month in enumerate(months):
        if index == 0:
            kind = CommitteeMeetingKind.KICK_OFF
        elif month == plan_month:
            kind = CommitteeMeetingKind.PLAN
        elif month == recommendations_month:
            kind = CommitteeMeetingKind.RECOMMENDATIONS
        else:
            kind = CommitteeMeetingKind.MONTHLY
        planned.append(PlannedMeeting(kind=kind, label=labels[kind], month=month))
    if plan_month > months[-1]:
        planned.append(PlannedMeeting(CommitteeMeetingKind.PLAN, labels["plan"], plan_month))
    unmatched = []
    by_slot = {}
    for slot in planned:
        by_slot.setdefault((slot.kind, slot.month), slot)
    for meeting in held_meetings:
        month = _month(meeting.held_on)
        slot = by_slot.get((meeting.kind, month))
        if slot is None and meeting.kind == CommitteeMeetingKind.MONTHLY:
            slot = next((s for s in planned if s.month == month and not s.held), None)
        if slot is None:
            # a restitution or kick-off held in another month than planned: the first planned
            # one of its kind not yet held
            slot = next(
                (
                    s
                    for s in planned
                    if s.kind == meeting.kind and not s.held and s.kind != "monthly"
                ),
                None,
            )
        if slot is None:
            unmatched.append(meeting)
        else:
            slot.held.append(meeting)
    return planned, unmatched


def calendar_summary(planned) -> dict:
    return {
        "planned": len(planned),
        "held": sum(1 for slot in planned if slot.held),
        "late": sum(1 for slot in planned if slot.status == "late"),
    }


STATUS_LABELS = {"held": _("held"), "late": _("not held"), "to_come": _("to come")}
