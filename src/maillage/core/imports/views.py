"""Import pages: upload → job page (progress, preview) → commit → result.

Every view lives under /w/<workspace_slug>/imports/ so the workspace middleware guards it; each
importer says which role may run it (and see its jobs): a guest never may.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.models import ImportJob
from maillage.workspaces.access import deny, get_in_workspace

from . import registry, services
from .forms import ImportUploadForm
from .parsing import DELIMITER_NAMES

PAGE_SIZE = 50


def _importer(request, kind: str):
    try:
        importer = registry.get(kind or "")
    except registry.UnknownImporter:
        raise Http404 from None
    if not request.membership.has_role(importer.required_role):
        deny(request, f"import {kind}: role {request.membership.role}")
    return importer


def _job(request, pk: int):
    job = get_in_workspace(ImportJob.objects.select_related("created_by"), request, pk=pk)
    return job, _importer(request, job.kind)


def _results_url(importer, workspace) -> str:
    name = getattr(importer, "results_url_name", "")
    if not name:
        return ""
    try:
        return reverse(name, kwargs={"workspace_slug": workspace.slug})
    except NoReverseMatch:
        return ""


def job_list(request, workspace_slug):
    importers = [
        cls for cls in registry.all_importers() if request.membership.has_role(cls.required_role)
    ]
    jobs = ImportJob.objects.filter(
        workspace=request.workspace, kind__in=[cls.key for cls in importers]
    ).select_related("created_by")
    labels = {cls.key: cls.label for cls in importers}
    page_obj = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    for job in page_obj:
        job.kind_label = labels.get(job.kind, job.kind)
    return render(request, "imports/list.html", {"importers": importers, "page_obj": page_obj})


def upload(request, workspace_slug):
    kind = request.GET.get("kind", "")
    importer = _importer(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.import_job_create(
            workspace=request.workspace,
            user=request.user,
            kind=importer.key,
            file=form.cleaned_data["file"],
            all_or_nothing=form.cleaned_data["all_or_nothing"],
            language=getattr(request, "LANGUAGE_CODE", ""),
            request=request,
        )
        return redirect("imports:job", workspace_slug=workspace_slug, pk=job.pk)
    return render(
        request,
        "imports/upload.html",
        {
            "importer": importer,
            "layout": importer.layout(),
            "form": form,
            "max_bytes": settings.IMPORT_MAX_UPLOAD_BYTES,
            "results_url": _results_url(importer, request.workspace),
        },
    )


def _job_context(job: ImportJob, importer) -> dict:
    report = job.report or {}
    counts = report.get("counts") or {}
    changes = counts.get("create", 0) + counts.get("update", 0)
    invalid = counts.get("invalid", 0)
    file_info = report.get("file") or {}
    return {
        "job": job,
        "importer": importer,
        "report": report,
        "counts": counts,
        "errors": report.get("errors") or [],
        "errors_omitted": report.get("errors_omitted", 0),
        "notes": report.get("notes") or [],
        "ignored_headers": report.get("ignored_headers") or [],
        "file_info": file_info,
        "delimiter_name": DELIMITER_NAMES.get(file_info.get("delimiter", ""), ""),
        "changes": changes,
        "can_commit": job.status == ImportJob.Status.VALIDATED
        and changes > 0
        and (invalid == 0 or not job.all_or_nothing),
        "can_commit_partially": job.status == ImportJob.Status.VALIDATED
        and changes > 0
        and invalid > 0
        and job.all_or_nothing,
        "saved": report.get("saved") or {},
    }


def job_detail(request, workspace_slug, pk):
    job, importer = _job(request, pk)
    context = _job_context(job, importer)
    context["results_url"] = _results_url(importer, request.workspace)
    return render(request, "imports/job.html", context)


def job_progress(request, workspace_slug, pk):
    """The polled partial: a progress bar while the job runs; once it stops, reload the page."""
    job, _importer_class = _job(request, pk)
    response = render(request, "imports/_progress.html", {"job": job})
    if not job.is_running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def job_commit(request, workspace_slug, pk):
    job, _importer_class = _job(request, pk)
    allow_partial = request.POST.get("allow_partial") == "1"
    if not services.import_job_commit(
        job=job, user=request.user, allow_partial=allow_partial, request=request
    ):
        messages.error(request, _("This import cannot be committed now: see its status below."))
    return redirect("imports:job", workspace_slug=workspace_slug, pk=job.pk)
