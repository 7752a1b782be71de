"""The read API's indicators: a partnership's indicators with their figures, typed in or counted from
police.uk crime data, for every role whose pages show the indicators and for nobody else; filtered by
council and by period; a fixed number of queries however many indicators and figures."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import CrimeCount, Indicator
from csp_portal.api.models import AccessToken
from csp_portal.api.services import revoke_token

from .conftest import bearer, indicators
from .test_endpoints import count_queries

pytestmark = pytest.mark.django_db

ROLES = ["officer", "lead", "board_member", "lancaster_analyst", "analyst", "admin"]


def address(slug: str, query: str = "") -> str:
    return reverse("api_indicators", args=[slug]) + query


def person(cast, who: str, request):
    return request.getfixturevalue(who) if who == "lancaster_analyst" else getattr(cast, who)


def by_name(client, url: str) -> dict[str, dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {row["name"]: row for row in response.json()["results"]}


@pytest.mark.parametrize("who", ROLES)
def test_every_role_of_lancaster_reads_its_indicators_and_their_figures(cast, data, who, request):
    """Officer, lead, board member and analyst of Lancaster, the county board's analyst and a site
    administrator: everyone whose indicator pages show Lancaster's."""
    client, _ = bearer(person(cast, who, request))
    rows = by_name(client, address("lancaster"))
    assert set(rows) == {"Repeat MARAC referrals", "Burglary, Lancaster"}
    typed = rows["Repeat MARAC referrals"]
    assert typed["values"] == [
        {"period_start": "2022-04-01", "value": 28.0, "note": ""},
        {"period_start": "2023-04-01", "value": 27.0, "note": ""},
        {"period_start": "2024-04-01", "value": 26.0, "note": "Provisional"},
    ]
    assert (typed["unit"], typed["source"], typed["target"], typed["authority"]) == ("%", "MARAC", 25.0, None)
    assert (typed["frequency"], typed["desired_direction"], typed["crime_type"]) == ("year", "down", "")
    counted = rows["Burglary, Lancaster"]
    # Both forces' burglaries summed for each month; the drugs counts are another crime type.
    assert [(v["period_start"], v["value"]) for v in counted["values"]] == [
        ("2025-04-01", 15.0),
        ("2025-05-01", 16.0),
        ("2025-06-01", 17.0),
    ]
    assert (counted["authority"], counted["crime_type"], counted["target"]) == ("E07000121", "Burglary", None)


@pytest.mark.parametrize("who", ["officer", "lead", "board_member", "lancaster_analyst"])
def test_a_lancaster_token_sees_nothing_of_chorley_and_south_ribble(cast, data, who, request):
    """The cast's officer also sits on the county board, whose pages show its districts' evidence:
    their token reads Chorley and South Ribble's indicators as their pages do, but never with
    Lancaster's figures in them; the others are not found."""
    client, _ = bearer(person(cast, who, request))
    response = client.get(address("chorley-south-ribble"))
    if who == "officer":
        assert set(by_name(client, address("chorley-south-ribble"))) == {
            "Repeat MARAC referrals",
            "Burglary, Chorley",
        }
        return
    assert response.status_code == 404
    assert response.json() == {"detail": "No such page in your partnerships."}


def test_another_partnerships_officer_sees_nothing_of_lancaster(cast, data):
    client, _ = bearer(cast.csr_officer)
    assert client.get(address("lancaster")).status_code == 404
    assert set(by_name(client, address("chorley-south-ribble"))) == {"Repeat MARAC referrals", "Burglary, Chorley"}


def test_a_person_with_no_role_and_nobody_at_all_see_nothing(cast, data):
    client, _ = bearer(cast.outsider)
    assert client.get(address("lancaster")).status_code == 404
    assert Client().get(address("lancaster")).status_code == 401


def test_a_revoked_token_is_answered_401(cast, data):
    client, _ = bearer(cast.board_member)
    assert client.get(address("lancaster")).status_code == 200
    revoke_token(AccessToken.objects.get(person=cast.board_member), actor=cast.board_member)
    response = client.get(address("lancaster"))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_an_indicator_of_the_whole_area_counts_every_council_of_it(cast, data):
    """Chorley and South Ribble covers two councils: its whole-area indicator sums both, as its
    indicator page does, and a quarter is counted only when its three months are all imported."""
    csr = cast.chorley_south_ribble
    Indicator.objects.create(
        partnership=csr,
        name="Burglary, whole area",
        source="police.uk",
        frequency=Indicator.Frequency.QUARTER,
        crime_type="Burglary",
    )
    south_ribble = csr.authorities.get(ons_code="E07000126")
    CrimeCount.objects.bulk_create(
        CrimeCount(
            force="Lancashire", month=date(2025, month, 1), authority=south_ribble, crime_type="Burglary", count=5
        )
        for month in (4, 5, 6, 7)
    )
    client, _ = bearer(cast.csr_officer)
    rows = by_name(client, address("chorley-south-ribble"))
    # Chorley: 15 + 16 + 17; South Ribble: 3 x 5; July alone makes no quarter.
    assert rows["Burglary, whole area"]["values"] == [{"period_start": "2025-04-01", "value": 63.0, "note": ""}]
    assert rows["Burglary, whole area"]["authority"] is None


def test_filtered_by_council_and_by_period(cast, data):
    client, _ = bearer(cast.board_member)
    assert set(by_name(client, address("lancaster", "?authority=E07000121"))) == {"Burglary, Lancaster"}
    assert by_name(client, address("lancaster", "?authority=E07000118")) == {}
    rows = by_name(client, address("lancaster", "?since=2023-01-01&until=2025-05-01"))
    assert [v["period_start"] for v in rows["Repeat MARAC referrals"]["values"]] == ["2023-04-01", "2024-04-01"]
    assert [v["period_start"] for v in rows["Burglary, Lancaster"]["values"]] == ["2025-04-01", "2025-05-01"]
    rows = by_name(client, address("lancaster", "?since=2025-06-01"))
    assert rows["Repeat MARAC referrals"]["values"] == []
    assert len(rows["Burglary, Lancaster"]["values"]) == 1


@pytest.mark.parametrize("query", ["?since=April", "?until=2025-13-01"])
def test_a_date_that_is_not_one_is_a_400(cast, data, query):
    client, _ = bearer(cast.board_member)
    response = client.get(address("lancaster", query))
    assert response.status_code == 400
    assert set(response.json()) & {"since", "until"}


def test_indicators_come_in_pages(cast, data):
    for n in range(5):
        indicators(cast.lancaster, tag=f" {n}")
    client, _ = bearer(cast.board_member)
    first = client.get(address("lancaster", "?page_size=5")).json()
    assert first["count"] == 12 and len(first["results"]) == 5
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5 and all("values" in row for row in second["results"])


@pytest.mark.parametrize("query", ["", "?authority=E07000121&since=2024-01-01"])
def test_the_query_count_does_not_grow_with_ten_times_the_data(cast, query):
    """Two indicators (one typed in, one from crime counts) against twenty, with ten times the
    figures and the counts, here and in another partnership."""
    indicators(cast.lancaster)
    client, _ = bearer(cast.officer)
    url = address("lancaster", query)
    client.get(url)  # the token's last use is recorded once a minute: not in the counts below
    few = count_queries(client, url)
    for n in range(9):
        indicators(cast.lancaster, tag=f" {n}")
        indicators(cast.chorley_south_ribble, tag=f" {n}")
    assert count_queries(client, url) == few
    assert len(client.get(url).json()["results"]) == (20 if not query else 10)


def test_monthly_crime_figures_are_those_the_indicator_pages_show(cast, data):
    """The API sums a monthly indicator's counts without pandas; the pages (assessments.queries) with
    it. A month with no count is left out by both."""
    from assessments.queries import indicator_values

    counted = Indicator.objects.get(partnership=cast.lancaster, crime_type="Burglary")
    CrimeCount.objects.create(
        force="Lancashire", month=date(2025, 9, 1), authority=counted.authority, crime_type="Burglary", count=4
    )
    client, _ = bearer(cast.board_member)
    figures = by_name(client, address("lancaster"))[counted.name]["values"]
    expected = indicator_values(counted, cast.lancaster)
    assert [(f["period_start"], f["value"]) for f in figures] == [
        (start.isoformat(), float(value)) for start, value in sorted(expected.items())
    ]
    assert len(figures) == 4
