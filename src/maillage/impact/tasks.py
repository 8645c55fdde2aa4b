"""Background tasks of impact (django-tasks: `manage.py db_worker` runs them, tests at once)."""

from django_tasks import task

from .report_jobs import run_report_job


@task()
def generate_report(job_id: int) -> dict:
    """Write a `ReportJob`'s document (PDF or DOCX) and store it on the job.

    Opens the scope of the job's workspace, records the step and progress on the job as the
    report is built and rendered, stores the file; on an error, marks the job failed with a
    readable reason and logs the exception (`report_jobs.run_report_job`)."""
    return run_report_job(job_id)
