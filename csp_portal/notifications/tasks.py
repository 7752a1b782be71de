"""Background jobs of notifications: shims over services."""

from celery import shared_task

from . import services


# The rows are the result; sending must not wait on the result store.
@shared_task(name="notifications.send_emails", ignore_result=True)
def send_emails(ids: list[int]) -> int:
    return services.send_emails(ids)


@shared_task(name="notifications.resend_waiting", ignore_result=True)
def resend_waiting() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): send the e-mails the queue missed."""
    return services.resend_waiting()


@shared_task(name="notifications.send_weekly_digests", ignore_result=True)
def send_weekly_digests() -> int:
    """Weekly (CELERY_BEAT_SCHEDULE): each person's digest of the week's notifications."""
    return services.send_weekly_digests()
