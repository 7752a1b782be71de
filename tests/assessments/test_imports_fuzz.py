"""The evidence imports fed broken, hostile and random files (hypothesis): police.uk street-level
files, crime-severity weights and an indicator's figures. Each either imports the file or refuses it
with its own error (``police_uk.Refused`` with file, line and column; ``ValidationError`` naming the
line) and never raises anything else; a refused file writes nothing.

Each example runs in a savepoint that is rolled back afterwards.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from assessments import police_uk
from assessments.models import Indicator
from assessments.services import harm, indicators
from assessments.services.crime import import_police_uk
from tests.fuzzing import broken_csv, random_bytes, row_counts, table_edits

from .helpers import BOLTON_A, CHORLEY_A, HEADER, LANCASTER_A, NO_LOCATION, lancashire_authorities, row

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
CRIME_TABLES = ["assessments_crimecount", "assessments_crimeimport"]
WEIGHT_TABLES = ["assessments_harmweight", "assessments_historicalharmweight"]
VALUE_TABLES = ["assessments_indicatorvalue", "assessments_historicalindicatorvalue"]


def _cells(text: str) -> list[list[str]]:
    return [line for line in csv.reader(io.StringIO(text)) if line]


def _as_csv(columns: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# police.uk street-level files

STREET_ROWS = [
    row("a" * 64, lsoa=CHORLEY_A),
    row("b" * 64, lsoa=LANCASTER_A, crime_type="Vehicle crime"),
    row("", lsoa=CHORLEY_A, crime_type="Anti-social behaviour"),
    row("c" * 64, lsoa=NO_LOCATION),
    row("d" * 64, lsoa=BOLTON_A, month="2024-02"),
]
STREET_HEADER = HEADER.split(",")
STREET_TABLE = _cells("\r\n".join(STREET_ROWS))
STREET_FILE = _as_csv(STREET_HEADER, STREET_TABLE)


@pytest.fixture
def authorities(db):
    return lancashire_authorities()


def _police_uk_imports_or_refuses(path, data: bytes) -> None:
    path.write_bytes(data)
    with transaction.atomic():
        before = row_counts(CRIME_TABLES)
        try:
            summary = import_police_uk([(path, "2024-01-lancashire-street.csv")])
        except police_uk.Refused as refused:
            event("refused")
            assert refused.problems and all(problem.message for problem in refused.problems)
            assert row_counts(CRIME_TABLES) == before, "a refused file wrote something"
        else:
            event("imported")
            assert summary["rows"] > 0
        transaction.set_rollback(True)


@FUZZ
@given(table=table_edits(STREET_HEADER, STREET_TABLE))
@example(table=(STREET_HEADER, [[*STREET_TABLE[0][:9], "Nul\x00type", *STREET_TABLE[0][10:]]]))
@example(table=(STREET_HEADER, [[*STREET_TABLE[0][:9], "A crime type longer than sixty characters" * 2, "", ""]]))
@example(table=(STREET_HEADER, [[*STREET_TABLE[0][:2], "x" * 120, "x" * 120, *STREET_TABLE[0][4:]]]))
def test_edited_police_uk_file_imports_or_is_refused_without_writing(authorities, tmp_path, table):
    columns, rows = table
    _police_uk_imports_or_refuses(tmp_path / "street.csv", _as_csv(columns, rows))


@FUZZ
@given(data=st.one_of(broken_csv(STREET_FILE), random_bytes()))
def test_mangled_police_uk_bytes_import_or_are_refused_without_writing(authorities, tmp_path, data):
    _police_uk_imports_or_refuses(tmp_path / "street.csv", data)


# Crime-severity weights and an indicator's figures: parsed in the request, then stored.

WEIGHTS_HEADER = ["crime_type", "weight", "source"]
WEIGHTS_TABLE = [["Burglary", "437.5", "ONS CSS"], ["Vehicle crime", "120", ""], ["Anti-social behaviour", "0", ""]]
VALUES_HEADER = ["period", "value", "note"]
VALUES_TABLE = [["2023/24 Q1", "40", "from MADE"], ["2023/24 Q2", "38.5", ""], ["2023/24 Q3", "1,200", ""]]


def _weights_upload_or_refusal(cast, data: bytes) -> None:
    with transaction.atomic():
        before = row_counts(WEIGHT_TABLES)
        try:
            rows = harm.parse_weights(data, "Uploaded")
        except ValidationError as refused:
            event("refused")
            assert refused.messages and all(refused.messages)
            assert row_counts(WEIGHT_TABLES) == before
        else:
            event("imported")
            assert harm.upload_weights(actor=cast.officer, partnership=cast.lancaster, rows=rows) == len(rows)
        transaction.set_rollback(True)


def _values_upload_or_refusal(cast, indicator, data: bytes) -> None:
    with transaction.atomic():
        before = row_counts(VALUE_TABLES)
        try:
            rows = indicators.parse_values(data, indicator.frequency)
        except ValidationError as refused:
            event("refused")
            assert refused.messages and all(refused.messages)
            assert row_counts(VALUE_TABLES) == before
        else:
            event("imported")
            assert indicators.upload_values(actor=cast.officer, indicator=indicator, rows=rows) == len(rows)
        transaction.set_rollback(True)


@pytest.fixture
def indicator(cast):
    return Indicator.objects.create(
        partnership=cast.lancaster, name="Repeat referrals", source="MARAC", frequency=Indicator.Frequency.QUARTER
    )


@FUZZ
@given(
    data=st.one_of(
        table_edits(WEIGHTS_HEADER, WEIGHTS_TABLE).map(lambda t: _as_csv(*t)),
        broken_csv(_as_csv(WEIGHTS_HEADER, WEIGHTS_TABLE)),
        random_bytes(),
    )
)
@example(data=_as_csv(WEIGHTS_HEADER, [["Nul\x00type", "1", ""]]))
@example(data=_as_csv(WEIGHTS_HEADER, [["Burglary", "1", "Nul\x00source"]]))
def test_weights_file_imports_or_is_refused_without_writing(cast, data):
    _weights_upload_or_refusal(cast, data)


@FUZZ
@given(
    data=st.one_of(
        table_edits(VALUES_HEADER, VALUES_TABLE).map(lambda t: _as_csv(*t)),
        broken_csv(_as_csv(VALUES_HEADER, VALUES_TABLE)),
        random_bytes(),
    )
)
@example(data=_as_csv(VALUES_HEADER, [["2023/24 Q1", "1e30", ""]]))
@example(data=_as_csv(VALUES_HEADER, [["2023/24 Q1", "99999999999999", ""]]))
@example(data=_as_csv(VALUES_HEADER, [["2023/24 Q1", "1", "Nul\x00note"]]))
def test_indicator_figures_file_imports_or_is_refused_without_writing(cast, indicator, data):
    _values_upload_or_refusal(cast, indicator, data)
