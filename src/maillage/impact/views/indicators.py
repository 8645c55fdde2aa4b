"""Indicators: the workspace's list with its figures, detail with charts, create, edit,
delete, and the subjects an indicator is followed for."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Min
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error
from maillage.core.sdg import SDG_CHOICES, SDG_COLOURS, sdg_label, sdg_text_colour
from maillage.workspaces.access import get_in_workspace, require_member

from .. import charts, periods, selectors, services, subjects
from ..forms import IndicatorForm, TrackForm
from ..models import Frequency, Indicator, Kind, Measurement, TrackedIndicator

PAGE_SIZE = 50


def _years(workspace) -> list[int]:
    """The years that have measurements or targets, and the current one, newest first."""
    bounds = Measurement.objects.filter(workspace=workspace).aggregate(
        first=Min("period_end"), last=Max("period_end")
    )
    today = timezone.localdate()
    first = bounds["first"].year if bounds["first"] else today.year
    last = max(bounds["last"].year if bounds["last"] else today.year, today.year)
    return list(range(last, first - 1, -1))


def _year(request, years: list[int]) -> int:
    value = request.GET.get("year", "")
    today = timezone.localdate()
    if value.isdigit() and int(value) in years:
        return int(value)
    return today.year


def _goal_badges(numbers):
    return [
        {
            "number": n,
            "label": sdg_label(n),
            "colour": SDG_COLOURS[n],
            "text": sdg_text_colour(n),
        }
        for n in numbers
    ]


def indicator_list(request, workspace_slug):
    workspace = request.workspace
    query = request.GET.get("q", "").strip()[:100]
    sdg = request.GET.get("sdg", "")
    kind = request.GET.get("kind", "")
    archived = request.GET.get("archived") == "1"
    years = _years(workspace)
    year = _year(request, years)
    indicators = selectors.filter_indicators(
        selectors.indicators_for_list(workspace, include_archived=archived),
        query=query,
        sdg=int(sdg) if sdg.isdigit() and 1 <= int(sdg) <= 17 else None,
        kind=kind if kind in Kind.values else "",
    )
    page = Paginator(indicators, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.summaries(list(page.object_list), date(year, 1, 1), date(year, 12, 31))
    return render(
        request,
        "impact/indicator_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "query": query,
            "sdg": int(sdg) if sdg.isdigit() else None,
            "kind": kind,
            "archived": archived,
            "year": year,
            "years": years,
            "sdg_choices": SDG_CHOICES,
            "kinds": Kind.choices,
        },
    )


@require_member
def indicator_create(request, workspace_slug):
    workspace = request.workspace
    form = IndicatorForm(request.POST or None, workspace=workspace, initial={"version": 1})
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(
                workspace=workspace, user=request.user, request=request, **form.changes()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Indicator “%(name)s” created. Set its targets and enter its measurements.")
                % {"name": indicator.name},
            )
            return redirect("impact:indicator", workspace_slug=workspace.slug, pk=indicator.pk)
    return render(request, "impact/indicator_form.html", {"form": form, "indicator": None})


@dataclass
class FiguresScope:
    """What an indicator's figures are shown for: the subject chosen (?subject=actor:12, among
    those it is followed for; all of them by default) and the year (?year=)."""

    tracked_subjects: list
    tracked: TrackedIndicator | None
    subject: subjects.Subject | None
    years: list[int]
    year: int

    @classmethod
    def of(cls, request, indicator: Indicator) -> "FiguresScope":
        tracked_subjects = selectors.tracked_with_subjects(indicator)
        ref = request.GET.get("subject", "")
        tracked, subject = next(
            ((t, s) for t, s in tracked_subjects if ref and s.ref == ref), (None, None)
        )
        years = _years(request.workspace)
        return cls(tracked_subjects, tracked, subject, years, _year(request, years))

    @property
    def subject_keys(self):
        return [(self.subject.kind, self.subject.id)] if self.subject else None

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)


def indicator_detail(request, workspace_slug, pk):
    indicator = get_in_workspace(Indicator.objects.prefetch_related("sdg_targets"), request, pk=pk)
    scope = FiguresScope.of(request, indicator)
    keys = scope.subject_keys
    # The chart shows the year's months, the year's quarters with the year before's for context,
    # or every year (or custom period) up to the year's end; the table, the year.
    chart_from = {
        Frequency.MONTH: scope.start,
        Frequency.QUARTER: date(scope.year - 1, 1, 1),
    }.get(indicator.frequency)
    series = selectors.indicator_series(
        indicator, subject_keys=keys, start=chart_from, end=scope.end
    )
    measurements = selectors.measurements_for_indicator(indicator).filter(
        period_end__gte=scope.start, period_end__lte=scope.end
    )
    if scope.tracked is not None:
        measurements = measurements.filter(tracked=scope.tracked)
    page = Paginator(measurements, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {tracked.pk: subject for tracked, subject in scope.tracked_subjects}
    return render(
        request,
        "impact/indicator_detail.html",
        {
            "indicator": indicator,
            "tracked_subjects": scope.tracked_subjects,
            "chosen": scope.subject,
            "year": scope.year,
            "years": scope.years,
            "summary": selectors.summaries([indicator], scope.start, scope.end, subject_keys=keys)[
                0
            ],
            "series": [p for p in series if scope.start <= p.end <= scope.end],
            "chart": charts.target_vs_actual(indicator, series),
            "has_breakdowns": indicator.is_quantitative
            and not indicator.is_ratio
            and indicator.dimensions.exists(),
            "query": request.GET.urlencode(),
            "page_obj": page,
            "measurement_rows": [
                (
                    m,
                    labels.get(m.tracked_id),
                    periods.period_label(indicator.frequency, m.period_start, m.period_end),
                )
                for m in page.object_list
            ],
            "goals": _goal_badges(indicator.sdg_list),
            "workspace_tracked": next(
                (
                    tracked
                    for tracked, subject in scope.tracked_subjects
                    if subject.id is None and subject.kind == subjects.WORKSPACE
                ),
                None,
            ),
        },
    )


def indicator_breakdowns(request, workspace_slug, pk):
    """The year's figures by breakdown dimension, one chart each: loaded by the indicator's page
    once it is shown (HTMX), so that the page itself draws one chart; a page of its own without
    JavaScript."""
    indicator = get_in_workspace(Indicator, request, pk=pk)
    scope = FiguresScope.of(request, indicator)
    figures = selectors.breakdown_figures(
        indicator, scope.start, scope.end, subject_keys=scope.subject_keys
    )
    year = scope.year
    context = {
        "indicator": indicator,
        "chosen": scope.subject,
        "year": year,
        "breakdown_charts": [
            chart
            for dimension in figures
            if (chart := charts.breakdown_chart(indicator, dimension, period_label=str(year)))
        ],
    }
    template = "impact/_breakdowns.html" if request.htmx else "impact/breakdowns_page.html"
    return render(request, template, context)


@require_member
def indicator_edit(request, workspace_slug, pk):
    indicator = get_in_workspace(Indicator, request, pk=pk)
    form = IndicatorForm(request.POST or None, instance=indicator, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(
                indicator,
                user=request.user,
                expected_version=form.expected_version,
                request=request,
                **form.changes(),
            )
        except (ValidationError, StaleObjectError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Indicator saved."))
            return redirect("impact:indicator", workspace_slug=workspace_slug, pk=indicator.pk)
    return render(request, "impact/indicator_form.html", {"form": form, "indicator": indicator})


@require_member
def indicator_delete(request, workspace_slug, pk):
    indicator = get_in_workspace(Indicator, request, pk=pk)
    counts = {
        "measurements": Measurement.objects.filter(indicator=indicator).count(),
        "subjects": TrackedIndicator.objects.filter(indicator=indicator).count(),
    }
    if request.method == "POST":
        try:
            services.indicator_delete(
                indicator,
                user=request.user,
                expected_version=int(request.POST.get("version") or indicator.version),
                request=request,
            )
        except StaleObjectError as error:
            messages.error(request, str(error))
            return redirect("impact:indicator", workspace_slug=workspace_slug, pk=indicator.pk)
        messages.success(request, _("Indicator “%(name)s” deleted.") % {"name": indicator.name})
        return redirect("impact:home", workspace_slug=workspace_slug)
    return render(
        request, "impact/indicator_confirm_delete.html", {"indicator": indicator, "counts": counts}
    )


@require_member
def indicator_follow(request, workspace_slug, pk):
    """Follow the indicator for an actor of the registry."""
    indicator = get_in_workspace(Indicator, request, pk=pk)
    suggest_url = reverse("ecosystem:actor_suggest", kwargs={"workspace_slug": workspace_slug})
    form = TrackForm(request.POST or None, workspace=request.workspace, suggest_url=suggest_url)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_track(
                indicator,
                user=request.user,
                subject_kind="actor",
                subject_id=form.cleaned_data["actor"].pk,
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("“%(indicator)s” is now followed for %(actor)s.")
                % {"indicator": indicator.name, "actor": form.cleaned_data["actor"].name},
            )
            return redirect("impact:indicator", workspace_slug=workspace_slug, pk=indicator.pk)
    return render(request, "impact/follow_form.html", {"form": form, "indicator": indicator})


@require_POST
@require_member
def tracked_remove(request, workspace_slug, pk):
    tracked = get_in_workspace(TrackedIndicator.objects.select_related("indicator"), request, pk=pk)
    count = tracked.measurements.count()
    if count and request.POST.get("confirm") != "1":
        messages.error(
            request,
            ngettext(
                "%(count)s measurement is recorded for this subject: confirm to delete it too.",
                "%(count)s measurements are recorded for this subject: confirm to delete them too.",
                count,
            )
            % {"count": count},
        )
    else:
        services.tracked_delete(tracked, user=request.user, request=request)
        messages.success(request, _("The indicator is no longer followed for this subject."))
    return redirect("impact:indicator", workspace_slug=workspace_slug, pk=tracked.indicator_id)


urlpatterns = [
    path("", indicator_list, name="home"),
    path("indicators/new/", indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", indicator_detail, name="indicator"),
    path("indicators/<int:pk>/breakdowns/", indicator_breakdowns, name="indicator_breakdowns"),
    path("indicators/<int:pk>/edit/", indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/follow/", indicator_follow, name="indicator_follow"),
    path("followed/<int:pk>/remove/", tracked_remove, name="tracked_remove"),
]
