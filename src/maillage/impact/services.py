"""Writes of the impact module: validated, atomic, audited and, for edits, optimistically locked
(`core.services`). Views, importers and the API all come through here."""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, override

from maillage.core.money import format_decimal
from maillage.core.sdg import goals_to_mask
from maillage.core.services import tenant_create, tenant_delete, tenant_update

from . import periods, subjects
from .models import (
    Aggregation,
    BreakdownCategory,
    BreakdownDimension,
    Indicator,
    Kind,
    Measurement,
    MeasurementBreakdown,
    SdgTarget,
    Target,
    TrackedIndicator,
)

# --- defaults of a new workspace -----------------------------------------------------------

DEFAULT_DIMENSIONS = (
    (
        gettext_lazy("Gender"),
        (gettext_lazy("Women"), gettext_lazy("Men"), gettext_lazy("Other or not stated")),
    ),
    (
        gettext_lazy("Age band"),
        (
            gettext_lazy("Under 18"),
            gettext_lazy("18 to 25"),
            gettext_lazy("26 to 64"),
            gettext_lazy("65 and over"),
        ),
    ),
    (
        gettext_lazy("Territory"),
        (
            gettext_lazy("Priority urban neighbourhood (QPV)"),
            gettext_lazy("Other urban area"),
            gettext_lazy("Rural area"),
        ),
    ),
    (
        gettext_lazy("Audience"),
        (
            gettext_lazy("Young people"),
            gettext_lazy("Job seekers"),
            gettext_lazy("People with disabilities"),
            gettext_lazy("Other audiences"),
        ),
    ),
)


def breakdowns_ensure_defaults(
    workspace, *, dimension_model=BreakdownDimension, category_model=BreakdownCategory
) -> None:
    """Give the workspace the default breakdown dimensions, once (a starting point it edits).

    Names are written in the site's language. Migration 0002 passes historical models.
    """
    if dimension_model.objects.filter(workspace=workspace).exists():
        return
    with override(settings.LANGUAGE_CODE):
        for position, (name, categories) in enumerate(DEFAULT_DIMENSIONS):
            dimension = dimension_model.objects.create(
                workspace=workspace, name=str(name), position=position
            )
            category_model.objects.bulk_create(
                category_model(
                    workspace=workspace, dimension=dimension, name=str(category), position=i
                )
                for i, category in enumerate(categories)
            )


# --- breakdown dimensions and categories -----------------------------------------------------


def dimension_create(*, workspace, user, name: str, categories: Iterable[str] = (), request=None):
    with transaction.atomic():
        position = BreakdownDimension.objects.filter(workspace=workspace).count()
        dimension = tenant_create(
            BreakdownDimension,
            workspace=workspace,
            user=user,
            request=request,
            name=name.strip(),
            position=position,
        )
        for index, category in enumerate(dict.fromkeys(c.strip() for c in categories if c.strip())):
            tenant_create(
                BreakdownCategory,
                workspace=workspace,
                user=user,
                request=request,
                dimension=dimension,
                name=category,
                position=index,
            )
    return dimension


def dimension_update(dimension, *, user, expected_version=None, request=None, **changes):
    return tenant_update(
        dimension, user=user, expected_version=expected_version, request=request, **changes
    )


def dimension_delete(dimension, *, user, request=None) -> None:
    """Delete a dimension that no measurement uses (its history would lose its breakdowns)."""
    used = MeasurementBreakdown.objects.filter(category__dimension=dimension).count()
    if used:
        raise ValidationError(
            ngettext(
                "%(count)s breakdown value uses this dimension: it cannot be deleted. Remove it "
                "from its indicators instead; their history stays.",
                "%(count)s breakdown values use this dimension: it cannot be deleted. Remove it "
                "from its indicators instead; their history stays.",
                used,
            )
            % {"count": used}
        )
    with transaction.atomic():
        for category in dimension.categories.all():
            tenant_delete(category, user=user, request=request)
        tenant_delete(dimension, user=user, request=request)


def category_create(*, workspace, user, dimension, name: str, request=None):
    position = dimension.categories.count()
    return tenant_create(
        BreakdownCategory,
        workspace=workspace,
        user=user,
        request=request,
        dimension=dimension,
        name=name.strip(),
        position=position,
    )


def category_update(category, *, user, expected_version=None, request=None, **changes):
    return tenant_update(
        category, user=user, expected_version=expected_version, request=request, **changes
    )


def category_delete(category, *, user, request=None) -> None:
    used = category.values.count()
    if used:
        raise ValidationError(
            ngettext(
                "%(count)s breakdown value uses this category: rename it rather than delete it.",
                "%(count)s breakdown values use this category: rename it rather than delete it.",
                used,
            )
            % {"count": used}
        )
    tenant_delete(category, user=user, request=request)


# --- indicators ------------------------------------------------------------------------------


def _unique_code(workspace, name: str) -> str:
    base = (slugify(name)[:20].strip("-") or "ind").upper()
    code, number = base, 2
    while Indicator.objects.filter(workspace=workspace, code=code).exists():
        code = f"{base[:24]}-{number}"
        number += 1
    return code


def _related(
    workspace,
    *,
    sdg_goals: Iterable[int] | None,
    sdg_targets: Iterable | None,
    dimensions: Iterable | None,
) -> tuple[dict, dict]:
    """The SDG mask (with the goals of the chosen targets) and the checked related lists."""
    fields: dict = {}
    related: dict = {}
    targets = None
    if sdg_targets is not None:
        targets = [
            t if isinstance(t, SdgTarget) else SdgTarget.objects.get(pk=t) for t in sdg_targets
        ]
        related["sdg_targets"] = targets
    if sdg_goals is not None or targets:
        goals = set(sdg_goals or [])
        goals.update(t.goal for t in targets or [])
        try:
            fields["sdg_goals"] = goals_to_mask(goals)
        except ValueError as error:
            raise ValidationError({"sdg_goals": str(error)}) from error
    if dimensions is not None:
        dimensions = list(dimensions)
        if any(d.workspace_id != workspace.pk for d in dimensions):
            raise ValidationError({"dimensions": _("This choice belongs to another workspace.")})
        related["dimensions"] = dimensions
    return fields, related


def _normalise_indicator(fields: dict) -> None:
    if fields.get("kind") == Kind.QUALITATIVE:
        fields["aggregation"] = Aggregation.LATEST
    for name in ("code",):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    if "external_codes" in fields:
        fields["external_codes"] = "\n".join(
            dict.fromkeys(
                line.strip() for line in (fields["external_codes"] or "").splitlines() if line
            )
        )


def _check_code_free(workspace, code: str, exclude_pk=None) -> None:
    taken = Indicator.objects.filter(workspace=workspace, code__iexact=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if code and taken.exists():
        raise ValidationError({"code": _("Another indicator already has this code.")})


def indicator_create(
    *,
    workspace,
    user,
    request=None,
    sdg_goals: Iterable[int] | None = None,
    sdg_targets: Iterable | None = None,
    dimensions: Iterable | None = None,
    track_workspace: bool = True,
    **fields,
) -> Indicator:
    """Create an indicator; by default it is followed for the workspace itself at once."""
    _normalise_indicator(fields)
    if not fields.get("code"):
        fields["code"] = _unique_code(workspace, fields.get("name", ""))
    _check_code_free(workspace, fields["code"])
    extra, related = _related(
        workspace, sdg_goals=sdg_goals, sdg_targets=sdg_targets, dimensions=dimensions
    )
    with transaction.atomic():
        indicator = tenant_create(
            Indicator, workspace=workspace, user=user, request=request, **fields, **extra
        )
        for name, objects in related.items():
            getattr(indicator, name).set(objects)
        if track_workspace:
            indicator_track(indicator, user=user, subject_kind=subjects.WORKSPACE, subject_id=None)
    return indicator


def indicator_update(
    indicator: Indicator,
    *,
    user,
    expected_version: int | None,
    request=None,
    sdg_goals: Iterable[int] | None = None,
    sdg_targets: Iterable | None = None,
    dimensions: Iterable | None = None,
    **changes,
) -> Indicator:
    _normalise_indicator(changes)
    if changes.get("code"):
        _check_code_free(indicator.workspace, changes["code"], exclude_pk=indicator.pk)
    kind = changes.get("kind", indicator.kind)
    aggregation = changes.get("aggregation", indicator.aggregation)
    if kind == Kind.QUALITATIVE:
        aggregation = changes["aggregation"] = Aggregation.LATEST
    recorded = Measurement.objects.filter(indicator=indicator, status=Measurement.Status.MEASURED)
    # The kind, and a change to or from a ratio, would make recorded values unreadable.
    unreadable = kind != indicator.kind or (
        aggregation != indicator.aggregation
        and Aggregation.RATIO in (aggregation, indicator.aggregation)
    )
    if unreadable and recorded.exists():
        raise ValidationError(
            {
                "aggregation" if kind == indicator.kind else "kind": _(
                    "Measurements are recorded in the current form: the kind, and a change "
                    "to or from a ratio, would make them unreadable. Create a new indicator."
                )
            }
        )
    extra, related = _related(
        indicator.workspace, sdg_goals=sdg_goals, sdg_targets=sdg_targets, dimensions=dimensions
    )
    if sdg_goals is None and sdg_targets:
        extra["sdg_goals"] = indicator.sdg_goals | extra.get("sdg_goals", 0)
    with transaction.atomic():
        indicator = tenant_update(
            indicator,
            user=user,
            expected_version=expected_version,
            request=request,
            **changes,
            **extra,
        )
        for name, objects in related.items():
            getattr(indicator, name).set(objects)
    return indicator


def indicator_delete(indicator: Indicator, *, user, expected_version=None, request=None) -> None:
    """Delete the indicator with its targets and measurements (the audit trail keeps it)."""
    tenant_delete(indicator, user=user, expected_version=expected_version, request=request)


# --- following an indicator for a subject -------------------------------------------------


def indicator_track(
    indicator: Indicator,
    *,
    user,
    subject_kind: str,
    subject_id: int | None,
    note: str = "",
    request=None,
) -> TrackedIndicator:
    """Follow the indicator for a subject (idempotent: returns the existing one)."""
    subject = subjects.resolve(indicator.workspace, subject_kind, subject_id)
    existing = TrackedIndicator.objects.filter(
        indicator=indicator, subject_kind=subject.kind, subject_id=subject.id
    ).first()
    if existing is not None:
        return existing
    return tenant_create(
        TrackedIndicator,
        workspace=indicator.workspace,
        user=user,
        request=request,
        indicator=indicator,
        subject_kind=subject.kind,
        subject_id=subject.id,
        note=note,
    )


def tracked_delete(tracked: TrackedIndicator, *, user, request=None) -> None:
    tenant_delete(tracked, user=user, request=request)


# --- targets -------------------------------------------------------------------------------


def _check_tracked_period(tracked: TrackedIndicator, start: date, end: date) -> None:
    periods.check_period(tracked.indicator.frequency, start, end)


def _quantitative_message(indicator) -> str:
    return _(
        "Indicator %(code)s is quantitative: write the figure in the value column (the "
        "narrative or the note explains it)."
    ) % {"code": indicator.code}


def _qualitative_message(indicator) -> str:
    return _("Indicator %(code)s is qualitative: write a text, not a figure.") % {
        "code": indicator.code
    }


def target_fields(tracked: TrackedIndicator, value, text: str) -> dict:
    """Check a target against its indicator (a figure, or a text for a qualitative one; what
    the kind has no use for is an error, never dropped); return the fields to store."""
    indicator = tracked.indicator
    if indicator.is_quantitative and (text or "").strip():
        raise ValidationError({"text": _quantitative_message(indicator)})
    if not indicator.is_quantitative and value is not None:
        raise ValidationError({"value": _qualitative_message(indicator)})
    if indicator.is_quantitative:
        if value is None:
            raise ValidationError({"value": _("Give the target value.")})
        return {"value": value, "text": ""}
    if not (text or "").strip():
        raise ValidationError({"text": _("Describe the target.")})
    return {"value": None, "text": text.strip()}


def target_save(
    tracked: TrackedIndicator,
    *,
    user,
    period_start: date,
    period_end: date,
    value: Decimal | None = None,
    text: str = "",
    note: str = "",
    expected_version: int | None = None,
    request=None,
) -> Target:
    """Set the target of a period: creates it, or updates the one already set."""
    _check_tracked_period(tracked, period_start, period_end)
    fields = target_fields(tracked, value, text)
    return write_target(
        tracked,
        period_start,
        period_end,
        user=user,
        expected_version=expected_version,
        request=request,
        note=note,
        **fields,
    )


def write_target(
    tracked: TrackedIndicator,
    period_start: date,
    period_end: date,
    *,
    user,
    target: Target | None = None,
    expected_version: int | None = None,
    request=None,
    **fields,
) -> Target:
    """Create the target of `tracked` for the period, or move `target` (by default the one
    already set for the period) to it with `fields` (checked beforehand: `target_fields`)."""
    if target is None:
        target = Target.objects.filter(
            tracked=tracked, period_start=period_start, period_end=period_end
        ).first()
    if target is None:
        return tenant_create(
            Target,
            workspace=tracked.workspace,
            user=user,
            request=request,
            tracked=tracked,
            indicator_id=tracked.indicator_id,
            period_start=period_start,
            period_end=period_end,
            **fields,
        )
    return tenant_update(
        target,
        user=user,
        expected_version=expected_version,
        request=request,
        period_start=period_start,
        period_end=period_end,
        **fields,
    )


def target_delete(target: Target, *, user, request=None) -> None:
    tenant_delete(target, user=user, request=request)


# --- measurements ----------------------------------------------------------------------------


def _misplaced_figures(indicator: Indicator, data: dict) -> dict:
    """What the indicator's kind has no use for: an error on its field, never silently dropped
    (a value for a qualitative indicator, a text for a quantitative one, a numerator for an
    indicator that is not a ratio)."""
    errors = {}
    if not indicator.is_quantitative:
        for name in ("value", "numerator", "denominator"):
            if data.get(name) is not None:
                errors[name] = _qualitative_message(indicator)
        return errors
    if (data.get("text_value") or "").strip():
        errors["text_value"] = _quantitative_message(indicator)
    if not indicator.is_ratio:
        for name in ("numerator", "denominator"):
            if data.get(name) is not None:
                errors[name] = _("Indicator %(code)s is not a ratio: write the value only.") % {
                    "code": indicator.code
                }
    return errors


def measurement_fields(tracked: TrackedIndicator, data: dict) -> dict:
    """Check a measurement's values against its indicator; return the fields to store."""
    indicator = tracked.indicator
    status = data.get("status") or Measurement.Status.MEASURED
    fields = {
        "status": status,
        "value": None,
        "numerator": None,
        "denominator": None,
        "text_value": "",
        "narrative": (data.get("narrative") or "").strip(),
        "evidence_url": (data.get("evidence_url") or "").strip(),
    }
    errors: dict = _misplaced_figures(indicator, data)
    if errors:
        raise ValidationError(errors)
    if status == Measurement.Status.NOT_MEASURED:
        given = [
            name
            for name in ("value", "numerator", "denominator")
            if data.get(name) not in (None, "")
        ]
        if given or (data.get("text_value") or "").strip() or data.get("breakdowns"):
            errors["status"] = _(
                "A period marked “not measured” has no value: empty the figures, or mark it "
                "measured."
            )
    elif not indicator.is_quantitative:
        text = (data.get("text_value") or "").strip()
        if not text:
            errors["text_value"] = _("Write what was observed this period.")
        fields["text_value"] = text
    elif indicator.is_ratio:
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if numerator is None:
            errors["numerator"] = _("Give the numerator.")
        if denominator is None:
            errors["denominator"] = _("Give the denominator.")
        elif denominator == 0:
            errors["denominator"] = _("The denominator cannot be zero.")
        elif denominator < 0:
            errors["denominator"] = _("The denominator cannot be negative.")
        if not errors:
            scale = Decimal(100) if indicator.ratio_as_percentage else Decimal(1)
            fields.update(
                numerator=numerator,
                denominator=denominator,
                value=(numerator * scale / denominator).quantize(Decimal("0.0001")),
            )
    else:
        if data.get("value") is None:
            errors["value"] = _("Give the value, or say that it was not measured this period.")
        fields["value"] = data.get("value")
    if errors:
        raise ValidationError(errors)
    return fields


def checked_breakdowns(
    tracked: TrackedIndicator, total: Decimal | None, breakdowns: Mapping | None
) -> dict:
    """{category: value} checked: categories of the indicator's dimensions, values adding up
    to the total for an additive indicator (dimension by dimension)."""
    if not breakdowns:
        return {}
    indicator = tracked.indicator
    if not indicator.is_quantitative or indicator.is_ratio:
        raise ValidationError(
            {"breakdowns": _("Only a quantitative indicator that is not a ratio has breakdowns.")}
        )
    allowed = set(indicator.dimensions.values_list("pk", flat=True))
    values: dict = {}
    per_dimension: dict = {}
    for category, value in breakdowns.items():
        if value is None:
            continue
        if category.workspace_id != tracked.workspace_id or category.dimension_id not in allowed:
            raise ValidationError(
                {
                    "breakdowns": _("“%(category)s” is not a category of this indicator.")
                    % {"category": category.name}
                }
            )
        values[category] = value
        per_dimension.setdefault(category.dimension, []).append(value)
    if indicator.is_additive and total is not None:
        problems = []
        for dimension, parts in per_dimension.items():
            added = sum(parts, Decimal(0))
            if added != total:
                problems.append(
                    _("%(dimension)s: the values add up to %(sum)s but the total is %(total)s.")
                    % {
                        "dimension": dimension.name,
                        "sum": format_decimal(added.normalize(), 4).rstrip("0").rstrip(",."),
                        "total": format_decimal(total.normalize(), 4).rstrip("0").rstrip(",."),
                    }
                )
        if problems:
            raise ValidationError(
                {
                    "breakdowns": [
                        *problems,
                        _(
                            "This indicator adds its values up: each breakdown must add up to "
                            "the total (leave a category empty for zero)."
                        ),
                    ]
                }
            )
    return values


def _write_breakdowns(measurement: Measurement, values: Mapping) -> None:
    measurement.breakdowns.all().delete()
    MeasurementBreakdown.objects.bulk_create(
        MeasurementBreakdown(
            workspace_id=measurement.workspace_id,
            measurement=measurement,
            category=category,
            value=value,
            created_by_id=measurement.created_by_id,
        )
        for category, value in values.items()
    )


def measurement_create(
    tracked: TrackedIndicator,
    *,
    user,
    period_start: date,
    period_end: date,
    breakdowns: Mapping | None = None,
    evidence_file=None,
    measured_by=None,
    measured_on: date | None = None,
    request=None,
    **data,
) -> Measurement:
    _check_tracked_period(tracked, period_start, period_end)
    fields = measurement_fields(tracked, {**data, "breakdowns": breakdowns})
    values = checked_breakdowns(tracked, fields["value"], breakdowns)
    if Measurement.objects.filter(
        tracked=tracked, period_start=period_start, period_end=period_end
    ).exists():
        raise ValidationError(
            {"period_start": _("A measurement already exists for this period: edit it instead.")}
        )
    extra = {}
    if evidence_file:
        extra = {"evidence_file": evidence_file, "evidence_name": evidence_file.name[:255]}
    with transaction.atomic():
        measurement = tenant_create(
            Measurement,
            workspace=tracked.workspace,
            user=user,
            request=request,
            tracked=tracked,
            indicator_id=tracked.indicator_id,
            period_start=period_start,
            period_end=period_end,
            measured_by=measured_by or user,
            measured_on=measured_on or timezone.localdate(),
            **fields,
            **extra,
        )
        _write_breakdowns(measurement, values)
    return measurement


def measurement_update(
    measurement: Measurement,
    *,
    user,
    expected_version: int | None,
    breakdowns: Mapping | None = None,
    evidence_file=None,
    remove_evidence: bool = False,
    request=None,
    **data,
) -> Measurement:
    """Change a measurement (its period stays: a measurement of another period is another
    measurement). Breakdowns are replaced by those given."""
    tracked = measurement.tracked
    if breakdowns is None:  # not given: keep the current ones, checked against the new total
        breakdowns = (
            {}
            if data.get("status") == Measurement.Status.NOT_MEASURED
            else {b.category: b.value for b in measurement.breakdowns.select_related("category")}
        )
    fields = measurement_fields(tracked, {**data, "breakdowns": breakdowns})
    values = checked_breakdowns(tracked, fields["value"], breakdowns)
    if data.get("measured_on"):
        fields["measured_on"] = data["measured_on"]
    if evidence_file:
        fields.update(evidence_file=evidence_file, evidence_name=evidence_file.name[:255])
    elif remove_evidence:
        fields.update(evidence_file="", evidence_name="")
    with transaction.atomic():
        measurement = tenant_update(
            measurement,
            user=user,
            expected_version=expected_version,
            request=request,
            measured_by=user,
            **fields,
        )
        _write_breakdowns(measurement, values)
    return measurement


def measurement_delete(measurement: Measurement, *, user, request=None) -> None:
    tenant_delete(measurement, user=user, request=request)
