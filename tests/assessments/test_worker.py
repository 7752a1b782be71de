"""An uploaded police.uk file imported by a real Celery worker process, through Redis."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import CrimeCount, CrimeImport
from assessments.services.crime import request_import

from .helpers import HEADER, lancashire_authorities, row

pytestmark = pytest.mark.worker


@pytest.fixture
def media(tmp_path, settings, monkeypatch):
    """Uploads kept where the worker process (which reads MEDIA_ROOT when it starts) finds them."""
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_real_worker_imports_an_upload(media, celery_worker, cast):
    lancashire_authorities()
    content = "\r\n".join([HEADER, row(), row(), row(crime_type="Anti-social behaviour")]) + "\r\n"
    upload = SimpleUploadedFile("2024-01-lancashire-street.csv", content.encode(), content_type="text/csv")
    job = request_import(actor=cast.analyst, partnership=cast.lancashire, upload=upload)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == CrimeImport.Status.READY, job.error
    assert sum(CrimeCount.objects.values_list("count", flat=True)) == 3
    assert job.summary["rows"] == 3
