"""Reads of the registry for the pages: annotated querysets and page contexts."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from maillage.core.audit import AuditEvent
from maillage.core.sdg import sdg_label
from maillage.core.territories.models import EPCI, Commune, Department, Region

from .models import Actor, ActorMerge, Contact, NetworkHeadQualification, Relation
from .search import parse_territory


def actors_for_list(workspace) -> QuerySet[Actor]:
    """Actors with what a list row shows: territory names and themes, in a fixed number of
    queries whatever the page size."""
    return (
        Actor.objects.filter(workspace=workspace)
        .select_related("region", "department", "commune")
        .prefetch_related("themes")
    )


def territory_label(value: str) -> str:
    """ "Loire (42)" for "department:42"; the raw value when unknown; "" when empty."""
    try:
        parsed = parse_territory(value)
    except ValueError:
        return value
    if parsed is None:
        return ""
    kind, code = parsed
    model = {"region": Region, "department": Department, "epci": EPCI, "commune": Commune}[kind]
    found = model.objects.filter(pk=code).first()
    return str(found) if found else value


def territory_choices() -> dict:
    """Regions and departments for the territory filter (values "region:84", "department:42")."""
    return {
        "regions": [
            {"code": r.code, "name": r.name, "value": f"region:{r.code}"}
            for r in Region.objects.order_by("name")
        ],
        "departments": [
            {"code": d.code, "name": d.name, "value": f"department:{d.code}"}
            for d in Department.objects.order_by("code")
        ],
    }


def actor_for_detail(workspace) -> QuerySet[Actor]:
    return Actor.objects.filter(workspace=workspace).select_related(
        "region", "department", "epci", "commune", "verified_by", "created_by"
    )


def actor_relations(actor: Actor) -> list[dict]:
    """Every relation of the actor, read from its side ("funds X", "is funded by Y")."""
    relations = (
        Relation.objects.filter(Q(source=actor) | Q(target=actor))
        .select_related("source", "target", "relation_type")
        .order_by("relation_type__position", "relation_type__name", "id")
    )
    rows = []
    for relation in relations:
        outgoing = relation.source_id == actor.pk
        rows.append(
            {
                "relation": relation,
                "label": relation.relation_type.name
                if outgoing
                else relation.relation_type.reverse_label,
                "other": relation.target if outgoing else relation.source,
                "outgoing": outgoing,
            }
        )
    return rows


def actor_page(actor: Actor) -> dict:
    """Everything the actor page shows."""
    from .duplicates import duplicates_of

    qualification = NetworkHeadQualification.objects.filter(actor=actor).select_related(
        "assessed_by"
    )
    return {
        "actor": actor,
        "themes": list(actor.themes.all()),
        "audiences": list(actor.audiences.all()),
        "relations": actor_relations(actor),
        "contacts": list(Contact.objects.filter(actor=actor)),
        "qualification": qualification.first(),
        "duplicates": duplicates_of(actor),
        "merges": list(ActorMerge.objects.filter(kept=actor)),
        "sdg_labels": [sdg_label(goal) for goal in actor.sdg_list],
        "verified_by_label": (
            (actor.verified_by.full_name or actor.verified_by.email)
            if actor.verified_by_id
            else _("a former member")
        ),
    }


def actor_dependents(actor: Actor) -> dict:
    """What deleting the actor takes with it."""
    return {
        "relations": Relation.objects.filter(Q(source=actor) | Q(target=actor)).count(),
        "contacts": Contact.objects.filter(actor=actor).count(),
    }


def actor_history(actor: Actor) -> QuerySet[AuditEvent]:
    """Audit events of the actor, of its contacts and relations, and of the actors merged
    into it (their ids are kept in ActorMerge): history survives a merge."""
    actor_ids = [str(actor.pk)] + [
        str(pk)
        for pk in ActorMerge.objects.filter(kept=actor).values_list("merged_actor_id", flat=True)
    ]
    return (
        AuditEvent.objects.filter(workspace_id=actor.workspace_id)
        .filter(
            Q(object_type=Actor._meta.label, object_id__in=actor_ids)
            | Q(
                object_type=Contact._meta.label,
                object_id__in=[
                    str(pk)
                    for pk in Contact.objects.filter(actor=actor).values_list("pk", flat=True)
                ],
            )
            | Q(
                object_type=Relation._meta.label,
                object_id__in=[
                    str(pk)
                    for pk in Relation.objects.filter(
                        Q(source=actor) | Q(target=actor)
                    ).values_list("pk", flat=True)
                ],
            )
        )
        .select_related("user")
        .order_by("-at", "-id")
    )


def relations_for_list(workspace) -> QuerySet[Relation]:
    return Relation.objects.filter(workspace=workspace).select_related(
        "source", "target", "relation_type"
    )
