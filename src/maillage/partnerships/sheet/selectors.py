"""What the partnership sheet reads: a fixed number of queries (18, measured in
tests/partnerships/test_sheet.py) whatever the number of members, canvas entries, meetings,
risks, reviews, evaluations or action items."""

from dataclasses import dataclass

from django.db.models import Prefetch

from ..models import (
    ActionItem,
    AxisResult,
    CanvasEntry,
    ChecklistReview,
    Evaluation,
    EvaluationScore,
    ExperimentPlan,
    FitExpectation,
    GateDecision,
    GovernanceRole,
    MasterPlan,
    Milestone,
    Partnership,
    PartnershipMember,
    Risk,
    Ritual,
    WorkAxis,
)

OPEN_RISKS = (Risk.Status.OPEN, Risk.Status.TREATED)
OPEN_ACTIONS = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)


@dataclass
class SheetData:
    partnership: Partnership
    members: list[PartnershipMember]
    entries: list[CanvasEntry]
    fit: list[FitExpectation]
    experiment: ExperimentPlan | None
    masterplan: MasterPlan | None
    axes: list[WorkAxis]
    milestones: list[Milestone]
    rituals: list[Ritual]
    governance: list[GovernanceRole]
    decisions: list[GateDecision]
    risks: list[Risk]
    review: ChecklistReview | None
    evaluation: Evaluation | None
    actions: list[ActionItem]
    meeting_count: int


def sheet_data(partnership: Partnership) -> SheetData:
    """Everything the sheet of `partnership` shows, read in a fixed number of queries."""
    partnership = (
        Partnership.objects.select_related("kind", "coordinator", "workspace")
        .filter(pk=partnership.pk)
        .get()
    )
    children = {"partnership": partnership}
    members = list(
        PartnershipMember.objects.filter(**children)
        .select_related("actor")
        .order_by("role", "actor__name", "id")
    )
    by_id = {member.pk: member for member in members}

    def attach(rows, attribute="member"):
        for row in rows:
            member_id = getattr(row, f"{attribute}_id")
            if member_id in by_id:
                setattr(row, attribute, by_id[member_id])
        return rows

    entries = attach(list(CanvasEntry.objects.filter(**children)))
    fit = attach(list(FitExpectation.objects.filter(**children)))
    experiment = ExperimentPlan.objects.filter(**children).first()
    masterplan = MasterPlan.objects.filter(**children).first()
    axes = list(
        WorkAxis.objects.filter(**children).prefetch_related(
            Prefetch(
                "results",
                queryset=AxisResult.objects.select_related("indicator", "target").order_by(
                    "horizon", "id"
                ),
            )
        )
    )
    milestones = list(Milestone.objects.filter(**children).select_related("axis"))
    rituals = list(Ritual.objects.filter(**children))
    governance = attach(list(GovernanceRole.objects.filter(**children)))
    decisions = list(GateDecision.objects.filter(**children).order_by("decided_on", "id"))
    risks = list(Risk.objects.filter(**children))
    review = ChecklistReview.objects.filter(**children).order_by("-reviewed_on", "-id").first()
    evaluation = (
        Evaluation.objects.filter(**children, scores__isnull=False)
        .order_by("-evaluated_on", "-id")
        .distinct()
        .first()
    )
    if evaluation is not None:
        evaluation.score_list = attach(
            list(EvaluationScore.objects.filter(evaluation=evaluation).order_by("dimension", "id"))
        )
    actions = attach(
        list(
            ActionItem.objects.filter(**children, status__in=OPEN_ACTIONS)
            .select_related("meeting")
            .order_by("due_on", "id")
        ),
        "owner_member",
    )
    return SheetData(
        partnership=partnership,
        members=members,
        entries=entries,
        fit=fit,
        experiment=experiment,
        masterplan=masterplan,
        axes=axes,
        milestones=milestones,
        rituals=rituals,
        governance=governance,
        decisions=decisions,
        risks=risks,
        review=review,
        evaluation=evaluation,
        actions=actions,
        meeting_count=partnership.meetings.count(),
    )
