"""Schemas of the diagnostics API (maillage/api/diagnostics.py), made as the partnerships ones
are (`schemas_partnerships.Spec`: each resource described once, its In/Replace/Patch/Out schemas
made from that; choices are `Literal`s so an unknown value is a 422 naming the field).

Personal data: an interview's `notes` read `null` unless the caller may see sensitive data
(`Membership.can_view_sensitive`), with `has_notes` saying whether there are some; a
stakeholder's `email` reads `null` for guests. Invitations never show their token.
"""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from maillage.diagnostics.access import may_read_notes
from maillage.diagnostics.choices import (
    ActionStatus,
    CommitteeMeetingKind,
    CommitteeOutcomeKind,
    DocumentKind,
    EngagementStatus,
    InterviewKind,
    InterviewStatus,
    MilestoneKind,
    Priority,
    Quadrant,
    RecommendationStatus,
    StakeholderCategory,
)
from maillage.workspaces.models import Role

from .schemas_partnerships import (
    REQUIRED,
    Spec,
    choice,
    in_schemas,
    out_schema,
    required_text,
    text,
)

__all__ = ["SPECS", "EngagementIn", "TransitionIn", "in_schemas", "out_schema"]

OptionalDate = (datetime.date | None, None)
Days = (Decimal, Field(Decimal(0), ge=0, max_digits=7, decimal_places=2))
Euros = (Decimal, Field(Decimal(0), ge=0, max_digits=12, decimal_places=2))
OptionalId = (int | None, None)
Ids = (list[int], [])
Position = (int | None, Field(None, ge=0, description="Omitted: at the end."))
Priorities = Literal[tuple(int(v) for v in Priority.values)]  # type: ignore[valid-type]


def _request(context):
    return (context or {}).get("request")


def _notes(obj, context):
    request = _request(context)
    return obj.notes if request is not None and may_read_notes(request) else None


def _email(obj, context):
    request = _request(context)
    membership = getattr(request, "membership", None)
    if membership is None or membership.role == Role.GUEST:
        return None
    return obj.email


SPECS = {
    "engagement": Spec(
        "Engagement",
        {
            "title": required_text(200),
            "summary": text(),
            "status": (choice(EngagementStatus), EngagementStatus.PREPARATION.value),
            "start_date": (datetime.date, REQUIRED),
            "end_date": (datetime.date, REQUIRED),
            "consultants": text(),
            "project_lead": text(150),
            "focal_point": text(150),
            "budget_days": Days,
            "budget_amount": Euros,
            "expected_interviews": (int, Field(25, ge=0, le=32767)),
            "target_scenario": OptionalId,
            "target_rationale": text(),
            "plan_shared": (bool, False),
        },
        references=("target_scenario",),
        parent="workspace",
    ),
    "dimension": Spec(
        "DiagnosticDimension",
        {
            "name": required_text(200),
            "description": text(),
            "position": Position,
            "priority_rank": (int | None, Field(None, ge=1)),
            "priority_rationale": text(),
        },
        read_only={"key": str},
        parent="engagement",
    ),
    "engagement_organisation": Spec(
        "EngagementOrganisation",
        {"actor": (int, Field(REQUIRED, description="Id of an actor of the registry."))},
        references=("actor",),
        parent="engagement",
    ),
    "committee_member": Spec(
        "CommitteeMember",
        {"name": required_text(150), "role": text(200), "organisation": OptionalId},
        references=("organisation",),
        parent="engagement",
    ),
    "engagement_milestone": Spec(
        "EngagementMilestone",
        {
            "kind": (choice(MilestoneKind), MilestoneKind.OTHER.value),
            "name": required_text(200),
            "due_on": (datetime.date, REQUIRED),
            "done_on": OptionalDate,
        },
        parent="engagement",
    ),
    "time_spent": Spec(
        "TimeSpent",
        {
            "spent_on": (datetime.date, REQUIRED),
            "person": required_text(150),
            "days": (Decimal, Field(REQUIRED, ge=0, max_digits=5, decimal_places=2)),
            "amount": (Decimal, Field(Decimal(0), ge=0, max_digits=10, decimal_places=2)),
            "description": text(300),
        },
        parent="engagement",
    ),
    "stakeholder": Spec(
        "Stakeholder",
        {
            "name": required_text(150),
            "email": text(254),
            "job_title": text(200),
            "organisation": OptionalId,
            "category": (choice(StakeholderCategory), REQUIRED),
            "consent": (bool, False),
            "consent_on": OptionalDate,
        },
        references=("organisation",),
        parent="engagement",
        resolvers={"email": _email},
    ),
    "guide_question": Spec(
        "GuideQuestion",
        {
            "dimension": (int, REQUIRED),
            "text_fr": required_text(),
            "text_en": text(),
            "position": Position,
        },
        references=("dimension",),
        parent="engagement",
    ),
    "interview": Spec(
        "Interview",
        {
            "kind": (choice(InterviewKind), InterviewKind.INDIVIDUAL.value),
            "status": (choice(InterviewStatus), InterviewStatus.PLANNED.value),
            "planned_on": OptionalDate,
            "held_on": OptionalDate,
            "interviewer": text(150),
            "stakeholders": (list[int], REQUIRED),
            "notes": (
                str | None,
                Field(
                    None,
                    description="Read null and refused (403) without the permission to see "
                    "sensitive data.",
                ),
            ),
        },
        read_only={"has_notes": bool},
        parent="engagement",
        many=("stakeholders",),
        resolvers={"notes": _notes, "has_notes": lambda obj: bool(obj.notes)},
    ),
    "reviewed_document": Spec(
        "ReviewedDocument",
        {
            "kind": (choice(DocumentKind), DocumentKind.INTERNAL.value),
            "title": required_text(300),
            "source": text(200),
            "url": text(200),
            "reviewed_on": OptionalDate,
            "summary": text(),
        },
        parent="engagement",
    ),
    "finding": Spec(
        "Finding",
        {
            "dimension": (int, REQUIRED),
            "quadrant": (choice(Quadrant), REQUIRED),
            "statement": required_text(),
            "severity": (int, Field(REQUIRED, ge=1, le=5)),
        },
        references=("dimension",),
        parent="engagement",
    ),
    "finding_source": Spec(
        "FindingSource",
        {
            "interview": OptionalId,
            "document": OptionalId,
            "quote": text(),
            "anonymise": (bool, True),
        },
        references=("interview", "document"),
        parent="finding",
    ),
    "swot_item": Spec(
        "SwotItem",
        {
            "quadrant": (choice(Quadrant), REQUIRED),
            "text": required_text(),
            "position": Position,
            "findings": Ids,
        },
        parent="engagement",
        many=("findings",),
    ),
    "questionnaire": Spec(
        "Questionnaire",
        {
            "title": required_text(200),
            "introduction": text(),
            "is_open": (bool, True),
            "closes_on": OptionalDate,
        },
        parent="engagement",
    ),
    "questionnaire_item": Spec(
        "QuestionnaireItem",
        {
            "dimension": (int, REQUIRED),
            "statement_fr": required_text(300),
            "statement_en": text(300),
            "position": Position,
        },
        references=("dimension",),
        parent="questionnaire",
    ),
    "questionnaire_invitation": Spec(
        "QuestionnaireInvitation",
        {},
        read_only={"sent_on": datetime.date | None, "answered_at": datetime.datetime | None},
        references=("stakeholder",),
        parent="questionnaire",
    ),
    "scenario": Spec(
        "Scenario",
        {
            "name": required_text(200),
            "description": text(),
            "impacts": text(),
            "position": Position,
        },
        read_only={"key": str},
        parent="engagement",
    ),
    "criterion": Spec(
        "Criterion",
        {
            "name": required_text(200),
            "description": text(),
            "weight": (Decimal, Field(REQUIRED, ge=0, le=100, max_digits=5, decimal_places=2)),
            "position": Position,
        },
        read_only={"key": str},
        parent="engagement",
    ),
    "scenario_score": Spec(
        "ScenarioScore",
        {
            "criterion": (int, REQUIRED),
            "score": (int, Field(REQUIRED, ge=1, le=5)),
            "rationale": text(),
        },
        references=("criterion",),
        parent="scenario",
    ),
    "recommendation": Spec(
        "Recommendation",
        {
            "dimension": (int, REQUIRED),
            "title": required_text(300),
            "description": text(),
            "priority": (Priorities, int(Priority.MEDIUM)),
            "scenario": OptionalId,
            "findings": Ids,
        },
        read_only={
            "status": choice(RecommendationStatus),
            "directions_validated_by": str,
            "directions_validated_on": datetime.date | None,
            "boards_validated_by": str,
            "boards_validated_on": datetime.date | None,
            "rejected_on": datetime.date | None,
            "rejection_reason": str,
        },
        references=("dimension", "scenario"),
        parent="engagement",
        many=("findings",),
    ),
    "plan_action": Spec(
        "PlanAction",
        {
            "recommendation": (int, REQUIRED),
            "title": required_text(300),
            "priority": (Priorities, int(Priority.MEDIUM)),
            "start_on": (datetime.date, REQUIRED),
            "due_on": (datetime.date, REQUIRED),
            "owner": required_text(150),
            "indicators": Ids,
            "monitoring_mode": text(),
            "resource_days": Days,
            "resource_amount": Euros,
            "training_needs": text(),
            "status": (choice(ActionStatus), ActionStatus.TO_DO.value),
            "progress": (int, Field(0, ge=0, le=100)),
        },
        references=("recommendation",),
        parent="engagement",
        many=("indicators",),
    ),
    "action_update": Spec(
        "ActionUpdate",
        {
            "on": (datetime.date, REQUIRED),
            "progress": (int, Field(REQUIRED, ge=0, le=100)),
            "note": text(),
        },
        parent="action",
    ),
    "committee_meeting": Spec(
        "CommitteeMeeting",
        {
            "kind": (choice(CommitteeMeetingKind), REQUIRED),
            "held_on": (datetime.date, REQUIRED),
            "agenda": text(),
            "attendees": text(),
            "minutes": text(),
        },
        parent="engagement",
    ),
    "committee_outcome": Spec(
        "CommitteeOutcome",
        {
            "kind": (choice(CommitteeOutcomeKind), CommitteeOutcomeKind.DECISION.value),
            "text": required_text(),
        },
        parent="meeting",
    ),
    "committee_action_item": Spec(
        "CommitteeActionItem",
        {
            "title": required_text(300),
            "owner": required_text(150),
            "due_on": OptionalDate,
            "status": (choice(ActionStatus), ActionStatus.TO_DO.value),
        },
        parent="meeting",
    ),
}


_EngagementCreate = in_schemas(SPECS["engagement"])[0]


class EngagementIn(_EngagementCreate):
    language: Literal["fr", "en"] = Field(
        "fr",
        description="The language the default dimensions, scenarios and criteria are named in.",
    )


class TransitionIn(Schema):
    name: Literal["directions", "boards", "reject", "reopen"] = Field(
        ..., description="The workflow step (see services.recommendations)."
    )
    version: int
    by: str = Field("", max_length=300, description="Who validated (the names).")
    on: datetime.date | None = Field(None, description="When; today if omitted.")
    reason: str = Field("", description="Why it is rejected.")
