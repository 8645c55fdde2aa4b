"""The diagnostic module's models, one file per area (see docs/diagnostics/README.md)."""

from .committee import CommitteeActionItem, CommitteeMeeting, CommitteeOutcome
from .engagements import (
    CommitteeMember,
    Dimension,
    Engagement,
    EngagementMilestone,
    EngagementOrganisation,
    TimeSpent,
)
from .fieldwork import (
    Finding,
    FindingSource,
    Interview,
    InterviewQuestion,
    ReviewedDocument,
    Stakeholder,
    SwotItem,
)
from .plan import ActionUpdate, PlanAction, Recommendation
from .questionnaires import (
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireInvitation,
    QuestionnaireItem,
)
from .scenarios import Criterion, Scenario, ScenarioScore

__all__ = [
    "ActionUpdate",
    "CommitteeActionItem",
    "CommitteeMeeting",
    "CommitteeMember",
    "CommitteeOutcome",
    "Criterion",
    "Dimension",
    "Engagement",
    "EngagementMilestone",
    "EngagementOrganisation",
    "Finding",
    "FindingSource",
    "Interview",
    "InterviewQuestion",
    "PlanAction",
    "Questionnaire",
    "QuestionnaireAnswer",
    "QuestionnaireInvitation",
    "QuestionnaireItem",
    "Recommendation",
    "ReviewedDocument",
    "Scenario",
    "ScenarioScore",
    "Stakeholder",
    "SwotItem",
    "TimeSpent",
]
