"""Background jobs of the reports app: shims that load the job and call a service."""

from celery import shared_task

from . import services


@shared_task(
    bind=True,
    name="reports.render_report",
    ignore_result=True,  # the job row is the result; and sending must not wait on the result store
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(services.RetryRender,),
    retry_backoff=15,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=services.MAX_ATTEMPTS - 1,
)
def render_report(self, job_id: int) -> str | None:
    """Render one ReportJob; transient failures are retried with backoff, then the job fails."""
    job = services.run_job(job_id, final_attempt=self.request.retries >= self.max_retries)
    return job.status if job is not None else None


@shared_task(name="reports.draft_quarter_end_reports")
def draft_quarter_end_reports() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): draft every partnership's report when a quarter has ended."""
    return len(services.draft_quarter_end_reports())


@shared_task(name="reports.resend_waiting_jobs", ignore_result=True)
def resend_waiting_jobs() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): send jobs the queue missed; recover stalled renders."""
    return services.resend_waiting_jobs()
