"""Writes of the experiment plan and the MasterPlan (seed 001): purpose, vision, work axes,
their results at 3 and 6 months, the retro-planning's milestones, rituals and governance.

A result is a P3 indicator followed for the partnership (`impact.TrackedIndicator` with the
subject "partnership:<id>") with a target (`impact.Target`) for the period from the
MasterPlan's start date to the end of its horizon: starts_on → starts_on + 3 (or 6) months − 1
day. The result keeps its target (`AxisResult.target`); changing the value, the indicator, the
horizon or the MasterPlan's start date moves or rewrites it."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from maillage.core.services import create_child, tenant_delete, tenant_update
from maillage.impact import services as impact_services
from maillage.impact.models import Target

from ..choices import ExperimentTest, ExperimentTool
from ..models import (
    AxisResult,
    ExperimentPlan,
    GovernanceRole,
    MasterPlan,
    Milestone,
    Partnership,
    Ritual,
    WorkAxis,
)
from ..models.fields import ordered_keys

SUBJECT_KIND = "partnership"


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def result_period(starts_on: date, horizon: int) -> tuple[date, date]:
    """The period of a result: from the MasterPlan's start to the day before its horizon."""
    return starts_on, add_months(starts_on, horizon) - timedelta(days=1)


def _strip(fields: dict, *names: str) -> None:
    for name in names:
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()


# --- experiment plan -------------------------------------------------------------------------


def experiment_save(
    partnership: Partnership, *, user, expected_version=None, request=None, **fields
) -> ExperimentPlan:
    """Create the partnership's experiment plan, or update it at `expected_version`."""
    if "tests" in fields:
        fields["tests"] = ordered_keys(fields["tests"], ExperimentTest)
    if "tools" in fields:
        fields["tools"] = ordered_keys(fields["tools"], ExperimentTool)
    if "success_criteria" in fields:
        lines = [line.strip() for line in (fields["success_criteria"] or "").splitlines()]
        fields["success_criteria"] = "\n".join(line for line in lines if line)
    plan = ExperimentPlan.objects.filter(partnership=partnership).first()
    if plan is None:
        return create_child(
            ExperimentPlan,
            "partnership",
            partnership,
            user=user,
            request=request,
            **fields,
        )
    return tenant_update(
        plan, user=user, expected_version=expected_version, request=request, **fields
    )


# --- MasterPlan ------------------------------------------------------------------------------


def masterplan_save(
    partnership: Partnership, *, user, expected_version=None, request=None, **fields
) -> MasterPlan:
    """Create or update the MasterPlan; a new start date moves every result's target."""
    _strip(fields, "purpose", "vision_6_months", "vision_1_year", "vision_3_years", "processes")
    with transaction.atomic():
        plan = MasterPlan.objects.select_for_update().filter(partnership=partnership).first()
        if plan is None:
            plan = create_child(
                MasterPlan,
                "partnership",
                partnership,
                user=user,
                request=request,
                **fields,
            )
            moved = plan.starts_on is not None
        else:
            before = plan.starts_on
            plan = tenant_update(
                plan, user=user, expected_version=expected_version, request=request, **fields
            )
            moved = plan.starts_on != before
        if moved:
            _move_targets(partnership, plan.starts_on, user=user, request=request)
    return plan


def _move_targets(partnership, starts_on: date | None, *, user, request=None) -> None:
    results = AxisResult.objects.filter(partnership=partnership).select_related(
        "target__tracked__indicator", "indicator"
    )
    if starts_on is None:
        for result in results:
            if result.target is not None:
                target = result.target
                tenant_update(
                    result, user=user, expected_version=None, request=request, target=None
                )
                impact_services.target_delete(target, user=user, request=request)
        return
    for result in results:
        if result.target is None:
            continue
        start, end = result_period(starts_on, result.horizon)
        tenant_update(
            result.target,
            user=user,
            expected_version=None,
            request=request,
            period_start=start,
            period_end=end,
        )


# --- work axes -------------------------------------------------------------------------------


def axis_create(partnership: Partnership, *, user, request=None, **fields) -> WorkAxis:
    _strip(fields, "name", "description")
    last = WorkAxis.objects.filter(partnership=partnership).aggregate(last=Max("position"))
    fields["position"] = 0 if last["last"] is None else last["last"] + 1
    return create_child(
        WorkAxis,
        "partnership",
        partnership,
        user=user,
        request=request,
        **fields,
    )


def axis_update(axis: WorkAxis, *, user, expected_version=None, request=None, **changes):
    _strip(changes, "name", "description")
    changes.pop("position", None)
    return tenant_update(
        axis, user=user, expected_version=expected_version, request=request, **changes
    )


def axis_delete(axis: WorkAxis, *, user, expected_version=None, request=None) -> None:
    """Delete the axis with its results (and their targets); its milestones stay, unassigned."""
    with transaction.atomic():
        for result in axis.results.select_related("target"):
            _delete_result(result, user=user, request=request)
        tenant_delete(axis, user=user, expected_version=expected_version, request=request)


def axis_move(axis: WorkAxis, *, user, up: bool, request=None) -> None:
    """Swap the axis with the one before (`up`) or after it; renumbers the axes 0, 1, 2…"""
    with transaction.atomic():
        axes = list(
            WorkAxis.objects.select_for_update()
            .filter(partnership_id=axis.partnership_id)
            .order_by("position", "id")
        )
        index = next(i for i, item in enumerate(axes) if item.pk == axis.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(axes):
            axes[index], axes[other] = axes[other], axes[index]
        for position, item in enumerate(axes):
            if item.position != position:
                tenant_update(
                    item, user=user, expected_version=None, request=request, position=position
                )


# --- results at 3 and 6 months ---------------------------------------------------------------


def _target_errors(error: ValidationError) -> ValidationError:
    """impact's target errors ("value", "text") as the result form's fields."""
    if hasattr(error, "error_dict"):
        names = {"value": "target_value", "text": "target_text", "period_start": "horizon"}
        return ValidationError(
            {names.get(key, key): value for key, value in error.error_dict.items()}
        )
    return error


def _check_result(partnership, axis, indicator, horizon, exclude_pk=None) -> date:
    if axis.partnership_id != partnership.pk:
        raise ValidationError({"axis": _("This axis belongs to another partnership.")})
    if indicator is None:
        raise ValidationError({"indicator": _("Choose the indicator this result is measured by.")})
    if indicator.workspace_id != partnership.workspace_id:
        raise ValidationError({"indicator": _("This choice belongs to another workspace.")})
    plan = MasterPlan.objects.filter(partnership=partnership).first()
    if plan is None or plan.starts_on is None:
        raise ValidationError(
            _(
                "Set the MasterPlan's start date first: the results at 3 and 6 months are "
                "counted from it."
            )
        )
    clash = AxisResult.objects.filter(
        partnership=partnership, indicator=indicator, horizon=horizon
    ).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {
                "indicator": _(
                    "This indicator is already a result at this horizon in this partnership: "
                    "one target per period."
                )
            }
        )
    return plan.starts_on


def _save_target(result, tracked, starts_on, value, text, *, user, request=None) -> Target:
    """Create or rewrite the result's target. The period follows the MasterPlan (any dates), so
    this writes it with `impact.services.write_target`, without `target_save`'s calendar check;
    `target_fields` still checks the value against the indicator's kind."""
    try:
        fields = impact_services.target_fields(tracked, value, text)
    except ValidationError as error:
        raise _target_errors(error) from error
    start, end = result_period(starts_on, result.horizon)
    target = result.target
    if target is not None and target.tracked_id != tracked.pk:
        old, target = target, None
        result.target = None
        impact_services.target_delete(old, user=user, request=request)
    return impact_services.write_target(
        tracked, start, end, user=user, target=target, request=request, **fields
    )


def result_create(
    axis: WorkAxis,
    *,
    user,
    request=None,
    indicator,
    horizon: int,
    how_measured: str = "",
    target_value: Decimal | None = None,
    target_text: str = "",
) -> AxisResult:
    """Add a result to the axis: follow the indicator for the partnership and set its target."""
    partnership = axis.partnership
    with transaction.atomic():
        starts_on = _check_result(partnership, axis, indicator, horizon)
        tracked = impact_services.indicator_track(
            indicator,
            user=user,
            subject_kind=SUBJECT_KIND,
            subject_id=partnership.pk,
            request=request,
        )
        result = AxisResult(
            partnership=partnership, axis=axis, horizon=horizon, indicator=indicator
        )
        target = _save_target(
            result, tracked, starts_on, target_value, target_text, user=user, request=request
        )
        return create_child(
            AxisResult,
            "partnership",
            partnership,
            user=user,
            request=request,
            axis=axis,
            horizon=horizon,
            indicator=indicator,
            how_measured=(how_measured or "").strip(),
            target=target,
        )


def result_update(
    result: AxisResult,
    *,
    user,
    expected_version=None,
    request=None,
    target_value: Decimal | None = None,
    target_text: str = "",
    **changes,
) -> AxisResult:
    partnership = result.partnership
    changes.pop("axis", None)
    indicator = changes.get("indicator", result.indicator)
    horizon = changes.get("horizon", result.horizon)
    with transaction.atomic():
        starts_on = _check_result(
            partnership, result.axis, indicator, horizon, exclude_pk=result.pk
        )
        tracked = impact_services.indicator_track(
            indicator,
            user=user,
            subject_kind=SUBJECT_KIND,
            subject_id=partnership.pk,
            request=request,
        )
        probe = AxisResult(
            pk=result.pk,
            partnership=partnership,
            horizon=horizon,
            indicator=indicator,
            target=result.target,
        )
        target = _save_target(
            probe, tracked, starts_on, target_value, target_text, user=user, request=request
        )
        if "how_measured" in changes:
            changes["how_measured"] = (changes["how_measured"] or "").strip()
        return tenant_update(
            result,
            user=user,
            expected_version=expected_version,
            request=request,
            target=target,
            **changes,
        )


def _delete_result(result: AxisResult, *, user, request=None) -> None:
    target = result.target
    tenant_delete(result, user=user, request=request)
    if target is not None:
        impact_services.target_delete(target, user=user, request=request)


def result_delete(result: AxisResult, *, user, expected_version=None, request=None) -> None:
    """Delete the result and its target (the indicator stays followed for the partnership)."""
    with transaction.atomic():
        if (
            expected_version is not None
            and not AxisResult.objects.filter(pk=result.pk, version=expected_version).exists()
        ):
            from maillage.core.exceptions import StaleObjectError

            raise StaleObjectError()
        _delete_result(result, user=user, request=request)


# --- milestones, rituals, governance ---------------------------------------------------------


def _check_axis(partnership, fields: dict) -> None:
    axis = fields.get("axis")
    if axis is not None and axis.partnership_id != partnership.pk:
        raise ValidationError({"axis": _("This axis belongs to another partnership.")})


def _check_member(partnership, fields: dict) -> None:
    member = fields.get("member")
    if member is not None and member.partnership_id != partnership.pk:
        raise ValidationError({"member": _("This member belongs to another partnership.")})


def milestone_create(partnership, *, user, request=None, **fields) -> Milestone:
    _strip(fields, "name", "owner")
    _check_axis(partnership, fields)
    return create_child(Milestone, "partnership", partnership, user=user, request=request, **fields)


def milestone_update(milestone, *, user, expected_version=None, request=None, **changes):
    _strip(changes, "name", "owner")
    _check_axis(milestone.partnership, changes)
    return tenant_update(
        milestone, user=user, expected_version=expected_version, request=request, **changes
    )


def ritual_create(partnership, *, user, request=None, **fields) -> Ritual:
    _strip(fields, "name", "purpose", "participants")
    return create_child(Ritual, "partnership", partnership, user=user, request=request, **fields)


def ritual_update(ritual, *, user, expected_version=None, request=None, **changes):
    _strip(changes, "name", "purpose", "participants")
    return tenant_update(
        ritual, user=user, expected_version=expected_version, request=request, **changes
    )


def governance_create(partnership, *, user, request=None, **fields) -> GovernanceRole:
    _strip(fields, "person", "responsibility")
    _check_member(partnership, fields)
    return create_child(
        GovernanceRole, "partnership", partnership, user=user, request=request, **fields
    )


def governance_update(role, *, user, expected_version=None, request=None, **changes):
    _strip(changes, "person", "responsibility")
    _check_member(role.partnership, changes)
    return tenant_update(
        role, user=user, expected_version=expected_version, request=request, **changes
    )


def child_delete(instance, *, user, expected_version=None, request=None) -> None:
    """Delete a milestone, a ritual or a governance role."""
    tenant_delete(instance, user=user, expected_version=expected_version, request=request)
