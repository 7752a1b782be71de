"""Housekeeping tasks of the project itself."""

import os

from celery import shared_task
from django.core.management import call_command


@shared_task(name="csp_portal.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task(name="csp_portal.tasks.echo")
def echo(value: str) -> dict:
    """Answers with what it was given and which process ran it; /healthz and the tests use it."""
    return {"value": value, "pid": os.getpid()}
