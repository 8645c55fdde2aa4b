"""Writes of partnerships, their members and the guests they are shared with.

The stage and the status are never written here: only a gate decision changes them
(`services.lifecycle.record_gate_decision`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from maillage.core.services import create_child, tenant_create, tenant_delete, tenant_update
from maillage.ecosystem.models import PROFILE_FAMILY, Actor
from maillage.workspaces.models import Membership, Role

from ..choices import Objective, Side, ValueChainLevel
from ..models import Partnership, PartnershipGuest, PartnershipKind, PartnershipMember
from ..models.fields import ordered_keys

#: The side an organisation stands for, from its profile family (seed 004's columns).
FAMILY_SIDE = {
    "association": Side.ASSOCIATION,
    "foundation": Side.ASSOCIATION,
    "ess": Side.ASSOCIATION,
    "company": Side.COMPANY,
    "public": Side.AUTHORITY,
}

#: Fields the partnership form writes (stage, status and derived values are not among them).
PARTNERSHIP_FIELDS = (
    "name",
    "summary",
    "kind",
    "objectives",
    "value_chain_levels",
    "start_date",
    "end_date",
    "coordinator",
    "next_gate_on",
)


def default_side(actor: Actor) -> str:
    """The side an actor speaks for by default: its profile family's."""
    return FAMILY_SIDE.get(PROFILE_FAMILY.get(actor.profile, ""), Side.OTHER)


# --- partnerships ----------------------------------------------------------------------------


def _normalise(fields: dict) -> None:
    for name in ("name", "summary"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    if "objectives" in fields:
        fields["objectives"] = ordered_keys(fields["objectives"], Objective)
    if "value_chain_levels" in fields:
        fields["value_chain_levels"] = ordered_keys(fields["value_chain_levels"], ValueChainLevel)
    unknown = set(fields) - set(PARTNERSHIP_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be written here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )


def _check(workspace, fields: dict, partnership: Partnership | None = None) -> None:
    errors = {}
    name = fields.get("name", partnership.name if partnership else "")
    if not name:
        errors["name"] = _("Give the partnership a name.")
    else:
        taken = Partnership.objects.filter(workspace=workspace, name__iexact=name)
        if partnership is not None:
            taken = taken.exclude(pk=partnership.pk)
        if taken.exists():
            errors["name"] = _("Another partnership already has this name.")
    kind = fields.get("kind")
    if kind is not None and kind.workspace_id != workspace.pk:
        errors["kind"] = _("This kind belongs to another workspace.")
    coordinator = fields.get("coordinator")
    if coordinator is not None and not (
        Membership.objects.filter(workspace=workspace, user=coordinator)
        .exclude(role=Role.GUEST)
        .exists()
    ):
        errors["coordinator"] = _("The coordinator must be a member of this workspace.")
    start = fields.get("start_date", partnership.start_date if partnership else None)
    end = fields.get("end_date", partnership.end_date if partnership else None)
    if start and end and end < start:
        errors["end_date"] = _("The end date must not be before the start date.")
    if errors:
        raise ValidationError(errors)


def partnership_create(*, workspace, user, request=None, **fields) -> Partnership:
    """A new partnership, at 01 Meet and active (the model's defaults)."""
    _normalise(fields)
    _check(workspace, fields)
    return tenant_create(Partnership, workspace=workspace, user=user, request=request, **fields)


def partnership_update(
    partnership: Partnership, *, user, expected_version: int | None, request=None, **changes
) -> Partnership:
    _normalise(changes)
    _check(partnership.workspace, changes, partnership)
    return tenant_update(
        partnership, user=user, expected_version=expected_version, request=request, **changes
    )


def partnership_delete(
    partnership: Partnership, *, user, expected_version: int | None = None, request=None
) -> None:
    """Delete a partnership with everything hanging from it. A partnership with recorded gate
    decisions is history: it is ended through a decision, not deleted."""
    if partnership.decisions.exists():
        raise ValidationError(
            _(
                "This partnership has recorded gate decisions: end it with a decision rather "
                "than delete it, so that its history stays."
            )
        )
    with transaction.atomic():
        # Finance projects keep their data: the link is dropped (SET_NULL) by the database.
        tenant_delete(partnership, user=user, expected_version=expected_version, request=request)


# --- members ---------------------------------------------------------------------------------


def _check_member(partnership: Partnership, fields: dict, member=None) -> None:
    actor = fields.get("actor")
    if actor is not None:
        if actor.workspace_id != partnership.workspace_id:
            raise ValidationError({"actor": _("This organisation belongs to another workspace.")})
        taken = PartnershipMember.objects.filter(partnership=partnership, actor=actor)
        if member is not None:
            taken = taken.exclude(pk=member.pk)
        if taken.exists():
            raise ValidationError({"actor": _("This organisation is already a member.")})


def member_add(partnership: Partnership, *, user, request=None, **fields) -> PartnershipMember:
    """Add an organisation of the registry; without a side, its profile family gives one."""
    _check_member(partnership, fields)
    if not fields.get("side") and fields.get("actor") is not None:
        fields["side"] = default_side(fields["actor"])
    return create_child(
        PartnershipMember, "partnership", partnership, user=user, request=request, **fields
    )


def member_update(
    member: PartnershipMember, *, user, expected_version: int | None, request=None, **changes
) -> PartnershipMember:
    _check_member(member.partnership, changes, member)
    if "side" in changes and not changes["side"]:
        changes["side"] = default_side(changes.get("actor") or member.actor)
    return tenant_update(
        member, user=user, expected_version=expected_version, request=request, **changes
    )


def member_usage(member: PartnershipMember) -> dict[str, int]:
    """What removing the member takes with it (its canvas, fit check and scores)."""
    return {
        "canvas_entries": member.canvas_entries.count(),
        "fit_expectations": member.fit_expectations.count(),
        "evaluation_scores": member.evaluation_scores.count(),
        "guests": member.guests.count(),
    }


def member_remove(
    member: PartnershipMember, *, user, expected_version: int | None = None, request=None
) -> None:
    """Remove a member. Refused while it has written its side (canvas, fit check, scores): that
    is the partnership's record; the guests speaking for it lose their share."""
    usage = member_usage(member)
    written = usage["canvas_entries"] + usage["fit_expectations"] + usage["evaluation_scores"]
    if written:
        raise ValidationError(
            _(
                "%(actor)s has written its side of the canvas, the fit check or the "
                "evaluations: it stays a member so that this record is kept."
            )
            % {"actor": member.actor.name}
        )
    tenant_delete(member, user=user, expected_version=expected_version, request=request)


# --- guests ----------------------------------------------------------------------------------


def _check_share(partnership: Partnership, membership, member, share=None) -> None:
    errors = {}
    if membership.workspace_id != partnership.workspace_id or membership.role != Role.GUEST:
        errors["membership"] = _("Only a guest of this workspace can be given a share.")
    if member.partnership_id != partnership.pk:
        errors["member"] = _("Choose a member of this partnership.")
    others = PartnershipGuest.objects.filter(partnership=partnership, membership=membership)
    if share is not None:
        others = others.exclude(pk=share.pk)
    if not errors and others.exists():
        errors["membership"] = _("The partnership is already shared with this guest.")
    if errors:
        raise ValidationError(errors)


def guest_share(
    partnership: Partnership, *, user, membership, member, request=None
) -> PartnershipGuest:
    """Share the partnership with a guest of the workspace, speaking for `member`."""
    _check_share(partnership, membership, member)
    return create_child(
        PartnershipGuest,
        "partnership",
        partnership,
        user=user,
        request=request,
        membership=membership,
        member=member,
    )


def guest_share_update(
    share: PartnershipGuest, *, user, expected_version, request=None, membership=None, member=None
) -> PartnershipGuest:
    """Change who a share is for, or the member the guest speaks for."""
    membership = membership or share.membership
    member = member or share.member
    _check_share(share.partnership, membership, member, share)
    return tenant_update(
        share,
        user=user,
        expected_version=expected_version,
        request=request,
        membership=membership,
        member=member,
    )


def guest_unshare(share: PartnershipGuest, *, user, request=None) -> None:
    tenant_delete(share, user=user, request=request)


# --- the registry's side: actors that are members ----------------------------------------------


def actor_partnerships(actor: Actor) -> list[str]:
    """The names of the partnerships `actor` is a member of."""
    return list(
        Partnership.objects.filter(members__actor=actor)
        .order_by("name")
        .values_list("name", flat=True)
    )


def merge_memberships(*, keep: Actor, other: Actor, user, request=None) -> dict[str, int]:
    """Before an actor merge: move `other`'s memberships to `keep`.

    Where both are members of the same partnership, `keep`'s membership stays and receives
    `other`'s canvas lines, fit expectations, scores, guests and the rows naming it; a fit
    expectation or a score that `keep` also has for the same dimension (or evaluation) is
    refused with a message, since one of the two would be lost.
    """
    from ..models import (
        ActionItem,
        CanvasEntry,
        EvaluationScore,
        FitExpectation,
        GovernanceRole,
    )

    moved = joined = 0
    for member in PartnershipMember.objects.filter(actor=other).select_related("partnership"):
        kept = PartnershipMember.objects.filter(
            partnership=member.partnership_id, actor=keep
        ).first()
        if kept is None:
            PartnershipMember.objects.filter(pk=member.pk).update(
                actor=keep, version=F("version") + 1
            )
            moved += 1
            continue

        def pairs(model, *fields, of):
            return set(model.objects.filter(member=of).values_list(*fields))

        clash_fit = pairs(FitExpectation, "dimension", of=member) & pairs(
            FitExpectation, "dimension", of=kept
        )
        clash_score = pairs(EvaluationScore, "evaluation_id", "dimension", of=member) & pairs(
            EvaluationScore, "evaluation_id", "dimension", of=kept
        )
        if clash_fit or clash_score:
            raise ValidationError(
                _(
                    "Both organisations are members of “%(partnership)s” and both stated an "
                    "expectation or gave a score for the same dimension: delete one of the two "
                    "in the partnership first, then merge."
                )
                % {"partnership": member.partnership.name}
            )
        for model in (CanvasEntry, FitExpectation, EvaluationScore):
            model.objects.filter(member=member).update(member=kept)
        GovernanceRole.objects.filter(member=member).update(member=kept)
        ActionItem.objects.filter(owner_member=member).update(owner_member=kept)
        for share in PartnershipGuest.objects.filter(member=member):
            share.member = kept
            share.save(update_fields=["member"])
        tenant_delete(member, user=user, request=request)
        joined += 1
    return {"moved": moved, "joined": joined}


# --- kinds -----------------------------------------------------------------------------------


def kind_in_use(kind: PartnershipKind) -> list[str]:
    return list(kind.partnerships.order_by("name").values_list("name", flat=True)[:5])
