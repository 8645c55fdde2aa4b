"""API of the partnerships module: partnerships, their members and guest shares, the objectives
canvas and the fit check, the experiment plan and the MasterPlan (axes, results, milestones,
rituals, governance), meetings with their decisions and action items, risks and checklist
reviews, evaluations with their scores, and the gate decisions log.

Paths: a partnership's lists and creations under `/w/{slug}/partnerships/{partnership_id}/…`
(an axis's results, a meeting's decisions and an evaluation's scores under their parent), each
item at `/w/{slug}/partnerships/<things>/{thing_id}`. Writes go through
`maillage.partnerships.services` (validated, audited, optimistically locked: 409 when `version`
is stale, 422 naming the field when refused). `stage` and `status` are read-only: they change by
posting a gate decision (`services.lifecycle.record_gate_decision`).

Guests: a guest's token sees only the partnerships shared with it (`partnerships.access`);
everything else answers 404, exactly as in another workspace. A guest writes only its own
member's canvas entries, fit expectations and evaluation scores (403 for another member's).
See docs/api.md, "Partnerships".
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from maillage.core.exceptions import StaleObjectError
from maillage.ecosystem.models import Actor
from maillage.impact.models import Indicator
from maillage.partnerships import access
from maillage.partnerships.models import (
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
    Meeting,
    MeetingDecision,
    Milestone,
    Partnership,
    PartnershipGuest,
    PartnershipKind,
    PartnershipMember,
    Risk,
    Ritual,
    WorkAxis,
)
from maillage.partnerships.services import canvas as canvas_services
from maillage.partnerships.services import checklists as checklist_services
from maillage.partnerships.services import evaluations as evaluation_services
from maillage.partnerships.services import meetings as meeting_services
from maillage.partnerships.services import partnerships as partnership_services
from maillage.partnerships.services import plans as plan_services
from maillage.partnerships.services import risks as risk_services
from maillage.partnerships.services.lifecycle import record_gate_decision
from maillage.workspaces.models import Membership, Role

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
from .schemas_partnerships import (
    SPECS,
    ChecklistReviewIn,
    ChecklistReviewOut,
    ChecklistReviewPatch,
    ChecklistReviewReplace,
    GateDecisionIn,
    GateDecisionOut,
    KindOut,
    in_schemas,
    out_schema,
)

router = Router(tags=["Partnerships"])

BASE = "/w/{slug}/partnerships"


# --- visibility ------------------------------------------------------------------------------


def _visible(model, request):
    """`model`'s rows the caller may see: its workspace's, and for a guest only those of the
    partnerships shared with it."""
    rows = model.objects.filter(workspace=request.workspace)
    if access.is_guest(request):
        lookup = "guests__membership" if model is Partnership else "partnership__guests__membership"
        rows = rows.filter(**{lookup: request.membership})
        if model is PartnershipGuest:
            rows = rows.filter(membership=request.membership)  # not the other guests' shares
    return rows


def _get(model, request, pk: int):
    return one(_visible(model, request), pk)


def _partnership(request, pk: int) -> Partnership:
    return access.get_partnership(request, pk)


def _unknown(name: str, pk) -> ValidationError:
    return ValidationError({name: _("Unknown id in this partnership: %(ids)s") % {"ids": pk}})


def _ref(request, model, name: str, pk, partnership=None):
    """The `model` row of id `pk` in the workspace (and in `partnership` if the model hangs from
    one), or a 422 naming the field."""
    if pk is None:
        return None
    rows = model.objects.filter(workspace=request.workspace, pk=pk)
    if partnership is not None:
        rows = rows.filter(partnership=partnership)
    found = rows.first()
    if found is None:
        raise _unknown(name, pk)
    return found


def _check_side(request, partnership, member) -> None:
    """A guest writes only its own member's side (403, audited, otherwise)."""
    if member is not None:
        access.require_side(request, partnership, member)


# --- resources -------------------------------------------------------------------------------


@dataclass
class Resource:
    """One resource's operations: `list_<plural>`/`create_<name>` on the parent's path,
    `get/replace/update/delete_<name>` on the item's path."""

    key: str  # in SPECS
    name: str  # operation suffix
    plural: str
    model: type[models.Model]
    segment: str  # the item path's segment: /partnerships/<segment>/{<name>_id}
    parent: str = "partnership"  # partnership, axis, meeting, evaluation
    refs: dict = field(default_factory=dict)  # name: (model, scoped to the partnership)
    create: Callable | None = None  # (request, parent, fields) -> obj
    update: Callable | None = None  # (request, obj, version, fields) -> obj
    delete: Callable | None = None  # (request, obj, version) -> None
    guest_side: bool = False
    order: tuple[str, ...] = ("id",)
    select: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    doc: str = ""

    @property
    def id_name(self) -> str:
        return f"{self.name}_id"


PARENTS = {
    "partnership": (Partnership, "partnership_id", ""),
    "axis": (WorkAxis, "axis_id", "axes"),
    "meeting": (Meeting, "meeting_id", "meetings"),
    "evaluation": (Evaluation, "evaluation_id", "evaluations"),
}


def _parent(request, resource: Resource, pk: int):
    if resource.parent == "partnership":
        return _partnership(request, pk)
    return _get(PARENTS[resource.parent][0], request, pk)


def _partnership_of(parent) -> Partnership:
    return parent if isinstance(parent, Partnership) else parent.partnership


def _fields(request, resource: Resource, partnership, data: dict) -> dict:
    """The service's arguments: ids resolved (422 naming the field when unknown)."""
    return resolve_refs(
        resource,
        data,
        lambda model, name, pk, scoped: _ref(
            request, model, name, pk, partnership if scoped else None
        ),
    )


def _register_resource(resource: Resource) -> None:
    _model, parent_arg, parent_segment = PARENTS[resource.parent]
    parent_path = "" if resource.parent == "partnership" else f"/{parent_segment}"
    register_resource(
        router,
        resource,
        name=resource.name,
        schemas=(out_schema(SPECS[resource.key]), *in_schemas(SPECS[resource.key])),
        list_path=f"{BASE}{parent_path}/{{{parent_arg}}}/{resource.segment}",
        item_path=f"{BASE}/{resource.segment}/{{{resource.id_name}}}",
        parent_arg=parent_arg,
        url_prefix="partnerships_",
        get_parent=lambda request, pk: _parent(request, resource, pk),
        rows=lambda request: with_related(_visible(resource.model, request), resource),
        owner_of=_partnership_of,
        resolve=_fields,
        check_side=_check_side if resource.guest_side else None,
        write_role=Role.GUEST if resource.guest_side else Role.MEMBER,
    )


# --- writes (services) -----------------------------------------------------------------------


def _stale(obj, version) -> None:
    if version is not None and type(obj)._base_manager.filter(pk=obj.pk, version=version).exists():
        return
    if version is not None:
        raise StaleObjectError()


def _coordinator(request, pk):
    if pk is None:
        return None
    membership = (
        Membership.objects.filter(workspace=request.workspace, user_id=pk)
        .exclude(role=Role.GUEST)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError({"coordinator": _("Choose a member of this workspace.")})
    return membership.user


def _partnership_fields(request, fields):
    if "coordinator" in fields:
        fields["coordinator"] = _coordinator(request, fields["coordinator"])
    if "kind" in fields:
        fields["kind"] = _ref(request, PartnershipKind, "kind", fields["kind"])
    return fields


def _guest_update(request, share, version, fields):
    return partnership_services.guest_share_update(
        share, expected_version=version, **service_user(request), **fields
    )


def _guest_delete(request, share, version):
    _stale(share, version)
    partnership_services.guest_unshare(share, **service_user(request))


def _entry_create(request, partnership, fields):
    member = fields.pop("member")
    return canvas_services.entry_create(
        member, **service_user(request), **without_none(fields, "position")
    )


def _entry_update(request, entry, version, fields):
    if "member" in fields and fields["member"].pk != entry.member_id:
        raise ValidationError({"member": _("An entry stays with its member.")})
    fields.pop("member", None)
    return canvas_services.entry_update(
        entry, expected_version=version, **service_user(request), **without_none(fields, "position")
    )


def _same_row(obj, fields: dict) -> None:
    """A fit expectation or a score stays with its member and dimension."""
    member = fields.pop("member", None)
    dimension = fields.pop("dimension", None)
    if (member is not None and member.pk != obj.member_id) or (
        dimension is not None and dimension != obj.dimension
    ):
        raise ValidationError(
            {"member": _("This row stays with its member and dimension: create another one.")}
        )


def _result_update(request, result, version, fields):
    target_value = fields.pop("target_value", None)
    target_text = fields.pop("target_text", None) or ""
    return plan_services.result_update(
        result,
        expected_version=version,
        target_value=target_value,
        target_text=target_text,
        **service_user(request),
        **fields,
    )


def _decision_update(request, decision, version, fields):
    return meeting_services.decision_update(
        decision,
        expected_version=version,
        text=fields.get("text", decision.text),
        **service_user(request),
    )


def _service(function):
    """(request, parent, fields) → function(parent, user=…, request=…, **fields)."""
    return lambda request, parent, fields: function(parent, **service_user(request), **fields)


def _service_update(function, check=None):
    """(request, obj, version, fields) → function(obj, expected_version=version, user=…,
    request=…, **fields), once `check(obj, fields)` has let it through."""

    def update(request, obj, version, fields):
        if check is not None:
            check(obj, fields)
        return function(obj, expected_version=version, **service_user(request), **fields)

    return update


MEMBER = (PartnershipMember, True)

RESOURCES = [
    Resource(
        "member",
        "partnership_member",
        "partnership_members",
        PartnershipMember,
        "members",
        refs={"actor": (Actor, False)},
        create=_service(partnership_services.member_add),
        update=_service_update(partnership_services.member_update),
        delete=service_delete(partnership_services.member_remove),
        order=("role", "id"),
        doc="The organisations taking part, with their role and side.",
    ),
    Resource(
        "guest",
        "partnership_guest",
        "partnership_guests",
        PartnershipGuest,
        "guests",
        refs={"membership": (Membership, False), "member": MEMBER},
        create=_service(partnership_services.guest_share),
        update=_guest_update,
        delete=_guest_delete,
        doc="The guests of the workspace the partnership is shared with, and the member each "
        "speaks for.",
    ),
    Resource(
        "canvas_entry",
        "canvas_entry",
        "canvas_entries",
        CanvasEntry,
        "canvas-entries",
        refs={"member": MEMBER},
        create=_entry_create,
        update=_entry_update,
        delete=service_delete(canvas_services.entry_delete),
        guest_side=True,
        order=("member", "section", "position", "id"),
        doc="Each member's objectives canvas. A guest writes its own member's entries only.",
    ),
    Resource(
        "fit_expectation",
        "fit_expectation",
        "fit_expectations",
        FitExpectation,
        "fit-expectations",
        refs={"member": MEMBER},
        create=_service(evaluation_services.fit_create),
        update=_service_update(evaluation_services.fit_update, check=_same_row),
        delete=service_delete(evaluation_services.fit_delete),
        guest_side=True,
        order=("member", "dimension", "id"),
        doc="The upfront fit check: what each member expects on each dimension. A guest writes "
        "its own member's expectations only.",
    ),
    Resource(
        "axis",
        "work_axis",
        "work_axes",
        WorkAxis,
        "axes",
        create=lambda request, p, fields: plan_services.axis_create(
            p, **service_user(request), **without_none(fields, "position")
        ),
        update=lambda request, obj, version, fields: plan_services.axis_update(
            obj,
            expected_version=version,
            **service_user(request),
            **without_none(fields, "position"),
        ),
        delete=service_delete(plan_services.axis_delete),
        order=("position", "id"),
        doc="The MasterPlan's work axes.",
    ),
    Resource(
        "result",
        "axis_result",
        "axis_results",
        AxisResult,
        "results",
        parent="axis",
        refs={"indicator": (Indicator, False)},
        create=_service(plan_services.result_create),
        update=_result_update,
        delete=service_delete(plan_services.result_delete),
        order=("horizon", "id"),
        doc="An axis's results at 3 or 6 months: an indicator followed for the partnership, "
        "with its target for the period counted from the MasterPlan's start.",
    ),
    Resource(
        "milestone",
        "milestone",
        "milestones",
        Milestone,
        "milestones",
        refs={"axis": (WorkAxis, True)},
        create=_service(plan_services.milestone_create),
        update=_service_update(plan_services.milestone_update),
        delete=service_delete(plan_services.child_delete),
        order=("due_date", "id"),
        doc="The retro-planning's milestones.",
    ),
    Resource(
        "ritual",
        "ritual",
        "rituals",
        Ritual,
        "rituals",
        create=_service(plan_services.ritual_create),
        update=_service_update(plan_services.ritual_update),
        delete=service_delete(plan_services.child_delete),
        order=("name", "id"),
        doc="The governance's recurring meetings.",
    ),
    Resource(
        "governance_role",
        "governance_role",
        "governance_roles",
        GovernanceRole,
        "governance-roles",
        refs={"member": MEMBER},
        create=_service(plan_services.governance_create),
        update=_service_update(plan_services.governance_update),
        delete=service_delete(plan_services.child_delete),
        doc="Who holds which responsibility in the partnership.",
    ),
    Resource(
        "meeting",
        "meeting",
        "meetings",
        Meeting,
        "meetings",
        refs={"ritual": (Ritual, True)},
        create=_service(meeting_services.meeting_create),
        update=_service_update(meeting_services.meeting_update),
        delete=service_delete(meeting_services.meeting_delete),
        order=("-held_on", "-id"),
        doc="The meetings log, most recent first.",
    ),
    Resource(
        "meeting_decision",
        "meeting_decision",
        "meeting_decisions",
        MeetingDecision,
        "meeting-decisions",
        parent="meeting",
        create=_service(meeting_services.decision_create),
        update=_decision_update,
        delete=service_delete(meeting_services.decision_delete),
        doc="The decisions taken in a meeting (gate decisions are apart).",
    ),
    Resource(
        "action_item",
        "action_item",
        "action_items",
        ActionItem,
        "action-items",
        refs={"meeting": (Meeting, True), "owner_member": MEMBER},
        create=_service(meeting_services.action_create),
        update=_service_update(meeting_services.action_update),
        delete=service_delete(meeting_services.action_delete),
        order=("due_on", "id"),
        doc="The action items that come out of the meetings.",
    ),
    Resource(
        "risk",
        "risk",
        "risks",
        Risk,
        "risks",
        create=_service(risk_services.risk_create),
        update=_service_update(risk_services.risk_update),
        delete=service_delete(risk_services.risk_delete),
        order=("status", "id"),
        doc="The risk register (likelihood × impact, 1–5 each).",
    ),
    Resource(
        "evaluation",
        "evaluation",
        "evaluations",
        Evaluation,
        "evaluations",
        create=_service(evaluation_services.evaluation_create),
        update=_service_update(evaluation_services.evaluation_update),
        delete=service_delete(evaluation_services.evaluation_delete),
        order=("evaluated_on", "id"),
        doc="Evaluation rounds on the three dimensions.",
    ),
    Resource(
        "evaluation_score",
        "evaluation_score",
        "evaluation_scores",
        EvaluationScore,
        "evaluation-scores",
        parent="evaluation",
        refs={"member": MEMBER, "indicators": (Indicator, False)},
        create=_service(evaluation_services.score_create),
        update=_service_update(evaluation_services.score_update, check=_same_row),
        delete=service_delete(evaluation_services.score_delete),
        guest_side=True,
        prefetch=("indicators",),
        order=("dimension", "member", "id"),
        doc="A round's scores (1–5), one per member and dimension. A guest writes its own "
        "member's scores only.",
    ),
]


# --- kinds -----------------------------------------------------------------------------------


@router.get(
    f"{BASE}/kinds",
    response=list[KindOut],
    url_name="partnerships_kinds",
    operation_id="list_partnership_kinds",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_partnership_kinds(request, slug: WorkspaceSlug):
    """The workspace's kinds of partnership (the `kind` of a partnership is one of their ids)."""
    return PartnershipKind.objects.filter(workspace=request.workspace).order_by("position", "id")


for _resource in RESOURCES:
    _register_resource(_resource)


# --- checklist reviews -----------------------------------------------------------------------


def _answers(payload_answers) -> dict:
    answers = {}
    for answer in payload_answers or []:
        if answer["item"] in answers:
            raise ValidationError({"answers": _("Each item is answered once.")})
        answers[answer["item"]] = (answer["answer"], answer.get("comment", ""))
    return answers


def _reviews(request):
    return _visible(ChecklistReview, request).prefetch_related("answers")


def _review(request, pk):
    return one(_reviews(request), pk)


@router.get(
    f"{BASE}/{{partnership_id}}/checklist-reviews",
    response=list[ChecklistReviewOut],
    url_name="partnerships_checklist_reviews",
    operation_id="list_checklist_reviews",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_checklist_reviews(request, slug: WorkspaceSlug, partnership_id: int):
    """The pitfalls and brakes reviews, oldest first, with their answers, risk score, health
    and trend (kept by the service)."""
    partnership = _partnership(request, partnership_id)
    return _reviews(request).filter(partnership=partnership).order_by("reviewed_on", "id")


@router.post(
    f"{BASE}/{{partnership_id}}/checklist-reviews",
    response={201: ChecklistReviewOut},
    url_name="partnerships_checklist_review_create",
    operation_id="create_checklist_review",
)
@require_api_role(Role.MEMBER)
def create_checklist_review(
    request, slug: WorkspaceSlug, partnership_id: int, payload: ChecklistReviewIn
):
    """Record a review: every checklist item answered (no, partly, yes). The review's score,
    health and trend, and the partnership's health light, are refreshed."""
    partnership = _partnership(request, partnership_id)
    data = payload.model_dump()
    review = checklist_services.review_create(
        partnership,
        **service_user(request),
        reviewed_on=data["reviewed_on"],
        notes=data["notes"],
        answers=_answers(data["answers"]),
    )
    return Status(201, _review(request, review.pk))


def _review_write(request, pk, data):
    review = _review(request, pk)
    answers = data.get("answers")
    if answers is None:
        current = {a.item: (a.answer, a.comment) for a in review.answers.all()}
    else:
        current = _answers(answers)
    checklist_services.review_update(
        review,
        expected_version=data["version"],
        **service_user(request),
        reviewed_on=data.get("reviewed_on") or review.reviewed_on,
        notes=data["notes"] if data.get("notes") is not None else review.notes,
        answers=current,
    )
    return _review(request, pk)


def _review_remove(request, pk, version):
    review = _review(request, pk)
    checklist_services.review_delete(review, expected_version=version, **service_user(request))
    return Status(204, None)


item_operations(
    router,
    f"{BASE}/checklist-reviews/{{review_id}}",
    "checklist_review",
    url_prefix="partnerships_",
    out=ChecklistReviewOut,
    read=_review,
    write=_review_write,
    remove=_review_remove,
    replace=(ChecklistReviewReplace, "Replace the review and all its answers."),
    patch=(ChecklistReviewPatch, "Change the fields sent (`answers` sent: all of them)."),
    delete="Delete the review; the health light is recomputed.",
)


# --- gate decisions --------------------------------------------------------------------------


def _decisions(request):
    return _visible(GateDecision, request).prefetch_related("criteria")


@router.get(
    f"{BASE}/{{partnership_id}}/gate-decisions",
    response=list[GateDecisionOut],
    url_name="partnerships_gate_decisions",
    operation_id="list_gate_decisions",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_gate_decisions(request, slug: WorkspaceSlug, partnership_id: int):
    """The gate decisions log, oldest first: each with the stage and status before and after."""
    partnership = _partnership(request, partnership_id)
    return _decisions(request).filter(partnership=partnership).order_by("decided_on", "id")


@router.post(
    f"{BASE}/{{partnership_id}}/gate-decisions",
    response={201: GateDecisionOut},
    url_name="partnerships_gate_decision_create",
    operation_id="create_gate_decision",
)
@require_api_role(Role.MEMBER)
def create_gate_decision(
    request, slug: WorkspaceSlug, partnership_id: int, payload: GateDecisionIn
):
    """Record a decision and apply it to the partnership's stage and status (the only way they
    change). 422 with the rule's message when the decision cannot apply (an ended partnership,
    a go at the last stage…); 409 when `version` is not the partnership's."""
    partnership = _partnership(request, partnership_id)
    data = payload.model_dump()
    criteria = []
    for criterion in data["criteria"]:
        criterion["result"] = _ref(
            request, AxisResult, "criteria", criterion["result"], partnership
        )
        criteria.append(criterion)
    decision = record_gate_decision(
        partnership,
        **service_user(request),
        expected_version=data["version"],
        decided_on=data["decided_on"],
        outcome=data["outcome"],
        deciders=data["deciders"],
        rationale=data["rationale"],
        next_gate_on=data["next_gate_on"],
        criteria=criteria,
    )
    return Status(201, _decisions(request).get(pk=decision.pk))


@router.get(
    f"{BASE}/gate-decisions/{{decision_id}}",
    response=GateDecisionOut,
    url_name="partnerships_gate_decision",
    operation_id="get_gate_decision",
)
@require_api_role(Role.GUEST)
def get_gate_decision(request, slug: WorkspaceSlug, decision_id: int):
    """A recorded decision. Decisions are history: they are not changed nor deleted."""
    return one(_decisions(request), decision_id)


# --- experiment plan and MasterPlan: one per partnership ---------------------------------------


def _single(model, key: str, name: str, save: Callable, doc: str) -> None:
    spec = SPECS[key]
    out = out_schema(spec)
    _create_in, replace_in, _patch = in_schemas(spec)
    path = f"{BASE}/{{partnership_id}}/{name.replace('_', '-')}"
    partnership_param = inspect.Parameter("partnership_id", _PARAMETER, annotation=int)

    def get(request, partnership_id):
        partnership = _partnership(request, partnership_id)
        found = model.objects.filter(partnership=partnership).first()
        if found is None:
            raise Http404
        return found

    def put(request, partnership_id, payload):
        partnership = _partnership(request, partnership_id)
        data = payload.model_dump()
        version = data.pop("version")
        existing = model.objects.filter(partnership=partnership).first()
        if existing is None and version not in (None, 0):
            raise StaleObjectError()
        save(partnership, expected_version=version, **service_user(request), **data)
        return model.objects.get(partnership=partnership)

    _register(
        router.get,
        path,
        lambda request, **a: get(request, a["partnership_id"]),
        [partnership_param],
        name=f"get_{name}",
        role=Role.GUEST,
        doc=f"{doc} 404 until it is written.",
        response=out,
        url_name=f"partnerships_{name}",
    )
    _register(
        router.put,
        path,
        lambda request, **a: put(request, a["partnership_id"], a["payload"]),
        [partnership_param, inspect.Parameter("payload", _PARAMETER, annotation=replace_in)],
        name=f"replace_{name}",
        role=Role.MEMBER,
        doc=f"{doc} Written whole: the first time with `version` 0, then with the stored "
        "`version` (409 if stale).",
        response=out,
        url_name=f"partnerships_{name}_replace",
    )


_single(
    ExperimentPlan,
    "experiment_plan",
    "experiment_plan",
    plan_services.experiment_save,
    "The experiment plan: what is tested, with which tools, the success criteria.",
)
_single(
    MasterPlan,
    "masterplan",
    "masterplan",
    plan_services.masterplan_save,
    "The MasterPlan: purpose, visions, agreed processes (its axes, milestones, rituals and "
    "roles are resources of their own).",
)


# --- partnerships (last: `/partnerships/{partnership_id}` after the fixed segments) --------------

_PARTNERSHIP_SPEC = SPECS["partnership"]
PartnershipOut = out_schema(_PARTNERSHIP_SPEC)
PartnershipIn, PartnershipReplace, PartnershipPatch = in_schemas(_PARTNERSHIP_SPEC)


@router.get(
    BASE, response=list[PartnershipOut], url_name="partnerships", operation_id="list_partnerships"
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_partnerships(request, slug: WorkspaceSlug):
    """The partnerships (for a guest: those shared with it), by name. `stage`, `status`,
    `health` and the latest evaluation are read-only."""
    return _visible(Partnership, request).order_by("name", "id")


@router.post(
    BASE,
    response={201: PartnershipOut},
    url_name="partnerships_create",
    operation_id="create_partnership",
)
@require_api_role(Role.MEMBER)
def create_partnership(request, slug: WorkspaceSlug, payload: PartnershipIn):
    """Create a partnership, at 01 Meet and active."""
    fields = _partnership_fields(request, payload.model_dump())
    partnership = partnership_services.partnership_create(
        workspace=request.workspace, **service_user(request), **fields
    )
    return Status(201, partnership)


def _partnership_write(request, pk, data):
    partnership = _partnership(request, pk)
    version = data.pop("version")
    fields = _partnership_fields(request, data)
    partnership_services.partnership_update(
        partnership, expected_version=version, **service_user(request), **fields
    )
    return _partnership(request, pk)


def _partnership_remove(request, pk, version):
    partnership = _partnership(request, pk)
    partnership_services.partnership_delete(
        partnership, expected_version=version, **service_user(request)
    )
    return Status(204, None)


item_operations(
    router,
    f"{BASE}/{{partnership_id}}",
    "partnership",
    url_prefix="partnerships_",
    out=PartnershipOut,
    read=_partnership,
    write=_partnership_write,
    remove=_partnership_remove,
    replace=(PartnershipReplace, "Replace the partnership. 409 if `version` is stale."),
    patch=(PartnershipPatch, "Change the fields sent. 409 if `version` is stale."),
    delete="Delete a partnership without gate decisions (with them: end it by a decision).",
)
