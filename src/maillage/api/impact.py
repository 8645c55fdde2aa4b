"""API of the impact module: indicators, the subjects they are followed for, targets,
measurements with their breakdowns, breakdown dimensions, SDG targets and series per period.

Every write goes through `impact.services` (validated, audited, optimistically locked); series
come from `impact.selectors.indicator_series`. See docs/api.md, "Impact".
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from maillage.core.exceptions import StaleObjectError
from maillage.impact import periods, selectors, services, subjects
from maillage.impact.models import (
    BreakdownCategory,
    BreakdownDimension,
    Indicator,
    Measurement,
    SdgTarget,
    Target,
    TrackedIndicator,
)
from maillage.workspaces.access import get_in_workspace
from maillage.workspaces.models import Role

from .auth import WorkspaceSlug, require_api_role
from .pagination import LimitOffset
from .schemas_impact import (
    DimensionOut,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    IndicatorReplace,
    KindCode,
    MeasurementIn,
    MeasurementOut,
    MeasurementPatch,
    SdgTargetOut,
    SeriesOut,
    TargetIn,
    TargetOut,
    TargetPatch,
    TrackedIn,
    TrackedOut,
    number,
)

router = Router(tags=["Impact"])

#: Fields of the services' errors renamed to the API's.
RENAMED = {"period_start": "period", "period_end": "period", "tracked": "subject"}
#: At most this many years in one series (1,200 periods for a monthly indicator).
MAX_SERIES_YEARS = 100


def _renamed(error: ValidationError) -> ValidationError:
    if not hasattr(error, "error_dict"):
        return error
    fields: dict = {}
    for name, errors in error.error_dict.items():
        fields.setdefault(RENAMED.get(name, name), []).extend(errors)
    return ValidationError(fields)


class _Renaming:
    """`with _Renaming():` — a service's ValidationError, with the API's field names."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, ValidationError):
            raise _renamed(error) from error
        return False


def _query_error(name: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["query", name], "msg": message, "type": "invalid"}])


def _subject(workspace, ref: str, *, field: str = "subject", query: bool = False):
    """(kind, id) of a subject reference, checked to belong to the workspace."""
    try:
        kind, pk = subjects.parse_ref(ref)
        subject = subjects.resolve(workspace, kind, pk)
    except ValidationError as error:
        if query:
            raise _query_error(field, error.messages[0]) from None
        raise ValidationError({field: error.messages}) from None
    return subject.kind, subject.id


def _period(text: str, *, field: str = "period", query: bool = False) -> tuple[date, date]:
    try:
        return periods.parse_period(text)
    except ValidationError as error:
        if query:
            raise _query_error(field, error.messages[0]) from None
        raise ValidationError({field: error.messages}) from None


# --- indicators ----------------------------------------------------------------------------------


def _indicators(workspace):
    return Indicator.objects.filter(workspace=workspace).prefetch_related(
        "sdg_targets", "dimensions"
    )


def _indicator(request, indicator_id: int) -> Indicator:
    return get_in_workspace(_indicators(request.workspace), request, pk=indicator_id)


def _indicator_changes(request, data: dict, indicator: Indicator | None = None) -> dict:
    """Service arguments from a payload's fields (those present in `data`)."""
    workspace = request.workspace
    fields: dict = {}
    errors: dict = {}
    for name in ("code", "name", "definition", "unit", "method"):
        if name in data:
            fields[name] = (data[name] or "").strip()
    if "name" in fields and not fields["name"]:
        errors["name"] = _("A name is required.")
    code = fields.get("code")
    changed = code and (indicator is None or code != indicator.code)
    if changed and Indicator.objects.filter(workspace=workspace, code=code).exists():
        errors["code"] = _("Another indicator already has this code.")
    if indicator is not None and "code" in fields and not code:
        errors["code"] = _("An indicator keeps a code: it identifies it in imports.")
    for name in (
        "kind",
        "direction",
        "aggregation",
        "frequency",
        "ratio_as_percentage",
        "decimal_places",
        "is_archived",
    ):
        if name in data:
            if data[name] is None:
                errors[name] = _("This field cannot be null.")
            else:
                fields[name] = data[name]
    if "external_codes" in data:
        fields["external_codes"] = "\n".join(c.strip() for c in data["external_codes"] or [])
    if "sdg_goals" in data:
        fields["sdg_goals"] = sorted(set(data["sdg_goals"] or []))
    if "sdg_targets" in data:
        codes = list(dict.fromkeys(c.strip() for c in data["sdg_targets"] or []))
        found = SdgTarget.objects.in_bulk(codes)
        unknown = [c for c in codes if c not in found]
        if unknown:
            errors["sdg_targets"] = _("Unknown SDG target: %(codes)s.") % {
                "codes": ", ".join(unknown)
            }
        fields["sdg_targets"] = [found[c] for c in codes if c in found]
    if "dimensions" in data:
        wanted = set(data["dimensions"] or [])
        found = list(BreakdownDimension.objects.filter(workspace=workspace, pk__in=wanted))
        missing = wanted - {d.pk for d in found}
        if missing:
            errors["dimensions"] = _("Unknown id in this workspace: %(ids)s") % {
                "ids": ", ".join(str(pk) for pk in sorted(missing))
            }
        fields["dimensions"] = found
    if errors:
        raise ValidationError(errors)
    return fields


class IndicatorQuery(Schema):
    q: str = Field("", description="Text in the code, name or definition.")
    sdg: int | None = Field(None, ge=1, le=17, description="One Sustainable Development Goal.")
    kind: KindCode | None = None
    archived: bool | None = Field(None, description="true: archived only; false: the others.")


@router.get(
    "/w/{slug}/indicators",
    response=list[IndicatorOut],
    url_name="impact_indicators",
    operation_id="list_indicators",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_indicators(request, slug: WorkspaceSlug, query: Query[IndicatorQuery]):
    """The indicators, by code. Filters: `q` (text), `sdg` (a goal, directly or through a
    target), `kind`, `archived`."""
    indicators = selectors.filter_indicators(
        _indicators(request.workspace), query=query.q.strip(), sdg=query.sdg, kind=query.kind or ""
    )
    if query.archived is not None:
        indicators = indicators.filter(is_archived=query.archived)
    return indicators.order_by("code", "id")


@router.post(
    "/w/{slug}/indicators",
    response={201: IndicatorOut},
    url_name="impact_indicator_create",
    operation_id="create_indicator",
)
@require_api_role(Role.MEMBER)
def create_indicator(request, slug: WorkspaceSlug, payload: IndicatorIn):
    """Create an indicator; it is followed for the workspace itself at once."""
    fields = _indicator_changes(request, payload.model_dump())
    with _Renaming():
        indicator = services.indicator_create(
            workspace=request.workspace, user=request.user, request=request, **fields
        )
    return Status(201, _indicator(request, indicator.pk))


@router.get(
    "/w/{slug}/indicators/{indicator_id}",
    response=IndicatorOut,
    url_name="impact_indicator",
    operation_id="get_indicator",
)
@require_api_role(Role.GUEST)
def get_indicator(request, slug: WorkspaceSlug, indicator_id: int):
    return _indicator(request, indicator_id)


def _update_indicator(request, indicator_id: int, data: dict):
    indicator = _indicator(request, indicator_id)
    version = data.pop("version")
    fields = _indicator_changes(request, data, indicator)
    if "sdg_goals" in fields and "sdg_targets" not in fields:
        # The goals of the targets kept stay among the goals.
        fields["sdg_targets"] = list(indicator.sdg_targets.all())
    with _Renaming():
        services.indicator_update(
            indicator, user=request.user, expected_version=version, request=request, **fields
        )
    return _indicator(request, indicator.pk)


@router.put(
    "/w/{slug}/indicators/{indicator_id}",
    response=IndicatorOut,
    url_name="impact_indicator_replace",
    operation_id="replace_indicator",
)
@require_api_role(Role.MEMBER)
def replace_indicator(request, slug: WorkspaceSlug, indicator_id: int, payload: IndicatorReplace):
    """Replace the indicator: omitted fields take their default. 409 if `version` is not the
    stored one. The kind, and a change to or from a ratio, are refused once values are
    recorded."""
    data = payload.model_dump()
    if not data["code"]:
        data.pop("code")  # keep the code
    return _update_indicator(request, indicator_id, data)


@router.patch(
    "/w/{slug}/indicators/{indicator_id}",
    response=IndicatorOut,
    url_name="impact_indicator_update",
    operation_id="update_indicator",
)
@require_api_role(Role.MEMBER)
def update_indicator(request, slug: WorkspaceSlug, indicator_id: int, payload: IndicatorPatch):
    """Change the fields sent. 409 if `version` is not the stored one."""
    return _update_indicator(request, indicator_id, payload.model_dump(exclude_unset=True))


@router.delete(
    "/w/{slug}/indicators/{indicator_id}",
    response={204: None},
    url_name="impact_indicator_delete",
    operation_id="delete_indicator",
)
@require_api_role(Role.MEMBER)
def delete_indicator(request, slug: WorkspaceSlug, indicator_id: int, version: int | None = None):
    """Delete the indicator with its targets and measurements. With `?version=`, 409 if it
    changed since."""
    indicator = get_in_workspace(Indicator, request, pk=indicator_id)
    services.indicator_delete(
        indicator, user=request.user, expected_version=version, request=request
    )
    return Status(204, None)


# --- followed subjects ---------------------------------------------------------------------------


def _tracked_out(tracked: TrackedIndicator, subject) -> dict:
    return {
        "id": tracked.pk,
        "subject": tracked.subject_ref,
        "subject_kind": tracked.subject_kind,
        "subject_id": tracked.subject_id,
        "label": subject.label,
        "note": tracked.note,
        "measurement_count": (
            tracked.measurement_count
            if hasattr(tracked, "measurement_count")
            else tracked.measurements.count()
        ),
    }


@router.get(
    "/w/{slug}/indicators/{indicator_id}/subjects",
    response=list[TrackedOut],
    url_name="impact_indicator_subjects",
    operation_id="list_indicator_subjects",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_indicator_subjects(request, slug: WorkspaceSlug, indicator_id: int):
    """The subjects the indicator is followed for: the workspace first, then by name."""
    indicator = get_in_workspace(Indicator, request, pk=indicator_id)
    return [_tracked_out(t, s) for t, s in selectors.tracked_with_subjects(indicator)]


@router.post(
    "/w/{slug}/indicators/{indicator_id}/subjects",
    response={200: TrackedOut, 201: TrackedOut},
    url_name="impact_indicator_subject_add",
    operation_id="add_indicator_subject",
)
@require_api_role(Role.MEMBER)
def add_indicator_subject(request, slug: WorkspaceSlug, indicator_id: int, payload: TrackedIn):
    """Follow the indicator for a subject (201); one already followed answers 200."""
    indicator = get_in_workspace(Indicator, request, pk=indicator_id)
    kind, pk = _subject(request.workspace, payload.subject)
    existed = TrackedIndicator.objects.filter(
        indicator=indicator, subject_kind=kind, subject_id=pk
    ).exists()
    tracked = services.indicator_track(
        indicator,
        user=request.user,
        subject_kind=kind,
        subject_id=pk,
        note=payload.note.strip(),
        request=request,
    )
    subject = subjects.resolve(request.workspace, kind, pk)
    return Status(200 if existed else 201, _tracked_out(tracked, subject))


@router.delete(
    "/w/{slug}/indicators/{indicator_id}/subjects/{tracked_id}",
    response={204: None},
    url_name="impact_indicator_subject_remove",
    operation_id="remove_indicator_subject",
)
@require_api_role(Role.MEMBER)
def remove_indicator_subject(
    request, slug: WorkspaceSlug, indicator_id: int, tracked_id: int, cascade: bool = False
):
    """Stop following the indicator for this subject (`tracked_id`: the `id` of the list). Its
    targets and measurements go with it: refused (422) unless `?cascade=true`."""
    indicator = get_in_workspace(Indicator, request, pk=indicator_id)
    tracked = get_in_workspace(
        TrackedIndicator.objects.filter(indicator=indicator), request, pk=tracked_id
    )
    if not cascade:
        recorded = tracked.measurements.count() + tracked.targets.count()
        if recorded:
            raise _query_error(
                "cascade",
                _(
                    "%(count)s targets and measurements are recorded for this subject: send "
                    "cascade=true to delete them with it."
                )
                % {"count": recorded},
            )
    services.tracked_delete(tracked, user=request.user, request=request)
    return Status(204, None)


# --- series ----------------------------------------------------------------------------------


class SeriesQuery(Schema):
    subject: list[str] = Field(
        [], description="Subjects to roll up (repeat for several); none: all of them."
    )
    start: str = Field(
        "",
        alias="from",
        description="First period: a period key (2025-Q1, 2025…) or a date (2025-01-01).",
    )
    end: str = Field(
        "", alias="to", description="Last period: a period key or a date (2025-12-31)."
    )


def _bound(text: str, field: str, *, last: bool) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    start, end = _period(text, field=field, query=True)
    return end if last else start


@router.get(
    "/w/{slug}/indicators/{indicator_id}/series",
    response=SeriesOut,
    url_name="impact_indicator_series",
    operation_id="get_indicator_series",
)
@require_api_role(Role.GUEST)
def get_indicator_series(
    request, slug: WorkspaceSlug, indicator_id: int, query: Query[SeriesQuery]
):
    """Actual, target and progress of each period: the roll-up of the subjects given (or of
    all) by the indicator's aggregation. Without `from`/`to`, the periods of its values."""
    indicator = get_in_workspace(Indicator, request, pk=indicator_id)
    keys = [_subject(request.workspace, ref, query=True) for ref in query.subject] or None
    start = _bound(query.start, "from", last=False)
    end = _bound(query.end, "to", last=True)
    if start and end and end < start:
        raise _query_error("to", _("The period ends before it starts."))
    if start and end and end.year - start.year > MAX_SERIES_YEARS:
        raise _query_error("to", _("At most %(max)s years at once.") % {"max": MAX_SERIES_YEARS})
    series = selectors.indicator_series(indicator, subject_keys=keys, start=start, end=end)
    return {
        "indicator": indicator.pk,
        "code": indicator.code,
        "unit": indicator.display_unit,
        "frequency": indicator.frequency,
        "aggregation": indicator.aggregation,
        "direction": indicator.direction,
        "subjects": [subjects.Subject(k, pk, "").ref for k, pk in keys] if keys else None,
        "periods": [
            {
                "period": figures.key,
                "label": figures.label,
                "start": figures.start,
                "end": figures.end,
                "actual": number(figures.actual.value),
                "target": number(figures.target.value),
                "progress": None
                if figures.progress is None
                else {
                    "status": figures.progress.status,
                    "percent": number(figures.progress.percent),
                },
                "numerator": number(figures.actual.numerator),
                "denominator": number(figures.actual.denominator),
                "readings": figures.actual.readings,
                "subjects": figures.actual.subjects,
                "not_measured": figures.actual.not_measured,
            }
            for figures in series
        ],
    }


# --- targets and measurements: shared -----------------------------------------------------------


class RecordQuery(Schema):
    indicator: int | None = Field(None, description="Id of an indicator.")
    subject: str = Field("", description="“workspace” or “actor:12”.")
    period: str = Field(
        "", description="A period key: the records whose period lies within it (2025: all year)."
    )


def _filtered(request, queryset, query: RecordQuery):
    workspace = request.workspace
    if query.indicator is not None:
        if not Indicator.objects.filter(workspace=workspace, pk=query.indicator).exists():
            raise _query_error(
                "indicator",
                _("Unknown id in this workspace: %(ids)s") % {"ids": query.indicator},
            )
        queryset = queryset.filter(indicator_id=query.indicator)
    if query.subject.strip():
        kind, pk = _subject(workspace, query.subject, query=True)
        queryset = queryset.filter(tracked__subject_kind=kind, tracked__subject_id=pk)
    if query.period.strip():
        start, end = _period(query.period, query=True)
        queryset = queryset.filter(period_start__gte=start, period_end__lte=end)
    return queryset.order_by(
        "indicator__code", "tracked__subject_kind", "tracked__subject_id", "period_start", "id"
    )


def _tracked_for(request, indicator_id: int, subject_ref: str):
    """The indicator (422 on `indicator` if not the workspace's) and the subject (kind, id)."""
    indicator = (
        Indicator.objects.filter(workspace=request.workspace, pk=indicator_id)
        .select_related("workspace")
        .first()
    )
    errors = {}
    if indicator is None:
        errors["indicator"] = _("Unknown id in this workspace: %(ids)s") % {"ids": indicator_id}
    try:
        subject = _subject(request.workspace, subject_ref)
    except ValidationError as error:
        errors.update(error.error_dict)
        subject = None
    if errors:
        raise ValidationError(errors)
    return indicator, subject


def _follow(indicator, subject, request) -> TrackedIndicator:
    """The followed indicator for the subject, followed first when it is not yet."""
    return services.indicator_track(
        indicator,
        user=request.user,
        subject_kind=subject[0],
        subject_id=subject[1],
        request=request,
    )


def _delete(record, version: int | None, delete, request) -> None:
    with transaction.atomic():
        if (
            version is not None
            and not type(record).objects.filter(pk=record.pk, version=version).exists()
        ):
            raise StaleObjectError()
        delete(record, user=request.user, request=request)


# --- targets ---------------------------------------------------------------------------------


def _targets(workspace):
    return Target.objects.filter(workspace=workspace).select_related("indicator", "tracked")


@router.get(
    "/w/{slug}/targets",
    response=list[TargetOut],
    url_name="impact_targets",
    operation_id="list_targets",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_targets(request, slug: WorkspaceSlug, query: Query[RecordQuery]):
    """The targets, by indicator code, subject and period."""
    return _filtered(request, _targets(request.workspace), query)


@router.post(
    "/w/{slug}/targets",
    response={200: TargetOut, 201: TargetOut},
    url_name="impact_target_set",
    operation_id="set_target",
)
@require_api_role(Role.MEMBER)
def set_target(request, slug: WorkspaceSlug, payload: TargetIn):
    """Set the target of an indicator for a subject and a period: 201 when created, 200 when
    the one already set is updated (with `version`, 409 if it changed since). An indicator not
    yet followed for the subject becomes followed."""
    indicator, subject = _tracked_for(request, payload.indicator, payload.subject)
    start, end = _period(payload.period)
    with transaction.atomic(), _Renaming():
        tracked = _follow(indicator, subject, request)
        existed = Target.objects.filter(
            tracked=tracked, period_start=start, period_end=end
        ).exists()
        target = services.target_save(
            tracked,
            user=request.user,
            period_start=start,
            period_end=end,
            value=payload.value,
            text=payload.text,
            note=payload.note.strip(),
            expected_version=payload.version,
            request=request,
        )
    return Status(
        200 if existed else 201,
        get_in_workspace(_targets(request.workspace), request, pk=target.pk),
    )


@router.get(
    "/w/{slug}/targets/{target_id}",
    response=TargetOut,
    url_name="impact_target",
    operation_id="get_target",
)
@require_api_role(Role.GUEST)
def get_target(request, slug: WorkspaceSlug, target_id: int):
    return get_in_workspace(_targets(request.workspace), request, pk=target_id)


@router.patch(
    "/w/{slug}/targets/{target_id}",
    response=TargetOut,
    url_name="impact_target_update",
    operation_id="update_target",
)
@require_api_role(Role.MEMBER)
def update_target(request, slug: WorkspaceSlug, target_id: int, payload: TargetPatch):
    """Change the value, text or note (the period stays). 409 if `version` is not the stored
    one."""
    target = get_in_workspace(
        _targets(request.workspace).select_related("tracked__indicator"), request, pk=target_id
    )
    data = payload.model_dump(exclude_unset=True)
    with _Renaming():
        services.target_save(
            target.tracked,
            user=request.user,
            period_start=target.period_start,
            period_end=target.period_end,
            value=data.get("value", target.value),
            text=data.get("text", target.text) or "",
            note=(data.get("note", target.note) or "").strip(),
            expected_version=payload.version,
            request=request,
        )
    return get_in_workspace(_targets(request.workspace), request, pk=target.pk)


@router.delete(
    "/w/{slug}/targets/{target_id}",
    response={204: None},
    url_name="impact_target_delete",
    operation_id="delete_target",
)
@require_api_role(Role.MEMBER)
def delete_target(request, slug: WorkspaceSlug, target_id: int, version: int | None = None):
    """Delete the target. With `?version=`, 409 if it changed since."""
    target = get_in_workspace(Target, request, pk=target_id)
    _delete(target, version, services.target_delete, request)
    return Status(204, None)


# --- measurements ------------------------------------------------------------------------------


def _measurements(workspace):
    return (
        Measurement.objects.filter(workspace=workspace)
        .select_related("indicator", "tracked", "measured_by")
        .prefetch_related("breakdowns__category__dimension")
    )


def _breakdowns(request, items) -> dict | None:
    """{category: value} from `[{"category": id, "value": n}]`; 422 on `breakdowns`."""
    if items is None:
        return None
    ids = [item["category"] for item in items]
    found = (
        BreakdownCategory.objects.filter(workspace=request.workspace, pk__in=ids)
        .select_related("dimension")
        .in_bulk()
    )
    problems = []
    missing = sorted({pk for pk in ids if pk not in found})
    if missing:
        problems.append(
            _("Unknown id in this workspace: %(ids)s") % {"ids": ", ".join(map(str, missing))}
        )
    twice = sorted({pk for pk in ids if ids.count(pk) > 1})
    if twice:
        problems.append(
            _("Each category once: %(ids)s given twice.") % {"ids": ", ".join(map(str, twice))}
        )
    if problems:
        raise ValidationError({"breakdowns": problems})
    return {found[item["category"]]: item["value"] for item in items}


FIGURES = ("value", "numerator", "denominator", "text_value")


def _check_figures(indicator, data: dict) -> None:
    """A ratio's value is computed: giving it is a 422 (the services refuse the figures the
    indicator's kind has no use for)."""
    if indicator.is_ratio and data.get("value") is not None:
        raise ValidationError(
            {
                "value": _(
                    "For a ratio the value is computed from the numerator and the "
                    "denominator: leave it out."
                )
            }
        )


@router.get(
    "/w/{slug}/measurements",
    response=list[MeasurementOut],
    url_name="impact_measurements",
    operation_id="list_measurements",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_measurements(request, slug: WorkspaceSlug, query: Query[RecordQuery]):
    """The measurements, by indicator code, subject and period."""
    return _filtered(request, _measurements(request.workspace), query)


@router.post(
    "/w/{slug}/measurements",
    response={201: MeasurementOut},
    url_name="impact_measurement_create",
    operation_id="create_measurement",
)
@require_api_role(Role.MEMBER)
def create_measurement(request, slug: WorkspaceSlug, payload: MeasurementIn):
    """Record a measurement (one per indicator, subject and period: another one for the same
    period is a 422; change it with PATCH). An indicator not yet followed for the subject
    becomes followed."""
    indicator, subject = _tracked_for(request, payload.indicator, payload.subject)
    start, end = _period(payload.period)
    data = payload.model_dump(exclude={"indicator", "subject", "period", "breakdowns"})
    _check_figures(indicator, data)
    breakdowns = _breakdowns(request, payload.model_dump()["breakdowns"])
    with transaction.atomic(), _Renaming():
        tracked = _follow(indicator, subject, request)
        measurement = services.measurement_create(
            tracked,
            user=request.user,
            period_start=start,
            period_end=end,
            breakdowns=breakdowns,
            request=request,
            **data,
        )
    return Status(
        201, get_in_workspace(_measurements(request.workspace), request, pk=measurement.pk)
    )


@router.get(
    "/w/{slug}/measurements/{measurement_id}",
    response=MeasurementOut,
    url_name="impact_measurement",
    operation_id="get_measurement",
)
@require_api_role(Role.GUEST)
def get_measurement(request, slug: WorkspaceSlug, measurement_id: int):
    return get_in_workspace(_measurements(request.workspace), request, pk=measurement_id)


@router.patch(
    "/w/{slug}/measurements/{measurement_id}",
    response=MeasurementOut,
    url_name="impact_measurement_update",
    operation_id="update_measurement",
)
@require_api_role(Role.MEMBER)
def update_measurement(
    request, slug: WorkspaceSlug, measurement_id: int, payload: MeasurementPatch
):
    """Change the fields sent (the period stays). `status: not_measured` empties the figures;
    `breakdowns` replaces them all. 409 if `version` is not the stored one."""
    measurement = get_in_workspace(
        Measurement.objects.select_related("tracked__indicator"), request, pk=measurement_id
    )
    sent = payload.model_dump(exclude_unset=True)
    version = sent.pop("version")
    _check_figures(measurement.indicator, sent)
    breakdowns = _breakdowns(request, sent.pop("breakdowns", None))
    status = sent.get("status") or measurement.status
    data = {"status": status}
    for name in ("narrative", "evidence_url", *FIGURES):
        if name in sent:
            data[name] = sent[name]
        elif name not in FIGURES or status == Measurement.Status.MEASURED:
            data[name] = getattr(measurement, name)  # kept as it is
    if sent.get("measured_on"):
        data["measured_on"] = sent["measured_on"]
    with _Renaming():
        services.measurement_update(
            measurement,
            user=request.user,
            expected_version=version,
            breakdowns=breakdowns,
            request=request,
            **data,
        )
    return get_in_workspace(_measurements(request.workspace), request, pk=measurement.pk)


@router.delete(
    "/w/{slug}/measurements/{measurement_id}",
    response={204: None},
    url_name="impact_measurement_delete",
    operation_id="delete_measurement",
)
@require_api_role(Role.MEMBER)
def delete_measurement(
    request, slug: WorkspaceSlug, measurement_id: int, version: int | None = None
):
    """Delete the measurement. With `?version=`, 409 if it changed since."""
    measurement = get_in_workspace(Measurement, request, pk=measurement_id)
    _delete(measurement, version, services.measurement_delete, request)
    return Status(204, None)


# --- reference lists ---------------------------------------------------------------------------


@router.get(
    "/w/{slug}/breakdown-dimensions",
    response=list[DimensionOut],
    url_name="impact_breakdown_dimensions",
    operation_id="list_breakdown_dimensions",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_breakdown_dimensions(request, slug: WorkspaceSlug):
    """The workspace's breakdown dimensions with their categories (ids for indicators'
    `dimensions` and measurements' `breakdowns`); they are edited on the pages."""
    return (
        BreakdownDimension.objects.filter(workspace=request.workspace)
        .prefetch_related("categories")
        .order_by("position", "name", "id")
    )


class SdgTargetQuery(Schema):
    goal: int | None = Field(None, ge=1, le=17, description="Only the targets of this goal.")


@router.get(
    "/w/{slug}/sdg-targets",
    response=list[SdgTargetOut],
    url_name="impact_sdg_targets",
    operation_id="list_sdg_targets",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_sdg_targets(request, slug: WorkspaceSlug, query: Query[SdgTargetQuery]):
    """The 169 targets of the Sustainable Development Goals (reference data, the same in every
    workspace), by goal. Their codes are what indicators' `sdg_targets` hold."""
    targets = SdgTarget.objects.all()
    if query.goal is not None:
        targets = targets.filter(goal=query.goal)
    return targets.order_by("goal", "position", "code")
