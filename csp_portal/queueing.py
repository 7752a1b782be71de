"""Handing jobs to the Celery workers without letting an unreachable broker break a request.

A job the user waits for (a report, a crime-data import) has a row with ``status``, ``stage`` and
``sent``: when it was handed to the broker. The row is written whatever happens; sending is
claimed with a conditional UPDATE of ``sent``, and a failed send clears it again and says in
``stage`` that the work is delayed. Jobs left unsent, or whose message Redis lost, are sent again
by a beat task (and by the job's status page): the tasks ignore a job that is no longer queued, so
a second copy costs nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import current_app
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

QUEUED = "queued"


def task_named(name: str):
    """The registered task called ``name``. Services send tasks by name, so that they never import
    their app's tasks module (which imports them); the first call loads every app's tasks."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # Celery's autodiscovery of each app's tasks.py
    return current_app.tasks[name]


# Redis serves a queue's messages of priority 0 first and 9 last (kombu's priority_steps).
# A batch nobody is waiting for, such as every partnership's quarter-end draft, is sent at
# BACKGROUND, so that what a person has just asked for (their own draft, an e-mail) is taken
# by the next free worker instead of waiting behind the whole batch.
BACKGROUND = 9


def send(task: str, *args, priority: int | None = None) -> bool:
    """Publish the task named ``task``; False, at once, when the broker cannot be reached (publishing
    retries briefly, see CELERY_TASK_PUBLISH_RETRY_POLICY, so a request never waits long)."""
    try:
        task_named(task).apply_async(args, priority=priority)
    except (BrokerError, RedisError, OSError) as error:
        log.warning("%s%r not sent, the broker is unreachable: %s", task, args, error)
        return False
    return True


def send_on_commit(task: str, *args) -> None:
    """Send the task once the current transaction commits, so that it reads what was written."""
    transaction.on_commit(lambda: send(task, *args))


def dispatch(jobs: QuerySet, pk: int, task: str, *, delayed: str, waiting: str, priority: int | None = None) -> bool:
    """Send the queued job ``pk`` of ``jobs`` to ``task`` unless it was sent already; True when sent now."""
    now = timezone.now()
    if not jobs.filter(pk=pk, status=QUEUED, sent__isnull=True).update(sent=now):
        return False
    if send(task, pk, priority=priority):
        jobs.filter(pk=pk, status=QUEUED, stage=delayed).update(stage=waiting)
        return True
    jobs.filter(pk=pk, status=QUEUED, sent=now).update(sent=None, stage=delayed)
    return False


def resend_waiting(
    jobs: QuerySet,
    task: str,
    *,
    delayed: str,
    waiting: str,
    lost_after: timedelta,
    now: datetime | None = None,
    background: Q | None = None,
) -> int:
    """Send every queued job that was never sent, or was sent more than ``lost_after`` ago and is
    still queued (its message was lost with a Redis restart); those matching ``background`` at
    BACKGROUND priority. Returns how many were sent."""
    now = now or timezone.now()
    jobs.filter(status=QUEUED, sent__lt=now - lost_after).update(sent=None)
    unsent = jobs.filter(status=QUEUED, sent__isnull=True).order_by("pk")
    flag = Value(False) if background is None else ExpressionWrapper(background, output_field=BooleanField())
    return sum(
        dispatch(jobs, pk, task, delayed=delayed, waiting=waiting, priority=BACKGROUND if is_background else None)
        for pk, is_background in list(unsent.annotate(is_background=flag).values_list("pk", "is_background"))
    )
