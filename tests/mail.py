"""Running the e-mails a block of code queues as the worker would once its transaction commits, so
that a test can read them in django.core.mail.outbox (the real worker: tests/notifications/test_worker.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.test import TestCase

from csp_portal import queueing


@contextmanager
def emails_sent() -> Iterator[None]:
    def run_now(task: str, *args, priority: int | None = None) -> bool:
        queueing.task_named(task).apply(args=args)
        return True

    with mock.patch.object(queueing, "send", side_effect=run_now), TestCase.captureOnCommitCallbacks(execute=True):
        yield
