"""API of the ecosystem registry: actors, relations, their taxonomies, search and matrices.

Every write goes through `ecosystem.services` (validated, audited, optimistically locked);
search and filters through `ecosystem.search` (the web list's `ActorFilterForm`), matrices
through `ecosystem.matrices.coverage_matrix`. See docs/api.md, "Ecosystem".
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from maillage.core.exceptions import StaleObjectError
from maillage.core.territories.models import EPCI, Commune, Department, Region
from maillage.ecosystem import services
from maillage.ecosystem.matrices import KINDS, coverage_matrix
from maillage.ecosystem.models import (
    Actor,
    Audience,
    Relation,
    RelationType,
    Theme,
)
from maillage.ecosystem.search import ActorFilterForm, ActorFilters, search_actors
from maillage.workspaces.access import get_in_workspace
from maillage.workspaces.models import Role

from .auth import WorkspaceSlug, require_api_role
from .pagination import MAX_LIMIT, LimitOffset
from .schemas_ecosystem import (
    ActorIn,
    ActorOut,
    ActorPage,
    ActorPatch,
    ActorReplace,
    LevelCode,
    MatrixOut,
    MissionCode,
    ProfileCode,
    RelationIn,
    RelationOut,
    RelationPatch,
    RelationReplace,
    RelationTypeOut,
    TermOut,
)

router = Router(tags=["Ecosystem"])

DEFAULT_PER_PAGE = 50
TEXT_FIELDS = ("name", "siren", "siret", "rna", "website", "description", "notes")
TERRITORIES = (("region", Region), ("department", Department), ("epci", EPCI), ("commune", Commune))
COORDINATE_PLACES = Decimal("0.00001")


# --- filters (the web list's form, fed from typed query parameters) ----------------------------


class ActorFilterQuery(Schema):
    profile: list[ProfileCode] = Field([], description="Repeat for several: any of them.")
    level: list[LevelCode] = Field([], description="Territorial levels; repeat for several.")
    territory: str = Field(
        "", description="region:84, department:42, epci:<SIREN> or commune:<INSEE code>."
    )
    mission: list[MissionCode] = Field([], description="Repeat for several: any of them.")
    theme: list[int] = Field([], description="Theme ids; repeat for several: any of them.")
    audience: list[int] = Field([], description="Audience ids; repeat for several: any of them.")
    sdg: int | None = Field(None, ge=1, le=17, description="One Sustainable Development Goal.")
    network_head: bool | None = Field(None, description="true: network heads only; false: others.")
    unverified_days: int | None = Field(
        None, ge=0, le=36500, description="Not verified for this many days (or never)."
    )


class ActorSearchQuery(ActorFilterQuery):
    q: str = Field("", description="Full text: names, aliases, description, commune.")
    page: int = Field(1, ge=1)
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_LIMIT)


def _filters(request, query: ActorFilterQuery, *, q: str = "") -> ActorFilters:
    """Validate the parameters with `ActorFilterForm` (themes and audiences of the workspace,
    territory syntax); an invalid one is a 422 naming it."""
    data = QueryDict(mutable=True)
    data["q"] = q
    data.setlist("profile", list(query.profile))
    data.setlist("level", list(query.level))
    data["territory"] = query.territory
    data.setlist("mission", list(query.mission))
    data.setlist("theme", [str(t) for t in query.theme])
    data.setlist("audience", [str(a) for a in query.audience])
    data["sdg"] = "" if query.sdg is None else str(query.sdg)
    data["network_head"] = {None: "", True: "yes", False: "no"}[query.network_head]
    data["unverified_days"] = "" if query.unverified_days is None else str(query.unverified_days)
    form = ActorFilterForm(data, workspace=request.workspace)
    if not form.is_valid():
        raise NinjaValidationError(
            [
                {"loc": ["query", name], "msg": str(message), "type": error.code or "invalid"}
                for name, errors in form.errors.as_data().items()
                for error in errors
                for message in error.messages
            ]
        )
    return form.filters()


# --- actors ------------------------------------------------------------------------------------


def _actors(workspace):
    return Actor.objects.filter(workspace=workspace).prefetch_related("themes", "audiences")


def _terms(model, workspace, field: str, ids: list[int], errors: dict) -> list:
    wanted = set(ids)
    found = list(model.objects.filter(workspace=workspace, pk__in=wanted))
    missing = wanted - {obj.pk for obj in found}
    if missing:
        errors[field] = _("Unknown id in this workspace: %(ids)s") % {
            "ids": ", ".join(str(pk) for pk in sorted(missing))
        }
    return found


def _actor_changes(request, data: dict, actor: Actor | None = None) -> dict:
    """Service arguments from a payload's fields (those present in `data`)."""
    workspace = request.workspace
    fields: dict = {}
    errors: dict = {}
    for name in TEXT_FIELDS:
        if name in data:
            fields[name] = (data[name] or "").strip()
    if "name" in fields and not fields["name"]:
        errors["name"] = _("A name is required.")
    if "profile" in data:
        if data["profile"] is None:
            errors["profile"] = _("A profile is required.")
        else:
            fields["profile"] = data["profile"]
    if "aliases" in data:
        fields["aliases"] = "\n".join(
            alias.strip() for alias in data["aliases"] or [] if alias.strip()
        )
    if "level" in data:
        fields["level"] = data["level"] or ""
    for name, model in TERRITORIES:
        if name not in data:
            continue
        code = (data[name] or "").strip().upper()
        if not code:
            fields[name] = None
            continue
        found = model.objects.filter(pk=code).first()
        if found is None:
            errors[name] = _("Unknown code “%(code)s”.") % {"code": code}
        fields[name] = found
    if "missions" in data:
        fields["missions"] = list(data["missions"] or [])
    if "sdg_goals" in data:
        fields["sdg_goals"] = sorted(set(data["sdg_goals"] or []))
    if "themes" in data:
        fields["themes"] = _terms(Theme, workspace, "themes", data["themes"] or [], errors)
    if "audiences" in data:
        fields["audiences"] = _terms(
            Audience, workspace, "audiences", data["audiences"] or [], errors
        )
    for name in ("latitude", "longitude"):
        if name in data:
            value = data[name]
            fields[name] = (
                None if value is None else Decimal(str(value)).quantize(COORDINATE_PLACES)
            )
    if "last_verified_on" in data:
        verified = data["last_verified_on"]
        if verified is not None and verified > timezone.localdate():
            errors["last_verified_on"] = _("This date is in the future.")
        if actor is None or verified != actor.last_verified_on:
            fields["last_verified_on"] = verified
            fields["verified_by"] = request.user if verified else None
    if errors:
        raise ValidationError(errors)
    return fields


@router.get(
    "/w/{slug}/actors",
    response=ActorPage,
    url_name="ecosystem_actors",
    operation_id="list_actors",
)
@require_api_role(Role.GUEST)
def list_actors(request, slug: WorkspaceSlug, query: Query[ActorSearchQuery]):
    """Search the registry, with the filters of the actors' list page.

    With `q`, results are ranked by relevance (accents and case ignored); without, by name.
    `count` is the number of results, exact unless `capped` is true: the text query then
    matched more actors than are ranked, and the query should be refined. A `page` beyond the
    last gives no items.
    """
    filters = _filters(request, query, q=query.q)
    result = search_actors(
        request.workspace,
        filters,
        page=query.page,
        per_page=query.per_page,
        queryset=_actors(request.workspace),
    )
    beyond = query.page > result.number
    return {
        "items": [] if beyond else result.actors,
        "count": result.total,
        "capped": result.capped,
        "page": query.page,
        "per_page": query.per_page,
        "num_pages": result.num_pages,
    }


@router.post(
    "/w/{slug}/actors",
    response={201: ActorOut},
    url_name="ecosystem_actor_create",
    operation_id="create_actor",
)
@require_api_role(Role.MEMBER)
def create_actor(request, slug: WorkspaceSlug, payload: ActorIn):
    """Add an actor. SIREN, SIRET and RNA are checked (check digits); the SIREN follows from
    the SIRET, the department, EPCI and region from the commune."""
    fields = _actor_changes(request, payload.model_dump())
    actor = services.actor_create(
        workspace=request.workspace, user=request.user, request=request, **fields
    )
    return Status(201, actor)


@router.get(
    "/w/{slug}/actors/{actor_id}",
    response=ActorOut,
    url_name="ecosystem_actor",
    operation_id="get_actor",
)
@require_api_role(Role.GUEST)
def get_actor(request, slug: WorkspaceSlug, actor_id: int):
    return get_in_workspace(_actors(request.workspace), request, pk=actor_id)


def _update_actor(request, actor_id: int, data: dict):
    actor = get_in_workspace(Actor, request, pk=actor_id)
    version = data.pop("version")
    fields = _actor_changes(request, data, actor)
    actor = services.actor_update(
        actor, user=request.user, expected_version=version, request=request, **fields
    )
    return get_in_workspace(_actors(request.workspace), request, pk=actor.pk)


@router.put(
    "/w/{slug}/actors/{actor_id}",
    response=ActorOut,
    url_name="ecosystem_actor_replace",
    operation_id="replace_actor",
)
@require_api_role(Role.MEMBER)
def replace_actor(request, slug: WorkspaceSlug, actor_id: int, payload: ActorReplace):
    """Replace the actor: omitted fields take their default (empty). 409 if `version` is not
    the stored one."""
    return _update_actor(request, actor_id, payload.model_dump())


@router.patch(
    "/w/{slug}/actors/{actor_id}",
    response=ActorOut,
    url_name="ecosystem_actor_update",
    operation_id="update_actor",
)
@require_api_role(Role.MEMBER)
def update_actor(request, slug: WorkspaceSlug, actor_id: int, payload: ActorPatch):
    """Change the fields sent (`null` empties an optional one). 409 if `version` is not the
    stored one."""
    return _update_actor(request, actor_id, payload.model_dump(exclude_unset=True))


@router.delete(
    "/w/{slug}/actors/{actor_id}",
    response={204: None},
    url_name="ecosystem_actor_delete",
    operation_id="delete_actor",
)
@require_api_role(Role.MEMBER)
def delete_actor(request, slug: WorkspaceSlug, actor_id: int, version: int | None = None):
    """Delete the actor with its contacts and relations. With `?version=`, 409 if it changed."""
    actor = get_in_workspace(Actor, request, pk=actor_id)
    services.actor_delete(actor, user=request.user, expected_version=version, request=request)
    return Status(204, None)


# --- relations ---------------------------------------------------------------------------------


def _relations(workspace):
    return Relation.objects.filter(workspace=workspace).select_related(
        "source", "target", "relation_type"
    )


def _relation_changes(request, data: dict, relation: Relation | None = None) -> dict:
    workspace = request.workspace
    fields: dict = {}
    errors: dict = {}
    for name, model in (("source", Actor), ("target", Actor), ("relation_type", RelationType)):
        if name not in data:
            continue
        if data[name] is None:
            errors[name] = _("This field is required.")
            continue
        found = model.objects.filter(workspace=workspace, pk=data[name]).first()
        if found is None:
            errors[name] = _("Unknown id in this workspace: %(ids)s") % {"ids": data[name]}
        fields[name] = found
    for name in ("start_date", "end_date"):
        if name in data:
            fields[name] = data[name]
    if "notes" in data:
        fields["notes"] = (data["notes"] or "").strip()
    start = fields.get("start_date", relation.start_date if relation else None)
    end = fields.get("end_date", relation.end_date if relation else None)
    if start and end and end < start:
        errors["end_date"] = _("The end date is before the start date.")
    if errors:
        raise ValidationError(errors)
    return fields


@router.get(
    "/w/{slug}/relations",
    response=list[RelationOut],
    url_name="ecosystem_relations",
    operation_id="list_relations",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_relations(
    request,
    slug: WorkspaceSlug,
    actor: int | None = None,
    relation_type: int | None = None,
):
    """The relations, by source name. `actor`: only those of this actor (either side);
    `relation_type`: only this type."""
    relations = _relations(request.workspace)
    if actor is not None:
        relations = relations.filter(Q(source_id=actor) | Q(target_id=actor))
    if relation_type is not None:
        relations = relations.filter(relation_type_id=relation_type)
    return relations.order_by("source__name", "id")


@router.post(
    "/w/{slug}/relations",
    response={201: RelationOut},
    url_name="ecosystem_relation_create",
    operation_id="create_relation",
)
@require_api_role(Role.MEMBER)
def create_relation(request, slug: WorkspaceSlug, payload: RelationIn):
    """Record that `source` <relation type> `target` (directed; ids of the workspace)."""
    fields = _relation_changes(request, payload.model_dump())
    relation = services.relation_create(
        workspace=request.workspace, user=request.user, request=request, **fields
    )
    return Status(201, relation)


@router.get(
    "/w/{slug}/relations/{relation_id}",
    response=RelationOut,
    url_name="ecosystem_relation",
    operation_id="get_relation",
)
@require_api_role(Role.GUEST)
def get_relation(request, slug: WorkspaceSlug, relation_id: int):
    return get_in_workspace(_relations(request.workspace), request, pk=relation_id)


def _update_relation(request, relation_id: int, data: dict):
    relation = get_in_workspace(_relations(request.workspace), request, pk=relation_id)
    version = data.pop("version")
    fields = _relation_changes(request, data, relation)
    relation = services.relation_update(
        relation, user=request.user, expected_version=version, request=request, **fields
    )
    return get_in_workspace(_relations(request.workspace), request, pk=relation.pk)


@router.put(
    "/w/{slug}/relations/{relation_id}",
    response=RelationOut,
    url_name="ecosystem_relation_replace",
    operation_id="replace_relation",
)
@require_api_role(Role.MEMBER)
def replace_relation(request, slug: WorkspaceSlug, relation_id: int, payload: RelationReplace):
    return _update_relation(request, relation_id, payload.model_dump())


@router.patch(
    "/w/{slug}/relations/{relation_id}",
    response=RelationOut,
    url_name="ecosystem_relation_update",
    operation_id="update_relation",
)
@require_api_role(Role.MEMBER)
def update_relation(request, slug: WorkspaceSlug, relation_id: int, payload: RelationPatch):
    return _update_relation(request, relation_id, payload.model_dump(exclude_unset=True))


@router.delete(
    "/w/{slug}/relations/{relation_id}",
    response={204: None},
    url_name="ecosystem_relation_delete",
    operation_id="delete_relation",
)
@require_api_role(Role.MEMBER)
def delete_relation(request, slug: WorkspaceSlug, relation_id: int, version: int | None = None):
    """Delete the relation. With `?version=`, 409 if it changed since."""
    relation = get_in_workspace(Relation, request, pk=relation_id)
    if version is not None and version != relation.version:
        raise StaleObjectError()
    services.relation_delete(relation, user=request.user, request=request)
    return Status(204, None)


# --- taxonomies (read-only here: they are edited on the registry's pages) ----------------------


@router.get(
    "/w/{slug}/themes",
    response=list[TermOut],
    url_name="ecosystem_themes",
    operation_id="list_themes",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_themes(request, slug: WorkspaceSlug):
    """The workspace's themes, in their order (ids for actors' `themes` and the filter)."""
    return Theme.objects.filter(workspace=request.workspace).order_by("position", "name", "id")


@router.get(
    "/w/{slug}/audiences",
    response=list[TermOut],
    url_name="ecosystem_audiences",
    operation_id="list_audiences",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_audiences(request, slug: WorkspaceSlug):
    """The workspace's audiences, in their order (ids for actors' `audiences` and the filter)."""
    return Audience.objects.filter(workspace=request.workspace).order_by("position", "name", "id")


@router.get(
    "/w/{slug}/relation-types",
    response=list[RelationTypeOut],
    url_name="ecosystem_relation_types",
    operation_id="list_relation_types",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_relation_types(request, slug: WorkspaceSlug):
    """The workspace's relation types (ids for relations' `relation_type`)."""
    return RelationType.objects.filter(workspace=request.workspace).order_by(
        "position", "name", "id"
    )


# --- coverage matrices -------------------------------------------------------------------------


def _matrix_operation(kind: str):
    def matrix(request, slug: WorkspaceSlug, query: Query[ActorFilterQuery]):
        filters = _filters(request, query)
        return coverage_matrix(request.workspace, filters, kind).as_dict()

    matrix.__name__ = f"matrix_{kind}"
    matrix.__doc__ = (
        f"The coverage matrix territorial level × {kind.replace('_', ' ')} of the actors that "
        "pass the filters (one count per cell; `gaps` lists the empty cells)."
    )
    return matrix


for _kind in KINDS:
    router.get(
        f"/w/{{slug}}/matrices/{_kind}",
        response=MatrixOut,
        url_name=f"ecosystem_matrix_{_kind}",
        operation_id=f"get_matrix_{_kind}",
    )(require_api_role(Role.GUEST)(_matrix_operation(_kind)))
