"""The partnership module's models, one file per area (see docs/partnerships.md)."""

from .canvas import CanvasEntry, FitExpectation
from .evaluations import Evaluation, EvaluationScore
from .meetings import ActionItem, Meeting, MeetingDecision
from .partnerships import (
    GateAttachment,
    GateCriterion,
    GateDecision,
    Partnership,
    PartnershipGuest,
    PartnershipKind,
    PartnershipMember,
)
from .plans import (
    AxisResult,
    ExperimentPlan,
    GovernanceRole,
    MasterPlan,
    Milestone,
    Ritual,
    WorkAxis,
)
from .risks import ChecklistAnswer, ChecklistReview, Risk

__all__ = [
    "ActionItem",
    "AxisResult",
    "CanvasEntry",
    "ChecklistAnswer",
    "ChecklistReview",
    "Evaluation",
    "EvaluationScore",
    "ExperimentPlan",
    "FitExpectation",
    "GateAttachment",
    "GateCriterion",
    "GateDecision",
    "GovernanceRole",
    "MasterPlan",
    "Meeting",
    "MeetingDecision",
    "Milestone",
    "Partnership",
    "PartnershipGuest",
    "PartnershipKind",
    "PartnershipMember",
    "Risk",
    "Ritual",
    "WorkAxis",
]
