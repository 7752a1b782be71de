"""With Redis stopped the site keeps serving pages; reports and imports requested meanwhile wait,
say so, and are done once Redis is back."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import CrimeImport
from assessments.tasks import resend_waiting_imports
from reports.models import ReportJob
from reports.services import DELAYED
from tests.assessments.helpers import HEADER, lancashire_authorities, row
from tests.conftest import PASSWORD
from tests.reports.conftest import Q2

from .conftest import assert_valid_pdf, wait_for

pytestmark = pytest.mark.worker

# A page may be slower without its cache, but nothing may wait on Redis for long.
PAGE_SECONDS = 2.0


def sign_in(user) -> Client:
    """Sign in through the form, so the session and the sign-in throttle (django-axes) are exercised."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_with_redis_stopped_pages_answer_and_a_delayed_report_is_rendered_when_it_returns(
    redis_server, media, cast, data, start_worker
):
    redis_server.stop()

    officer = sign_in(cast.officer)
    pages = [
        reverse("partnership_detail", args=["lancaster"]),
        reverse("priorities:plan_list", args=["lancaster"]),
        reverse("actionplans:index", args=["lancaster"]),
        reverse("reports:dashboard", args=["lancaster"]),
        reverse("reports:report_quarter", args=["lancaster", Q2]),
    ]
    for page in pages:
        response, seconds = timed(lambda page=page: officer.get(page))
        assert response.status_code == 200, page
        assert seconds < PAGE_SECONDS, (page, seconds)

    health = officer.get(reverse("healthz"))
    assert health.status_code == 503
    assert "redis" in health.json()["down"]
    cache.set("fault-test", "stored")
    assert cache.get("fault-test", "missed") == "missed"

    response, seconds = timed(
        lambda: officer.post(reverse("reports:report_request", args=["lancaster", Q2]), {"kind": "draft"}, follow=True)
    )
    assert response.status_code == 200
    assert seconds < PAGE_SECONDS
    assert "Rendering is delayed" in response.content.decode()
    assert "will start automatically when the service is back" in response.content.decode()
    job = ReportJob.objects.get()
    assert (job.status, job.sent, job.pdf.name, job.stage) == (ReportJob.Status.QUEUED, None, "", DELAYED)
    state = officer.get(reverse("reports:report_job_status", args=["lancaster", job.pk])).json()
    assert (state["status"], state["stage"], state["download_url"]) == ("queued", DELAYED, "")

    redis_server.start()
    cache.set("fault-test", "stored")
    assert cache.get("fault-test") == "stored"
    worker = start_worker()

    # The job page's poll finds the job unsent and sends it, as the browser would a second later.
    state = officer.get(reverse("reports:report_job_status", args=["lancaster", job.pk])).json()
    assert state["stage"] != DELAYED
    job = wait_for(job)
    assert_valid_pdf(job)
    assert job.attempts == 1
    assert job.worker.endswith(f":{worker.process.pid}")
    download = officer.get(job.download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == job.pdf.open("rb").read()


def test_with_redis_stopped_a_crime_data_upload_waits_and_is_imported_by_the_sweep_when_it_returns(
    redis_server, media, cast, start_worker
):
    lancashire_authorities()
    redis_server.stop()

    analyst = sign_in(cast.analyst)
    content = "\r\n".join([HEADER, row(), row(), row(crime_type="Anti-social behaviour")]) + "\r\n"
    upload = SimpleUploadedFile("2024-01-lancashire-street.csv", content.encode(), content_type="text/csv")
    response, seconds = timed(
        lambda: analyst.post(reverse("assessments:crime_upload", args=["lancashire"]), {"file": upload}, follow=True)
    )
    assert response.status_code == 200
    assert seconds < PAGE_SECONDS
    assert "The import is delayed" in response.content.decode()
    job = CrimeImport.objects.get()
    assert (job.status, job.sent) == (CrimeImport.Status.QUEUED, None)

    redis_server.start()
    start_worker()
    # The beat schedule sends this task every minute; here it is sent at once.
    resend_waiting_imports.delay()
    job = wait_for(job)
    assert job.status == CrimeImport.Status.READY, job.error
    assert job.sent is not None
    assert job.summary["rows"] == 3
