"""Scheduled work for action plans: shims that call a service."""

from datetime import date

from celery import shared_task

from . import services


@shared_task
def send_return_reminders(today: str | None = None) -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind leads of progress returns before and after the deadline.
    ``today`` (ISO date) is for replaying a missed day; by default it is today."""
    return services.send_scheduled_reminders(date.fromisoformat(today) if today else None)
