"""Writes of the steering committee: meetings, their decisions and arbitrations, their action
items (validated, audited, optimistically locked)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.core.services import create_child, tenant_delete, tenant_update

from ..choices import ActionStatus
from ..models import CommitteeActionItem, CommitteeMeeting, CommitteeOutcome


def _update(instance, *, user, expected_version, request=None, **changes):
    return tenant_update(
        instance, user=user, expected_version=expected_version, request=request, **changes
    )


def _delete(instance, *, user, expected_version=None, request=None):
    tenant_delete(instance, user=user, expected_version=expected_version, request=request)


def meeting_create(engagement, *, user, request=None, **fields):
    return create_child(
        CommitteeMeeting, "engagement", engagement, user=user, request=request, **fields
    )


meeting_update = _update
meeting_delete = _delete  # its decisions and action items go with it


def outcome_create(meeting, *, user, request=None, **fields):
    return create_child(CommitteeOutcome, "meeting", meeting, user=user, request=request, **fields)


outcome_update = _update
outcome_delete = _delete


def action_item_create(meeting, *, user, request=None, **fields):
    return create_child(
        CommitteeActionItem, "meeting", meeting, user=user, request=request, **fields
    )


action_item_update = _update
action_item_delete = _delete


def action_item_set_status(item, status: str, *, user, expected_version=None, request=None):
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    return _update(
        item, user=user, expected_version=expected_version, request=request, status=status
    )
