"""Schemas of the partnerships API (maillage/api/partnerships.py).

Each resource is described once (`Spec`: its writable fields with their types and defaults, its
read-only fields, the references it holds) and its four schemas are made from that: `<Name>In`
(create), `<Name>Replace` (PUT: every field, and `version`), `<Name>Patch` (PATCH: the fields
sent, and `version`), `<Name>Out` (answers: references as ids). Choices are `Literal`s, so an
unknown value is a 422 naming the field.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from maillage.partnerships.checklists import ITEMS_BY_KEY, Answer, Health, Trend
from maillage.partnerships.choices import (
    BrakeNature,
    Dimension,
    ExperimentTest,
    ExperimentTool,
    MemberRole,
    Objective,
    Outcome,
    RiskSide,
    Side,
    Stage,
    Status,
    ValueChainLevel,
)
from maillage.partnerships.models import ActionItem, CanvasEntry, FitExpectation, Risk, Ritual

REQUIRED = ...


def choice(choices) -> Any:
    return Literal[tuple(str(value) for value in choices.values)]  # type: ignore[valid-type]


Version = int


@dataclass
class Spec:
    """A resource's fields: `writable` {name: (type, default or REQUIRED)}; `read_only` {name:
    type}; `references`: names of foreign keys (answered and given as ids)."""

    name: str
    writable: dict[str, tuple[Any, Any]]
    read_only: dict[str, Any] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    parent: str = "partnership"  # the reference set by the path, never by the body
    many: tuple[str, ...] = ()  # many-to-many fields, answered as lists of ids
    resolvers: dict[str, Any] = field(default_factory=dict)  # written fields not on the model


def _class(name: str, annotations: dict, defaults: dict, extra: dict | None = None):
    namespace = {"__annotations__": annotations, **defaults, **(extra or {})}
    return type(name, (Schema,), namespace)


def _resolver(attname: str):
    return staticmethod(lambda obj: getattr(obj, attname))


def _ids(name: str):
    return staticmethod(lambda obj: [row.pk for row in getattr(obj, name).all()])


def out_schema(spec: Spec):
    annotations = {"id": int, "version": int}
    resolvers = {}
    parent = () if spec.parent == "workspace" else (spec.parent,)
    for name in (*parent, *spec.references):
        annotations[name] = int | None
        resolvers[f"resolve_{name}"] = _resolver(f"{name}_id")
    for name in spec.many:
        annotations[name] = list[int]
        resolvers[f"resolve_{name}"] = _ids(name)
    for name, (kind, _default) in spec.writable.items():
        if name not in annotations:
            annotations[name] = kind | None
    for name, kind in spec.read_only.items():
        annotations.setdefault(name, kind)
    for name, function in spec.resolvers.items():
        resolvers[f"resolve_{name}"] = staticmethod(function)
    annotations.update({"created_at": datetime.datetime, "updated_at": datetime.datetime})
    return _class(f"{spec.name}Out", annotations, {}, resolvers)


def in_schemas(spec: Spec):
    """(In, Replace, Patch)."""
    create_annotations, create_defaults = {}, {}
    patch_annotations, patch_defaults = {"version": Version}, {}
    for name, (kind, default) in spec.writable.items():
        create_annotations[name] = kind
        if default is not REQUIRED:
            create_defaults[name] = default
        patch_annotations[name] = kind | None
        patch_defaults[name] = None
    replace_annotations = {"version": Version, **create_annotations}
    return (
        _class(f"{spec.name}In", create_annotations, dict(create_defaults)),
        _class(f"{spec.name}Replace", replace_annotations, dict(create_defaults)),
        _class(f"{spec.name}Patch", patch_annotations, patch_defaults),
    )


def text(max_length: int | None = None, default=""):
    return (str, Field(default, max_length=max_length) if max_length else default)


def required_text(max_length: int | None = None):
    return (str, Field(REQUIRED, min_length=1, max_length=max_length))


OptionalDate = (datetime.date | None, None)

SPECS = {
    "partnership": Spec(
        "Partnership",
        {
            "name": required_text(200),
            "summary": text(),
            "kind": (int, REQUIRED),
            "objectives": (list[choice(Objective)], []),
            "value_chain_levels": (list[choice(ValueChainLevel)], []),
            "start_date": OptionalDate,
            "end_date": OptionalDate,
            "coordinator": (int | None, Field(None, description="Id of a user of the workspace.")),
            "next_gate_on": OptionalDate,
        },
        read_only={
            "stage": choice(Stage),
            "status": choice(Status),
            "stage_since": datetime.date | None,
            "health": choice(Health),
            "health_trend": str,
            "evaluation_score": Decimal | None,
            "evaluated_on": datetime.date | None,
        },
        references=("kind", "coordinator"),
        parent="workspace",
    ),
    "member": Spec(
        "PartnershipMember",
        {
            "actor": (int, REQUIRED),
            "role": (choice(MemberRole), MemberRole.PARTNER.value),
            "side": (
                choice(Side) | Literal[""],
                Field("", description="Empty: from the organisation's profile."),
            ),
            "contribution": text(),
            "joined_on": OptionalDate,
        },
        references=("actor",),
    ),
    "guest": Spec(
        "PartnershipGuest",
        {
            "membership": (int, Field(REQUIRED, description="Id of a guest's membership.")),
            "member": (int, Field(REQUIRED, description="The member the guest speaks for.")),
        },
        references=("membership", "member"),
    ),
    "canvas_entry": Spec(
        "CanvasEntry",
        {
            "member": (int, REQUIRED),
            "section": (choice(CanvasEntry.Section), REQUIRED),
            "level": (choice(ValueChainLevel) | Literal[""], ""),
            "text": required_text(),
            "figures": text(200),
            "qualifier": (choice(CanvasEntry.Qualifier) | Literal[""], ""),
            "position": (int | None, Field(None, ge=0)),
        },
        references=("member",),
    ),
    "fit_expectation": Spec(
        "FitExpectation",
        {
            "member": (int, REQUIRED),
            "dimension": (choice(Dimension), REQUIRED),
            "expectation": required_text(),
            "fit": (choice(FitExpectation.Fit), FitExpectation.Fit.UNKNOWN.value),
            "comment": text(),
        },
        references=("member",),
    ),
    "experiment_plan": Spec(
        "ExperimentPlan",
        {
            "tests": (list[choice(ExperimentTest)], []),
            "tools": (list[choice(ExperimentTool)], []),
            "description": text(),
            "success_criteria": text(),
            "start_date": OptionalDate,
            "end_date": OptionalDate,
            "learnings": text(),
        },
    ),
    "masterplan": Spec(
        "MasterPlan",
        {
            "starts_on": OptionalDate,
            "purpose": text(),
            "vision_6_months": text(),
            "vision_1_year": text(),
            "vision_3_years": text(),
            "processes": text(),
        },
    ),
    "axis": Spec(
        "WorkAxis",
        {
            "name": required_text(200),
            "description": text(),
            "position": (int | None, Field(None, ge=0)),
        },
    ),
    "result": Spec(
        "AxisResult",
        {
            "horizon": (Literal[3, 6], REQUIRED),
            "indicator": (int, REQUIRED),
            "how_measured": text(),
            "target_value": (Decimal | None, None),
            "target_text": text(),
        },
        references=("indicator", "axis", "target"),
        resolvers={
            "target_value": lambda r: r.target.value if r.target else None,
            "target_text": lambda r: r.target.text if r.target else "",
        },
    ),
    "milestone": Spec(
        "Milestone",
        {
            "axis": (int | None, None),
            "name": required_text(200),
            "start_date": OptionalDate,
            "due_date": (datetime.date, REQUIRED),
            "done_on": OptionalDate,
            "owner": text(150),
        },
        references=("axis",),
    ),
    "ritual": Spec(
        "Ritual",
        {
            "name": required_text(150),
            "frequency": (choice(Ritual.Frequency), REQUIRED),
            "purpose": text(),
            "participants": text(),
        },
    ),
    "governance_role": Spec(
        "GovernanceRole",
        {
            "member": (int | None, None),
            "person": required_text(150),
            "responsibility": required_text(300),
        },
        references=("member",),
    ),
    "meeting": Spec(
        "Meeting",
        {
            "held_on": (datetime.date, REQUIRED),
            "title": required_text(200),
            "ritual": (int | None, None),
            "agenda": text(),
            "attendees": text(),
            "minutes": text(),
        },
        references=("ritual",),
    ),
    "meeting_decision": Spec(
        "MeetingDecision",
        {"text": required_text()},
        references=("meeting",),
    ),
    "action_item": Spec(
        "ActionItem",
        {
            "meeting": (int | None, None),
            "title": required_text(300),
            "owner": required_text(150),
            "owner_member": (int | None, None),
            "due_on": OptionalDate,
            "status": (choice(ActionItem.Status), ActionItem.Status.OPEN.value),
            "done_on": OptionalDate,
        },
        references=("meeting", "owner_member"),
    ),
    "risk": Spec(
        "Risk",
        {
            "title": required_text(300),
            "description": text(),
            "side": (choice(RiskSide), REQUIRED),
            "nature": (choice(BrakeNature), REQUIRED),
            "likelihood": (int, Field(REQUIRED, ge=1, le=5)),
            "impact": (int, Field(REQUIRED, ge=1, le=5)),
            "owner": text(150),
            "treatment": text(),
            "status": (choice(Risk.Status), Risk.Status.OPEN.value),
        },
        read_only={"score": int},
    ),
    "evaluation": Spec(
        "Evaluation",
        {
            "evaluated_on": (datetime.date, REQUIRED),
            "title": required_text(200),
            "notes": text(),
        },
    ),
    "evaluation_score": Spec(
        "EvaluationScore",
        {
            "member": (int, REQUIRED),
            "dimension": (choice(Dimension), REQUIRED),
            "score": (int, Field(REQUIRED, ge=1, le=5)),
            "evidence": required_text(),
            "indicators": (list[int], []),
        },
        references=("member", "evaluation"),
        many=("indicators",),
    ),
}


# --- checklist reviews -----------------------------------------------------------------------


class AnswerIn(Schema):
    item: Literal[tuple(ITEMS_BY_KEY)]  # type: ignore[valid-type]
    answer: choice(Answer)
    comment: str = Field("", max_length=300)


class AnswerOut(AnswerIn):
    pass


class ChecklistReviewIn(Schema):
    reviewed_on: datetime.date
    notes: str = ""
    answers: list[AnswerIn] = Field(
        [], description="One answer per checklist item at most; items left out are unanswered."
    )


class ChecklistReviewReplace(ChecklistReviewIn):
    version: Version


class ChecklistReviewPatch(Schema):
    version: Version
    reviewed_on: datetime.date | None = None
    notes: str | None = None
    answers: list[AnswerIn] | None = Field(None, description="Sent: replaces every answer.")


class ChecklistReviewOut(Schema):
    id: int
    version: int
    partnership: int
    reviewed_on: datetime.date
    notes: str
    score: Decimal | None = Field(description="Risk score in percent (kept by the service).")
    health: choice(Health)
    trend: choice(Trend) | Literal[""]
    answers: list[AnswerOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_partnership(review) -> int:
        return review.partnership_id

    @staticmethod
    def resolve_answers(review) -> list:
        return [
            {"item": a.item, "answer": a.answer, "comment": a.comment} for a in review.answers.all()
        ]


# --- gate decisions --------------------------------------------------------------------------


class CriterionIn(Schema):
    label: str = Field(..., min_length=1, max_length=300)
    met: bool = False
    result: int | None = Field(None, description="Id of a MasterPlan result of the partnership.")
    note: str = Field("", max_length=300)


class CriterionOut(Schema):
    id: int
    label: str
    met: bool
    result: int | None
    note: str

    @staticmethod
    def resolve_result(criterion) -> int | None:
        return criterion.result_id


class GateDecisionIn(Schema):
    version: Version = Field(description="The partnership's version (409 if it changed).")
    decided_on: datetime.date
    outcome: choice(Outcome)
    deciders: str = Field(..., min_length=1, description="One person per line.")
    rationale: str = Field(..., min_length=1)
    next_gate_on: datetime.date | None = Field(None, description="Required to postpone.")
    criteria: list[CriterionIn] = []


class GateDecisionOut(Schema):
    id: int
    version: int
    partnership: int
    decided_on: datetime.date
    outcome: choice(Outcome)
    deciders: str
    rationale: str
    next_gate_on: datetime.date | None
    stage_before: choice(Stage)
    stage_after: choice(Stage)
    status_before: choice(Status)
    status_after: choice(Status)
    recorded_by: int | None
    criteria: list[CriterionOut]
    created_at: datetime.datetime

    @staticmethod
    def resolve_partnership(decision) -> int:
        return decision.partnership_id

    @staticmethod
    def resolve_recorded_by(decision) -> int | None:
        return decision.recorded_by_id

    @staticmethod
    def resolve_criteria(decision) -> list:
        return list(decision.criteria.all())


class KindOut(Schema):
    id: int
    name: str
    description: str
    position: int
