"""Impact report documents written in the background: one `ReportJob` per PDF or DOCX asked for.

pending ──generate_report──▶ running ──▶ done    (the file is stored, served to members)
                                   └──────▶ failed  (a readable reason; the exception is logged)

A report of 100 indicators takes about a minute to write as a PDF and a report of 1,000 several
(docs/impact.md, "Cost"): the page queues a job (`report_job_create`), the task
(`tasks.generate_report`) calls `run_report_job`, which records its step and progress on the job
as `reports.build_report` and the renderers report them, then stores the file. The page polls the
job (HTMX) and offers the download once it is done. Jobs, and their files, are deleted
`IMPACT_REPORT_RETENTION_DAYS` after they were asked for (`purge_report_jobs`).
"""

import logging
import time
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from maillage.core.services import tenant_create
from maillage.workspaces.models import Membership

from . import reports, subjects
from .models import ReportJob
from .report_docx import render_docx

logger = logging.getLogger(__name__)
Status = ReportJob.Status
Error = ReportJob.Error

#: A person may have this many documents waiting or being written at once in a workspace.
MAX_WAITING_PER_USER = 3
#: Progress is written at most this often (seconds), and at every change of step.
PROGRESS_INTERVAL = 0.5

#: The share of the whole work each step takes, per format: (percent at its start, at its end).
#: Measured on the demo workspace (26 indicators; the same shares with 100, docs/impact.md,
#: "Cost"): drawing the charts is a quarter of a PDF's time and a third of a DOCX's; laying out
#: the PDF's pages is more than half of it.
STEP_SPANS = {
    ReportJob.Format.PDF: {
        reports.READING: (0, 4),
        reports.DRAWING: (4, 28),
        reports.LAYOUT: (28, 86),
        reports.WRITING: (86, 98),
        ReportJob.Phase.SAVING: (98, 100),
    },
    ReportJob.Format.DOCX: {
        reports.READING: (0, 1),
        reports.DRAWING: (1, 35),
        reports.WRITING: (35, 98),
        ReportJob.Phase.SAVING: (98, 100),
    },
}


class TooManyWaiting(Exception):
    """The person already has `MAX_WAITING_PER_USER` documents waiting or being written."""

    def __init__(self, oldest: ReportJob):
        self.oldest = oldest
        super().__init__(f"job {oldest.pk} and others are still running")


# --- asking for a document -----------------------------------------------------------------------


def report_job_create(
    *,
    workspace,
    user,
    subject: subjects.Subject,
    start: date,
    end: date,
    language: str,
    format: str,
    base_url: str = "",
    request=None,
) -> tuple[ReportJob, bool]:
    """Queue the writing of a document; returns `(job, created)`.

    The same document (same parameters and format) that the person is already waiting for is
    returned instead of being queued again (a double click). Raises `TooManyWaiting` when the
    person already waits for `MAX_WAITING_PER_USER` others. Expired jobs of the workspace are
    purged on the way (`purge_report_jobs`).
    """
    from .tasks import generate_report

    parameters = {
        "subject_ref": subject.ref,
        "start": start,
        "end": end,
        "language": language,
        "format": format,
    }
    waiting = ReportJob.objects.filter(
        workspace=workspace, created_by=user, status__in=ReportJob.RUNNING_STATUSES
    ).order_by("created_at", "id")
    same = waiting.filter(**parameters).first()
    if same is not None:
        return same, False
    waiting = list(waiting[:MAX_WAITING_PER_USER])
    if len(waiting) >= MAX_WAITING_PER_USER:
        raise TooManyWaiting(waiting[0])
    purge_report_jobs(workspace=workspace)
    job = tenant_create(
        ReportJob,
        workspace=workspace,
        user=user,
        request=request,
        base_url=base_url[:200],
        **parameters,
    )
    generate_report.enqueue(job.pk)
    return job, True


# --- writing it (the task) -----------------------------------------------------------------------


def _set(job: ReportJob, **fields) -> None:
    ReportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now(), **fields)
    for name, value in fields.items():
        setattr(job, name, value)


class _Recorder:
    """The `progress` callback of a job: writes its step and percentage, not too often."""

    def __init__(self, job: ReportJob):
        self.job = job
        self.spans = STEP_SPANS[job.format]
        self.step = None
        self.written_at = 0.0

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.monotonic()
        ends_step = total and done >= total
        if step == self.step and not ends_step and now - self.written_at < PROGRESS_INTERVAL:
            return
        low, high = self.spans.get(step, (self.job.percent, self.job.percent))
        percent = low + (high - low) * min(done, total) // total if total else low
        fields = {
            "phase": step,
            "step_done": done,
            "step_total": total,
            "percent": max(percent, self.job.percent),  # never back
        }
        if step == reports.DRAWING:
            fields["indicators"] = total
        _set(self.job, **fields)
        self.step, self.written_at = step, now


def _problem(job: ReportJob) -> tuple[str, subjects.Subject | None]:
    """Why the job cannot be written any more (an `Error`), or ("", its subject)."""
    user = job.created_by
    if user is None or not user.is_active:
        return Error.NOT_A_MEMBER, None
    if not Membership.objects.filter(workspace=job.workspace, user=user).exists():
        return Error.NOT_A_MEMBER, None
    try:
        subject = subjects.resolve(job.workspace, *subjects.parse_ref(job.subject_ref))
    except ValidationError:
        return Error.SUBJECT_GONE, None
    return "", subject


def run_report_job(job_id: int) -> dict:
    """Write the job's document, recording its progress, then store the file on the job."""
    with scopes_disabled():
        job = ReportJob.objects.select_related("workspace", "created_by").filter(pk=job_id).first()
    if job is None:  # purged before its turn came
        return {"skipped": "gone"}
    with scope(workspace=job.workspace):
        now = timezone.now()
        claimed = ReportJob.objects.filter(pk=job.pk, status=Status.PENDING).update(
            status=Status.RUNNING,
            phase=reports.READING,
            started_at=now,
            updated_at=now,
        )
        if not claimed:  # delivered twice, or already done
            return {"skipped": job.status}
        job.status, job.started_at = Status.RUNNING, now
        try:
            error, subject = _problem(job)
            if error:
                _set(job, status=Status.FAILED, error=error, finished_at=timezone.now())
                return {"status": job.status, "error": error}
            _write(job, subject)
        except Exception:
            logger.exception("Impact report job %s (%s) failed", job.pk, job.format)
            _set(job, status=Status.FAILED, error=Error.UNEXPECTED, finished_at=timezone.now())
            raise
    return {"status": job.status, "file": job.file.name, "bytes": job.file_size}


def _write(job: ReportJob, subject: subjects.Subject) -> None:
    progress = _Recorder(job)
    report = reports.build_report(
        job.workspace,
        subject=subject,
        start=job.start,
        end=job.end,
        language=job.language,
        base_url=job.base_url,
        progress=progress,
    )
    if job.format == ReportJob.Format.DOCX:
        content = render_docx(report, progress=progress)
    else:
        content = reports.render_pdf(report, progress=progress)
    progress(ReportJob.Phase.SAVING, 0, 1)
    job.file.save(f"report.{job.format}", ContentFile(content), save=False)
    _set(
        job,
        status=Status.DONE,
        file=job.file.name,
        filename=report.filename(job.format),
        file_size=len(content),
        phase=ReportJob.Phase.SAVING,
        step_done=1,
        step_total=1,
        percent=100,
        finished_at=timezone.now(),
    )


# --- retention -----------------------------------------------------------------------------------


def purge_report_jobs(*, days: int | None = None, workspace=None) -> int:
    """Delete the jobs asked for more than `days` ago (`IMPACT_REPORT_RETENTION_DAYS` by
    default), in every workspace or in one, with their files. Returns how many were deleted."""
    if days is None:
        days = settings.IMPACT_REPORT_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    with scopes_disabled():
        expired = ReportJob.objects.filter(created_at__lt=cutoff)
        if workspace is not None:
            expired = expired.filter(workspace=workspace)
        jobs = list(expired)
        for job in jobs:
            job.delete()  # the file goes with it (`models.delete_report_file`)
    return len(jobs)
