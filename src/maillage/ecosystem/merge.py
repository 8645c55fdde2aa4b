"""Merging two actors that are the same organisation: nothing is lost.

`actor_merge(keep=…, other=…)` moves everything of `other` to `keep` in one transaction, then
deletes `other`, leaving an `ActorMerge` record with the full snapshot of `other` (its fields,
themes, audiences, network-head qualification, the relations it had and what became of them).
The audit trail keeps `other`'s own events (object id = `ActorMerge.merged_actor_id`), so the
history of the merged actor stays readable from the kept one.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core import audit
from maillage.core.exceptions import StaleObjectError
from maillage.core.sdg import mask_to_goals
from maillage.core.services import tenant_create, tenant_delete, tenant_update

from . import services
from .models import (
    MISSION_FIELDS,
    Actor,
    ActorMerge,
    Contact,
    DuplicateDismissal,
    NetworkHeadQualification,
    Relation,
)

#: The fields (or groups of fields that go together) where the user chooses whose value wins.
CHOOSABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "profile": ("profile",),
    "siren": ("siren",),
    "siret": ("siret",),
    "rna": ("rna",),
    "website": ("website",),
    "description": ("description",),
    "level": ("level",),
    "territory": ("region", "department", "epci", "commune"),
    "coordinates": ("latitude", "longitude"),
}
CHOOSABLE_LABELS = {
    "name": gettext_lazy("Name"),
    "profile": gettext_lazy("Profile"),
    "siren": gettext_lazy("SIREN"),
    "siret": gettext_lazy("SIRET"),
    "rna": gettext_lazy("RNA number"),
    "website": gettext_lazy("Website"),
    "description": gettext_lazy("Description"),
    "level": gettext_lazy("Territorial level"),
    "territory": gettext_lazy("Territory"),
    "coordinates": gettext_lazy("Coordinates"),
}
KEEP, OTHER = "keep", "other"

# Reverse relations of Actor that the merge handles itself; any other one (a later module's
# foreign key to Actor) is moved to the kept actor generically.
_HANDLED = {
    (Relation, "source"),
    (Relation, "target"),
    (Contact, "actor"),
    (NetworkHeadQualification, "actor"),
    (DuplicateDismissal, "first"),
    (DuplicateDismissal, "second"),
}


def _values(actor: Actor, name: str) -> tuple:
    return tuple(getattr(actor, f"{f}_id" if f in _FK else f) for f in CHOOSABLE_FIELDS[name])


_FK = {"region", "department", "epci", "commune"}


def _is_empty(values: tuple) -> bool:
    return all(v in (None, "") for v in values)


def conflicts(keep: Actor, other: Actor) -> list[str]:
    """The choosable fields where both actors have a value and the values differ."""
    return [
        name
        for name in CHOOSABLE_FIELDS
        if not _is_empty(_values(keep, name))
        and not _is_empty(_values(other, name))
        and _values(keep, name) != _values(other, name)
    ]


def _join_texts(*texts: str) -> str:
    parts = []
    for text in texts:
        text = (text or "").strip()
        if text and text not in parts:
            parts.append(text)
    return "\n\n".join(parts)


def _check(keep: Actor, other: Actor, choices: dict) -> None:
    if keep.workspace_id != other.workspace_id:
        raise ValidationError(_("Only two actors of the same workspace can be merged."))
    if keep.pk == other.pk:
        raise ValidationError(_("An actor cannot be merged into itself."))
    unknown = set(choices) - set(CHOOSABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be chosen in a merge: %s") % ", ".join(sorted(unknown))
        )
    wrong = {k for k, v in choices.items() if v not in (KEEP, OTHER)}
    if wrong:
        raise ValidationError(_("Choose “keep” or “other” for: %s") % ", ".join(sorted(wrong)))


def _lock_and_check_versions(keep, other, keep_version, other_version) -> None:
    expected = {
        keep.pk: keep.version if keep_version is None else keep_version,
        other.pk: other.version if other_version is None else other_version,
    }
    stored = dict(
        Actor._base_manager.select_for_update()
        .filter(pk__in=list(expected))
        .values_list("pk", "version")
    )
    if stored != expected:
        raise StaleObjectError()


def _field_changes(keep: Actor, other: Actor, choices: dict) -> dict:
    """The values `keep` takes: the chosen ones; else keep's, or other's where keep has none."""
    changes = {}
    for name, fields in CHOOSABLE_FIELDS.items():
        choice = choices.get(name)
        if choice is None:
            choice = OTHER if _is_empty(_values(keep, name)) else KEEP
        source = other if choice == OTHER else keep
        for f in fields:
            attname = f"{f}_id" if f in _FK else f
            changes[attname] = getattr(source, attname)
    # Every name either actor had survives: the losing name and both alias lists.
    names = [keep.name, other.name, *keep.alias_list, *other.alias_list]
    changes["aliases"] = "\n".join(
        dict.fromkeys(n.strip() for n in names if n.strip() and n.strip() != changes["name"])
    )
    changes["notes"] = _join_texts(keep.notes, other.notes)
    # The most recent verification wins, with who made it.
    if other.last_verified_on and (
        not keep.last_verified_on or other.last_verified_on > keep.last_verified_on
    ):
        changes["last_verified_on"] = other.last_verified_on
        changes["verified_by_id"] = other.verified_by_id
    return changes


def _relation_plan(keep: Actor, other: Actor):
    """What becomes of each relation of `other`: dropped (it linked the two actors), merged
    into an existing relation of `keep`, or moved."""
    keep_rels = list(
        Relation.objects.filter(Q(source=keep) | Q(target=keep)).select_related("relation_type")
    )
    other_rels = list(
        Relation.objects.filter(Q(source=other) | Q(target=other))
        .select_related("relation_type")
        .order_by("pk")
    )

    def identity(source_id, target_id, relation_type):
        if relation_type.is_symmetric:
            source_id, target_id = sorted((source_id, target_id))
        return (source_id, target_id, relation_type.pk)

    existing = {identity(r.source_id, r.target_id, r.relation_type): r for r in keep_rels}
    dropped, merged, moved = [], [], []
    for relation in other_rels:
        source_id = keep.pk if relation.source_id == other.pk else relation.source_id
        target_id = keep.pk if relation.target_id == other.pk else relation.target_id
        if source_id == target_id:
            dropped.append(relation)
            continue
        key = identity(source_id, target_id, relation.relation_type)
        if key in existing:
            merged.append((relation, existing[key]))
        else:
            moved.append((relation, source_id, target_id))
            existing[key] = relation
    return dropped, merged, moved


def _merge_relation_into(relation: Relation, into: Relation, *, user, request) -> None:
    starts = [d for d in (into.start_date, relation.start_date) if d]
    # A missing start date is unknown: the known one is kept. A missing end date means the
    # relation is still running, which is the latest end.
    ends = [into.end_date, relation.end_date]
    changes = {
        "start_date": min(starts) if starts else None,
        "end_date": None if None in ends else max(ends),
        "notes": _join_texts(into.notes, relation.notes),
    }
    tenant_update(into, user=user, expected_version=None, request=request, **changes)


def _move_other_references(keep: Actor, other: Actor) -> dict[str, int]:
    """Foreign keys to `other` from models the merge does not know (later modules): moved."""
    moved = {}
    for rel in Actor._meta.related_objects:
        model = rel.related_model
        if (model, rel.field.name) in _HANDLED or rel.field.model is not model:
            continue
        if rel.many_to_many:
            through = rel.through if hasattr(rel, "through") else rel.field.remote_field.through
            source_field = rel.field.m2m_field_name()
            target_field = rel.field.m2m_reverse_field_name()
            rows = through._base_manager.filter(**{target_field: other.pk})
            already = set(
                through._base_manager.filter(**{target_field: keep.pk}).values_list(
                    source_field, flat=True
                )
            )
            rows.filter(**{f"{source_field}__in": already}).delete()
            count = rows.update(**{target_field: keep.pk})
        elif rel.one_to_one:
            manager = model._base_manager
            if manager.filter(**{rel.field.name: keep}).exists():
                if manager.filter(**{rel.field.name: other}).exists():
                    raise ValidationError(
                        _("Both actors have a %(thing)s: this merge cannot keep both.")
                        % {"thing": model._meta.verbose_name}
                    )
                continue
            count = manager.filter(**{rel.field.name: other}).update(**{rel.field.name: keep})
        else:
            values = {rel.field.name: keep}
            if any(f.name == "version" for f in model._meta.concrete_fields):
                values["version"] = F("version") + 1
            count = model._base_manager.filter(**{rel.field.name: other}).update(**values)
        if count:
            moved[f"{model._meta.label}.{rel.field.name}"] = count
    return moved


def actor_merge(
    *,
    keep: Actor,
    other: Actor,
    user,
    choices: dict[str, str] | None = None,
    request=None,
    keep_version: int | None = None,
    other_version: int | None = None,
) -> ActorMerge:
    """Merge `other` into `keep`; `choices` says, per conflicting field, whose value wins.

    `keep_version` / `other_version` are the versions the user saw (None: the loaded ones); if
    either actor changed since, `StaleObjectError` is raised and nothing is written. Fields
    without a choice keep `keep`'s value, or take `other`'s where `keep` has none. Missions,
    SDG goals, themes and audiences are united; names and aliases become aliases; notes are
    joined; the most recent verification is kept.
    """
    choices = dict(choices or {})
    _check(keep, other, choices)
    now = timezone.now()
    with transaction.atomic():
        _lock_and_check_versions(keep, other, keep_version, other_version)
        keep.refresh_from_db()
        other.refresh_from_db()

        # What `other` was, before anything moves.
        themes = list(other.themes.all())
        audiences = list(other.audiences.all())
        snapshot = {
            "actor": audit.snapshot(other),
            "themes": [str(t) for t in themes],
            "audiences": [str(a) for a in audiences],
        }

        # Relations.
        dropped, merged, moved = _relation_plan(keep, other)
        snapshot["relations_dropped"] = [audit.snapshot(r) for r in dropped]
        snapshot["relations_merged"] = [
            {"relation": audit.snapshot(r), "into": into.pk} for r, into in merged
        ]
        snapshot["relations_moved"] = [r.pk for r, _s, _t in moved]
        Relation.objects.filter(pk__in=[r.pk for r in dropped]).delete()
        for relation, into in merged:
            relation.delete()
            _merge_relation_into(relation, into, user=user, request=request)
        for relation, source_id, target_id in moved:
            Relation.objects.filter(pk=relation.pk).update(
                source_id=source_id,
                target_id=target_id,
                version=F("version") + 1,
                updated_at=now,
            )

        # Contacts.
        contacts = list(Contact.objects.filter(actor=other).values_list("pk", flat=True))
        snapshot["contacts_moved"] = contacts
        Contact.objects.filter(pk__in=contacts).update(
            actor=keep, version=F("version") + 1, updated_at=now
        )

        # Network-head qualification: keep's if both have one, else the one that exists.
        kept_qualification = NetworkHeadQualification.objects.filter(actor=keep).first()
        other_qualification = NetworkHeadQualification.objects.filter(actor=other).first()
        snapshot["network_head_qualification"] = (
            audit.snapshot(other_qualification) if other_qualification else None
        )
        if other_qualification is not None:
            if kept_qualification is None:
                NetworkHeadQualification.objects.filter(pk=other_qualification.pk).update(
                    actor=keep, version=F("version") + 1, updated_at=now
                )
                kept_qualification = other_qualification
            else:
                other_qualification.delete()

        # Dismissed pairs involving `other` mean nothing once it is gone.
        DuplicateDismissal.objects.filter(Q(first=other) | Q(second=other)).delete()

        # Partnership memberships: moved, or joined with keep's in the same partnership.
        from maillage.partnerships.services.partnerships import merge_memberships

        snapshot["partnership_memberships"] = merge_memberships(
            keep=keep, other=other, user=user, request=request
        )
        snapshot["other_references_moved"] = _move_other_references(keep, other)
        snapshot["choices"] = choices

        # The kept actor's fields: chosen values, united lists, recomputed keys.
        changes = _field_changes(keep, other, choices)
        changes["is_network_head"] = bool(kept_qualification and kept_qualification.qualifies)
        changes["sdg_goals"] = keep.sdg_goals | other.sdg_goals
        for mission_field in MISSION_FIELDS.values():
            changes[mission_field] = getattr(keep, mission_field) or getattr(other, mission_field)
        united_themes = list({t.pk: t for t in [*keep.themes.all(), *themes]}.values())
        united_audiences = list({a.pk: a for a in [*keep.audiences.all(), *audiences]}.values())

        merge = tenant_create(
            ActorMerge,
            workspace=keep.workspace,
            user=user,
            request=request,
            kept=keep,
            merged_actor_id=other.pk,
            merged_name=other.name,
            snapshot=snapshot,
        )
        summary = {
            "merged_actor": [None, f"{other.name} (#{other.pk})"],
            "relations_moved": [None, len(moved)],
            "relations_merged": [None, len(merged)],
            "relations_dropped": [None, len(dropped)],
            "contacts_moved": [None, len(contacts)],
        }
        audit.record(
            audit.Action.OTHER,
            user=user,
            instance=other,
            object_repr=_("%(other)s merged into %(keep)s") % {"other": other, "keep": keep},
            changes={"merged_into": [None, f"{keep.name} (#{keep.pk})"]},
            request=request,
        )
        # `other` goes; tenant_delete records its last state under its own id.
        # (A fresh copy: Django clears the pk of a deleted instance; the caller's stays intact.)
        tenant_delete(Actor._base_manager.get(pk=other.pk), user=user, request=request)

        # The kept actor last: its version is bumped once, with every changed field audited.
        _apply_to_keep(keep, changes, united_themes, united_audiences, user=user, request=request)
        audit.record(
            audit.Action.OTHER,
            user=user,
            instance=keep,
            object_repr=_("%(other)s merged into %(keep)s") % {"other": other, "keep": keep},
            changes=summary,
            request=request,
        )
    return merge


def _apply_to_keep(keep: Actor, changes: dict, themes, audiences, *, user, request) -> None:
    plain = {}
    sdg_goals = mask_to_goals(changes.pop("sdg_goals"))
    for attname, value in changes.items():
        field = Actor._meta.get_field(attname[:-3] if attname.endswith("_id") else attname)
        if isinstance(field, models.ForeignKey):
            plain[field.name] = (
                field.related_model._base_manager.get(pk=value) if value is not None else None
            )
        else:
            plain[attname] = value
    services.actor_update(
        keep,
        user=user,
        expected_version=keep.version,
        request=request,
        themes=themes,
        audiences=audiences,
        sdg_goals=sdg_goals,
        **plain,
    )
