"""Targets and measurements of an indicator followed for a subject, and evidence files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.exports import content_disposition
from maillage.core.forms import add_service_error
from maillage.workspaces.access import get_in_workspace, require_member

from .. import periods, services, subjects
from ..forms import MeasurementForm, TargetForm
from ..models import Measurement, Target, TrackedIndicator


def _tracked(request, pk) -> TrackedIndicator:
    return get_in_workspace(TrackedIndicator.objects.select_related("indicator"), request, pk=pk)


def _subject(request, tracked: TrackedIndicator):
    try:
        return subjects.resolve(request.workspace, tracked.subject_kind, tracked.subject_id)
    except ValidationError:
        raise Http404 from None


def _back(workspace_slug, tracked):
    return redirect("impact:indicator", workspace_slug=workspace_slug, pk=tracked.indicator_id)


@require_member
def target_create(request, workspace_slug, pk):
    tracked = _tracked(request, pk)
    indicator = tracked.indicator
    form = TargetForm(
        request.POST or None,
        indicator=indicator,
        initial={"version": 1},
        taken=set(tracked.targets.values_list("period_start", "period_end")),
    )
    if request.method == "POST" and form.is_valid():
        try:
            target = services.target_save(
                tracked, user=request.user, request=request, **form.changes()
            )
        except (ValidationError, StaleObjectError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Target set for %(period)s.")
                % {
                    "period": periods.period_label(
                        indicator.frequency, target.period_start, target.period_end
                    )
                },
            )
            return _back(workspace_slug, tracked)
    return render(
        request,
        "impact/target_form.html",
        {"form": form, "tracked": tracked, "subject": _subject(request, tracked), "target": None},
    )


@require_member
def target_edit(request, workspace_slug, pk):
    target = get_in_workspace(
        Target.objects.select_related("tracked", "tracked__indicator"), request, pk=pk
    )
    tracked = target.tracked
    form = TargetForm(request.POST or None, instance=target, indicator=tracked.indicator)
    if request.method == "POST":
        if "delete" in request.POST:
            services.target_delete(target, user=request.user, request=request)
            messages.success(request, _("Target deleted."))
            return _back(workspace_slug, tracked)
        if form.is_valid():
            try:
                services.target_save(
                    tracked,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Target saved."))
                return _back(workspace_slug, tracked)
    return render(
        request,
        "impact/target_form.html",
        {"form": form, "tracked": tracked, "subject": _subject(request, tracked), "target": target},
    )


@require_member
def measurement_create(request, workspace_slug, pk):
    tracked = _tracked(request, pk)
    form = MeasurementForm(
        request.POST or None,
        request.FILES or None,
        indicator=tracked.indicator,
        initial={"version": 1},
        taken=set(tracked.measurements.values_list("period_start", "period_end")),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_create(
                tracked, user=request.user, request=request, **form.changes()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Measurement recorded."))
            return _back(workspace_slug, tracked)
    return render(
        request,
        "impact/measurement_form.html",
        {
            "form": form,
            "tracked": tracked,
            "subject": _subject(request, tracked),
            "measurement": None,
        },
    )


@require_member
def measurement_edit(request, workspace_slug, pk):
    measurement = get_in_workspace(
        Measurement.objects.select_related("tracked", "tracked__indicator"), request, pk=pk
    )
    tracked = measurement.tracked
    form = MeasurementForm(
        request.POST or None,
        request.FILES or None,
        instance=measurement,
        indicator=tracked.indicator,
    )
    if request.method == "POST":
        if "delete" in request.POST:
            services.measurement_delete(measurement, user=request.user, request=request)
            messages.success(request, _("Measurement deleted."))
            return _back(workspace_slug, tracked)
        if form.is_valid():
            try:
                services.measurement_update(
                    measurement,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Measurement saved."))
                return _back(workspace_slug, tracked)
    return render(
        request,
        "impact/measurement_form.html",
        {
            "form": form,
            "tracked": tracked,
            "subject": _subject(request, tracked),
            "measurement": measurement,
            "period_label": periods.period_label(
                tracked.indicator.frequency, measurement.period_start, measurement.period_end
            ),
        },
    )


def evidence_download(request, workspace_slug, pk):
    """The evidence file of a measurement, to members of its workspace only."""
    measurement = get_in_workspace(Measurement, request, pk=pk)
    if not measurement.evidence_file:
        raise Http404
    response = FileResponse(measurement.evidence_file.open("rb"))
    response["Content-Disposition"] = content_disposition(
        measurement.evidence_name or "evidence", attachment=True
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("followed/<int:pk>/targets/new/", target_create, name="target_create"),
    path("targets/<int:pk>/", target_edit, name="target_edit"),
    path("followed/<int:pk>/measurements/new/", measurement_create, name="measurement_create"),
    path("measurements/<int:pk>/", measurement_edit, name="measurement_edit"),
    path("measurements/<int:pk>/evidence/", evidence_download, name="evidence"),
]
