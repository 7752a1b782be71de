"""The sweep's rules, at service level: which waiting jobs it sends, and that each is sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from assessments import tasks as assessment_tasks
from assessments.models import CrimeImport
from assessments.services import crime
from reports import services, tasks
from reports.models import ReportJob
from tests.reports.conftest import Q2

pytestmark = pytest.mark.django_db
LIMIT = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """The report jobs handed to the queue, instead of Redis."""
    handed = []
    monkeypatch.setattr(tasks.render_report, "apply_async", lambda args, **options: handed.append(*args))
    return handed


def job(cast, **values) -> ReportJob:
    return ReportJob.objects.create(partnership=cast.lancaster, year=Q2.year, number=Q2.number, **values)


def test_the_sweep_sends_unsent_and_lost_jobs_and_leaves_the_rest(cast, sent):
    now = timezone.now()
    unsent = job(cast, stage=services.DELAYED)
    lost = job(cast, sent=now - LIMIT - timedelta(seconds=1))
    recently_sent = job(cast, sent=now - timedelta(seconds=30))
    rendering = job(cast, status=ReportJob.Status.RENDERING, sent=now, started=now, attempts=1)
    failed = job(cast, status=ReportJob.Status.FAILED)

    assert services.resend_waiting_jobs(now=now) == 2
    assert sorted(sent) == sorted([unsent.pk, lost.pk])
    unsent.refresh_from_db()
    assert (unsent.sent is not None, unsent.stage) == (True, services.WAITING)
    for untouched in (recently_sent, rendering, failed):
        before = untouched.status
        untouched.refresh_from_db()
        assert untouched.status == before

    assert services.resend_waiting_jobs(now=now) == 0  # each is sent once
    assert len(sent) == 2


def test_a_job_the_broker_refused_keeps_waiting_and_says_rendering_is_delayed(cast, monkeypatch):
    def refuse(job_id):
        raise OSError("Connection refused")

    monkeypatch.setattr(tasks.render_report, "apply_async", lambda args, **options: refuse(*args))
    waiting = job(cast, stage=services.WAITING)
    assert services.dispatch(waiting.pk) is False
    waiting.refresh_from_db()
    assert (waiting.status, waiting.sent, waiting.stage) == (ReportJob.Status.QUEUED, None, services.DELAYED)


def test_a_stalled_render_goes_back_to_the_queue_for_another_worker(cast, sent):
    now = timezone.now()
    started = now - LIMIT - timedelta(minutes=2)
    stalled = job(cast, status=ReportJob.Status.RENDERING, sent=started, started=started, attempts=1)
    assert services.resend_waiting_jobs(now=now) == 1
    stalled.refresh_from_db()
    assert (stalled.status, sent) == (ReportJob.Status.QUEUED, [stalled.pk])
    assert "stopped with its worker" in stalled.error


def test_the_import_sweep_sends_an_import_uploaded_while_the_queue_was_down(cast, monkeypatch):
    handed = []
    monkeypatch.setattr(assessment_tasks.run_crime_import, "apply_async", lambda args, **options: handed.append(*args))
    waiting = CrimeImport.objects.create(partnership=cast.lancashire, stage=crime.DELAYED)
    done = CrimeImport.objects.create(partnership=cast.lancashire, status=CrimeImport.Status.READY)
    assert crime.resend_waiting_imports() == 1
    assert handed == [waiting.pk]
    waiting.refresh_from_db()
    assert (waiting.stage, done.sent) == (crime.WAITING, None)
