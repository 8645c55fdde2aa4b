"""Background tasks of imports (django-tasks: `manage.py db_worker` runs them, tests at once).

Each task loads its job, opens `django_scopes.scope(workspace=job.workspace)` and records its
progress on the job every chunk of rows (`Importer.chunk_size`).
"""

from django_tasks import task

from .services import run_job


@task()
def validate_import(job_id: int) -> dict:
    """Check every row of the job's file and store the report (the preview). Writes nothing else."""
    return run_job(job_id, commit=False)


@task()
def commit_import(job_id: int) -> dict:
    """Save the job's valid rows in one transaction (all or nothing unless partial is allowed)."""
    return run_job(job_id, commit=True)
