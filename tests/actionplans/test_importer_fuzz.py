"""The action-plan import fed broken, hostile and random files (hypothesis): it either imports the
file or refuses it with ImportFailed naming where the problems are. It never raises anything else,
and a refused file writes nothing at all.

Each example runs in a savepoint that is rolled back afterwards, so examples start from the same
seed plan whatever the one before did.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from actionplans import importer
from actionplans.models import Action
from assessments.models import Indicator
from tests.fuzzing import broken_csv, random_bytes, row_counts, table_edits

from .test_importer import seed_bytes, seed_plan, seed_rows  # noqa: F401 - seed_plan is a fixture

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
TABLES = [
    "actionplans_action",
    "actionplans_action_others_responsible",
    "actionplans_historicalaction",
    "actionplans_progressreturn",
    "organisations_signinevent",
]
INDICATOR = "Repeat referrals to MARAC"
# The seed plan's first six actions, the first measured against an indicator with a target value.
SEED_COLUMNS = [*seed_rows()[0], "Indicator", "Target value"]
SEED_TABLE = [[row.get(c, "") for c in SEED_COLUMNS] for row in seed_rows()[:6]]
SEED_TABLE[0][-2:] = [INDICATOR, "30"]


@pytest.fixture
def plan(seed_plan):  # noqa: F811
    Indicator.objects.create(partnership=seed_plan.partnership, name=INDICATOR, unit="referrals")
    return seed_plan


def _import_or_refuse(plan, actor, data: bytes, filename: str) -> None:
    """The property, for one file."""
    with transaction.atomic():
        before = row_counts(TABLES)
        try:
            created = importer.import_actions(plan, actor=actor, data=data, filename=filename)
        except importer.ImportFailed as refused:
            event("refused")
            assert refused.problems, "a refusal lists at least one problem"
            for problem in refused.problems:
                assert problem.message and problem.row >= 0
                if problem.column is not None:
                    assert problem.column in importer.COLUMNS and problem.letter
            assert row_counts(TABLES) == before, "a refused file wrote something"
        else:
            event("imported")
            assert Action.objects.filter(pk__in=[a.pk for a in created]).count() == len(created)
        transaction.set_rollback(True)


def _as_csv(columns: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@FUZZ
@given(table=table_edits(SEED_COLUMNS, SEED_TABLE))
# A NUL byte in a cell once reached PostgreSQL, which refuses it (ValueError).
@example(table=(SEED_COLUMNS, [[SEED_TABLE[0][0], "", "Nul\x00byte", *[""] * 9]]))
# A target value too big for its column once reached PostgreSQL (numeric field overflow).
@example(table=(SEED_COLUMNS, [[*SEED_TABLE[0][:-1], "1e30"]]))
def test_edited_csv_imports_or_is_refused_without_writing(cast, plan, table):
    columns, rows = table
    _import_or_refuse(plan, cast.officer, _as_csv(columns, rows), "plan.csv")


def _workbook_cell(text: str):
    """Numbers as numbers, as Excel stores them; characters a workbook cannot hold are left out."""
    try:
        return int(text) if text.strip().lstrip("-").isdigit() and len(text) < 15 else float(text)
    except ValueError:
        return ILLEGAL_CHARACTERS_RE.sub("", text)


def _as_xlsx(columns: list[str], rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [columns, *rows]:
        sheet.append([_workbook_cell(text) for text in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@FUZZ
@given(table=table_edits(SEED_COLUMNS, SEED_TABLE))
def test_edited_workbook_imports_or_is_refused_without_writing(cast, plan, table):
    columns, rows = table
    _import_or_refuse(plan, cast.officer, _as_xlsx(columns, rows), "plan.xlsx")


@FUZZ
@given(data=broken_csv(seed_bytes()))
def test_mangled_csv_bytes_import_or_are_refused_without_writing(cast, plan, data):
    _import_or_refuse(plan, cast.officer, data, "plan.csv")


@FUZZ
@given(data=random_bytes(), filename=st.sampled_from(["plan.csv", "plan.xlsx"]))
def test_random_bytes_are_refused_without_writing(cast, plan, data, filename):
    _import_or_refuse(plan, cast.officer, data, filename)
