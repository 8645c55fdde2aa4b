"""The impact report of the workspace or of one subject over a period: the page (form and
report, GET), and its documents (PDF, DOCX), written in the background: the page's buttons POST
a `ReportJob` (`report_job_create`), whose page shows its progress (polled with HTMX), then the
download. All read the same parameters and lay out the same report model (`impact.reports`).

Guests may read reports, so they may ask for their documents (`@guest_can_write`: a guest
writes only their own job, and sees only their own jobs; a member sees the workspace's)."""

from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from maillage.core.exports import content_disposition
from maillage.workspaces.access import allowed_when_archived, get_in_workspace, guest_can_write
from maillage.workspaces.models import Role

from .. import report_jobs, reports, subjects
from ..models import ReportJob

FIELDS = ("subject", "start", "end", "language")
#: The longest period a report covers (a monthly indicator over it is already 240 periods).
MAX_YEARS = 20
MIN_YEAR, MAX_YEAR = 1900, 2199


class ReportForm(forms.Form):
    subject = forms.ChoiceField(label=gettext_lazy("Report on"))
    start = forms.DateField(
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=reports.LANGUAGES)

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = {subject.ref: subject for subject in subjects}
        self.fields["subject"].choices = [
            (
                subject.ref,
                _("The whole workspace (every subject)")
                if subject.id is None
                else f"{subject.label} ({subject.kind_label})",
            )
            for subject in subjects
        ]

    def clean_subject(self):
        return self.subjects[self.cleaned_data["subject"]]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start.year < MIN_YEAR or end.year > MAX_YEAR:
                self.add_error(
                    "start" if start.year < MIN_YEAR else "end",
                    _("Choose dates between %(first)s and %(last)s.")
                    % {"first": MIN_YEAR, "last": MAX_YEAR},
                )
            elif end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > 366 * MAX_YEARS:
                self.add_error(
                    "end",
                    _("A report covers at most %(years)s years: shorten the period.")
                    % {"years": MAX_YEARS},
                )
        return data


def default_period(today: date) -> tuple[date, date]:
    """The last full calendar year: what a yearly impact report usually covers."""
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def _defaults() -> dict:
    start, end = default_period(timezone.localdate())
    language = (get_language() or "fr").split("-")[0]
    if language not in dict(reports.LANGUAGES):
        language = "fr"
    return {
        "subject": "workspace",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "language": language,
    }


def _form(request) -> ReportForm:
    """The form bound to the request's parameters, any missing one taking its default."""
    given = {name: request.GET[name] for name in FIELDS if request.GET.get(name, "") != ""}
    return ReportForm({**_defaults(), **given}, subjects=reports.report_subjects(request.workspace))


def _build(request, form: ReportForm) -> reports.Report:
    data = form.cleaned_data
    return reports.build_report(
        request.workspace,
        subject=data["subject"],
        start=data["start"],
        end=data["end"],
        language=data["language"],
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )


class ReportJobForm(ReportForm):
    """The report's parameters and the document's format (the button pressed)."""

    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ReportJob.Format.choices)

    def clean(self):
        data = super().clean()
        if "format" in self.errors:
            self.add_error(None, _("Choose the format of the document: PDF or Word."))
        return data


def _page(request, form: ReportForm, report=None, *, status: int = 200):
    return render(
        request,
        "impact/report.html",
        {
            "form": form,
            "report": report,
            # The report's parameters, posted again by the document buttons.
            "parameters": [(name, form.data[name]) for name in FIELDS] if report else [],
            "jobs": _recent_jobs(request),
        },
        status=status,
    )


@require_GET
def report(request, workspace_slug):
    form = _form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    return _page(request, form, _build(request, form))


# --- the documents, written in the background ----------------------------------------------


RECENT_JOBS = 10


def _jobs(request):
    """The jobs the user may see: the workspace's, or a guest's own."""
    jobs = ReportJob.objects.filter(workspace=request.workspace).select_related("created_by")
    if not request.membership.has_role(Role.MEMBER):
        jobs = jobs.filter(created_by=request.user)
    return jobs


def _describe(workspace, jobs) -> list:
    """Set on each job what the pages show: its subject, period and language (one query per
    kind of subject)."""
    refs = {}
    for job in jobs:
        try:
            refs[job.pk] = subjects.parse_ref(job.subject_ref)
        except ValidationError:  # a kind of subject no longer registered
            refs[job.pk] = None
    found = subjects.resolve_many(workspace, {ref for ref in refs.values() if ref})
    languages = dict(reports.LANGUAGES)
    for job in jobs:
        subject = found.get(refs[job.pk]) if refs[job.pk] else None
        if subject is None:
            job.subject_label = _("A subject that no longer exists")
        elif subject.id is None:
            job.subject_label = _("The whole workspace (every subject)")
        else:
            job.subject_label = f"{subject.label} ({subject.kind_label})"
        job.period_label = reports.period_label(job.start, job.end)
        job.language_label = languages.get(job.language, job.language)
        job.report_query = urlencode(
            {
                "subject": job.subject_ref,
                "start": job.start.isoformat(),
                "end": job.end.isoformat(),
                "language": job.language,
            }
        )
    return jobs


def _recent_jobs(request) -> list:
    """The user's own last documents, for the report page."""
    jobs = list(
        ReportJob.objects.filter(workspace=request.workspace, created_by=request.user)[:RECENT_JOBS]
    )
    return _describe(request.workspace, jobs)


@guest_can_write  # a guest generates a document of what it may read; it writes only its own job
@allowed_when_archived  # an archived workspace's report is read, so its documents too
@require_POST
def report_job_create(request, workspace_slug):
    given = {name: request.POST[name] for name in FIELDS if request.POST.get(name, "") != ""}
    form = ReportJobForm(
        {**_defaults(), **given, "format": request.POST.get("format", "")},
        subjects=reports.report_subjects(request.workspace),
    )
    if not form.is_valid():  # the page says what is wrong, with the form to correct it
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        job, created = report_jobs.report_job_create(
            workspace=request.workspace,
            user=request.user,
            subject=data["subject"],
            start=data["start"],
            end=data["end"],
            language=data["language"],
            format=data["format"],
            base_url=request.build_absolute_uri("/").rstrip("/"),
            request=request,
        )
    except report_jobs.TooManyWaiting as refused:
        messages.warning(
            request,
            _(
                "You are already waiting for %(count)s documents: ask for another one once they "
                "are ready."
            )
            % {"count": report_jobs.MAX_WAITING_PER_USER},
        )
        job = refused.oldest
    else:
        if not created:
            messages.info(request, _("This document is already being written."))
    return redirect("impact:report_job", workspace_slug=workspace_slug, pk=job.pk)


def _job(request, pk: int) -> ReportJob:
    return get_in_workspace(_jobs(request), request, pk=pk)


def report_job(request, workspace_slug, pk):
    job = _describe(request.workspace, [_job(request, pk)])[0]
    return render(
        request,
        "impact/report_job.html",
        {"job": job, "retention_days": settings.IMPACT_REPORT_RETENTION_DAYS},
    )


def report_job_progress(request, workspace_slug, pk):
    """The polled partial: the progress bar while the job runs; once it stops, reload the page
    (which then shows the download, or the reason of the failure)."""
    job = _job(request, pk)
    response = render(request, "impact/_report_job_progress.html", {"job": job})
    if not job.is_running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def report_job_download(request, workspace_slug, pk):
    """The document, to members of the workspace only (a guest: their own)."""
    job = _job(request, pk)
    if not job.is_ready:
        raise Http404
    try:
        handle = job.file.open("rb")
    except OSError:  # deleted from the disk behind the application's back
        raise Http404 from None
    response = FileResponse(handle, content_type=job.content_type)
    response["Content-Disposition"] = content_disposition(job.filename or job.file.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("report/", report, name="report"),
    path("report/documents/", report_job_create, name="report_job_create"),
    path("report/documents/<int:pk>/", report_job, name="report_job"),
    path("report/documents/<int:pk>/progress/", report_job_progress, name="report_job_progress"),
    path("report/documents/<int:pk>/download/", report_job_download, name="report_job_download"),
]
