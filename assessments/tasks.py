"""Background jobs of the evidence app: thin shims over services."""

from celery import shared_task


@shared_task(name="assessments.run_crime_import")
def run_crime_import(job_id: int) -> None:
    from .services.crime import run_import_job

    run_import_job(job_id)
