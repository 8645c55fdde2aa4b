"""Writes of the implementation plan: actions from validated recommendations, their progress
updates, and the read-only share link.

- An action comes from a recommendation validated by the directions or by the boards (a
  proposed or rejected one is refused): the plan is drafted once the directions agree, and the
  shared page shows only what the boards validated.
- A progress update (date, %, note) sets the action's progress to the latest update's (by date,
  then entry order); 100 % marks it done, more than 0 % moves a to-do action in progress.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.services import create_child, tenant_delete, tenant_update

from ..choices import ActionStatus
from ..models import ActionUpdate, Engagement, PlanAction
from ..models.engagements import new_token
from .recommendations import PLANNABLE


def _check(engagement_id: int, workspace_id: int, fields: dict, indicators) -> dict:
    for name in ("title", "owner", "monitoring_mode", "training_needs"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    errors = {}
    recommendation = fields.get("recommendation")
    if recommendation is not None:
        if recommendation.engagement_id != engagement_id:
            errors["recommendation"] = _("Choose one of this engagement's recommendations.")
        elif recommendation.status not in PLANNABLE:
            errors["recommendation"] = _(
                "Only a recommendation validated by the directions or the boards gets plan actions."
            )
    start, due = fields.get("start_on"), fields.get("due_on")
    if start and due and due < start:
        errors["due_on"] = _("The deadline must not be before the start.")
    if indicators is not None and any(i.workspace_id != workspace_id for i in indicators):
        errors["indicators"] = _("Choose indicators of this workspace.")
    if errors:
        raise ValidationError(errors)
    return fields


def action_create(
    engagement: Engagement, *, user, request=None, indicators=None, **fields
) -> PlanAction:
    _check(engagement.pk, engagement.workspace_id, fields, indicators)
    with transaction.atomic():
        action = create_child(
            PlanAction, "engagement", engagement, user=user, request=request, **fields
        )
        if indicators:
            action.indicators.set(indicators)
    return action


def action_update(
    action: PlanAction, *, user, expected_version, request=None, indicators=None, **changes
) -> PlanAction:
    if "recommendation" in changes and changes["recommendation"] == action.recommendation:
        changes.pop("recommendation")  # staying with its recommendation is always fine
    merged = {"start_on": action.start_on, "due_on": action.due_on, **changes}
    _check(action.engagement_id, action.workspace_id, merged, indicators)
    changes = {k: merged[k] for k in changes}
    with transaction.atomic():
        tenant_update(
            action, user=user, expected_version=expected_version, request=request, **changes
        )
        if indicators is not None:
            action.indicators.set(indicators)
    return action


def action_delete(action: PlanAction, *, user, expected_version=None, request=None) -> None:
    tenant_delete(action, user=user, expected_version=expected_version, request=request)


def _follow_updates(action: PlanAction, *, user, request) -> None:
    latest = action.updates.order_by("-on", "-id").first()
    progress = latest.progress if latest else 0
    status = action.status
    if progress == 100:
        status = ActionStatus.DONE
    elif status == ActionStatus.DONE or (progress > 0 and status == ActionStatus.TO_DO):
        status = ActionStatus.IN_PROGRESS if progress > 0 else ActionStatus.TO_DO
    tenant_update(
        action, user=user, expected_version=None, request=request, progress=progress, status=status
    )


def update_create(action: PlanAction, *, user, request=None, **fields) -> ActionUpdate:
    fields["note"] = (fields.get("note") or "").strip()
    progress = fields.get("progress")
    if progress is None or not 0 <= progress <= 100:
        raise ValidationError({"progress": _("The progress goes from 0 to 100 %.")})
    with transaction.atomic():
        PlanAction.objects.select_for_update().filter(pk=action.pk).first()
        action.refresh_from_db()
        update = create_child(ActionUpdate, "action", action, user=user, request=request, **fields)
        _follow_updates(action, user=user, request=request)
    return update


def update_delete(update: ActionUpdate, *, user, expected_version=None, request=None) -> None:
    with transaction.atomic():
        action = PlanAction.objects.select_for_update().get(pk=update.action_id)
        tenant_delete(update, user=user, expected_version=expected_version, request=request)
        _follow_updates(action, user=user, request=request)


# --- the share link --------------------------------------------------------------------------


def set_plan_sharing(
    engagement: Engagement, *, user, shared: bool, expected_version=None, request=None
) -> Engagement:
    return tenant_update(
        engagement,
        user=user,
        expected_version=expected_version,
        request=request,
        plan_shared=shared,
    )


def new_share_link(
    engagement: Engagement, *, user, expected_version=None, request=None
) -> Engagement:
    """A new token: the old link stops working at once."""
    return tenant_update(
        engagement,
        user=user,
        expected_version=expected_version,
        request=request,
        plan_share_token=new_token(),
    )
