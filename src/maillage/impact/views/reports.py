"""The impact report of the workspace or of one subject over a period: the page (form and
report), its DOCX and its PDF. All three read the same GET parameters and lay out the same
report model (`impact.reports`). Guests may read reports: these views only answer GET."""

from datetime import date

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.core.exports import content_disposition

from .. import reports
from ..report_docx import DOCX_CONTENT_TYPE, render_docx

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


def _page(request, form: ReportForm, report=None, *, status: int = 200):
    query = urlencode({name: form.data[name] for name in FIELDS}) if report else ""
    return render(
        request,
        "impact/report.html",
        {"form": form, "report": report, "query": query},
        status=status,
    )


@require_GET
def report(request, workspace_slug):
    form = _form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    return _page(request, form, _build(request, form))


def _download(request, extension: str, content_type: str, render_document):
    form = _form(request)
    if not form.is_valid():  # the page says what is wrong, with the form to correct it
        return _page(request, form, status=400)
    built = _build(request, form)
    response = HttpResponse(render_document(built), content_type=content_type)
    response["Content-Disposition"] = content_disposition(built.filename(extension))
    return response


@require_GET
def report_docx(request, workspace_slug):
    return _download(request, "docx", DOCX_CONTENT_TYPE, render_docx)


@require_GET
def report_pdf(request, workspace_slug):
    return _download(request, "pdf", "application/pdf", reports.render_pdf)


urlpatterns = [
    path("report/", report, name="report"),
    path("report/report.docx", report_docx, name="report_docx"),
    path("report/report.pdf", report_pdf, name="report_pdf"),
]
