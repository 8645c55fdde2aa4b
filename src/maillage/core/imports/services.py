"""The life of an `ImportJob`: upload, validation (preview), commit.

pending ──validate_import──▶ validating ──▶ validated ──commit (POST)──▶ committing ──▶ done
                                   └──────▶ failed (file refused)              └──────▶ failed

The two transitions that do the work run as background tasks (`tasks.py`), which call
`run_job`. Each transition is a conditional UPDATE on the status, so a double click or a task
delivered twice does the work once.
"""

import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope, scopes_disabled

from maillage.core.models import ImportJob
from maillage.core.services import tenant_create

from . import registry
from .engine import ImportReport, run_import
from .parsing import ImportFileError, read_table

logger = logging.getLogger(__name__)
Status = ImportJob.Status


def import_job_create(
    *,
    workspace,
    user,
    kind: str,
    file,
    all_or_nothing: bool = True,
    language: str = "",
    request=None,
) -> ImportJob:
    """Store the uploaded `file` and queue its validation. Returns the job (as created)."""
    from .tasks import validate_import

    registry.get(kind)  # refuse an unknown kind before storing anything
    job = tenant_create(
        ImportJob,
        workspace=workspace,
        user=user,
        request=request,
        kind=kind,
        original_filename=(getattr(file, "name", "") or "import")[-255:],
        file=file,
        options={"all_or_nothing": bool(all_or_nothing), "language": language},
    )
    validate_import.enqueue(job.pk)
    return job


def import_job_commit(*, job: ImportJob, user, allow_partial: bool = False, request=None) -> bool:
    """Queue the commit of a validated job. False if it is not (or no longer) validated."""
    from .tasks import commit_import

    options = dict(job.options)
    options["commit_user_id"] = user.pk if user is not None else None
    if allow_partial:
        options["all_or_nothing"] = False
    claimed = ImportJob.objects.filter(pk=job.pk, status=Status.VALIDATED).update(
        status=Status.COMMITTING,
        processed_rows=0,
        options=options,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not claimed:
        return False
    commit_import.enqueue(job.pk)
    return True


def _set(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now(), **fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _user(user_id):
    from django.contrib.auth import get_user_model

    if not user_id:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def run_job(job_id: int, *, commit: bool) -> dict:
    """Validate (or commit) a job's file, recording progress and the report on the job."""
    with scopes_disabled():
        job = ImportJob.objects.select_related("workspace", "created_by").get(pk=job_id)
    language = job.options.get("language") or settings.LANGUAGE_CODE
    with scope(workspace=job.workspace), translation.override(language):
        if commit:
            if job.status != Status.COMMITTING:
                return {"skipped": job.status}
            user = _user(job.options.get("commit_user_id")) or job.created_by
        else:
            claimed = ImportJob.objects.filter(pk=job.pk, status=Status.PENDING).update(
                status=Status.VALIDATING, started_at=timezone.now(), updated_at=timezone.now()
            )
            if not claimed:
                return {"skipped": job.status}
            user = job.created_by
        try:
            report = _run(job, user=user, commit=commit)
        except Exception:
            logger.exception("Import job %s failed", job.pk)
            _set(
                job,
                status=Status.FAILED,
                finished_at=timezone.now(),
                error_message=_("An unexpected error stopped the import: nothing was imported."),
            )
            raise
        _finish(job, report, commit=commit)
    return report.counts


def _run(job: ImportJob, *, user, commit: bool) -> ImportReport:
    importer_class = registry.get(job.kind)
    importer = importer_class(
        workspace=job.workspace,
        user=user,
        options={**job.options, "filename": job.original_filename},
    )
    membership = importer.context.membership
    if user is None or membership is None or not membership.has_role(importer_class.required_role):
        report = ImportReport(importer=job.kind, commit=commit)
        report.file_error = _("You are no longer allowed to run this import.")
        return report
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
        table = read_table(data, job.original_filename)
    except (ImportFileError, OSError) as error:
        report = ImportReport(importer=job.kind, commit=commit)
        report.file_error = getattr(error, "message", None) or _("The file could not be read.")
        return report
    _set(job, total_rows=len(table.rows), processed_rows=0)

    def progress(done: int, total: int) -> None:
        _set(job, processed_rows=done, total_rows=total)

    return run_import(
        importer, table, commit=commit, all_or_nothing=job.all_or_nothing, progress=progress
    )


def _finish(job: ImportJob, report: ImportReport, *, commit: bool) -> None:
    error = ""
    if report.file_error:
        status, error = Status.FAILED, report.file_error
    elif not commit:
        status = Status.VALIDATED
    elif report.committed:
        status = Status.DONE
    else:
        status = Status.FAILED
        error = ngettext(
            "%(count)s row has errors: nothing was imported.",
            "%(count)s rows have errors: nothing was imported.",
            report.invalid,
        ) % {"count": report.invalid}
    _set(
        job,
        status=status,
        report=report.to_dict(),
        error_message=error,
        processed_rows=report.total,
        finished_at=timezone.now(),
    )
