"""API of the diagnostics module: engagements and everything recorded in them — dimensions,
organisations involved, committee members, milestones, time spent, stakeholders, the interview
guide, interviews, documents reviewed, findings and their sources, the SWOT, questionnaires
(statements; invitations read-only), scenarios, criteria and scores, recommendations (with
their validation workflow), plan actions and their progress updates, committee meetings with
their decisions, arbitrations and action items.

Paths: `/w/{slug}/diagnostics/engagements[/{engagement_id}]`; an engagement's lists and
creations under `/w/{slug}/diagnostics/engagements/{engagement_id}/<things>`, a child's under
its parent (`/diagnostics/findings/{finding_id}/sources`, …); each item at
`/w/{slug}/diagnostics/<things>/{<thing>_id}`. The `Resource` registry of api/resources.py, as
the partnerships API (`schemas_partnerships.Spec` for the schemas, `crud.item_operations` for
the item operations). Writes go through `maillage.diagnostics.services` (validated, audited,
optimistically locked: 409 when `version` is stale, 422 naming the field when refused).
Guests read everything but interview notes and stakeholders' e-mail addresses; they write
nothing. Interview notes need `can_view_sensitive` to be read or written (403 otherwise).
See docs/api.md, "Diagnostics".
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from maillage.core.services import create_child, tenant_delete, tenant_update
from maillage.diagnostics import access
from maillage.diagnostics.models import (
    ActionUpdate,
    CommitteeActionItem,
    CommitteeMeeting,
    CommitteeMember,
    CommitteeOutcome,
    Criterion,
    Dimension,
    Engagement,
    EngagementMilestone,
    EngagementOrganisation,
    Finding,
    FindingSource,
    Interview,
    InterviewQuestion,
    PlanAction,
    Questionnaire,
    QuestionnaireInvitation,
    QuestionnaireItem,
    Recommendation,
    ReviewedDocument,
    Scenario,
    ScenarioScore,
    Stakeholder,
    SwotItem,
    TimeSpent,
)
from maillage.diagnostics.services import committee as committee_services
from maillage.diagnostics.services import engagements as engagement_services
from maillage.diagnostics.services import fieldwork as fieldwork_services
from maillage.diagnostics.services import findings as finding_services
from maillage.diagnostics.services import plan as plan_services
from maillage.diagnostics.services import questionnaires as questionnaire_services
from maillage.diagnostics.services import recommendations as recommendation_services
from maillage.diagnostics.services import scenarios as scenario_services
from maillage.diagnostics.services import swot as swot_services
from maillage.ecosystem.models import Actor
from maillage.impact.models import Indicator
from maillage.workspaces.models import Role

from .auth import WorkspaceSlug, require_api_role
from .crud import _PARAMETER, _register, item_operations
from .pagination import LimitOffset
from .resources import (
    one,
    register_resource,
    resolve_refs,
    service_delete,
    service_user,
    with_related,
    without_none,
)
from .schemas_diagnostics import SPECS, EngagementIn, TransitionIn, in_schemas, out_schema

router = Router(tags=["Diagnostics"])

BASE = "/w/{slug}/diagnostics"


# --- lookups ---------------------------------------------------------------------------------


def _get(model, request, pk: int):
    return one(model.objects.filter(workspace=request.workspace), pk)


def _engagement_of(obj) -> Engagement:
    if isinstance(obj, Engagement):
        return obj
    if hasattr(obj, "engagement_id"):
        return obj.engagement
    for parent in ("finding", "questionnaire", "scenario", "action", "meeting"):
        if hasattr(obj, f"{parent}_id"):
            return getattr(obj, parent).engagement
    raise AssertionError(type(obj))


def _ref(request, model, name: str, pk, engagement=None):
    """The `model` row of id `pk` in the workspace (and in `engagement` if the model hangs from
    one), or a 422 naming the field."""
    if pk is None:
        return None
    rows = model.objects.filter(workspace=request.workspace, pk=pk)
    if engagement is not None:
        rows = rows.filter(engagement=engagement)
    found = rows.first()
    if found is None:
        raise ValidationError({name: _("Unknown id in this engagement: %(ids)s") % {"ids": pk}})
    return found


# --- resources -------------------------------------------------------------------------------


@dataclass
class Resource:
    """One resource's operations: `list_<plural>`/`create_<name>` on the parent's path,
    `get/replace/update/delete_<name>` on the item's path (registered by api/resources.py)."""

    key: str  # in SPECS; also the operation suffix
    plural: str
    model: type[models.Model]
    segment: str  # /diagnostics/<segment>/{<key>_id}, and the list's last segment
    parent: str = "engagement"  # a key of PARENTS
    refs: dict = field(default_factory=dict)  # name: (model, scoped to the engagement)
    create: Callable | None = None  # (request, parent, fields) -> obj
    update: Callable | None = None  # (request, obj, version, fields) -> obj
    delete: Callable | None = None  # (request, obj, version) -> None
    list_segment: str = ""  # under the parent (default: segment)
    order: tuple[str, ...] = ("id",)
    select: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    doc: str = ""

    @property
    def id_name(self) -> str:
        return f"{self.key}_id"


PARENTS = {
    # parent (also the child's field naming it): (model, path argument, path segment)
    "engagement": (Engagement, "engagement_id", "engagements"),
    "finding": (Finding, "finding_id", "findings"),
    "questionnaire": (Questionnaire, "questionnaire_id", "questionnaires"),
    "scenario": (Scenario, "scenario_id", "scenarios"),
    "action": (PlanAction, "plan_action_id", "plan-actions"),
    "meeting": (CommitteeMeeting, "committee_meeting_id", "committee-meetings"),
}


def _fields(request, resource: Resource, engagement, data: dict) -> dict:
    """The service's arguments: ids resolved (422 naming the field when unknown)."""
    return resolve_refs(
        resource,
        data,
        lambda model, name, pk, scoped: _ref(
            request, model, name, pk, engagement if scoped else None
        ),
    )


def _rows(request, resource: Resource):
    return with_related(resource.model.objects.filter(workspace=request.workspace), resource)


def _register_resource(resource: Resource) -> None:
    parent_model, parent_arg, parent_segment = PARENTS[resource.parent]
    list_segment = resource.list_segment or resource.segment
    register_resource(
        router,
        resource,
        name=resource.key,
        schemas=(out_schema(SPECS[resource.key]), *in_schemas(SPECS[resource.key])),
        list_path=f"{BASE}/{parent_segment}/{{{parent_arg}}}/{list_segment}",
        item_path=f"{BASE}/{resource.segment}/{{{resource.id_name}}}",
        parent_arg=parent_arg,
        url_prefix="diagnostics_",
        get_parent=lambda request, pk: _get(parent_model, request, pk),
        rows=lambda request: _rows(request, resource),
        owner_of=_engagement_of,
        resolve=_fields,
        get_doc=resource.doc,
    )


# --- writes (services) -----------------------------------------------------------------------


def _service(function, *optional):
    return lambda request, parent, fields: function(
        parent, **service_user(request), **without_none(fields, *optional)
    )


def _service_update(function, *optional):
    return lambda request, obj, version, fields: function(
        obj, expected_version=version, **service_user(request), **without_none(fields, *optional)
    )


# core.services where the module has no dedicated write (listed in docs/api.md)


def _core_create(model, parent_field):
    return lambda request, parent, fields: create_child(
        model, parent_field, parent, **service_user(request), **without_none(fields, "position")
    )


def _core_update(request, obj, version, fields):
    return tenant_update(obj, expected_version=version, **service_user(request), **fields)


def _core_delete(request, obj, version):
    tenant_delete(obj, expected_version=version, **service_user(request))


# interviews: notes only with the permission to see sensitive data


def _notes_allowed(request, notes) -> None:
    if notes is not None and not access.may_read_notes(request):
        raise PermissionDenied(
            _("Only members allowed to see sensitive data may send interview notes.")
        )


def _interview_create(request, engagement, fields):
    notes = fields.pop("notes", None)
    _notes_allowed(request, notes)
    with transaction.atomic():
        interview = fieldwork_services.interview_create(
            engagement, **service_user(request), **fields
        )
        if notes:
            fieldwork_services.interview_notes_update(
                interview, expected_version=interview.version, notes=notes, **service_user(request)
            )
    return interview


def _interview_update(request, interview, version, fields):
    notes = fields.pop("notes", None)  # null: keep them
    _notes_allowed(request, notes)
    with transaction.atomic():
        fieldwork_services.interview_update(
            interview, expected_version=version, **service_user(request), **fields
        )
        if notes is not None:
            fieldwork_services.interview_notes_update(
                interview, expected_version=interview.version, notes=notes, **service_user(request)
            )
    return interview


# SWOT items: created by hand here (the module builds them from findings: services.swot.build)


def _swot_findings(item, findings) -> None:
    if findings is not None:
        item.findings.set(findings)


def _swot_create(request, engagement, fields):
    findings = fields.pop("findings", None)
    with transaction.atomic():
        item = create_child(
            SwotItem,
            "engagement",
            engagement,
            **service_user(request),
            **without_none(fields, "position"),
        )
        _swot_findings(item, findings)
        swot_services.rerank(engagement)
    return item


def _swot_update(request, item, version, fields):
    findings = fields.pop("findings", None)
    with transaction.atomic():
        swot_services.item_update(
            item,
            expected_version=version,
            **service_user(request),
            **without_none(fields, "position"),
        )
        _swot_findings(item, findings)
    return item


def _organisation_create(request, engagement, fields):
    return engagement_services.organisation_add(engagement, **service_user(request), **fields)


def _score_create(request, scenario, fields):
    return create_child(ScenarioScore, "scenario", scenario, **service_user(request), **fields)


def _check_criterion(obj, fields):
    criterion = fields.get("criterion")
    if criterion is not None and criterion.engagement_id != _engagement_of(obj).pk:
        raise ValidationError({"criterion": _("Choose a criterion of this engagement.")})


SCOPED = True
DIMENSION = (Dimension, SCOPED)

RESOURCES = [
    Resource(
        "dimension",
        "dimensions",
        Dimension,
        "dimensions",
        create=_service(engagement_services.dimension_create, "position"),
        update=_service_update(engagement_services.dimension_update, "position"),
        delete=service_delete(engagement_services.dimension_delete),
        order=("position", "id"),
        doc="The dimensions the diagnostic looks at, with their priority rank.",
    ),
    Resource(
        "engagement_organisation",
        "engagement_organisations",
        EngagementOrganisation,
        "organisations",
        refs={"actor": (Actor, False)},
        create=_organisation_create,
        delete=service_delete(engagement_services.organisation_remove),
        select=("actor",),
        doc="The registry's organisations involved in the engagement.",
    ),
    Resource(
        "committee_member",
        "committee_members",
        CommitteeMember,
        "committee-members",
        refs={"organisation": (Actor, False)},
        create=_service(engagement_services.committee_member_create),
        update=_service_update(engagement_services.committee_member_update),
        delete=service_delete(engagement_services.committee_member_delete),
        order=("name", "id"),
        doc="The steering committee's members.",
    ),
    Resource(
        "engagement_milestone",
        "engagement_milestones",
        EngagementMilestone,
        "milestones",
        create=_service(engagement_services.milestone_create),
        update=_service_update(engagement_services.milestone_update),
        delete=service_delete(engagement_services.milestone_delete),
        order=("due_on", "id"),
        doc="The engagement's milestones.",
    ),
    Resource(
        "time_spent",
        "time_spent_entries",
        TimeSpent,
        "time-spent",
        create=_service(engagement_services.time_spent_create),
        update=_service_update(engagement_services.time_spent_update),
        delete=service_delete(engagement_services.time_spent_delete),
        order=("-spent_on", "id"),
        doc="Days (and their cost) spent on the engagement.",
    ),
    Resource(
        "stakeholder",
        "stakeholders",
        Stakeholder,
        "stakeholders",
        refs={"organisation": (Actor, False)},
        create=_service(fieldwork_services.stakeholder_create),
        update=_service_update(fieldwork_services.stakeholder_update),
        delete=service_delete(fieldwork_services.stakeholder_delete),
        order=("name", "id"),
        doc="The people the engagement hears (`email` reads null for guests).",
    ),
    Resource(
        "guide_question",
        "guide_questions",
        InterviewQuestion,
        "guide-questions",
        refs={"dimension": DIMENSION},
        create=_service(fieldwork_services.question_create, "position"),
        update=_service_update(fieldwork_services.question_update, "position"),
        delete=service_delete(fieldwork_services.question_delete),
        order=("dimension__position", "position", "id"),
        doc="The interview guide: questions by dimension, in French and English.",
    ),
    Resource(
        "interview",
        "interviews",
        Interview,
        "interviews",
        refs={"stakeholders": (Stakeholder, SCOPED)},
        create=_interview_create,
        update=_interview_update,
        delete=service_delete(fieldwork_services.interview_delete),
        prefetch=("stakeholders",),
        order=("planned_on", "id"),
        doc="Interviews. `notes` read null without the permission to see sensitive data "
        "(`has_notes` says whether there are some); sending notes without it is a 403.",
    ),
    Resource(
        "reviewed_document",
        "reviewed_documents",
        ReviewedDocument,
        "documents",
        create=_service(fieldwork_services.document_create),
        update=_service_update(fieldwork_services.document_update),
        delete=service_delete(fieldwork_services.document_delete),
        order=("title", "id"),
        doc="The document-review log.",
    ),
    Resource(
        "finding",
        "findings",
        Finding,
        "findings",
        refs={"dimension": DIMENSION},
        create=_service(finding_services.finding_create),
        update=_service_update(finding_services.finding_update),
        delete=service_delete(finding_services.finding_delete),
        doc="Findings coded by dimension and SWOT quadrant (severity 1–5).",
    ),
    Resource(
        "finding_source",
        "finding_sources",
        FindingSource,
        "finding-sources",
        parent="finding",
        list_segment="sources",
        refs={"interview": (Interview, SCOPED), "document": (ReviewedDocument, SCOPED)},
        create=_service(finding_services.source_create),
        update=_service_update(finding_services.source_update),
        delete=service_delete(finding_services.source_delete),
        doc="A finding's sources: an interview or a document, with a quote.",
    ),
    Resource(
        "swot_item",
        "swot_items",
        SwotItem,
        "swot-items",
        refs={"findings": (Finding, SCOPED)},
        create=_swot_create,
        update=_swot_update,
        delete=service_delete(swot_services.item_delete),
        prefetch=("findings",),
        order=("quadrant", "position", "id"),
        doc="The SWOT's items with the findings they rest on.",
    ),
    Resource(
        "questionnaire",
        "questionnaires",
        Questionnaire,
        "questionnaires",
        create=_service(questionnaire_services.questionnaire_create),
        update=_service_update(questionnaire_services.questionnaire_update),
        delete=service_delete(questionnaire_services.questionnaire_delete),
        doc="Likert questionnaires.",
    ),
    Resource(
        "questionnaire_item",
        "questionnaire_items",
        QuestionnaireItem,
        "questionnaire-items",
        parent="questionnaire",
        list_segment="items",
        refs={"dimension": (Dimension, False)},
        create=_service(questionnaire_services.item_create, "position"),
        update=_service_update(questionnaire_services.item_update, "position"),
        delete=service_delete(questionnaire_services.item_delete),
        order=("position", "id"),
        doc="A questionnaire's statements, rated 1–5.",
    ),
    Resource(
        "questionnaire_invitation",
        "questionnaire_invitations",
        QuestionnaireInvitation,
        "questionnaire-invitations",
        parent="questionnaire",
        list_segment="invitations",
        doc="Who is invited (read-only; the personal link is never given).",
    ),
    Resource(
        "scenario",
        "scenarios",
        Scenario,
        "scenarios",
        create=_service(scenario_services.scenario_create, "position"),
        update=_service_update(scenario_services.scenario_update, "position"),
        delete=service_delete(scenario_services.scenario_delete),
        order=("position", "id"),
        doc="Target scenarios.",
    ),
    Resource(
        "criterion",
        "criteria",
        Criterion,
        "criteria",
        create=_service(scenario_services.criterion_create, "position"),
        update=_service_update(scenario_services.criterion_update, "position"),
        delete=service_delete(scenario_services.criterion_delete),
        order=("position", "id"),
        doc="Weighted criteria (weights in %, normalised when scoring).",
    ),
    Resource(
        "scenario_score",
        "scenario_scores",
        ScenarioScore,
        "scenario-scores",
        parent="scenario",
        list_segment="scores",
        refs={"criterion": (Criterion, SCOPED)},
        create=_score_create,
        update=lambda request, obj, version, fields: (
            _check_criterion(obj, fields),
            _core_update(request, obj, version, fields),
        )[1],
        delete=_core_delete,
        order=("criterion__position", "id"),
        doc="A scenario's scores (1–5), one per criterion.",
    ),
    Resource(
        "recommendation",
        "recommendations",
        Recommendation,
        "recommendations",
        refs={
            "dimension": DIMENSION,
            "scenario": (Scenario, SCOPED),
            "findings": (Finding, SCOPED),
        },
        create=_service(recommendation_services.recommendation_create),
        update=_service_update(recommendation_services.recommendation_update),
        delete=service_delete(recommendation_services.recommendation_delete),
        prefetch=("findings",),
        order=("priority", "id"),
        doc="Recommendations by dimension. `status` and the validations are read-only: post a "
        "transition to move them.",
    ),
    Resource(
        "plan_action",
        "plan_actions",
        PlanAction,
        "plan-actions",
        refs={"recommendation": (Recommendation, SCOPED), "indicators": (Indicator, False)},
        create=_service(plan_services.action_create),
        update=_service_update(plan_services.action_update),
        delete=service_delete(plan_services.action_delete),
        prefetch=("indicators",),
        order=("priority", "due_on", "id"),
        doc="The implementation plan's actions.",
    ),
    Resource(
        "action_update",
        "action_updates",
        ActionUpdate,
        "action-updates",
        parent="action",
        list_segment="updates",
        create=_service(plan_services.update_create),
        delete=service_delete(plan_services.update_delete),
        order=("-on", "-id"),
        doc="A plan action's progress updates (the action's progress follows the latest).",
    ),
    Resource(
        "committee_meeting",
        "committee_meetings",
        CommitteeMeeting,
        "committee-meetings",
        create=_service(committee_services.meeting_create),
        update=_service_update(committee_services.meeting_update),
        delete=service_delete(committee_services.meeting_delete),
        order=("held_on", "id"),
        doc="Steering committee meetings.",
    ),
    Resource(
        "committee_outcome",
        "committee_outcomes",
        CommitteeOutcome,
        "committee-outcomes",
        parent="meeting",
        list_segment="outcomes",
        create=_service(committee_services.outcome_create),
        update=_service_update(committee_services.outcome_update),
        delete=service_delete(committee_services.outcome_delete),
        doc="A meeting's decisions and arbitrations.",
    ),
    Resource(
        "committee_action_item",
        "committee_action_items",
        CommitteeActionItem,
        "committee-action-items",
        parent="meeting",
        list_segment="action-items",
        create=_service(committee_services.action_item_create),
        update=_service_update(committee_services.action_item_update),
        delete=service_delete(committee_services.action_item_delete),
        order=("due_on", "id"),
        doc="A meeting's action items.",
    ),
]


# --- engagements -----------------------------------------------------------------------------

_ENGAGEMENT = SPECS["engagement"]
EngagementOut = out_schema(_ENGAGEMENT)
_EngagementCreate, EngagementReplace, EngagementPatch = in_schemas(_ENGAGEMENT)


def _engagements(request):
    return Engagement.objects.filter(workspace=request.workspace)


def _engagement(request, pk):
    return one(_engagements(request), pk)


@router.get(
    f"{BASE}/engagements",
    response=list[EngagementOut],
    url_name="diagnostics_engagements",
    operation_id="list_engagements",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_engagements(request, slug: WorkspaceSlug):
    """The workspace's engagements, most recent first. Paginated with `limit` and `offset`."""
    return _engagements(request).order_by("-start_date", "title", "id")


@router.post(
    f"{BASE}/engagements",
    response={201: EngagementOut},
    url_name="diagnostics_engagement_create",
    operation_id="create_engagement",
)
@require_api_role(Role.MEMBER)
def create_engagement(request, slug: WorkspaceSlug, payload: EngagementIn):
    """Create an engagement with the default dimensions, scenarios and criteria (named in
    `language`) and the seed milestones. 422 naming the field when refused."""
    data = payload.model_dump()
    language = data.pop("language")
    if data.get("target_scenario") is not None:
        raise ValidationError(
            {"target_scenario": _("Choose the target once the engagement has its scenarios.")}
        )
    data.pop("target_scenario", None)
    engagement = engagement_services.engagement_create(
        workspace=request.workspace, language=language, **service_user(request), **data
    )
    return Status(201, _engagement(request, engagement.pk))


def _engagement_write(request, pk, data):
    engagement = _engagement(request, pk)
    version = data.pop("version")
    if "target_scenario" in data:
        data["target_scenario"] = _ref(
            request, Scenario, "target_scenario", data["target_scenario"], engagement
        )
    engagement_services.engagement_update(
        engagement, expected_version=version, **service_user(request), **data
    )
    return _engagement(request, pk)


def _engagement_remove(request, pk, version):
    engagement_services.engagement_delete(
        _engagement(request, pk), expected_version=version, **service_user(request)
    )
    return Status(204, None)


item_operations(
    router,
    f"{BASE}/engagements/{{engagement_id}}",
    "engagement",
    url_prefix="diagnostics_",
    out=EngagementOut,
    read=_engagement,
    get_doc="An engagement.",
    write=_engagement_write,
    remove=_engagement_remove,
    replace=(EngagementReplace, "Replace every field. 409 if `version` is not the stored one."),
    patch=(EngagementPatch, "Change the fields sent. 409 if `version` is not the stored one."),
    delete="Delete the engagement and everything recorded in it. With `?version=`, 409 if it "
    "changed since.",
)

for _resource in RESOURCES:
    _register_resource(_resource)


# --- recommendation workflow -----------------------------------------------------------------

RecommendationOut = out_schema(SPECS["recommendation"])


def _transition(request, pk, payload):
    recommendation = one(
        Recommendation.objects.filter(workspace=request.workspace).prefetch_related("findings"),
        pk,
    )
    recommendation_services.transition(
        recommendation,
        payload.name,
        expected_version=payload.version,
        by=payload.by,
        on=payload.on,
        reason=payload.reason,
        **service_user(request),
    )
    return one(
        Recommendation.objects.filter(workspace=request.workspace).prefetch_related("findings"),
        pk,
    )


_register(
    router.post,
    f"{BASE}/recommendations/{{recommendation_id}}/transitions",
    lambda request, **a: _transition(request, a["recommendation_id"], a["payload"]),
    [
        inspect.Parameter("recommendation_id", _PARAMETER, annotation=int),
        inspect.Parameter("payload", _PARAMETER, annotation=TransitionIn),
    ],
    name="transition_recommendation",
    role=Role.MEMBER,
    doc="Move a recommendation along its workflow: `directions` (needs `by`), `boards` (needs "
    "`by`, after the directions), `reject` (needs `reason`), `reopen` (back to proposed, "
    "validations cleared). 422 when the step is not possible, 409 if `version` is stale.",
    response=RecommendationOut,
    url_name="diagnostics_recommendation_transition",
)
