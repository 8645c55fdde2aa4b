"""Overviews beside the funder report: a project's P&L and funding plan, a funder's overview of
its agreements (each as a page and an XLSX workbook), and an agreement's EU "contrôle de service
fait" pack (a ZIP written in the background: the page asks for it, its job page follows the
progress and offers the download).

Amounts derived from one person's rate (the cost of their hours, their hourly cost) are shown
only to members allowed to see salaries (`sees_salaries`); hours are shown to everyone."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.exports import Column, Kind, content_disposition
from maillage.workspaces.access import get_in_workspace, require_member

from ..models import DocumentJob, Funder, FundingAgreement, Project
from ..reports import eu_pack as packs
from ..reports import sheets
from ..reports.funder import build_funder_overview
from ..reports.project import build_project_report
from ..services import overviews as services
from ..services.people import sees_salaries

ALL = "all"
RECENT_JOBS = 5


# --- the project's P&L and funding plan -----------------------------------------------------


def _project_report(request, pk):
    """The report of the year asked for (`?year=2025`; a year without figures, or `all`: the
    whole project)."""
    project = get_in_workspace(Project, request, pk=pk)
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() and len(value) == 4 else None
    return project, build_project_report(project, year)


def project_report(request, workspace_slug, pk):
    project, report = _project_report(request, pk)
    return render(
        request,
        "finance/project_report.html",
        {
            "project": project,
            "report": report,
            "plan": report.plan,
            "chart": report.chart() if report.plan.years else None,
            "sees_salaries": sees_salaries(request.membership),
            "year_query": report.year if report.year is not None else ALL,
        },
    )


def _pnl_columns() -> list[Column]:
    return [
        Column(lambda line: line.key if line.key.isdigit() else "", _("Line"), width=8),
        Column(lambda line: ("  " * line.level) + line.label, _("Label"), width=48),
        Column("planned", _("Planned"), Kind.MONEY),
        Column("actual", _("Actual"), Kind.MONEY),
        Column(lambda line: line.variance, _("Variance"), Kind.MONEY),
        Column(
            lambda line: line.ratio, _("Actual / planned (%)"), Kind.NUMBER, number_format="0.0"
        ),
    ]


def project_report_xlsx(request, workspace_slug, pk):
    project, report = _project_report(request, pk)
    plan = report.plan
    years = plan.years
    plan_columns = [
        Column("label", _("Charges and what covers them"), width=48),
        *(Column(lambda row, y=y: row.amount(y), str(y), Kind.MONEY) for y in years),
        Column("total", _("Total"), Kind.MONEY),
    ]
    charged_rows = [
        {"label": _("%(agreement)s: charged") % {"agreement": row.label}, "row": row}
        for row in plan.agreements
    ]
    charged_columns = [
        Column("label", _("Charged to each agreement (before its caps)"), width=48),
        *(
            Column(lambda item, y=y: item["row"].charged_cells([y])[0], str(y), Kind.MONEY)
            for y in years
        ),
        Column(lambda item: item["row"].charged_total, _("Total"), Kind.MONEY),
    ]
    period = report.period_label
    workbook = [
        sheets.Sheet(
            _("P&L"),
            _pnl_columns(),
            report.lines,
            heading=f"{project} · {period}",
            notes=[
                _(
                    "Contributions in kind (86 and 87) are valued, not paid: they are listed "
                    "after the totals and never added to them."
                )
            ],
            bold=lambda line: line.key in ("charges_total", "products_total"),
        ),
        sheets.Sheet(
            _("Funding plan"),
            plan_columns,
            [plan.costs, *plan.sources],
            heading=_("Funding plan of %(project)s") % {"project": project},
            notes=[
                _(
                    "Each agreement: what can be claimed for the year's costs (charged, within "
                    "the grant and the maximum rate). Own funds: the rest (negative: a surplus)."
                )
            ],
            bold=lambda row: row.key == "costs",
        ),
        sheets.Sheet(_("Charged"), charged_columns, charged_rows),
    ]
    suffix = str(report.year) if report.year is not None else slugify(_("whole project"))
    name = f"{slugify(_('P&L'))}-{slugify(project.code)}-{suffix}.xlsx"
    return sheets.workbook_response(name, workbook)


# --- the funder's overview --------------------------------------------------------------------


def funder_report(request, workspace_slug, pk):
    funder = get_in_workspace(Funder, request, pk=pk)
    overview = build_funder_overview(funder)
    return render(request, "finance/funder_report.html", {"funder": funder, "overview": overview})


def funder_report_xlsx(request, workspace_slug, pk):
    funder = get_in_workspace(Funder, request, pk=pk)
    overview = build_funder_overview(funder)
    rows = [*overview.rows, {"total": overview.totals}]

    def value(name):
        def get(row):
            if isinstance(row, dict):
                return getattr(row["total"], name)
            return getattr(row, name)

        return get

    def text(getter):
        return lambda row: "" if isinstance(row, dict) else getter(row)

    agreement_columns = [
        Column(
            lambda row: (
                _("Total (refused agreements left out)")
                if isinstance(row, dict)
                else row.agreement.reference
            ),
            _("Agreement"),
            width=22,
        ),
        Column(text(lambda r: r.agreement.title), _("Title"), width=36),
        Column(text(lambda r: r.agreement.get_status_display()), _("Status"), width=12),
        Column(text(lambda r: ", ".join(p.code for p in r.projects)), _("Projects"), width=20),
        Column(
            lambda row: None if isinstance(row, dict) else row.agreement.start_date,
            _("Eligible from"),
            Kind.DATE,
        ),
        Column(
            lambda row: None if isinstance(row, dict) else row.agreement.end_date,
            _("Eligible until"),
            Kind.DATE,
        ),
        Column(value("granted"), _("Granted"), Kind.MONEY),
        Column(value("eligible"), _("Eligible costs"), Kind.MONEY),
        Column(value("charged"), _("Charged"), Kind.MONEY),
        Column(value("claimable"), _("Claimable"), Kind.MONEY),
        Column(value("received"), _("Received"), Kind.MONEY),
        Column(value("balance"), _("Balance to receive"), Kind.MONEY),
        Column(
            lambda row: (
                None
                if isinstance(row, dict) or row.next_deadline is None
                else row.next_deadline.deadline.due_on
            ),
            _("Next deadline"),
            Kind.DATE,
        ),
        Column(
            text(lambda r: r.next_deadline.deadline.label if r.next_deadline else ""),
            _("What is due"),
            width=28,
        ),
        Column(
            lambda row: overview.findings_total if isinstance(row, dict) else row.findings,
            _("Findings"),
            Kind.NUMBER,
        ),
    ]
    year_columns = [
        Column("year", _("Year"), Kind.NUMBER, number_format="0"),
        Column("granted", _("Granted"), Kind.MONEY),
        Column("eligible", _("Eligible costs"), Kind.MONEY),
        Column("charged", _("Charged"), Kind.MONEY),
        Column("claimable", _("Claimable"), Kind.MONEY),
        Column("received", _("Received"), Kind.MONEY),
        Column("balance", _("Balance to receive"), Kind.MONEY),
    ]
    workbook = [
        sheets.Sheet(
            _("Agreements"),
            agreement_columns,
            rows,
            heading=_("Overview of %(funder)s") % {"funder": funder.name},
            bold=lambda row: isinstance(row, dict),
        ),
        sheets.Sheet(_("By year"), year_columns, overview.years, heading=funder.name),
    ]
    name = f"{slugify(_('funder overview'))}-{slugify(funder.name) or funder.pk}.xlsx"
    return sheets.workbook_response(name, workbook)


# --- the EU "contrôle de service fait" pack ---------------------------------------------------


def _my_jobs(request, agreement=None):
    """The documents the user asked for (a pack may show salaries: only its author gets it)."""
    jobs = DocumentJob.objects.filter(workspace=request.workspace, created_by=request.user)
    if agreement is not None:
        jobs = jobs.filter(agreement=agreement)
    return jobs.select_related("agreement")


def eu_pack(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement.objects.select_related("funder"), request, pk=pk)
    sensitive = sees_salaries(request.membership)
    pack = packs.build_pack(agreement, with_amounts=sensitive)
    return render(
        request,
        "finance/eu_pack.html",
        {
            "agreement": agreement,
            "pack": pack,
            "contents": packs.contents(pack),
            "sees_salaries": sensitive,
            "jobs": list(_my_jobs(request, agreement)[:RECENT_JOBS]),
        },
    )


@require_member
@require_POST
def eu_pack_create(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement, request, pk=pk)
    language = (get_language() or "fr").split("-")[0]
    try:
        job, created = services.eu_pack_job_create(
            workspace=request.workspace,
            user=request.user,
            agreement=agreement,
            language=language,
            with_amounts=sees_salaries(request.membership),
            request=request,
        )
    except services.TooManyWaiting as refused:
        messages.warning(
            request,
            _(
                "You are already waiting for %(count)s documents: ask for another one once they "
                "are ready."
            )
            % {"count": services.MAX_WAITING_PER_USER},
        )
        job = refused.oldest
    else:
        if not created:
            messages.info(request, _("This pack is already being written."))
    return redirect("finance:eu_pack_job", workspace_slug=workspace_slug, pk=job.pk)


def _job(request, pk) -> DocumentJob:
    return get_in_workspace(_my_jobs(request), request, pk=pk)


def eu_pack_job(request, workspace_slug, pk):
    job = _job(request, pk)
    return render(
        request,
        "finance/eu_pack_job.html",
        {"job": job, "agreement": job.agreement, "retention_days": services.retention_days()},
    )


def eu_pack_job_progress(request, workspace_slug, pk):
    """The polled partial: the progress bar while the job runs; once it stops, reload the
    page (which then shows the download, or the reason of the failure)."""
    job = _job(request, pk)
    response = render(request, "finance/_eu_pack_job_progress.html", {"job": job})
    if not job.is_running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def eu_pack_job_download(request, workspace_slug, pk):
    job = _job(request, pk)
    if not job.is_ready:
        raise Http404
    try:
        handle = job.file.open("rb")
    except OSError:  # deleted from the disk behind the application's back
        raise Http404 from None
    response = FileResponse(handle, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(job.filename or "pack.zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("projects/<int:pk>/report/", project_report, name="project_report"),
    path("projects/<int:pk>/report/xlsx/", project_report_xlsx, name="project_report_xlsx"),
    path("funders/<int:pk>/overview/", funder_report, name="funder_report"),
    path("funders/<int:pk>/overview/xlsx/", funder_report_xlsx, name="funder_report_xlsx"),
    path("agreements/<int:pk>/eu-pack/", eu_pack, name="eu_pack"),
    path("agreements/<int:pk>/eu-pack/new/", eu_pack_create, name="eu_pack_create"),
    path("eu-packs/<int:pk>/", eu_pack_job, name="eu_pack_job"),
    path("eu-packs/<int:pk>/progress/", eu_pack_job_progress, name="eu_pack_job_progress"),
    path("eu-packs/<int:pk>/download/", eu_pack_job_download, name="eu_pack_job_download"),
]
