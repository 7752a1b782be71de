"""Every upload is checked for size and type, by content as well as by name: a file too big, or of
another type under the right extension, is refused with a message on the file field and nothing is
written; the right file is accepted."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from actionplans.models import Action
from assessments.models import CrimeImport, HarmWeight, Indicator, IndicatorValue, StrategicAssessment
from csp_portal import uploads
from reports.models import ReportSettings
from tests.actionplans.factories import PlanFactory, PriorityFactory
from tests.fuzzing import row_counts

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><image href="file:///etc/passwd"/></svg>'
ACTION_CSV = (
    b"Action,Activity,Resources Required,Timescale,Lead Agency and others responsible,Targets\r\n"
    b"Speed watch,Volunteers with radar guns,,2025,,\r\n"
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Action", "Activity", "Resources Required", "Timescale"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zipped(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def png(width: int, height: int, noise: bool = False) -> bytes:
    image = Image.frombytes("RGB", (width, height), bytes(range(256)) * (width * height * 3 // 256 + 1))
    if noise:
        import random

        image = Image.frombytes("RGB", (width, height), random.Random(7).randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# The checks themselves


@pytest.mark.parametrize(
    ("name", "content", "text"),
    [
        ("a.csv", b"Crime type,weight\r\nBurglary,437.5\r\n", True),
        ("a.csv", "\ufeffcafé,1\r\n".encode(), True),
        ("a.csv", ("é" * 40_000).encode()[: uploads.SNIFF_BYTES + 1], True),  # a character cut by the sniff
        ("a.csv", "name\r\nCafé\r\n".encode("utf-16"), False),
        ("a.csv", PNG_BYTES, False),
        ("a.csv", b"Action\x00,Activity", False),
    ],
)
def test_text_is_told_from_binary(name, content, text):
    assert uploads.is_text(upload(name, content)) is text


def test_a_workbook_is_a_zip_holding_a_workbook():
    assert uploads.is_zip(upload("a.xlsx", xlsx()), "xl/workbook.xml")
    assert not uploads.is_zip(upload("a.xlsx", zipped("notes.txt", b"hello")), "xl/workbook.xml")
    assert not uploads.is_zip(upload("a.xlsx", ACTION_CSV), "xl/workbook.xml")
    assert not uploads.is_zip(upload("a.zip", b"PK\x03\x04" + b"\x00" * 40))


def test_sizes_are_named_as_people_read_them(settings):
    settings.MAX_UPLOAD_SIZE = {"table": 5 * 1024 * 1024, "crime_data": 1024**3, "document": 512 * 1024}
    for kind, label in (("table", "5 MB"), ("crime_data", "1 GB"), ("document", "512 KB")):
        with pytest.raises(Exception, match=f"must be smaller than {label}"):
            uploads.check_size(upload("a.csv", b"x" * (settings.MAX_UPLOAD_SIZE[kind] + 1)), kind)
    with pytest.raises(Exception, match="The selected file is empty"):
        uploads.check_size(upload("a.csv", b""), "table")


# Each upload in the site, through its page


@pytest.fixture
def small_limits(settings):
    """Limits of a few kilobytes, so that 'too big' needs no big file."""
    settings.MAX_UPLOAD_SIZE = dict.fromkeys(settings.MAX_UPLOAD_SIZE, 4096)


@pytest.fixture
def plan(cast):
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Community Safety Plan")
    PriorityFactory(plan=plan, title="Road safety", order=1)
    return plan


def import_url(plan) -> str:
    return reverse("actionplans:plan_import", args=["lancaster", plan.pk])


def assert_refused_on_field(response, message: str, field_id: str) -> None:
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert f'href="#{field_id}"' in body, "the error summary links to the file field"
    assert message in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.xlsx", ACTION_CSV, "The selected file must be an Excel workbook: this one is not."),
        ("plan.xlsx", zipped("word/document.xml", b"<w/>"), "The selected file must be an Excel workbook"),
        ("plan.csv", PNG_BYTES, "The selected file must be a CSV: this one is not text."),
        ("plan.csv", b"x" * 4097, "The selected file must be smaller than 4 KB"),
        ("plan.pdf", b"%PDF-1.7", "The selected file must be a CSV or an Excel workbook (.xlsx)"),
        ("plan.csv", b"", "The submitted file is empty."),
    ],
)
def test_action_plan_import_refuses_the_wrong_file(login, cast, plan, small_limits, name, content, message):
    before = row_counts(["actionplans_action", "actionplans_historicalaction"])
    response = login(cast.officer).post(import_url(plan), {"file": upload(name, content)})
    assert_refused_on_field(response, message, "id_file")
    assert row_counts(["actionplans_action", "actionplans_historicalaction"]) == before


@pytest.mark.parametrize(("name", "content"), [("plan.csv", ACTION_CSV), ("plan.xlsx", None)])
def test_action_plan_import_accepts_csv_and_workbooks(login, cast, plan, name, content):
    if content is None:
        import openpyxl

        book = openpyxl.Workbook()
        for line in ACTION_CSV.decode().splitlines():
            book.active.append(line.split(","))
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
    priority = plan.priorities.get()
    response = login(cast.officer).post(import_url(plan), {"file": upload(name, content), "priority": priority.pk})
    assert response.status_code == 302
    assert Action.objects.get(priority=priority).title == "Speed watch"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("2024-01-lancashire-street.zip", b"Crime ID,Month\r\n", "The selected file must be a .zip file"),
        ("2024-01-lancashire-street.csv", zipped("a-street.csv", b"Crime ID"), "must be a CSV: this one is not text"),
        ("2024-01-lancashire-street.csv", b"Crime ID,Month\r\n" * 300, "The selected file must be smaller than 4 KB"),
        ("2024-01-lancashire-street.xlsx", xlsx(), "Choose a .csv file, or a .zip of police.uk files."),
    ],
)
def test_crime_data_upload_refuses_the_wrong_file(login, cast, small_limits, name, content, message):
    response = login(cast.analyst).post(
        reverse("assessments:crime_upload", args=["lancashire"]), {"file": upload(name, content)}
    )
    assert_refused_on_field(response, message, "id_file")
    assert not CrimeImport.objects.exists()


def test_crime_data_upload_accepts_a_zip_of_street_files(login, cast, small_limits, media_root):
    content = zipped("2024-01/2024-01-lancashire-street.csv", b"Crime ID,Month\r\n")
    response = login(cast.analyst).post(
        reverse("assessments:crime_upload", args=["lancashire"]), {"file": upload("download.zip", content)}
    )
    assert response.status_code == 302
    assert CrimeImport.objects.get().file_names == "download.zip"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("weights.csv", PNG_BYTES, "The selected file must be a CSV: this one is not text."),
        ("weights.xlsx", xlsx(), "The selected file must be a CSV"),
        ("weights.csv", b"crime_type,weight\r\n" + b"Burglary,1\r\n" * 400, "must be smaller than 4 KB"),
    ],
)
def test_harm_weights_upload_refuses_the_wrong_file(login, cast, small_limits, name, content, message):
    response = login(cast.analyst).post(
        reverse("assessments:harm_weights", args=["lancashire"]),
        {"action": "upload", "upload-file": upload(name, content), "upload-source": "ONS"},
    )
    assert_refused_on_field(response, message, "id_upload-file")
    assert not HarmWeight.objects.exists()


def test_harm_weights_upload_accepts_a_csv(login, cast, small_limits):
    response = login(cast.analyst).post(
        reverse("assessments:harm_weights", args=["lancashire"]),
        {
            "action": "upload",
            "upload-file": upload("w.csv", b"crime_type,weight\r\nBurglary,437.5\r\n"),
            "upload-source": "ONS",
        },
    )
    assert response.status_code == 302
    assert HarmWeight.objects.get().crime_type == "Burglary"


@pytest.fixture
def indicator(cast):
    return Indicator.objects.create(
        partnership=cast.lancaster, name="Repeat referrals", source="MARAC", frequency=Indicator.Frequency.QUARTER
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("figures.csv", "period,value\r\n2023/24 Q1,4\r\n".encode("utf-16"), "must be a CSV: this one is not text"),
        ("figures.txt", b"period,value\r\n2023/24 Q1,4\r\n", "The selected file must be a CSV"),
        ("figures.csv", b"period,value\r\n" + b"2023/24 Q1,4\r\n" * 400, "must be smaller than 4 KB"),
    ],
)
def test_indicator_figures_upload_refuses_the_wrong_file(login, cast, indicator, small_limits, name, content, message):
    response = login(cast.officer).post(
        reverse("assessments:indicator_detail", args=["lancaster", indicator.pk]),
        {"action": "upload", "upload-file": upload(name, content)},
    )
    assert_refused_on_field(response, message, "id_upload-file")
    assert not IndicatorValue.objects.exists()


def test_indicator_figures_upload_accepts_a_csv(login, cast, indicator, small_limits):
    response = login(cast.officer).post(
        reverse("assessments:indicator_detail", args=["lancaster", indicator.pk]),
        {"action": "upload", "upload-file": upload("f.csv", b"period,value\r\n2023/24 Q1,4\r\n")},
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sa.pdf", b"<html><script>alert(1)</script></html>", "The document must be a PDF file."),
        ("sa.pdf", b"%PDF-1.7\n" + b"0" * 5000, "The selected file must be smaller than 4 KB"),
        ("sa.docx", b"%PDF-1.7\n", "File extension \u201cdocx\u201d is not allowed."),
    ],
)
def test_assessment_document_refuses_the_wrong_file(login, cast, small_limits, media_root, name, content, message):
    assessment = StrategicAssessment.objects.create(
        partnership=cast.lancashire, title="Lancashire SA", period_start_year=2022, period_end_year=2025
    )
    data = {"title": "Lancashire SA", "status": "draft", "period_start_year": "2022", "period_end_year": "2025"}
    response = login(cast.analyst).post(
        reverse("assessments:assessment_edit", args=["lancashire", assessment.pk]),
        data | {"document": upload(name, content)},
    )
    assert_refused_on_field(response, message, "id_document")
    assessment.refresh_from_db()
    assert not assessment.document
    assert not list(media_root.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("crest.png", SVG, "Upload a valid image"),
        ("crest.svg", SVG, "Upload a valid image"),
        ("crest.png", png(600, 600, noise=True), "The logo must be smaller than 500 KB"),
    ],
)
def test_report_logo_must_be_a_small_png_or_jpeg(login, cast, media_root, name, content, message):
    response = login(cast.officer).post(
        reverse("reports:report_settings", args=["lancaster"]),
        {"protective_marking": "OFFICIAL", "colour": "", "logo_alt": "Crest", "logo": upload(name, content)},
    )
    assert_refused_on_field(response, message, "id_logo")
    assert not ReportSettings.objects.exists()
    assert not list(media_root.rglob("*.*"))
