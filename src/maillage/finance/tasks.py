"""Background tasks of finance (django-tasks: `manage.py db_worker` runs them, tests at once)."""

from django_tasks import task

from .services.overviews import run_document_job


@task()
def generate_document(job_id: int) -> dict:
    """Write a `DocumentJob`'s file (the EU pack) and store it on the job: opens the scope of
    the job's workspace, records the step and progress as the pack is written; on an error,
    marks the job failed with a readable reason and logs the exception."""
    return run_document_job(job_id)
