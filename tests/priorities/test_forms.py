"""Lists of points typed or pasted one per line."""

import pytest
from django.core.exceptions import ValidationError

from priorities.forms import format_points, parse_points


def test_a_point_per_line_with_bullets_and_numbers_taken_off():
    text = "- Promote awareness campaigns\n• Support outreach\n2. Engage in youth panels\n\n   \n* Map ASB hotspots"
    assert parse_points(text, label="What we will do") == [
        "Promote awareness campaigns",
        "Support outreach",
        "Engage in youth panels",
        "Map ASB hotspots",
    ]


def test_indented_lines_are_sub_points_of_the_line_above():
    text = "Members attend forums including:\n - MARAC\n\t- MAPPA\nPromote early action"
    points = parse_points(text, label="What we currently do")
    assert points == ["Members attend forums including:\n- MARAC\n- MAPPA", "Promote early action"]
    assert format_points(points) == "Members attend forums including:\n  - MARAC\n  - MAPPA\nPromote early action"
    assert parse_points(format_points(points), label="x") == points


def test_an_indented_first_line_is_a_point_of_its_own():
    assert parse_points("  - MARAC", label="x") == ["MARAC"]


def test_numbers_that_are_not_list_numbers_are_kept():
    assert parse_points("2,068 collisions in 2021\n3.1 Reduce violence", label="x") == [
        "2,068 collisions in 2021",
        "3.1 Reduce violence",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Reduce ASB\nreduce asb", "“reduce asb” is listed twice"),
        ("x" * 1001, "point 1 is too long"),
        ("\n".join(f"Point {n}" for n in range(61)), "list no more than 60 points"),
    ],
)
def test_bad_lists_say_what_is_wrong(text, message):
    with pytest.raises(ValidationError) as error:
        parse_points(text, label="What we will do")
    assert any(message in m and m.startswith("What we will do") for m in error.value.messages)
