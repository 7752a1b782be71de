"""A worker killed in the middle of a render leaves no 'ready' job and no file; the stalled-job
sweep hands the job to another worker, which finishes it."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import ReportJob
from tests.reports.conftest import Q2, grow

from .conftest import assert_valid_pdf, files_under, pdf_text, wait_for

pytestmark = pytest.mark.worker


def test_a_worker_killed_mid_render_leaves_the_job_retryable_and_another_worker_finishes_it(
    media, cast, data, client, start_worker
):
    grow(cast, data, 10)  # enough actions for the layout to take a few seconds
    doomed = start_worker()
    client.force_login(cast.officer)
    client.post(reverse("reports:report_request", args=["lancaster", Q2]), {"kind": "draft"})
    job = wait_for(ReportJob.objects.get(), until=lambda job: job.stage == "Laying out the pages")
    assert job.worker.endswith(f":{doomed.process.pid}")

    doomed.process.send_signal(signal.SIGKILL)
    doomed.process.wait(10)

    job.refresh_from_db()
    assert job.status == ReportJob.Status.RENDERING
    assert (job.pdf.name, job.checksum, job.finished) == ("", "", None)
    assert files_under(media) == []
    state = client.get(reverse("reports:report_job_status", args=["lancaster", job.pk])).json()
    assert (state["finished"], state["download_url"]) == (False, "")

    # Before the hard time limit has passed the sweep leaves the job alone: its worker may be alive.
    assert services.resend_waiting_jobs() == 0
    assert ReportJob.objects.get().status == ReportJob.Status.RENDERING

    # The beat sweep runs every minute; it is called as it would run once the limit has passed.
    rescuer = start_worker()
    later = timezone.now() + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) + services.STALLED_MARGIN
    assert services.resend_waiting_jobs(now=later) == 1

    job = wait_for(job)
    pdf = assert_valid_pdf(job)
    assert job.attempts == 2
    assert job.worker.endswith(f":{rescuer.process.pid}")
    assert "Action 9.2" in pdf_text(pdf)
    assert files_under(media) == [media / job.pdf.name]


@pytest.mark.django_db
def test_the_sweep_fails_a_stalled_job_that_has_had_every_attempt(cast, data):
    started = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - services.STALLED_MARGIN
    job = ReportJob.objects.create(
        partnership=cast.lancaster,
        year=Q2.year,
        number=Q2.number,
        status=ReportJob.Status.RENDERING,
        started=started - timedelta(seconds=1),
        attempts=services.MAX_ATTEMPTS,
        sent=started,
    )
    assert services.resend_waiting_jobs() == 0
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert "its worker stopped 4 times" in job.error
