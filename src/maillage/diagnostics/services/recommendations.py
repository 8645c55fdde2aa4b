"""Recommendations and their validation workflow (seed 000):

    proposed ──directions──▶ validated by the directions ──boards──▶ validated by the boards
        │                           │
        └──────reject──────▶ rejected ◀──────reject───┘

- The directions validate first (who: names; when: a date), then the boards (who, when); the
  boards never validate a recommendation the directions have not (no skipping).
- Rejection needs a reason, from proposed or directions-validated (once the boards validated,
  it is decided); not once it has plan actions.
- **Back to proposed** ("reopen") from any other status clears the validations (and the
  rejection): it is the only way to change a validated or rejected recommendation's content,
  which `recommendation_update` otherwise refuses. A recommendation with plan actions cannot be
  reopened (its actions rest on the validation).
- Every transition is a versioned, audited update (`tenant_update`).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.services import create_child, tenant_delete, tenant_update

from ..choices import RecommendationStatus as Status
from ..models import Engagement, Recommendation

DIRECTIONS = "directions"
BOARDS = "boards"
REJECT = "reject"
REOPEN = "reopen"

#: transition → the statuses it may start from, and where it leads.
TRANSITIONS = {
    DIRECTIONS: ({Status.PROPOSED}, Status.VALIDATED_DIRECTIONS),
    BOARDS: ({Status.VALIDATED_DIRECTIONS}, Status.VALIDATED_BOARDS),
    REJECT: ({Status.PROPOSED, Status.VALIDATED_DIRECTIONS}, Status.REJECTED),
    REOPEN: (
        {Status.VALIDATED_DIRECTIONS, Status.VALIDATED_BOARDS, Status.REJECTED},
        Status.PROPOSED,
    ),
}

#: What a plan action may come from.
PLANNABLE = (Status.VALIDATED_DIRECTIONS, Status.VALIDATED_BOARDS)

CONTENT = ("dimension", "title", "description", "priority", "scenario")


def allowed_transitions(recommendation: Recommendation) -> list[str]:
    return [
        name for name, (sources, _target) in TRANSITIONS.items() if recommendation.status in sources
    ]


def _check_links(engagement_id: int, fields: dict, findings) -> None:
    errors = {}
    dimension = fields.get("dimension")
    if dimension is not None and dimension.engagement_id != engagement_id:
        errors["dimension"] = _("Choose one of this engagement's dimensions.")
    scenario = fields.get("scenario")
    if scenario is not None and scenario.engagement_id != engagement_id:
        errors["scenario"] = _("Choose one of this engagement's scenarios.")
    if findings is not None and any(f.engagement_id != engagement_id for f in findings):
        errors["findings"] = _("Choose findings of this engagement only.")
    if errors:
        raise ValidationError(errors)


def _clean(fields: dict) -> dict:
    for name in ("title", "description"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    return fields


def recommendation_create(
    engagement: Engagement, *, user, request=None, findings=None, **fields
) -> Recommendation:
    """A new recommendation, proposed; the scenario defaults to the engagement's target."""
    _clean(fields)
    if "scenario" not in fields:
        fields["scenario"] = engagement.target_scenario
    _check_links(engagement.pk, fields, findings)
    with transaction.atomic():
        recommendation = create_child(
            Recommendation, "engagement", engagement, user=user, request=request, **fields
        )
        if findings:
            recommendation.findings.set(findings)
    return recommendation


def recommendation_update(
    recommendation: Recommendation,
    *,
    user,
    expected_version,
    request=None,
    findings=None,
    **changes,
) -> Recommendation:
    """Change a proposed recommendation. Once validated or rejected its content is frozen:
    send it back to proposed first (the validations are then cleared)."""
    _clean(changes)
    _check_links(recommendation.engagement_id, changes, findings)
    if recommendation.status != Status.PROPOSED:
        changed = [
            name
            for name in CONTENT
            if name in changes and changes[name] != getattr(recommendation, name)
        ]
        if findings is not None and {f.pk for f in findings} != set(
            recommendation.findings.values_list("pk", flat=True)
        ):
            changed.append("findings")
        if changed:
            raise ValidationError(
                _(
                    "This recommendation is %(status)s: its content no longer changes. Send it "
                    "back to proposed first (its validations are then cleared)."
                )
                % {"status": recommendation.get_status_display().lower()}
            )
    with transaction.atomic():
        tenant_update(
            recommendation,
            user=user,
            expected_version=expected_version,
            request=request,
            **changes,
        )
        if findings is not None:
            recommendation.findings.set(findings)
    return recommendation


def recommendation_delete(
    recommendation: Recommendation, *, user, expected_version=None, request=None
) -> None:
    if recommendation.status in PLANNABLE:
        raise ValidationError(
            _("A validated recommendation is not deleted: send it back to proposed first.")
        )
    if recommendation.actions.exists():
        raise ValidationError(_("This recommendation has plan actions: delete them first."))
    tenant_delete(recommendation, user=user, expected_version=expected_version, request=request)


def transition(
    recommendation: Recommendation,
    name: str,
    *,
    user,
    expected_version,
    request=None,
    by: str = "",
    on: date | None = None,
    reason: str = "",
) -> Recommendation:
    """Move the recommendation along the workflow, or refuse (ValidationError) and write
    nothing. `by` (names) and `on` (a date, today by default) for the validations; `reason`
    for a rejection."""
    if name not in TRANSITIONS:
        raise ValidationError(_("Unknown step of the workflow."))
    sources, target = TRANSITIONS[name]
    if recommendation.status not in sources:
        if name == BOARDS and recommendation.status == Status.PROPOSED:
            message = _("The directions validate first: the boards come after them.")
        else:
            message = _("This step is not possible from “%(status)s”.") % {
                "status": recommendation.get_status_display()
            }
        raise ValidationError(message)
    by = (by or "").strip()
    reason = (reason or "").strip()
    on = on or timezone.localdate()
    changes: dict = {"status": target}
    if name in (DIRECTIONS, BOARDS):
        if not by:
            raise ValidationError({"by": _("Say who validated: the names.")})
        if (
            name == BOARDS
            and recommendation.directions_validated_on
            and on < recommendation.directions_validated_on
        ):
            raise ValidationError(
                {"on": _("The boards cannot validate before the directions did.")}
            )
        prefix = "directions" if name == DIRECTIONS else "boards"
        changes[f"{prefix}_validated_by"] = by
        changes[f"{prefix}_validated_on"] = on
    elif name == REJECT:
        if recommendation.actions.exists():
            raise ValidationError(
                _("This recommendation has plan actions: it stays validated. Delete them first.")
            )
        if not reason:
            raise ValidationError({"reason": _("Say why it is rejected: the reason.")})
        changes.update(rejected_on=on, rejection_reason=reason)
    else:  # REOPEN
        if recommendation.actions.exists():
            raise ValidationError(
                _("This recommendation has plan actions: it stays validated. Delete them first.")
            )
        changes.update(
            directions_validated_by="",
            directions_validated_on=None,
            boards_validated_by="",
            boards_validated_on=None,
            rejected_on=None,
            rejection_reason="",
        )
    return tenant_update(
        recommendation,
        user=user,
        expected_version=expected_version,
        request=request,
        **changes,
    )
