"""Background jobs of the evidence app: thin shims over services."""

from celery import shared_task

from .services import crime


# The import row is the result; and sending must not wait on the result store.
@shared_task(name="assessments.run_crime_import", ignore_result=True)
def run_crime_import(job_id: int) -> None:
    crime.run_import_job(job_id)


@shared_task(name="assessments.resend_waiting_imports", ignore_result=True)
def resend_waiting_imports() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): send the imports the queue missed."""
    return crime.resend_waiting_imports()
