"""Writes of the ecosystem registry. Every write is validated, atomic, audited and, for edits,
optimistically locked (`core.services`). Views, importers and the API all come through here."""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from maillage.core import audit
from maillage.core.sdg import goals_to_mask
from maillage.core.services import tenant_create, tenant_delete, tenant_update
from maillage.core.territories.normalize import normalize_search_text

from .identifiers import clean_rna, clean_siren, clean_siret
from .models import (
    MISSION_FIELDS,
    Actor,
    Audience,
    Contact,
    NetworkHeadQualification,
    Relation,
    RelationType,
    Theme,
)

# --- defaults of a new workspace -----------------------------------------------------------

DEFAULT_THEMES = (
    gettext_lazy("Employment and integration"),
    gettext_lazy("Education and youth"),
    gettext_lazy("Health and medico-social care"),
    gettext_lazy("Social action and solidarity"),
    gettext_lazy("Environment and ecological transition"),
    gettext_lazy("Culture and heritage"),
    gettext_lazy("Sport"),
    gettext_lazy("Housing"),
    gettext_lazy("Food"),
    gettext_lazy("Digital inclusion"),
    gettext_lazy("International solidarity"),
    gettext_lazy("Territorial development"),
)
DEFAULT_AUDIENCES = (
    gettext_lazy("Young people"),
    gettext_lazy("Older people"),
    gettext_lazy("Job seekers"),
    gettext_lazy("People with disabilities"),
    gettext_lazy("Families"),
    gettext_lazy("People in precarity"),
    gettext_lazy("Migrants and refugees"),
    gettext_lazy("Women"),
    gettext_lazy("Volunteers"),
    gettext_lazy("Associations"),
    gettext_lazy("Companies"),
    gettext_lazy("Local authorities"),
    gettext_lazy("General public"),
)
# code, name, inverse name, symmetric
DEFAULT_RELATION_TYPES = (
    ("member_of", gettext_lazy("is a member of"), gettext_lazy("has as member"), False),
    ("funds", gettext_lazy("funds"), gettext_lazy("is funded by"), False),
    ("partners_with", gettext_lazy("partners with"), "", True),
    ("supports", gettext_lazy("supports"), gettext_lazy("is supported by"), False),
    (
        "heads_network_of",
        gettext_lazy("heads the network of"),
        gettext_lazy("belongs to the network headed by"),
        False,
    ),
    ("subcontracts", gettext_lazy("subcontracts to"), gettext_lazy("is a subcontractor of"), False),
    ("co_leads_consortium", gettext_lazy("co-leads a consortium with"), "", True),
)


def taxonomy_ensure_defaults(workspace) -> None:
    """Give the workspace the default themes, audiences and relation types, once.

    A list the workspace already has (even emptied on purpose to one term) is left alone: the
    defaults are only a starting point. Names are written in the site's language.
    """
    create_default_lists(workspace, theme=Theme, audience=Audience, relation_type=RelationType)


def create_default_lists(workspace, *, theme, audience, relation_type) -> None:
    """The defaults, with the given model classes (migration 0002 passes historical ones)."""
    with override(settings.LANGUAGE_CODE):
        if not theme.objects.filter(workspace=workspace).exists():
            theme.objects.bulk_create(
                theme(workspace=workspace, name=str(name), position=i)
                for i, name in enumerate(DEFAULT_THEMES)
            )
        if not audience.objects.filter(workspace=workspace).exists():
            audience.objects.bulk_create(
                audience(workspace=workspace, name=str(name), position=i)
                for i, name in enumerate(DEFAULT_AUDIENCES)
            )
        if not relation_type.objects.filter(workspace=workspace).exists():
            relation_type.objects.bulk_create(
                relation_type(
                    workspace=workspace,
                    code=code,
                    name=str(name),
                    inverse_name=str(inverse),
                    is_symmetric=symmetric,
                    position=i,
                )
                for i, (code, name, inverse, symmetric) in enumerate(DEFAULT_RELATION_TYPES)
            )


# --- actors --------------------------------------------------------------------------------

_NAME_STOPWORDS = frozenset(
    [
        "l",
        "la",
        "le",
        "les",
        "de",
        "des",
        "du",
        "d",
        "et",
        "a",
        "au",
        "aux",
        "en",
        "association",
        "asso",
        "assoc",
    ]
)


def name_key(name: str) -> str:
    """The name as duplicate detection compares it: no accents, case, punctuation or small
    words ("Association Les Amis d'Étienne" and "amis etienne" give the same key)."""
    words = [w for w in normalize_search_text(name).split() if w not in _NAME_STOPWORDS]
    return " ".join(words)[:200]


def search_text(actor: Actor) -> str:
    """What full-text search indexes for an actor."""
    commune = actor.commune.name if actor.commune_id else ""
    return "\n".join(
        part for part in (actor.name, actor.aliases, actor.description, commune) if part
    )


def _fill_derived(actor: Actor) -> None:
    """Identifiers compacted, the territory completed upwards, the search and name keys."""
    errors = {}
    for field, clean in (("siren", clean_siren), ("siret", clean_siret), ("rna", clean_rna)):
        try:
            setattr(actor, field, clean(getattr(actor, field)))
        except ValidationError as error:
            errors[field] = error.messages
    if errors:
        raise ValidationError(errors)
    if actor.siret and not actor.siren:
        actor.siren = actor.siret[:9]
    if actor.commune_id:
        commune = actor.commune
        actor.department_id = commune.department_id or actor.department_id
        actor.epci_id = commune.epci_id or actor.epci_id
    if actor.department_id:
        actor.region_id = actor.department.region_id
    actor.aliases = "\n".join(
        dict.fromkeys(line.strip() for line in actor.aliases.splitlines() if line.strip())
    )
    actor.search_text = search_text(actor)
    actor.name_key = name_key(actor.name)


def _missions_fields(missions: Iterable[str] | None) -> dict:
    if missions is None:
        return {}
    chosen = set(missions)
    unknown = chosen - set(MISSION_FIELDS)
    if unknown:
        raise ValidationError({"missions": _("Unknown mission: %s") % ", ".join(sorted(unknown))})
    return {field: mission in chosen for mission, field in MISSION_FIELDS.items()}


def _check_in_workspace(workspace, field: str, objects: Iterable) -> list:
    objects = list(objects)
    for obj in objects:
        if obj.workspace_id != workspace.pk:
            raise ValidationError({field: _("This choice belongs to another workspace.")})
    return objects


def actor_create(
    *,
    workspace,
    user,
    request=None,
    missions: Iterable[str] = (),
    themes: Iterable[Theme] = (),
    audiences: Iterable[Audience] = (),
    sdg_goals: Iterable[int] = (),
    **fields,
) -> Actor:
    themes = _check_in_workspace(workspace, "themes", themes)
    audiences = _check_in_workspace(workspace, "audiences", audiences)
    actor = Actor(workspace=workspace, **fields, **_missions_fields(missions))
    actor.sdg_goals = goals_to_mask(sdg_goals)
    _fill_derived(actor)
    with transaction.atomic():
        actor = tenant_create(
            Actor,
            workspace=workspace,
            user=user,
            request=request,
            **{
                f.name: getattr(actor, f.name)
                for f in Actor._meta.concrete_fields
                if f.name not in ("id", "workspace", "created_by", "created_at", "updated_at")
            },
        )
        if themes:
            actor.themes.set(themes)
        if audiences:
            actor.audiences.set(audiences)
    return actor


def actor_update(
    actor: Actor,
    *,
    user,
    expected_version: int | None,
    request=None,
    missions: Iterable[str] | None = None,
    themes: Iterable[Theme] | None = None,
    audiences: Iterable[Audience] | None = None,
    sdg_goals: Iterable[int] | None = None,
    **changes,
) -> Actor:
    changes.update(_missions_fields(missions))
    if sdg_goals is not None:
        changes["sdg_goals"] = goals_to_mask(sdg_goals)
    probe = Actor(**{f.attname: getattr(actor, f.attname) for f in Actor._meta.concrete_fields})
    for name, value in changes.items():
        setattr(probe, name, value)
    _fill_derived(probe)
    for name in ("siren", "siret", "rna", "region", "department", "epci", "aliases"):
        changes[name] = getattr(probe, name)
    changes["search_text"] = probe.search_text
    changes["name_key"] = probe.name_key
    with transaction.atomic():
        actor = tenant_update(
            actor, user=user, expected_version=expected_version, request=request, **changes
        )
        _set_related(actor, "themes", themes, user=user, request=request)
        _set_related(actor, "audiences", audiences, user=user, request=request)
    return actor


def _set_related(actor, name, objects, *, user, request) -> None:
    if objects is None:
        return
    objects = _check_in_workspace(actor.workspace, name, objects)
    manager = getattr(actor, name)
    before = sorted(str(o) for o in manager.all())
    after = sorted(str(o) for o in objects)
    if before == after:
        return
    manager.set(objects)
    audit.record(
        audit.Action.UPDATE,
        user=user,
        instance=actor,
        changes={name: [", ".join(before), ", ".join(after)]},
        request=request,
    )


def actor_mark_verified(actor: Actor, *, user, request=None, on: date | None = None) -> Actor:
    """Record that `user` checked the actor's information today (or `on`)."""
    return tenant_update(
        actor,
        user=user,
        expected_version=None,
        request=request,
        last_verified_on=on or timezone.localdate(),
        verified_by=user,
    )


def actor_delete(actor: Actor, *, user, expected_version: int | None = None, request=None) -> None:
    """Delete an actor; refused while it is a member of partnerships (named in the message)."""
    names = sorted(
        {m.partnership.name for m in actor.partnership_memberships.select_related("partnership")}
    )
    if names:
        raise ValidationError(
            _(
                "“%(name)s” is a member of these partnerships: %(partnerships)s. Remove it from "
                "them first (or merge it into another actor)."
            )
            % {"name": actor.name, "partnerships": ", ".join(names)}
        )
    tenant_delete(actor, user=user, expected_version=expected_version, request=request)


# --- contacts ------------------------------------------------------------------------------


def contact_create(*, actor: Actor, user, request=None, **fields) -> Contact:
    return tenant_create(
        Contact, workspace=actor.workspace, user=user, request=request, actor=actor, **fields
    )


def contact_update(contact: Contact, *, user, expected_version, request=None, **changes):
    return tenant_update(
        contact, user=user, expected_version=expected_version, request=request, **changes
    )


def contact_delete(contact: Contact, *, user, request=None) -> None:
    tenant_delete(contact, user=user, request=request)


# --- relations -----------------------------------------------------------------------------


def _check_relation(workspace, source, target, relation_type) -> None:
    for field, obj in (("source", source), ("target", target), ("relation_type", relation_type)):
        if obj is not None and obj.workspace_id != workspace.pk:
            raise ValidationError({field: _("This choice belongs to another workspace.")})
    if source is not None and target is not None and source.pk == target.pk:
        raise ValidationError({"target": _("An actor cannot be in a relation with itself.")})


def relation_create(*, workspace, user, source, target, relation_type, request=None, **fields):
    _check_relation(workspace, source, target, relation_type)
    if Relation.objects.filter(source=source, target=target, relation_type=relation_type).exists():
        raise ValidationError(
            {"relation_type": _("This relation is already recorded between these two actors.")}
        )
    return tenant_create(
        Relation,
        workspace=workspace,
        user=user,
        request=request,
        source=source,
        target=target,
        relation_type=relation_type,
        **fields,
    )


def relation_update(relation: Relation, *, user, expected_version, request=None, **changes):
    _check_relation(
        relation.workspace,
        changes.get("source", relation.source),
        changes.get("target", relation.target),
        changes.get("relation_type", relation.relation_type),
    )
    return tenant_update(
        relation, user=user, expected_version=expected_version, request=request, **changes
    )


def relation_delete(relation: Relation, *, user, request=None) -> None:
    tenant_delete(relation, user=user, request=request)


# --- relation types and taxonomies -----------------------------------------------------------


def relation_type_delete(relation_type: RelationType, *, user, request=None) -> None:
    if relation_type.relations.exists():
        raise ValidationError(
            _("“%(name)s” is used by %(count)d relations: change their type or delete them first.")
            % {"name": relation_type.name, "count": relation_type.relations.count()}
        )
    tenant_delete(relation_type, user=user, request=request)


def term_delete(term: Theme | Audience, *, user, request=None) -> None:
    """Delete a theme or an audience; the actors that had it simply lose it (audited)."""
    tenant_delete(term, user=user, request=request)


# --- network heads -------------------------------------------------------------------------


def network_head_assess(
    actor: Actor,
    *,
    user,
    request=None,
    expected_version: int | None = None,
    **criteria,
) -> NetworkHeadQualification:
    """Record (or revise) the three-criteria qualification; keeps `actor.is_network_head`."""
    criteria.setdefault("assessed_on", timezone.localdate())
    criteria["assessed_by"] = user
    with transaction.atomic():
        existing = NetworkHeadQualification.objects.filter(actor=actor).first()
        if existing is None:
            qualification = tenant_create(
                NetworkHeadQualification,
                workspace=actor.workspace,
                user=user,
                request=request,
                actor=actor,
                **criteria,
            )
        else:
            qualification = tenant_update(
                existing,
                user=user,
                expected_version=expected_version,
                request=request,
                **criteria,
            )
        if actor.is_network_head != qualification.qualifies:
            tenant_update(
                actor,
                user=user,
                expected_version=None,
                request=request,
                is_network_head=qualification.qualifies,
            )
    return qualification
