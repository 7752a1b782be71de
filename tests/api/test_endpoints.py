"""The read API's endpoints: a token sees what its owner's pages show and nothing more; the schema
validates and every path in it answers as it says; lists are paged, filtered, run a fixed number of
queries however much data, and a token past its rate is answered 429."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openapi_spec_validator import validate

from csp_portal.organisations.models import Partnership

from .conftest import bearer, plan_with_actions

pytestmark = pytest.mark.django_db

PARTNERSHIPS = reverse("api_partnerships")


def actions(slug: str, query: str = "") -> str:
    return reverse("api_actions", args=[slug]) + query


def returns(slug: str, query: str = "") -> str:
    return reverse("api_returns", args=[slug]) + query


def slugs(client: Client) -> set[str]:
    return {row["slug"] for row in client.get(PARTNERSHIPS).json()["results"]}


# -- Permissions: a token never sees more than its owner's pages -------------------------------------


@pytest.mark.parametrize("who", ["officer", "lead", "board_member", "lancaster_analyst"])
def test_each_lancaster_role_reads_lancaster(cast, data, who, request):
    person = request.getfixturevalue(who) if who == "lancaster_analyst" else getattr(cast, who)
    client, _ = bearer(person)
    assert "lancaster" in slugs(client)
    rows = client.get(actions("lancaster")).json()["results"]
    assert {row["id"] for row in rows} == {a.pk for a in data["lancaster"]}
    assert client.get(returns("lancaster")).json()["count"] == 4


@pytest.mark.parametrize("who", ["lead", "board_member", "lancaster_analyst"])
def test_lancaster_roles_see_nothing_of_chorley_and_south_ribble(cast, data, who, request):
    person = request.getfixturevalue(who) if who == "lancaster_analyst" else getattr(cast, who)
    client, _ = bearer(person)
    assert "chorley-south-ribble" not in slugs(client)
    assert client.get(actions("chorley-south-ribble")).status_code == 404
    assert client.get(returns("chorley-south-ribble")).status_code == 404


def test_another_partnerships_officer_sees_nothing_of_lancaster(cast, data):
    client, _ = bearer(cast.csr_officer)
    assert slugs(client) == {"chorley-south-ribble", "lancashire"}
    assert client.get(actions("lancaster")).status_code == 404
    assert client.get(returns("lancaster")).json() == {"detail": "No such page in your partnerships."}


def test_a_person_with_no_role_sees_no_partnership(cast, data):
    client, _ = bearer(cast.outsider)
    assert client.get(PARTNERSHIPS).json()["results"] == []
    assert client.get(actions("lancaster")).status_code == 404


@pytest.mark.parametrize("who", ["officer", "lead", "board_member", "analyst", "csr_officer", "admin", "outsider"])
def test_a_token_lists_the_partnerships_the_pages_list(cast, data, who):
    """The county board's people (the cast's officer and analyst sit on it) read its districts, as on
    the pages; a site administrator reads every partnership."""
    person = getattr(cast, who)
    client, _ = bearer(person)
    assert slugs(client) == set(Partnership.objects.for_user(person).values_list("slug", flat=True))
    for slug in ["lancaster", "chorley-south-ribble"]:
        expected = 200 if person.has_perm("actionplans.view_actions", Partnership.objects.get(slug=slug)) else 404
        assert client.get(actions(slug)).status_code == expected


def test_returns_are_the_accepted_ones_only(cast, data):
    client, _ = bearer(cast.board_member)
    rows = client.get(returns("lancaster")).json()["results"]
    assert {row["status"] for row in rows} == {"accepted"}
    assert {row["quarter"] for row in rows} == {"2025-26-Q1", "2025-26-Q2"}
    assert "A draft nobody else reads." not in str(rows)
    # The lead who wrote the draft does not read it here either: the API shows accepted returns.
    lead, _ = bearer(cast.lead)
    assert "A draft nobody else reads." not in lead.get(returns("lancaster")).content.decode()


# -- Filters -------------------------------------------------------------------------------------------


def test_the_latest_accepted_rag_and_the_quarter_filter(cast, data):
    client, _ = bearer(cast.board_member)
    rows = client.get(actions("lancaster")).json()["results"]
    assert {(row["latest_rag"], row["latest_quarter"]) for row in rows} == {("green", "2025-26-Q2")}
    assert rows[0]["priority"] == "Priority of lancaster" and rows[0]["lead"] == "Liam Lead"
    rows = client.get(actions("lancaster", "?quarter=2025-26-Q1")).json()["results"]
    assert {(row["latest_rag"], row["latest_quarter"]) for row in rows} == {("amber", "2025-26-Q1")}
    rows = client.get(actions("lancaster", "?quarter=2024-25-Q4")).json()["results"]
    assert {(row["latest_rag"], row["latest_quarter"]) for row in rows} == {(None, None)}
    first = data["lancaster"][0]
    only = client.get(returns("lancaster", f"?quarter=2025-26-Q1&action={first.pk}")).json()
    assert only["count"] == 1 and only["results"][0]["rag"] == "amber"
    assert only["results"][0]["commentary"] == "Started."


@pytest.mark.parametrize("quarter", ["2025/26 Q3", "Q3", "2025-27-Q1", "1999-00-Q1"])
def test_a_quarter_not_written_as_the_portal_writes_it_is_a_400(cast, data, quarter):
    client, _ = bearer(cast.board_member)
    response = client.get(returns("lancaster"), {"quarter": quarter})
    assert response.status_code == 400
    assert "quarter" in response.json()


# -- Pages and query counts ------------------------------------------------------------------------------


def test_lists_come_in_pages(cast):
    plan_with_actions(cast.lancaster, actions=7)
    client, _ = bearer(cast.board_member)
    first = client.get(returns("lancaster", "?format=json&page_size=5")).json()
    assert first["count"] == 14 and len(first["results"]) == 5 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"]
    assert client.get(returns("lancaster", "?page_size=100000")).json()["count"] == 14
    assert client.get(returns("lancaster", "?page=99")).status_code == 404


def count_queries(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(
    "address", [PARTNERSHIPS, actions("lancaster"), returns("lancaster"), actions("lancaster", "?quarter=2025-26-Q1")]
)
def test_query_counts_do_not_grow_with_ten_times_the_data(cast, address):
    plan_with_actions(cast.lancaster, lead=cast.lead, actions=2)
    client, _ = bearer(cast.officer)
    client.get(address)  # the token's last use is recorded once a minute: not in the counts below
    few = count_queries(client, address)
    plan_with_actions(cast.lancaster, lead=cast.lead, actions=18)
    plan_with_actions(cast.chorley_south_ribble, actions=20)
    assert count_queries(client, address) == few


def test_a_token_past_its_rate_is_answered_429(cast, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}
    client, _ = bearer(cast.board_member)
    other, _ = bearer(cast.board_member, name="Excel")
    assert [client.get(PARTNERSHIPS).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = client.get(PARTNERSHIPS)
    assert refused.status_code == 429 and "Retry-After" in refused
    assert other.get(PARTNERSHIPS).status_code == 200, "each token has its own count"


# -- The schema and the documentation ------------------------------------------------------------------


def schema(client: Client) -> dict:
    response = client.get(reverse("api_schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_validates_and_documents_every_endpoint(cast):
    found = schema(Client())
    validate(found)
    assert set(found["paths"]) == {
        "/api/v1/partnerships/",
        "/api/v1/partnerships/{slug}/actions/",
        "/api/v1/partnerships/{slug}/returns/",
        "/api/v1/partnerships/{slug}/indicators/",
    }
    for methods in found["paths"].values():
        assert set(methods) == {"get"}, "read-only"
        operation = methods["get"]
        assert operation["summary"] and operation["description"]
        assert operation["security"] == [{"personalAccessToken": []}]
        assert all(parameter.get("description") for parameter in operation["parameters"])
    for name, component in found["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description") or name.startswith("Paginated"), f"{name}.{field} has no description"


def rows_schema(found: dict, operation: dict) -> dict:
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    row = found["components"]["schemas"][page]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
    return found["components"]["schemas"][row]


def test_every_path_answers_200_with_the_documented_fields(cast, data):
    found = schema(Client())
    client, _ = bearer(cast.board_member)
    for path, methods in found["paths"].items():
        response = client.get(path.replace("{slug}", cast.lancaster.slug))
        assert response.status_code == 200, path
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert body["results"], f"{path}: the cast's data should fill it"
        documented = rows_schema(found, methods["get"])
        for row in body["results"]:
            assert set(row) == set(documented["properties"]), path
            assert set(documented["required"]) <= set(row)


def test_the_documentation_page_lists_every_endpoint(client, cast):
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    html = response.content.decode()
    for path in schema(Client())["paths"]:
        assert path in html
    assert "latest_rag" in html and "Authorization: Bearer" in html
    assert "period_start" in html, "the fields of an indicator's figures are named"
    assert '<script src="http' not in html
