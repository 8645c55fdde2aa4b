"""Finance documents written in the background: the EU "contrôle de service fait" pack.

pending ──generate_document──▶ running ──▶ done    (the ZIP is stored, served to its author)
                                      └──────▶ failed  (a readable reason; the exception is logged)

A pack holds one timesheet PDF per person and month (about a quarter of a second each): a
two-year agreement with six people is 144 timesheets, half a minute or more. The page queues a
`DocumentJob` (`eu_pack_job_create`), the task (`tasks.generate_document`) calls
`run_document_job`, which records its step and progress as the pack is written, then stores
the file. The page polls the job (HTMX) and offers the download once it is done. Jobs and their
files are deleted `FINANCE_DOCUMENT_RETENTION_DAYS` (default: the impact reports' retention)
after they were asked for.

A pack shows hourly rates and the cost of each person's time only when its author may see
salaries, both when they ask for it and when it is written; so only its author downloads it.
"""

import logging
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from django_scopes import scope, scopes_disabled

from maillage.core.personal_data import DELETE, register
from maillage.core.services import tenant_create
from maillage.workspaces.models import Membership

from ..models import DocumentJob, FundingAgreement
from ..reports import eu_pack

logger = logging.getLogger(__name__)
Status = DocumentJob.Status
Phase = DocumentJob.Phase

#: A person may have this many documents waiting or being written at once in a workspace.
MAX_WAITING_PER_USER = 3
#: Progress is written at most this often (seconds), and at every change of step.
PROGRESS_INTERVAL = 0.5
#: The share of the work each step takes (percent at its start, at its end): the timesheets
#: are nearly all of it.
STEP_SPANS = {
    Phase.READING: (0, 3),
    Phase.TIMESHEETS: (3, 88),
    Phase.DOCUMENTS: (88, 94),
    Phase.SUMMARY: (94, 98),
    Phase.SAVING: (98, 100),
}


def retention_days() -> int:
    return getattr(
        settings, "FINANCE_DOCUMENT_RETENTION_DAYS", settings.IMPACT_REPORT_RETENTION_DAYS
    )


class TooManyWaiting(Exception):
    """The person already has `MAX_WAITING_PER_USER` documents waiting or being written."""

    def __init__(self, oldest: DocumentJob):
        self.oldest = oldest
        super().__init__(f"job {oldest.pk} and others are still running")


def eu_pack_job_create(
    *,
    workspace,
    user,
    agreement: FundingAgreement,
    language: str,
    with_amounts: bool,
    request=None,
) -> tuple[DocumentJob, bool]:
    """Queue the writing of an agreement's EU pack; returns `(job, created)`.

    The same pack the person is already waiting for is returned instead (a double click);
    `TooManyWaiting` when they already wait for `MAX_WAITING_PER_USER` others."""
    from ..tasks import generate_document

    parameters = {
        "kind": DocumentJob.Kind.EU_PACK,
        "agreement": agreement,
        "language": language,
        "with_amounts": with_amounts,
    }
    fail_stalled_jobs(workspace=workspace)
    waiting = DocumentJob.objects.filter(
        workspace=workspace, created_by=user, status__in=DocumentJob.RUNNING_STATUSES
    ).order_by("created_at", "id")
    same = waiting.filter(**parameters).first()
    if same is not None:
        return same, False
    waiting = list(waiting[:MAX_WAITING_PER_USER])
    if len(waiting) >= MAX_WAITING_PER_USER:
        raise TooManyWaiting(waiting[0])
    purge_document_jobs(workspace=workspace)
    job = tenant_create(DocumentJob, workspace=workspace, user=user, request=request, **parameters)
    generate_document.enqueue(job.pk)
    return job, True


# --- writing it (the task) -----------------------------------------------------------------------


def _set(job: DocumentJob, **fields) -> None:
    DocumentJob.objects.filter(pk=job.pk).update(updated_at=timezone.now(), **fields)
    for name, value in fields.items():
        setattr(job, name, value)


class _Recorder:
    """The `progress` callback of a job: writes its step and percentage, not too often."""

    def __init__(self, job: DocumentJob):
        self.job = job
        self.step = None
        self.written_at = 0.0

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        ends_step = not total or done >= total
        if step == self.step and not ends_step and now - self.written_at < PROGRESS_INTERVAL:
            return
        low, high = STEP_SPANS.get(step, (self.job.percent, self.job.percent))
        percent = low + (high - low) * min(done, total) // total if total else high
        _set(
            self.job,
            phase=step,
            step_done=done,
            step_total=total,
            percent=max(percent, self.job.percent),  # never back
        )
        self.step, self.written_at = step, now


def _membership(job: DocumentJob) -> Membership | None:
    user = job.created_by
    if user is None or not user.is_active:
        return None
    return Membership.objects.filter(workspace=job.workspace, user=user).first()


def run_document_job(job_id: int, *, render_timesheet=None) -> dict:
    """Write the job's document, recording its progress, then store the file on the job."""
    with scopes_disabled():
        job = (
            DocumentJob.objects.select_related("workspace", "created_by", "agreement__funder")
            .filter(pk=job_id)
            .first()
        )
    if job is None:  # purged before its turn came
        return {"skipped": "gone"}
    with scope(workspace=job.workspace):
        now = timezone.now()
        claimed = DocumentJob.objects.filter(pk=job.pk, status=Status.PENDING).update(
            status=Status.RUNNING, phase=Phase.READING, started_at=now, updated_at=now
        )
        if not claimed:  # delivered twice, or already done
            return {"skipped": job.status}
        job.status, job.started_at = Status.RUNNING, now
        try:
            membership = _membership(job)
            if membership is None:
                error = DocumentJob.Error.NOT_A_MEMBER
                _set(job, status=Status.FAILED, error=error, finished_at=timezone.now())
                return {"status": job.status, "error": error}
            with_amounts = job.with_amounts and membership.can_view_sensitive
            with translation.override(job.language):
                _write(job, with_amounts, render_timesheet)
        except Exception:
            logger.exception("Finance document job %s (%s) failed", job.pk, job.kind)
            error = DocumentJob.Error.UNEXPECTED
            _set(job, status=Status.FAILED, error=error, finished_at=timezone.now())
            raise
    return {"status": job.status, "file": job.file.name, "bytes": job.file_size}


def _write(job: DocumentJob, with_amounts: bool, render_timesheet) -> None:
    progress = _Recorder(job)
    progress(Phase.READING, 0, 1)
    pack = eu_pack.build_pack(job.agreement, with_amounts=with_amounts)
    progress(Phase.READING, 1, 1)
    options = {"render_timesheet": render_timesheet} if render_timesheet else {}
    with tempfile.TemporaryFile() as buffer:
        eu_pack.write_pack(buffer, pack, progress=progress, **options)
        progress(Phase.SAVING, 0, 1)
        size = buffer.tell()
        buffer.seek(0)
        job.file.save("pack.zip", File(buffer), save=False)
    _set(
        job,
        status=Status.DONE,
        file=job.file.name,
        filename=eu_pack.filename(pack),
        file_size=size,
        phase=Phase.SAVING,
        step_done=1,
        step_total=1,
        percent=100,
        finished_at=timezone.now(),
    )


def fail_stalled_jobs(*, workspace) -> int:
    """Mark failed the running jobs whose progress stopped (`DocumentJob.STALLED_AFTER`): their
    worker was stopped; the person may ask again."""
    cutoff = timezone.now() - DocumentJob.STALLED_AFTER
    return DocumentJob.objects.filter(
        workspace=workspace, status=Status.RUNNING, updated_at__lt=cutoff
    ).update(status=Status.FAILED, error=DocumentJob.Error.INTERRUPTED, finished_at=timezone.now())


# --- retention -----------------------------------------------------------------------------------


def purge_document_jobs(*, days: int | None = None, workspace=None) -> int:
    """Delete the jobs asked for more than `days` ago, with their files; how many."""
    if days is None:
        days = retention_days()
    cutoff = timezone.now() - timedelta(days=days)
    with scopes_disabled():
        expired = DocumentJob.objects.filter(created_at__lt=cutoff)
        if workspace is not None:
            expired = expired.filter(workspace=workspace)
        jobs = list(expired)
        for job in jobs:
            job.delete()  # the file goes with it (`models.documents.delete_document_file`)
    return len(jobs)


# --- personal data -------------------------------------------------------------------------------


def register_document_jobs() -> None:
    """The documents a person asked for record what they generated and when: exported, and
    deleted with their files on erasure (anyone allowed can write the pack again)."""
    register(
        DocumentJob,
        label=gettext_lazy("Finance documents you asked for"),
        person_field="created_by",
        fields=["created_by"],
        extra_fields=["kind", "agreement", "language", "status", "filename", "created_at"],
        erase=DELETE,
        order=83,
    )
