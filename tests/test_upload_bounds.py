"""The action plan import is bounded before it parses: each file an adversarial probe used (a few
kilobytes that a naive reader expands to gigabytes, or that hold millions of rows or columns) is
refused within a bounded time and memory, measured in this process, with a message naming the
limit; nothing is written, and a refusal lists the first problems and a count, never thousands.

The bounds asserted are generous (seconds and tens of megabytes where the attacks took minutes and
hundreds of megabytes): they guard against orders of magnitude. benchmarks/upload_bounds.py records
the real figures."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans import importer
from actionplans.models import Action
from tests import hostile_files as hostile
from tests.actionplans.factories import PlanFactory, PriorityFactory
from tests.fuzzing import row_counts

pytestmark = pytest.mark.django_db

ACTION_TABLES = ["actionplans_action", "actionplans_historicalaction"]
HEADINGS = "Priority,Action,Activity,Resources Required,Timescale,Lead Agency and others responsible,Targets"


@pytest.fixture
def plan(cast):
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Community Safety Plan")
    PriorityFactory(plan=plan, title="Road safety", order=1)
    return plan


def refused(plan, data: bytes, filename: str, *, seconds: float = 10, megabytes: float = 100) -> list[str]:
    failure, _ = hostile.assert_refused_cheaply(
        lambda: importer.import_actions(plan, actor=None, data=data, filename=filename),
        importer.ImportFailed,
        seconds=seconds,
        megabytes=megabytes,
    )
    assert not Action.objects.exists()
    return [str(problem) for problem in failure.problems]


def test_a_workbook_stating_a_cell_in_the_last_column_is_refused_before_its_rows_are_read(plan):
    data = hostile.far_column_sheet(3000, dimension=True)
    assert len(data) < 25_000
    assert refused(plan, data, "plan.xlsx", seconds=2, megabytes=30) == [
        "The file: the first sheet's used range is 16,384 columns wide (to column XFD): the table must fit in 50 "
        "columns (A to AX). Delete the columns to the right of the table"
    ]


def test_a_workbook_hiding_its_width_is_read_no_wider_than_the_limit(plan):
    """Without a stated range the far cell is never padded into every row: rows are read 51 cells wide."""
    data = hostile.far_column_sheet(3000, dimension=False)
    problems = refused(plan, data, "plan.xlsx", seconds=15, megabytes=60)
    assert problems == ["Row 2002: there are more than 2,000 rows below the headings: import at most 2,000 at a time"]


def test_a_row_bomb_is_refused_from_the_size_it_unpacks_to(plan):
    data = hostile.row_bomb_sheet(300_000)
    assert len(data) < 2 * 1024 * 1024
    problems = refused(plan, data, "plan.xlsx", seconds=2, megabytes=30)
    assert problems == [
        "The file: the workbook unpacks to 20.4 MB, more than the 16 MB allowed: save the sheet as CSV UTF-8, "
        "or split it"
    ]


def test_a_sheet_of_whitespace_is_refused_before_it_is_parsed(plan):
    data = hostile.whitespace_sheet(64)
    assert len(data) < 200_000
    assert refused(plan, data, "plan.xlsx", seconds=2, megabytes=30)[0].startswith(
        "The file: the workbook unpacks to 64 MB, more than the 16 MB allowed"
    )


def test_rows_beyond_the_limit_stop_the_reading_at_the_first_one(plan):
    data = hostile.row_bomb_sheet(2_500)
    assert refused(plan, data, "plan.xlsx", seconds=10, megabytes=60) == [
        "Row 2002: there are more than 2,000 rows below the headings: import at most 2,000 at a time"
    ]
    csv_rows = hostile.long_csv(HEADINGS, 1_500_000, row="Road safety,a,,,,,")
    assert len(csv_rows) < 30 * 1024 * 1024
    assert refused(plan, csv_rows, "plan.csv", seconds=5, megabytes=150)[0].startswith("Row 2002: there are more")


def test_a_csv_of_blank_lines_stops_at_ten_times_the_row_limit(plan):
    data = HEADINGS.encode() + b"\r\n" * 2_500_000
    assert refused(plan, data, "plan.csv", seconds=5, megabytes=100) == [
        "Row 20001: the table runs past row 20,000, counting empty rows: delete the rows below the table"
    ]


def test_a_csv_of_200000_columns_is_refused_at_once_in_one_line(plan):
    data = hostile.wide_csv(200_000)
    assert 1_000_000 < len(data) < 2 * 1024 * 1024
    problems = refused(plan, data, "plan.csv", seconds=5, megabytes=100)
    assert problems == ["Row 1: there is a value in column AY: the table must fit in 50 columns (A to AX)"]


def test_unknown_columns_are_listed_ten_then_counted(plan):
    headings = HEADINGS + "," + ",".join(f"Notes {n}" for n in range(40))
    problems = refused(plan, f"{headings}\r\nRoad safety,Patrols\r\n".encode(), "plan.csv")
    assert problems[0] == (
        "Row 1: unknown columns 'Notes 0', 'Notes 1', 'Notes 2', 'Notes 3', 'Notes 4', 'Notes 5', 'Notes 6', "
        "'Notes 7', 'Notes 8', 'Notes 9' and 30 more: use " + ", ".join(importer.COLUMNS)
    )


def test_a_repeated_heading_and_a_value_under_no_heading_are_named(plan):
    problems = refused(plan, f"{HEADINGS},Action\r\nRoad safety,Patrols\r\n".encode(), "plan.csv")
    assert problems == ["Row 1: the column 'Action' appears twice (columns B and H)"]
    problems = refused(plan, f"{HEADINGS},\r\nRoad safety,Patrols,,,,,,stray\r\n".encode(), "plan.csv")
    assert problems == ["Row 2: column H has a value but no heading in row 1"]


def test_rows_are_numbered_as_the_sheet_numbers_them_blank_rows_included(plan):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADINGS.split(","))
    sheet.append([])
    sheet.append(["Road safety", "Speed watch"])
    sheet.append([])
    sheet.append(["Roads", "Cycle training"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert refused(plan, buffer.getvalue(), "plan.xlsx") == [
        "Row 5, column A (Priority): priority 'Roads' is not in Lancaster District Community Safety Plan"
    ]


def test_the_import_page_lists_fifty_problems_and_counts_the_rest(login, cast, plan):
    data = hostile.long_csv(HEADINGS, 120, row="No such priority,Patrols,,,,,")
    before = row_counts(ACTION_TABLES)
    upload = SimpleUploadedFile("plan.csv", data, content_type="text/csv")
    response = login(cast.officer).post(
        reverse("actionplans:plan_import", args=["lancaster", plan.pk]), {"file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: the file has 120 problems" in body
    assert body.count("is not in Lancaster District Community Safety Plan") == importer.MAX_PROBLEMS_SHOWN
    assert "and 70 more problems. Correct the ones above" in body
    assert row_counts(ACTION_TABLES) == before


def test_the_import_page_refuses_the_probe_workbook_within_bounds(login, cast, plan):
    client = login(cast.officer)
    upload = SimpleUploadedFile("plan.xlsx", hostile.far_column_sheet(3000, dimension=True))
    with hostile.measured() as cost:
        response = client.post(reverse("actionplans:plan_import", args=["lancaster", plan.pk]), {"file": upload})
    assert response.status_code == 200
    assert "the table must fit in 50 columns (A to AX)" in response.content.decode()
    assert cost.cpu_seconds < 5 and cost.peak_growth_mb < 50, cost
    assert not Action.objects.exists()


def test_a_workbook_listing_thousands_of_parts_is_refused_from_its_end_record(plan):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(60_000):
            archive.writestr(f"xl/p{number}.xml", b"")
    assert len(buffer.getvalue()) < 6 * 1024 * 1024
    problems = refused(plan, buffer.getvalue(), "plan.xlsx", seconds=2, megabytes=30)
    assert problems == [
        "The file: it could not be read as a table: it is not an Excel workbook that can be read. Save it from "
        "Excel as .xlsx (a workbook holds at most 1,000 parts), or as CSV UTF-8"
    ]
