"""The evidence uploads are bounded before they are parsed: police.uk files (a street CSV or a .zip
of them), crime-severity weights and an indicator's figures. Each attack an adversarial probe would
try is reproduced and shown refused within a bounded time and memory, measured in this process, with
a message in the product's words that names the limit; nothing is written.

Before these bounds (measured on the 2-core test machine): 16 MB of one-field lines under a police.uk
header took 126 s and 1 GB to refuse; a .zip listing 200,000 empty files took 1.9 s and 116 MB for the
upload form just to open it; made-up crime types made the counting ask for petabytes; 5 MB of blank
lines took 9 s and 390 MB to read as weights or figures; a field over 131,072 characters was refused
with the csv module's own words. The bounds asserted are generous: they guard against orders of
magnitude. benchmarks/upload_bounds.py records the real figures."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import police_uk
from assessments.models import CrimeImport, HarmWeight, Indicator, IndicatorValue
from assessments.services import harm, indicators
from assessments.services.crime import import_police_uk, read_street_files, run_import_job
from tests import hostile_files as hostile
from tests.fuzzing import row_counts
from tests.test_uploads import assert_refused_on_field

from .helpers import SHARED_STREET, lancashire_authorities

pytestmark = pytest.mark.django_db

MB = hostile.MEGABYTE
CRIME_TABLES = ["assessments_crimecount", "assessments_crimeimport"]
WEIGHT_TABLES = ["assessments_harmweight", "assessments_historicalharmweight"]
VALUE_TABLES = ["assessments_indicatorvalue", "assessments_historicalindicatorvalue"]
# Words of pyarrow's and the csv module's own messages, which a refusal must never repeat.
LIBRARY_WORDS = ("straddl", "block size", "CSV conversion", "invalid UTF8", "Arrow", "field limit", "Expected")


def refused_import(path, *, seconds: float, megabytes: float, max_counts: int | None = None) -> str:
    """Import one file, which must be refused within the bounds; nothing is written."""
    police_uk.shipped_lookup()  # loaded once per process, as a worker does: not part of the refusal
    before = row_counts(CRIME_TABLES)
    refusal, _ = hostile.assert_refused_cheaply(
        lambda: import_police_uk([(path, path.name)], max_counts=max_counts),
        police_uk.Refused,
        seconds=seconds,
        megabytes=megabytes,
    )
    assert row_counts(CRIME_TABLES) == before
    message = str(refusal)
    assert not any(word in message for word in LIBRARY_WORDS), message
    return message


@pytest.fixture
def authorities(db):
    return lancashire_authorities()


# police.uk files, as the worker reads them


def test_a_file_of_one_field_lines_is_refused_at_the_first(tmp_path, authorities):
    """The probe's file: a police.uk header over 64 MB (the largest file allowed) of one-field lines.
    pyarrow skipped each bad line and the reader kept every one: 16 MB took 126 s and 1 GB."""
    path = hostile.police_uk_one_field_lines(tmp_path / "2024-01-lancashire-street.csv", police_uk.MAX_FILE_BYTES)
    message = refused_import(path, seconds=5, megabytes=60)
    assert message.splitlines()[0] == (
        "2024-01-lancashire-street.csv, line 2, column 2 (Month): has 1 field where the header has 12: "
        "the line is cut short."
    )
    assert len(message.splitlines()) == police_uk.MAX_PROBLEMS


def test_a_line_with_no_end_is_refused_with_its_line_in_our_words(tmp_path, authorities):
    path = hostile.police_uk_endless_line(tmp_path / "2024-01-lancashire-street.csv", police_uk.MAX_FILE_BYTES)
    assert refused_import(path, seconds=5, megabytes=60) == (
        "2024-01-lancashire-street.csv, line 2: the line is longer than 1 MB: police.uk lines are a few hundred "
        "characters. Is this a police.uk street-level file?"
    )


def test_a_needed_field_that_is_not_utf8_is_named_in_our_words(tmp_path, authorities):
    path = tmp_path / "2024-01-lancashire-street.csv"
    good = hostile.POLICE_UK_ROW.format(id="a" * 64).encode()
    path.write_bytes(
        (hostile.POLICE_UK_HEADER + "\r\n").encode() + good + b"\r\n" + good.replace(b"Chorley", b"Chor\xffley")
    )
    assert refused_import(path, seconds=5, megabytes=30) == (
        "2024-01-lancashire-street.csv, line 3, column 9 (LSOA name): the field is not UTF-8 text: police.uk "
        "files are UTF-8. Download the file again."
    )


def test_made_up_crime_types_are_refused_before_any_is_counted(tmp_path, authorities):
    """Each distinct (force, month, area, crime type) used to be a cell of one array: 64 MB of made-up
    crime types asked numpy for 1.9 petabytes."""
    path = hostile.police_uk_distinct_rows(tmp_path / "types-street.csv", police_uk.MAX_FILE_BYTES, crime_types=100_000)
    message = refused_import(path, seconds=10, megabytes=300)
    assert message == (
        "types-street.csv, column 10 (Crime type): holds 100,000 different crime types, more than 50: police.uk "
        "has 14 crime types and one force a file. Is this a police.uk street-level file?"
    )


def test_an_upload_may_make_so_many_monthly_counts(tmp_path, authorities):
    """Rows in which every month, area and force differs: each is a count kept until the import is
    stored. An upload may make 250,000 (three years of the Met make about 20,000)."""
    path = hostile.police_uk_distinct_rows(tmp_path / "counts-street.csv", 40 * MB)
    message = refused_import(path, seconds=15, megabytes=400, max_counts=police_uk.MAX_UPLOAD_COUNTS)
    assert message.startswith("counts-street.csv: makes ")
    assert "monthly counts (one for each force, month, area and crime type), more than the 250,000 left" in message


# police.uk uploads, checked by the form from the .zip's own directory


def crime_upload(login, cast, name: str, content: bytes):
    before = row_counts(CRIME_TABLES)
    with hostile.measured() as cost:
        response = login(cast.analyst).post(
            reverse("assessments:crime_upload", args=["lancashire"]),
            {"file": SimpleUploadedFile(name, content, content_type="application/zip")},
        )
    assert row_counts(CRIME_TABLES) == before and not CrimeImport.objects.exists()
    return response, cost


def test_a_zip_listing_200000_files_is_refused_from_its_end_record(login, cast, media_root):
    content = hostile.zip_of_empty_members(200_000)
    response, cost = crime_upload(login, cast, "download.zip", content)
    assert_refused_on_field(
        response, "The selected file must hold at most 1,000 files and folders: this one holds 200,000", "id_file"
    )
    assert cost.cpu_seconds < 5 and cost.peak_growth_mb < 150, cost  # the 17 MB upload itself included


def test_a_zip_bomb_is_refused_from_the_sizes_it_declares(login, cast, media_root):
    content = hostile.zip_bomb({"2024-01/2024-01-lancashire-street.csv": 2 * 1024 * MB})
    assert len(content) < 3 * MB
    response, cost = crime_upload(login, cast, "download.zip", content)
    assert_refused_on_field(
        response,
        "The selected file must hold street files smaller than 64 MB each: 2024-01/2024-01-lancashire-street.csv "
        "unpacks to 2 GB. A police.uk street file is one force&#x27;s month",
        "id_file",
    )
    assert cost.cpu_seconds < 2 and cost.peak_growth_mb < 30, cost


def test_street_files_unpacking_to_more_than_1_gb_in_all_are_refused(login, cast, media_root):
    content = hostile.zip_bomb({f"2024-{m:02d}/2024-{m:02d}-metropolitan-street.csv": 60 * MB for m in range(1, 19)})
    response, cost = crime_upload(login, cast, "download.zip", content)
    assert_refused_on_field(
        response,
        "The selected file must hold street files that unpack to less than 1 GB in all: these unpack to 1.1 GB. "
        "Upload fewer months at a time",
        "id_file",
    )
    assert cost.cpu_seconds < 2 and cost.peak_growth_mb < 30, cost


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (hostile.zip_bomb({"2024-01/2024-01-lancashire-outcomes.csv": MB}), "this .zip holds none"),
        (b"Crime ID,Month\r\n" * 100, "The selected file must be a .zip file: this one is damaged or is not a zip"),
    ],
)
def test_a_zip_without_street_files_is_refused_at_once(login, cast, media_root, content, message):
    response, _ = crime_upload(login, cast, "download.zip", content)
    assert_refused_on_field(response, message, "id_file")


def test_a_password_protected_zip_is_refused_at_once(login, cast, media_root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("2024-01/2024-01-lancashire-street.csv", b"Crime ID")
    content = bytearray(buffer.getvalue())
    for record, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the 'encrypted' flag, as zip tools set it
        content[content.index(record) + at] |= 0x1
    response, _ = crime_upload(login, cast, "download.zip", bytes(content))
    assert_refused_on_field(
        response,
        "The selected file must not be password-protected: 2024-01/2024-01-lancashire-street.csv is",
        "id_file",
    )


def test_a_street_csv_larger_than_one_force_month_is_refused(login, cast, media_root, monkeypatch):
    monkeypatch.setattr(police_uk, "MAX_FILE_BYTES", 4096)
    content = (hostile.POLICE_UK_HEADER + "\r\n").encode() * 40
    response, _ = crime_upload(login, cast, "2024-01-lancashire-street.csv", content)
    assert_refused_on_field(
        response,
        "The selected file must be smaller than 4 KB: a police.uk street file is one force&#x27;s month",
        "id_file",
    )


def test_the_worker_checks_a_stored_zip_again_and_never_unpacks_a_bomb(cast, media_root):
    """A .zip stored before the limits (or the limits lowered since) is checked again by the job."""
    job = CrimeImport(partnership=cast.lancashire, requested_by=cast.analyst, file_names="download.zip")
    bomb = hostile.zip_bomb({"2024-01/2024-01-lancashire-street.csv": 3 * 1024 * MB})
    job.file.save("download.zip", SimpleUploadedFile("download.zip", bomb), save=False)
    job.save()
    with hostile.measured() as cost:
        run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == CrimeImport.Status.FAILED
    assert job.error == (
        "download.zip: must hold street files smaller than 64 MB each: 2024-01/2024-01-lancashire-street.csv "
        "unpacks to 3 GB. A police.uk street file is one force's month."
    )
    assert cost.cpu_seconds < 2 and cost.peak_growth_mb < 30, cost
    assert not list(media_root.rglob("*.csv"))


def test_a_member_that_unpacks_to_more_than_it_declares_is_refused_as_damaged(cast, media_root):
    """zipfile stops at the declared size: the lie shows as a damaged .zip, not as gigabytes."""
    bomb = bytearray(hostile.zip_bomb({"2024-01/2024-01-lancashire-street.csv": 512 * MB}))
    for record in (b"PK\x03\x04", b"PK\x01\x02"):  # declare 1 MB in the local header and the directory
        at = bomb.index(record) + (22 if record == b"PK\x03\x04" else 24)
        bomb[at : at + 4] = MB.to_bytes(4, "little")
    job = CrimeImport(partnership=cast.lancashire, requested_by=cast.analyst, file_names="download.zip")
    job.file.save("download.zip", SimpleUploadedFile("download.zip", bytes(bomb)), save=False)
    job.save()
    with hostile.measured() as cost:
        run_import_job(job.pk)
    job.refresh_from_db()
    assert job.error == "download.zip: is damaged: a file in it does not unpack as the .zip says it should."
    assert cost.cpu_seconds < 5 and cost.peak_growth_mb < 60, cost


def test_a_real_police_uk_download_is_within_the_limits(login, cast, media_root, tmp_path, authorities):
    """Six months of Lancashire (21 MB, zipped to 4 MB) pass the form and the worker's checks."""
    files = sorted(SHARED_STREET.glob("*-street.csv")) if SHARED_STREET.is_dir() else []
    if len(files) < 6:
        pytest.skip("../shared/data/police-uk-lancashire-street not present")
    download = hostile.zip_of_files(tmp_path / "download.zip", [(f"{f.name[:7]}/{f.name}", f) for f in files])
    response = login(cast.analyst).post(
        reverse("assessments:crime_upload", args=["lancashire"]),
        {"file": SimpleUploadedFile("download.zip", download.read_bytes())},
    )
    assert response.status_code == 302
    job = run_import_job(CrimeImport.objects.get().pk)
    assert job.status == CrimeImport.Status.READY, job.error
    assert job.summary["rows"] == 100_812


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# Crime-severity weights and an indicator's figures: read in the request


def refused_parse(parse, data: bytes, tables: list[str], *, seconds: float = 2, megabytes: float = 50) -> str:
    before = row_counts(tables)
    refusal, _ = hostile.assert_refused_cheaply(
        lambda: parse(data), ValidationError, seconds=seconds, megabytes=megabytes
    )
    assert row_counts(tables) == before
    [message] = refusal.messages
    return message


def weights(data: bytes) -> str:
    return refused_parse(lambda d: harm.parse_weights(d, "ONS"), data, WEIGHT_TABLES)


def figures(data: bytes) -> str:
    return refused_parse(lambda d: indicators.parse_values(d, "quarter"), data, VALUE_TABLES)


FIVE_MB = 5 * MB - 100


def test_five_megabytes_of_blank_lines_stop_at_ten_times_the_row_limit():
    """The probe's file: a header and 5 MB of line breaks, which were read whole into five million
    lists (9 s, 390 MB)."""
    assert weights(b"crime_type,weight\r\n" + b"\n" * FIVE_MB) == (
        "Line 10,001: the table runs past row 10,000, counting empty rows: delete the rows below the table."
    )
    assert figures(b"period,value\r\n" + b"\n" * FIVE_MB) == (
        "Line 12,001: the table runs past row 12,000, counting empty rows: delete the rows below the table."
    )


def test_more_rows_than_a_weights_table_or_a_series_holds_are_refused_at_the_first():
    assert weights(hostile.long_csv("crime_type,weight", 400_000, row="Burglary,1")) == (
        "Line 1,002: there are more than 1,000 rows below the headings: import at most 1,000 at a time."
    )
    assert figures(hostile.long_csv("period,value", 400_000, row="2023/24 Q1,4")) == (
        "Line 1,202: there are more than 1,200 rows below the headings: import at most 1,200 at a time."
    )


def test_a_header_of_200000_columns_is_refused_at_once():
    data = hostile.wide_csv(200_000)
    message = "there is a value in column {}: the table must fit in {} columns (A to {})."
    assert weights(data) == "Line 1, column 21: " + message.format("U", 20, "T")
    assert figures(data) == "Line 1, column 11: " + message.format("K", 10, "J")


def test_an_overlong_cell_is_refused_in_our_words_not_the_csv_module_s():
    data = b"crime_type,weight\r\nBurglary," + b"9" * 200_000 + b"\r\n"
    message = "Line 2: a cell is longer than 131,072 characters, or a quotation mark is not closed."
    assert weights(data) == message
    assert figures(b"period,value\r\n2023/24 Q1," + b"9" * 200_000 + b"\r\n") == message


@pytest.fixture
def indicator(cast):
    return Indicator.objects.create(
        partnership=cast.lancaster, name="Repeat referrals", source="MARAC", frequency=Indicator.Frequency.QUARTER
    )


def test_the_pages_refuse_blank_lines_on_the_file_field_and_store_nothing(login, cast, indicator):
    blank = b"\n" * FIVE_MB
    with hostile.measured() as cost:
        response = login(cast.analyst).post(
            reverse("assessments:harm_weights", args=["lancashire"]),
            {
                "action": "upload",
                "upload-file": SimpleUploadedFile("w.csv", b"crime_type,weight\r\n" + blank),
                "upload-source": "ONS",
            },
        )
    assert_refused_on_field(response, "Line 10,001: the table runs past row 10,000", "id_upload-file")
    assert cost.cpu_seconds < 5 and cost.peak_growth_mb < 100, cost
    assert not HarmWeight.objects.exists()
    response = login(cast.officer).post(
        reverse("assessments:indicator_detail", args=["lancaster", indicator.pk]),
        {"action": "upload", "upload-file": SimpleUploadedFile("f.csv", b"period,value\r\n" + blank)},
    )
    assert_refused_on_field(response, "Line 12,001: the table runs past row 12,000", "id_upload-file")
    assert not IndicatorValue.objects.exists()


def test_reading_stops_once_a_file_spends_the_upload_s_counts(tmp_path):
    """Sixteen files of made-up values would each be read only to be refused in turn."""
    files = []
    for month in range(1, 4):
        path = hostile.police_uk_distinct_rows(tmp_path / f"2024-0{month}-street.csv", 8 * 1024)
        files.append((path, path.name))
    with pytest.raises(police_uk.Refused) as refused:
        read_street_files(files, police_uk.shipped_lookup(), max_counts=10)
    assert [problem.file for problem in refused.value.problems] == ["2024-01-street.csv"]
