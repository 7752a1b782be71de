"""Report jobs sent through Redis to real Celery worker processes, and the PDF downloaded over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.urls import reverse

from csp_portal.celery import app
from csp_portal.organisations.models import Role
from reports.models import ReportJob, ReportVersion
from tests import worker as workers
from tests.factories import UserFactory

from .conftest import ESCALATION, Q2, flat, grow, pdf_text

pytestmark = pytest.mark.worker


def wait_for(job: ReportJob, seconds: float = 180, until=lambda job: job.is_finished) -> ReportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if until(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job.pk} is still {job.status} ({job.stage}) after {seconds} s")


def test_an_issued_report_from_a_real_worker_is_downloaded_by_a_board_member(media, celery_worker, cast, data, client):
    client.force_login(cast.officer)
    response = client.post(reverse("reports:report_issue", args=["lancaster", Q2]), {"version": "1"})
    job = ReportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    state = client.get(reverse("reports:report_job_status", args=["lancaster", job.pk])).json()
    assert state["status"] in {"queued", "rendering", "ready"}

    job = wait_for(job)
    assert job.status == ReportJob.Status.READY, job.error
    assert job.worker.endswith(f":{celery_worker.process.pid}")
    assert client.get(reverse("reports:report_job_status", args=["lancaster", job.pk])).json()["download_url"]

    client.force_login(cast.board_member)
    download = client.get(job.download_url)
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in ("Domestic violence and abuse", "Road safety", "DV prevention campaign", flat(ESCALATION)):
        assert expected in text

    stranger = UserFactory(email="board@csr.example", full_name="Chris Board")
    Role.objects.create(user=stranger, partnership=cast.chorley_south_ribble, role=Role.Kind.BOARD)
    client.force_login(stranger)
    assert client.get(job.download_url).status_code == 404


class PreforkWorker(workers.WorkerProcess):
    """A worker with a prefork pool: the task runs in a child process that the test can kill, as the
    kernel's OOM killer or a node drain would, while the parent notices and requeues the message."""

    def start(self, timeout: float = 60) -> PreforkWorker:
        env = dict(
            os.environ, DJANGO_SETTINGS_MODULE="csp_portal.settings.test", DATABASE_URL=workers.test_database_url()
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "csp_portal", "worker", "--pool=prefork", "--concurrency=1"]
            + ["--without-gossip", "--without-mingle", "--loglevel=INFO", "-n", self.name],
            cwd=workers.ROOT,
            env=env,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if app.control.ping(destination=[self.name], timeout=0.5):
                return self
        raise RuntimeError(f"worker did not answer: {self.log_path.read_text()[-2000:]}")


@pytest.fixture
def prefork_worker(media, transactional_db, tmp_path):
    worker = PreforkWorker(f"prefork-{os.getpid()}@localhost", tmp_path / "prefork.log").start()
    yield worker
    worker.stop()


def test_a_worker_killed_mid_render_leaves_no_ready_report_and_the_job_is_finished_again(
    prefork_worker, cast, data, client
):
    grow(cast, data, 10)  # enough actions for the render to take a few seconds
    client.force_login(cast.officer)
    client.post(reverse("reports:report_issue", args=["lancaster", Q2]), {"version": "1"})
    job = wait_for(ReportJob.objects.get(), until=lambda job: job.status == "rendering" and job.worker)
    child = int(job.worker.rsplit(":", 1)[1])
    assert child != prefork_worker.process.pid
    os.kill(child, signal.SIGKILL)

    job.refresh_from_db()
    assert job.status == ReportJob.Status.RENDERING
    assert not ReportVersion.objects.exists()

    job = wait_for(job)
    assert job.status == ReportJob.Status.READY, job.error
    assert job.attempts == 2
    assert int(job.worker.rsplit(":", 1)[1]) != child
    assert list(ReportVersion.objects.values_list("version", flat=True)) == [1]
    assert "DV prevention campaign" in pdf_text(job.result.pdf.read())


def test_a_draft_an_officer_asks_for_at_quarter_end_is_rendered_before_the_scheduled_batch(
    media, transactional_db, cast, data, tmp_path
):
    """Every partnership's quarter-end draft is queued at once; one an officer asks for after them
    is taken by the next free worker rather than waiting behind the whole batch."""
    from datetime import date

    from reports import services

    app.control.purge()
    batch = services.draft_quarter_end_reports(date(2025, 10, 1))  # 2025/26 Q2 ended yesterday
    assert len(batch) == 3
    asked = services.request_report(cast.lancaster, Q2, actor=cast.officer, kind="draft")
    assert ReportJob.objects.filter(sent__isnull=True).count() == 0, "every job was handed to Redis"

    worker = workers.WorkerProcess(f"order-{os.getpid()}@localhost", tmp_path / "worker.log").start()
    try:
        finished = [wait_for(job) for job in [asked, *batch]]
    finally:
        worker.stop()
    assert {job.status for job in finished} == {ReportJob.Status.READY}
    asked, *batch = finished
    assert all(asked.started < job.started for job in batch), [(j.pk, j.scheduled, j.started) for j in finished]
