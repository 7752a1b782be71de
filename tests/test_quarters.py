"""The financial-year quarter: labels, parsing, dates, deadlines and the boundaries that trip people up."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from csp_portal.quarters import Quarter, QuarterConverter

LONDON = ZoneInfo("Europe/London")


def test_label_and_financial_year():
    quarter = Quarter(2025, 3)
    assert quarter.label == "2025/26 Q3"
    assert str(quarter) == "2025/26 Q3"
    assert quarter.financial_year == "2025/26"
    assert quarter.slug == "2025-26-Q3"


@pytest.mark.parametrize(
    ("quarter", "start", "end", "months"),
    [
        (Quarter(2025, 1), date(2025, 4, 1), date(2025, 6, 30), "April to June 2025"),
        (Quarter(2025, 2), date(2025, 7, 1), date(2025, 9, 30), "July to September 2025"),
        (Quarter(2025, 3), date(2025, 10, 1), date(2025, 12, 31), "October to December 2025"),
        (Quarter(2025, 4), date(2026, 1, 1), date(2026, 3, 31), "January to March 2026"),
        (Quarter(2023, 4), date(2024, 1, 1), date(2024, 3, 31), "January to March 2024"),  # a leap year
    ],
)
def test_start_end_and_months(quarter, start, end, months):
    assert (quarter.start, quarter.end, quarter.months) == (start, end, months)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 31), Quarter(2025, 4)),
        (date(2026, 4, 1), Quarter(2026, 1)),
        (date(2025, 6, 30), Quarter(2025, 1)),
        (date(2025, 7, 1), Quarter(2025, 2)),
        (date(2025, 12, 31), Quarter(2025, 3)),
        (date(2026, 1, 1), Quarter(2025, 4)),
    ],
)
def test_the_quarter_a_day_falls_in(day, expected):
    assert Quarter.of(day) == expected
    assert expected.contains(day)


@pytest.mark.parametrize(
    "text", ["2025/26 Q3", "2025/26-Q3", "2025-26-Q3", "2025-26-q3", " 2025/2026 q3 ", "2025/26Q3"]
)
def test_parse_accepts_the_ways_people_write_it(text):
    assert Quarter.parse(text) == Quarter(2025, 3)


@pytest.mark.parametrize("text", ["", "2025 Q3", "2025/26 Q5", "2025/26 Q0", "2025/27 Q1", "Q3 2025/26", "25/26 Q1"])
def test_parse_refuses_anything_else(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)


def test_parse_reads_back_every_label_and_slug():
    for quarter in Quarter.between(Quarter(1999, 1), Quarter(2001, 4)):
        assert Quarter.parse(quarter.label) == quarter
        assert Quarter.parse(quarter.slug) == quarter


def test_quarters_are_numbered_one_to_four():
    with pytest.raises(ValueError):
        Quarter(2025, 5)


def test_next_previous_and_arithmetic_cross_the_year_end():
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 3) + 2 == Quarter(2026, 1)
    assert Quarter(2026, 1) - 5 == Quarter(2024, 4)
    assert Quarter(2026, 1) - Quarter(2025, 3) == 2
    assert Quarter(2025, 4) < Quarter(2026, 1) < Quarter(2026, 2)
    assert Quarter.between(Quarter(2025, 3), Quarter(2026, 2)) == [
        Quarter(2025, 3),
        Quarter(2025, 4),
        Quarter(2026, 1),
        Quarter(2026, 2),
    ]


def test_deadline_is_fifteen_days_after_the_quarter_ends_by_default():
    assert Quarter(2025, 3).deadline() == date(2026, 1, 15)
    assert Quarter(2025, 4).deadline() == date(2026, 4, 15)
    assert Quarter(2025, 4).deadline(days=30) == date(2026, 4, 30)


def test_deadline_follows_the_setting(settings):
    settings.ACTIONPLANS_RETURN_DEADLINE_DAYS = 10
    assert Quarter(2025, 1).deadline() == date(2025, 7, 10)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 31, 23, 59, 59, tzinfo=LONDON), Quarter(2025, 4)),
        (datetime(2026, 4, 1, 0, 0, 0, tzinfo=LONDON), Quarter(2026, 1)),
        (datetime(2025, 12, 31, 23, 59, 59, tzinfo=LONDON), Quarter(2025, 3)),
        (datetime(2026, 1, 1, 0, 0, 0, tzinfo=LONDON), Quarter(2025, 4)),
        # 23:30 UTC on 31 March 2026 is already 1 April in London (British Summer Time).
        (datetime(2026, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC")), Quarter(2026, 1)),
    ],
)
def test_current_quarter_at_the_boundaries(moment, expected):
    with time_machine.travel(moment, tick=False):
        assert Quarter.current() == expected


def test_url_converter_round_trips():
    converter = QuarterConverter()
    assert converter.to_python("2025-26-Q3") == Quarter(2025, 3)
    assert converter.to_url(Quarter(2025, 3)) == "2025-26-Q3"
    assert converter.to_url("2025/26 Q3") == "2025-26-Q3"


@pytest.mark.django_db
def test_quarter_in_a_url():
    url = reverse("actionplans:quarter_status", kwargs={"slug": "lancaster", "quarter": Quarter(2025, 4)})
    assert url.endswith("/quarters/2025-26-Q4/")
