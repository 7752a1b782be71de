"""A PostgreSQL restart under a running gunicorn and Celery worker, configured as in production
(gunicorn's workers hold persistent connections; Celery opens one per task): every request and
task after the restart succeeds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection, connections
from django.urls import reverse

from csp_portal.tasks import clear_expired_sessions
from reports.models import ReportJob
from tests import worker as workers
from tests.reports.conftest import Q2
from tests.services import free_port, wait_for_port

from .conftest import assert_valid_pdf, wait_for

pytestmark = pytest.mark.worker

PERSISTENT = {"DATABASE_CONN_MAX_AGE": "60"}  # production's default


@pytest.fixture
def web_server(transactional_db, media, tmp_path):
    """gunicorn with the production configuration file, two sync workers, on the test database."""
    port = free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="csp_portal.settings.test",
        DATABASE_URL=workers.test_database_url(),
        PGAPPNAME="csp-web",  # libpq names the connection, so the test can tell whose it is
        **PERSISTENT,
    )
    log = (tmp_path / "gunicorn.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "csp_portal/gunicorn.conf.py", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "csp_portal.wsgi:application"],
        cwd=workers.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, 30, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(20)


def status_of(url: str, session: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (our own test server)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def other_connections() -> list[tuple[str, str, str]]:
    """Name, state and last query of each connection to the test database but this process's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_name, state, query FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY 1"
        )
        return cursor.fetchall()


def test_after_a_postgresql_restart_every_request_and_task_succeeds(
    postgres_server, web_server, cast, data, client, start_worker
):
    worker = start_worker(PGAPPNAME="csp-worker", **PERSISTENT)
    client.force_login(cast.officer)
    session = client.cookies["sessionid"].value
    pages = [
        web_server + reverse("reports:dashboard", args=["lancaster"]),
        web_server + reverse("priorities:plan_list", args=["lancaster"]),
        web_server + reverse("reports:report_quarter", args=["lancaster", Q2]),
    ]
    assert [status_of(page, session) for page in pages * 4] == [200] * 12
    assert worker.result_of(clear_expired_sessions.delay()) is None
    # gunicorn's workers keep their connections open between requests, so the restart breaks
    # connections they would otherwise reuse. (Celery closes its connection after every task.)
    assert "csp-web" in {name for name, _, _ in other_connections()}

    postgres_server.restart(mode="fast")
    connections.close_all()  # this process's connection died with the server too
    assert other_connections() == []

    started = time.monotonic()
    assert [status_of(page, session) for page in pages * 4] == [200] * 12
    assert time.monotonic() - started < 20
    assert worker.result_of(clear_expired_sessions.delay()) is None

    client.post(reverse("reports:report_request", args=["lancaster", Q2]), {"kind": "draft"})
    assert_valid_pdf(wait_for(ReportJob.objects.get()))
