"""Uploaded files and issued PDFs kept in Azure Blob Storage, tested against Microsoft's emulator
Azurite started by the suite (tests/azurite.py): what the portal stores is really a blob, read back
through the storage; a report rendered by a worker process is downloaded by a web process that
shares nothing with it but PostgreSQL, Redis and the object store; and a download still asks who
is asking, with no page ever giving a blob's address.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import CrimeCount, CrimeImport, StrategicAssessment
from assessments.services.crime import request_import, run_import_job
from csp_portal.settings import object_storage
from csp_portal.storage import AzureStorage, S3Storage
from reports import services
from reports.models import ReportJob, ReportVersion
from tests.assessments.helpers import HEADER, lancashire_authorities, row
from tests.azurite import azurite_server  # noqa: F401 - the fixture `azurite`, started once per test process
from tests.reports.conftest import Q2, data, fake_weasyprint, pdf_text  # noqa: F401 - fixtures
from tests.worker import WorkerProcess

pytestmark = pytest.mark.django_db

STREET_FILE = "\r\n".join([HEADER, row(), row(), row(crime_type="Anti-social behaviour")]) + "\r\n"


@pytest.fixture
def container(azurite):
    """A new private container for this test, removed afterwards."""
    client = azurite.new_container()
    yield client
    client.delete_container()


@pytest.fixture
def web(azurite, container, settings, monkeypatch, tmp_path):
    """This process as a web machine: its files in the test's container, as the environment
    configures it, and a MEDIA_ROOT of its own that must stay empty."""
    for name, value in azurite.environment(container.container_name).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": object_storage.default_storage()}
    settings.MEDIA_ROOT = tmp_path / "web-media"
    settings.MEDIA_ROOT.mkdir()
    yield settings.MEDIA_ROOT
    assert not list(settings.MEDIA_ROOT.iterdir()), "the web process wrote to its own disk"


def blob_bytes(container, name: str) -> bytes:
    """A blob as Azure's own client reads it, not through Django."""
    return container.get_blob_client(name).download_blob().readall()


def wait_for(model, pk: int, seconds: float = 180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = model.objects.get(pk=pk)
        if found.is_finished:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{model.__name__} {pk} is not finished after {seconds} s")


def issued_version(cast) -> ReportVersion:
    job = ReportJob.objects.create(
        partnership=cast.lancaster, year=Q2.year, number=Q2.number, kind=ReportJob.Kind.ISSUE, requested_by=cast.officer
    )
    return services.run_job(job.pk, notify=False).result


# --- Settings ----------------------------------------------------------------------------------


STORAGE_VARIABLES = object_storage.AZURE_VARIABLES + object_storage.S3_VARIABLES


@pytest.fixture
def storage_env(monkeypatch):
    """Set storage variables for object_storage.default_storage(), none set to begin with."""
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)

    def set_to(**values: str) -> dict:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return object_storage.default_storage()

    return set_to


def test_files_stay_on_the_local_disk_unless_an_object_store_is_configured(storage_env):
    assert storage_env() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_azure_by_account_name_and_key_never_signs_or_replaces(storage_env):
    configured = storage_env(
        AZURE_STORAGE_ACCOUNT_NAME="cspportal", AZURE_STORAGE_ACCOUNT_KEY="a2V5", AZURE_STORAGE_CONTAINER="files"
    )
    assert configured["BACKEND"] == "csp_portal.storage.AzureStorage"
    assert configured["OPTIONS"] == {
        "azure_container": "files",
        "account_name": "cspportal",
        "account_key": "a2V5",
        "expiration_secs": None,
        "overwrite_files": False,
    }


def test_s3_keeps_objects_private_and_its_addresses_unsigned(storage_env):
    configured = storage_env(
        AWS_STORAGE_BUCKET_NAME="csp-files",
        AWS_S3_REGION_NAME="eu-west-2",
        AWS_S3_ENDPOINT_URL="https://s3.eu-west-2.amazonaws.com",
    )
    assert configured["BACKEND"] == "csp_portal.storage.S3Storage"
    options = configured["OPTIONS"]
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == ("private", False, False)
    storage = S3Storage(**options)  # connects to nothing until a file is read or written
    assert storage.url("reports/issued/2025/lancaster.pdf") == "/media/reports/issued/2025/lancaster.pdf"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"AZURE_STORAGE_CONTAINER": "files"}, "needs AZURE_STORAGE_CONNECTION_STRING"),
        ({"AZURE_STORAGE_ACCOUNT_NAME": "cspportal", "AZURE_STORAGE_ACCOUNT_KEY": "a2V5"}, "AZURE_STORAGE_CONTAINER"),
        (
            {
                "AZURE_STORAGE_CONNECTION_STRING": "AccountName=a;AccountKey=b",
                "AZURE_STORAGE_ACCOUNT_NAME": "a",
                "AZURE_STORAGE_CONTAINER": "files",
            },
            "not both",
        ),
        (
            {
                "AZURE_STORAGE_CONNECTION_STRING": "https://cspportal.blob.core.windows.net",
                "AZURE_STORAGE_CONTAINER": "f",
            },
            "is not a storage account's connection string",
        ),
        ({"AWS_S3_REGION_NAME": "eu-west-2"}, "AWS_S3_REGION_NAME is set but AWS_STORAGE_BUCKET_NAME is not"),
        ({"AWS_STORAGE_BUCKET_NAME": "b", "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}, "AWS_SECRET_ACCESS_KEY"),
        ({"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ENDPOINT_URL": "minio:9000"}, "AWS_S3_ENDPOINT_URL='minio:9000'"),
        (
            {
                "AWS_STORAGE_BUCKET_NAME": "b",
                "AZURE_STORAGE_CONNECTION_STRING": "AccountName=a;AccountKey=b",
                "AZURE_STORAGE_CONTAINER": "files",
            },
            "not both: the files are kept in one place",
        ),
    ],
)
def test_a_half_configured_object_store_stops_start_up_naming_the_variable(storage_env, values, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        storage_env(**values)


# --- Stored in Azurite and read back -----------------------------------------------------------


def test_an_uploaded_crime_file_is_a_blob_that_the_import_reads_back(web, container, cast):
    lancashire_authorities()
    upload = SimpleUploadedFile("2024-01-lancashire-street.csv", STREET_FILE.encode(), content_type="text/csv")
    job = request_import(actor=cast.analyst, partnership=cast.lancashire, upload=upload)
    assert blob_bytes(container, job.file.name) == STREET_FILE.encode()

    job = run_import_job(job.pk)  # as the worker's task does: from the blob, through a temporary folder
    assert job.status == CrimeImport.Status.READY, job.error
    assert sum(CrimeCount.objects.values_list("count", flat=True)) == 3


def test_an_assessment_document_is_a_blob_served_only_to_those_who_may_read_it(web, container, cast, login):
    assessment = StrategicAssessment.objects.create(
        partnership=cast.lancashire,
        title="Lancashire Strategic Assessment",
        period_start_year=2022,
        period_end_year=2025,
    )
    document = b"%PDF-1.7\n% the county's strategic assessment\n%%EOF\n"
    assessment.document.save("sa.pdf", ContentFile(document))
    assert blob_bytes(container, assessment.document.name) == document

    address = reverse("assessments:assessment_document", args=["lancashire", assessment.pk])
    response = login(cast.csr_officer).get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document
    assert login(cast.outsider).get(address).status_code == 404


@pytest.mark.usefixtures("data", "fake_weasyprint")
def test_an_issued_pdf_is_a_blob_with_the_checksum_the_portal_recorded(web, container, cast):
    version = issued_version(cast)
    stored = blob_bytes(container, version.pdf.name)
    assert stored.startswith(b"%PDF")
    assert hashlib.sha256(stored).hexdigest() == version.checksum
    assert default_storage.open(version.pdf.name).read() == stored
    assert isinstance(default_storage._wrapped, AzureStorage)


# --- A worker renders, another machine downloads -----------------------------------------------


@pytest.fixture
def worker_machine(azurite, container, transactional_db, monkeypatch, tmp_path):
    """A real worker process whose files are in the test's container, as its environment says, with
    a MEDIA_ROOT of its own (empty, and not the web's) that must stay empty."""
    from csp_portal.celery import app

    media = tmp_path / "worker-media"
    media.mkdir()
    for name, value in {**azurite.environment(container.container_name), "MEDIA_ROOT": str(media)}.items():
        monkeypatch.setenv(name, value)
    app.control.purge()
    worker = WorkerProcess(f"storage-{os.getpid()}@localhost", tmp_path / "worker.log").start()
    yield worker
    worker.stop()
    assert not list(media.iterdir()), "the worker wrote to its own disk"


@pytest.mark.worker
@pytest.mark.usefixtures("data")
def test_a_report_rendered_by_a_worker_is_downloaded_by_a_web_process_sharing_only_the_stores(
    worker_machine, web, container, cast, client
):
    client.force_login(cast.officer)
    client.post(reverse("reports:report_issue", args=["lancaster", Q2]), {"version": "1"})
    job = wait_for(ReportJob, ReportJob.objects.get().pk)
    assert job.status == ReportJob.Status.READY, job.error
    assert job.worker.endswith(f":{worker_machine.process.pid}")
    version = job.result
    assert [blob.name for blob in container.list_blobs()] == [version.pdf.name]

    client.force_login(cast.board_member)
    download = client.get(reverse("reports:report_download", args=["lancaster", version.pk]))
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF")
    assert (
        hashlib.sha256(pdf).hexdigest()
        == version.checksum
        == hashlib.sha256(blob_bytes(container, version.pdf.name)).hexdigest()
    )
    assert "DV prevention campaign" in pdf_text(pdf)


@pytest.mark.worker
def test_a_crime_file_uploaded_on_the_web_is_imported_by_a_worker_from_the_store(worker_machine, web, cast):
    lancashire_authorities()
    upload = SimpleUploadedFile("2024-01-lancashire-street.csv", STREET_FILE.encode(), content_type="text/csv")
    job = request_import(actor=cast.analyst, partnership=cast.lancashire, upload=upload)
    job = wait_for(CrimeImport, job.pk, seconds=60)
    assert job.status == CrimeImport.Status.READY, job.error
    assert sum(CrimeCount.objects.values_list("count", flat=True)) == 3


# --- Still private -----------------------------------------------------------------------------


@pytest.mark.usefixtures("data", "fake_weasyprint")
def test_downloads_still_ask_who_is_asking_and_no_page_names_a_blob(web, container, cast, client, login):
    version = issued_version(cast)
    download = reverse("reports:report_download", args=["lancaster", version.pk])
    assert client.get(download).status_code == 302  # to the sign-in page
    assert login(cast.csr_officer).get(download).status_code == 404
    assert login(cast.board_member).get(download).status_code == 200

    pages = [
        login(cast.board_member).get(reverse("reports:report_page", args=["lancaster", version.pk])),
        login(cast.board_member).get(reverse("reports:report_quarter", args=["lancaster", Q2])),
        login(cast.admin).get(reverse("admin:reports_reportversion_change", args=[version.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        for address in (container.url, "devstoreaccount1", container.container_name, "blob.core.windows.net"):
            assert address not in html, f"{page.wsgi_request.path} names {address}"
    assert version.pdf.url == f"/media/{version.pdf.name}"
    assert client.get(version.pdf.url).status_code == 404

    # The container itself refuses a reader with no key.
    anonymous = requests.get(container.get_blob_client(version.pdf.name).url, timeout=10)
    assert anonymous.status_code in {403, 404}
    assert not anonymous.content.startswith(b"%PDF")


@pytest.mark.usefixtures("data", "fake_weasyprint")
def test_a_blob_gone_from_the_store_answers_not_found(web, container, cast, login):
    version = issued_version(cast)
    container.delete_blob(version.pdf.name)
    download = reverse("reports:report_download", args=["lancaster", version.pk])
    assert login(cast.board_member).get(download).status_code == 404


@pytest.mark.usefixtures("data", "fake_weasyprint")
def test_nothing_under_media_root_is_read_when_the_store_is_remote(web, cast):
    version = issued_version(cast)
    assert not Path(web, version.pdf.name).exists()
    with pytest.raises(NotImplementedError):
        version.pdf.path  # noqa: B018 - a remote storage has no path on this machine's disk
