"""Writes of the meetings and decisions log and of the action items.

Rules kept here (the views and the API go through them):

- a meeting's ritual, an action item's meeting and member belong to the same partnership;
- an action item's `done_on` is set (today unless given) when its status becomes *done* and
  cleared when it leaves *done*; it is never in the future;
- an action item without an owner text takes the name of the member it is for.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.services import create_child, tenant_delete, tenant_update

from ..models import ActionItem, Meeting, MeetingDecision, Partnership

# --- meetings --------------------------------------------------------------------------------


def _clean_meeting(partnership: Partnership, fields: dict) -> dict:
    ritual = fields.get("ritual")
    if ritual is not None and ritual.partnership_id != partnership.pk:
        raise ValidationError({"ritual": _("This ritual belongs to another partnership.")})
    for name in ("title", "agenda", "minutes"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    if isinstance(fields.get("attendees"), str):
        lines = [line.strip() for line in fields["attendees"].splitlines()]
        fields["attendees"] = "\n".join(line for line in lines if line)
    return fields


def meeting_create(partnership: Partnership, *, user, request=None, **fields) -> Meeting:
    fields = _clean_meeting(partnership, fields)
    return create_child(Meeting, "partnership", partnership, user=user, request=request, **fields)


def meeting_update(meeting: Meeting, *, user, expected_version, request=None, **changes) -> Meeting:
    changes = _clean_meeting(meeting.partnership, changes)
    return tenant_update(
        meeting, user=user, expected_version=expected_version, request=request, **changes
    )


def meeting_delete(meeting: Meeting, *, user, expected_version=None, request=None) -> None:
    """Deletes the meeting and its decisions; its action items stay, without a meeting."""
    tenant_delete(meeting, user=user, expected_version=expected_version, request=request)


# --- decisions -------------------------------------------------------------------------------


def decision_create(meeting: Meeting, *, user, request=None, text: str) -> MeetingDecision:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the decision.")})
    return create_child(
        MeetingDecision,
        "meeting",
        meeting,
        user=user,
        request=request,
        partnership=meeting.partnership,
        text=text,
    )


def decision_update(
    decision: MeetingDecision, *, user, expected_version, request=None, text: str
) -> MeetingDecision:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the decision.")})
    return tenant_update(
        decision, user=user, expected_version=expected_version, request=request, text=text
    )


def decision_delete(decision, *, user, expected_version=None, request=None) -> None:
    tenant_delete(decision, user=user, expected_version=expected_version, request=request)


# --- action items ----------------------------------------------------------------------------

OPEN_STATUSES = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)


def _clean_action(partnership: Partnership, fields: dict, current: ActionItem | None) -> dict:
    errors = {}
    meeting = fields.get("meeting")
    if meeting is not None and meeting.partnership_id != partnership.pk:
        errors["meeting"] = _("This meeting belongs to another partnership.")
    member = fields.get("owner_member")
    if member is not None and member.partnership_id != partnership.pk:
        errors["owner_member"] = _("This member belongs to another partnership.")
    if isinstance(fields.get("title"), str):
        fields["title"] = fields["title"].strip()
    if "owner" in fields:
        fields["owner"] = (fields["owner"] or "").strip()
        if not fields["owner"] and member is not None and not errors.get("owner_member"):
            fields["owner"] = str(member.actor)
        if not fields["owner"]:
            errors["owner"] = _("Say who owns the action (a name, or pick the member).")
    today = timezone.localdate()
    status = fields.get("status", current.status if current else ActionItem.Status.OPEN)
    done_on = fields.get("done_on", current.done_on if current else None)
    if status == ActionItem.Status.DONE:
        if done_on is None:
            done_on = today
        elif done_on > today:
            errors["done_on"] = _("The date it was done cannot be in the future.")
    else:
        done_on = None
    if errors:
        raise ValidationError(errors)
    fields["status"], fields["done_on"] = status, done_on
    return fields


def action_create(partnership: Partnership, *, user, request=None, **fields) -> ActionItem:
    fields = _clean_action(partnership, fields, None)
    return create_child(
        ActionItem, "partnership", partnership, user=user, request=request, **fields
    )


def action_update(
    action: ActionItem, *, user, expected_version, request=None, **changes
) -> ActionItem:
    changes = _clean_action(action.partnership, changes, action)
    return tenant_update(
        action, user=user, expected_version=expected_version, request=request, **changes
    )


def action_set_status(
    action: ActionItem, status: str, *, user, expected_version=None, request=None
) -> ActionItem:
    """The quick status buttons of the lists: the same rules as an edit."""
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    return action_update(
        action, user=user, expected_version=expected_version, request=request, status=status
    )


def action_delete(action, *, user, expected_version=None, request=None) -> None:
    tenant_delete(action, user=user, expected_version=expected_version, request=request)
