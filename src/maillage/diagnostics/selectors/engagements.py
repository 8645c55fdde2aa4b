"""Reads of engagements: the workspace's list, an engagement's people, milestones (status
computed), budget vs time spent (exact Decimal sums) and the counts of its sections."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..choices import InterviewStatus
from ..models import (
    CommitteeMember,
    Dimension,
    Engagement,
    EngagementMilestone,
    EngagementOrganisation,
    TimeSpent,
)

ZERO = Decimal("0")


def engagements_for_list(workspace):
    """The engagements with their organisations and interviews done (budget: `with_budget`)."""
    return (
        Engagement.objects.filter(workspace=workspace)
        .annotate(
            interviews_done=Count(
                "interviews", filter=Q(interviews__status=InterviewStatus.DONE), distinct=True
            )
        )
        .prefetch_related(
            Prefetch(
                "organisations",
                queryset=EngagementOrganisation.objects.select_related("actor").order_by("id"),
            )
        )
        .order_by("-start_date", "title", "id")
    )


@dataclass
class Budget:
    """A budget against what was used: in days and in euros, exact to the cent."""

    budget_days: Decimal
    budget_amount: Decimal
    days_used: Decimal = ZERO
    amount_used: Decimal = ZERO

    @property
    def days_remaining(self) -> Decimal:
        return self.budget_days - self.days_used

    @property
    def amount_remaining(self) -> Decimal:
        return self.budget_amount - self.amount_used

    @staticmethod
    def _percent(used: Decimal, budget: Decimal) -> Decimal | None:
        if not budget:
            return None
        return (used * 100 / budget).quantize(Decimal("0.1"))

    @property
    def days_percent(self) -> Decimal | None:
        return self._percent(self.days_used, self.budget_days)

    @property
    def amount_percent(self) -> Decimal | None:
        return self._percent(self.amount_used, self.budget_amount)

    @property
    def days_over(self) -> bool:
        return self.days_used > self.budget_days

    @property
    def amount_over(self) -> bool:
        return self.amount_used > self.budget_amount

    @property
    def over(self) -> bool:
        return self.days_over or self.amount_over

    @property
    def bar_percent(self) -> int:
        """The fuller of the two, capped at 100, for a progress bar."""
        values = [p for p in (self.days_percent, self.amount_percent) if p is not None]
        return min(100, int(max(values))) if values else 0


def budget(engagement) -> Budget:
    """Sums in Python over the stored values, so that no database float ever rounds them."""
    result = Budget(engagement.budget_days, engagement.budget_amount)
    for days, amount in TimeSpent.objects.filter(engagement=engagement).values_list(
        "days", "amount"
    ):
        result.days_used += days
        result.amount_used += amount
    return result


def with_budget(engagements) -> list:
    """Sets `.budget` on each engagement of a page (one query for the whole page)."""
    engagements = list(engagements)
    budgets = {e.pk: Budget(e.budget_days, e.budget_amount) for e in engagements}
    rows = TimeSpent.objects.filter(engagement_id__in=budgets).values_list(
        "engagement_id", "days", "amount"
    )
    for engagement_id, days, amount in rows:
        budgets[engagement_id].days_used += days
        budgets[engagement_id].amount_used += amount
    for engagement in engagements:
        engagement.budget = budgets[engagement.pk]
    return engagements


def milestone_status(milestone, today: datetime.date | None = None) -> str:
    """done (a done date), late (due before today, not done), to_come."""
    today = today or timezone.localdate()
    if milestone.done_on:
        return "done"
    return "late" if milestone.due_on < today else "to_come"


def milestones(engagement) -> list:
    today = timezone.localdate()
    items = list(EngagementMilestone.objects.filter(engagement=engagement).order_by("due_on", "id"))
    for item in items:
        item.status = milestone_status(item, today)
        item.late_by = (today - item.due_on).days if item.status == "late" else 0
    return items


def organisations(engagement):
    return (
        EngagementOrganisation.objects.filter(engagement=engagement)
        .select_related("actor")
        .order_by("actor__name", "id")
    )


def committee_members(engagement):
    return (
        CommitteeMember.objects.filter(engagement=engagement)
        .select_related("organisation")
        .order_by("name", "id")
    )


def time_spent(engagement):
    return TimeSpent.objects.filter(engagement=engagement).order_by("-spent_on", "-id")


def dimensions(engagement):
    """The dimensions in order, with how many findings and recommendations use each."""
    return (
        Dimension.objects.filter(engagement=engagement)
        .annotate(
            finding_count=Count("findings", distinct=True),
            recommendation_count=Count("recommendations", distinct=True),
        )
        .order_by("position", "id")
    )


def _count(queryset):
    """A correlated count as a subquery (every section in one query)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("engagement").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def section_counts(engagement) -> dict[str, int]:
    """What the engagement holds, section by section (one query)."""
    from ..models import (
        CommitteeMeeting,
        Finding,
        Interview,
        PlanAction,
        Recommendation,
        Scenario,
        Stakeholder,
    )

    mine = {"engagement": engagement}
    counts = {
        "dimensions": _count(Dimension.objects.filter(**mine)),
        "stakeholders": _count(Stakeholder.objects.filter(**mine)),
        "interviews_done": _count(Interview.objects.filter(**mine, status=InterviewStatus.DONE)),
        "findings": _count(Finding.objects.filter(**mine)),
        "scenarios": _count(Scenario.objects.filter(**mine)),
        "recommendations": _count(Recommendation.objects.filter(**mine)),
        "plan_actions": _count(PlanAction.objects.filter(**mine)),
        "meetings": _count(CommitteeMeeting.objects.filter(**mine)),
    }
    row = (
        Engagement.objects.filter(pk=engagement.pk)
        .annotate(**{f"n_{key}": value for key, value in counts.items()})
        .values(*(f"n_{key}" for key in counts))
        .first()
    )
    return {key: (row or {}).get(f"n_{key}", 0) for key in counts}
