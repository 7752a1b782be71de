"""Fault tests stop and start the run's own PostgreSQL and Redis, and real worker and web processes.

They need servers this run started (tests/services.py): with DATABASE_URL or REDIS_URL given, the
servers belong to someone else and the tests are skipped.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from pathlib import Path

import pytest
from django.db import connections

from reports.models import ReportJob
from tests import services
from tests.reports.conftest import data, pdf_text  # noqa: F401  (fixtures and helpers shared with report tests)
from tests.worker import WorkerProcess


def _own(name: str, variable: str) -> services.Service:
    service = services.started(name)
    if service is None:
        pytest.skip(f"{variable} was given: fault tests stop and start {name}, so they need the server the run starts")
    return service


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_server():
    """The run's Redis, running again after the test whatever the test did to it."""
    service = _own("redis", "REDIS_URL")
    yield service
    if not _listening(service.details["port"]):
        service.start()


@pytest.fixture
def postgres_server():
    """The run's PostgreSQL, running again after the test, with this process's connections renewed."""
    service = _own("postgres", "DATABASE_URL")
    yield service
    if not _listening(service.details["port"]):
        service.start()
    connections.close_all()


@pytest.fixture
def media(tmp_path, settings, monkeypatch):
    """Rendered reports and uploads kept where worker processes (which read MEDIA_ROOT) find them."""
    folder = tmp_path / "media"
    folder.mkdir()
    monkeypatch.setenv("MEDIA_ROOT", str(folder))
    settings.MEDIA_ROOT = folder
    return folder


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start real solo-pool worker processes on demand; each is stopped when the test ends."""
    started: list[WorkerProcess] = []

    def start(**environ: str) -> WorkerProcess:
        name = f"fault-{os.getpid()}-{len(started)}@localhost"
        worker = WorkerProcess(name, tmp_path / f"{name}.log")
        saved = {key: os.environ.get(key) for key in environ}
        os.environ.update(environ)
        try:
            started.append(worker.start())
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key)
                else:
                    os.environ[key] = value
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(job, seconds: float = 60, until=lambda job: job.is_finished):
    """Poll the row until ``until`` holds; fail with its state after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if until(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"{job} is still {job.status} ({job.stage}) after {seconds} s")


def assert_valid_pdf(job: ReportJob) -> bytes:
    """The job is ready and its stored file is a whole PDF with the checksum the job recorded."""
    assert job.status == ReportJob.Status.READY, job.error
    pdf = job.pdf.read() if job.pdf else job.result.pdf.read()
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert hashlib.sha256(pdf).hexdigest() == job.checksum
    return pdf


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())
