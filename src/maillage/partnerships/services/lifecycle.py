"""Gate decisions: the only write that changes a partnership's stage or status."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.services import create_child, tenant_create, tenant_update

from ..choices import Outcome
from ..lifecycle import apply_outcome
from ..models import GateAttachment, GateCriterion, GateDecision, Partnership


def record_gate_decision(
    partnership: Partnership,
    *,
    user,
    expected_version: int | None,
    decided_on: datetime.date,
    outcome: str,
    deciders: str,
    rationale: str,
    next_gate_on: datetime.date | None = None,
    criteria: Iterable[dict] = (),
    attachments: Iterable = (),
    request=None,
) -> GateDecision:
    """Record a decision and apply it, at the partnership's `expected_version`.

    `criteria` are dicts with `label`, `met`, optionally `result` (an AxisResult of this
    partnership) and `note`; `attachments` are uploaded files. Nothing is written when any
    part is refused.
    """
    errors: dict = {}
    today = timezone.localdate()
    if decided_on and decided_on > today:
        errors["decided_on"] = _("A decision is recorded once taken: the date is in the future.")
    if outcome == Outcome.POSTPONE:
        if next_gate_on is None:
            errors["next_gate_on"] = _("Say when the partners will decide again.")
        elif decided_on and next_gate_on <= decided_on:
            errors["next_gate_on"] = _("The next gate must come after the decision.")
    criteria = list(criteria)
    for criterion in criteria:
        result = criterion.get("result")
        if result is not None and result.partnership_id != partnership.pk:
            errors["criteria"] = _("A criterion names a result of another partnership.")
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        current = Partnership.objects.select_for_update().get(pk=partnership.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleObjectError()
        latest = current.decisions.order_by("-decided_on").values_list("decided_on", flat=True)
        latest = latest.first()
        if latest and decided_on < latest:
            raise ValidationError(
                {
                    "decided_on": _(
                        "The log already has a decision on %(date)s: record decisions in order."
                    )
                    % {"date": date_format(latest, "SHORT_DATE_FORMAT")}
                }
            )
        stage, status = apply_outcome(current.stage, current.status, outcome)
        decision = create_child(
            GateDecision,
            "partnership",
            current,
            user=user,
            request=request,
            decided_on=decided_on,
            outcome=outcome,
            deciders=deciders,
            rationale=rationale,
            next_gate_on=next_gate_on,
            stage_before=current.stage,
            stage_after=stage,
            status_before=current.status,
            status_after=status,
            recorded_by=user,
        )
        for criterion in criteria:
            tenant_create(
                GateCriterion,
                workspace=current.workspace,
                user=user,
                decision=decision,
                label=criterion["label"],
                met=bool(criterion.get("met")),
                result=criterion.get("result"),
                note=criterion.get("note", ""),
            )
        for upload in attachments:
            tenant_create(
                GateAttachment,
                workspace=current.workspace,
                user=user,
                decision=decision,
                file=upload,
                name=upload.name[:200],
            )
        changes = {"stage": stage, "status": status}
        if stage != current.stage:
            changes["stage_since"] = decided_on
        if outcome == Outcome.POSTPONE:
            changes["next_gate_on"] = next_gate_on
        elif outcome in (Outcome.GO, Outcome.END):
            changes["next_gate_on"] = None
        tenant_update(
            current, user=user, expected_version=current.version, request=request, **changes
        )
    partnership.refresh_from_db()
    return decision
