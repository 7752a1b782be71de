"""Scheduled work for action plans: shims that call a service."""

from celery import shared_task

from . import services


@shared_task
def send_return_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind leads of progress returns before and after the deadline."""
    return services.send_scheduled_reminders()
