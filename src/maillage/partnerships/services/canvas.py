"""Writes of the members' objectives canvases (seed 001): one entry at a time, checked by
`CanvasEntry.clean` (qualifiers by section, figures for objectives only)."""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from maillage.core.services import tenant_create, tenant_delete, tenant_update

from ..models import CanvasEntry, PartnershipMember


def _normalise(fields: dict) -> None:
    for name in ("text", "figures"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    if fields.get("qualifier") is None and "qualifier" in fields:
        fields["qualifier"] = ""


def _check(section: str, qualifier: str, figures: str) -> None:
    """The rules of `CanvasEntry.clean`, with messages that say what the section takes."""
    Section = CanvasEntry.Section
    allowed = CanvasEntry.SECTION_QUALIFIERS.get(section, ())
    if qualifier and qualifier not in allowed:
        if section == Section.BLOCKING_POINT:
            message = _("A blocking point is either internal or external.")
        elif section == Section.NEED:
            message = _("A need is either already in your network or to find.")
        else:
            message = _(
                "Objectives and cooperation opportunities take no qualifier: leave it empty."
            )
        raise ValidationError({"qualifier": message})
    if figures and section != Section.OBJECTIVE:
        raise ValidationError(
            {"figures": _("Figures belong to objectives: write them in the text of this entry.")}
        )


def entry_create(member: PartnershipMember, *, user, request=None, **fields) -> CanvasEntry:
    """Add an entry to `member`'s canvas, last of its section."""
    _normalise(fields)
    _check(fields.get("section", ""), fields.get("qualifier", ""), fields.get("figures", ""))
    last = CanvasEntry.objects.filter(member=member, section=fields.get("section")).aggregate(
        last=Max("position")
    )["last"]
    fields.setdefault("position", 0 if last is None else last + 1)
    return tenant_create(
        CanvasEntry,
        workspace=member.workspace,
        user=user,
        request=request,
        partnership_id=member.partnership_id,
        member=member,
        **fields,
    )


def entry_update(
    entry: CanvasEntry, *, user, expected_version=None, request=None, **changes
) -> CanvasEntry:
    _normalise(changes)
    _check(
        changes.get("section", entry.section),
        changes.get("qualifier", entry.qualifier),
        changes.get("figures", entry.figures),
    )
    changes.pop("member", None)  # an entry never changes hands
    changes.pop("partnership", None)
    return tenant_update(
        entry, user=user, expected_version=expected_version, request=request, **changes
    )


def entry_delete(entry: CanvasEntry, *, user, expected_version=None, request=None) -> None:
    tenant_delete(entry, user=user, expected_version=expected_version, request=request)
