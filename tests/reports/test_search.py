"""The one search box: it finds each kind of thing in the partnerships the person may open, never
another partnership's, never a draft return's words but for its lead, and runs the same number of
queries however much there is to find.

Lancaster and Chorley and South Ribble both have a 'Knife crime' action, priority, threat and
returns, so that every test of what one person finds also asks what they must not. (The cast's
officer also sits on the county board, so reads both districts: the board member and the lead
hold a role in Lancaster alone.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action, ProgressReturn
from csp_portal.organisations.models import Role
from reports.search import queries
from tests.actionplans.factories import ActionFactory, PlanFactory, PriorityFactory, ReturnFactory
from tests.factories import UserFactory
from tests.priorities.factories import AssessmentFactory, ThreatFactory

pytestmark = pytest.mark.django_db

SUBMITTED, DRAFT = ProgressReturn.Status.SUBMITTED, ProgressReturn.Status.DRAFT
OWN = "Lancaster District CSP"


@dataclass
class Side:
    """One partnership's knife-crime work."""

    action: Action
    submitted: ProgressReturn
    draft: ProgressReturn


def knife_crime(partnership, lead, name: str) -> Side:
    plan = PlanFactory(partnership=partnership, title=f"{name} plan")
    priority = PriorityFactory(plan=plan, title=f"Knife crime in {name}", why="Stabbings rose.")
    action = ActionFactory(priority=priority, title=f"{name} knife amnesty bins", lead_user=lead)
    other = ActionFactory(priority=priority, title=f"{name} youth outreach", lead_user=lead)
    submitted = ReturnFactory(
        action=other, year=2025, number=1, narrative=f"{name} weapons sweep done", status=SUBMITTED
    )
    draft = ReturnFactory(action=action, year=2025, number=2, narrative=f"{name} secret weapons plan", status=DRAFT)
    assessment = AssessmentFactory(partnership=partnership, title=f"{name} assessment")
    ThreatFactory(assessment=assessment, name=f"{name} knife crime", description="Weapons carried by young people")
    return Side(action, submitted, draft)


@pytest.fixture
def both(cast):
    csr_lead = UserFactory(full_name="Kim Knifecrime-Lead", email="kim@csr.example")
    Role.objects.create(user=csr_lead, partnership=cast.chorley_south_ribble, role=Role.Kind.LEAD)
    return knife_crime(cast.lancaster, cast.lead, "Lancaster"), knife_crime(cast.chorley_south_ribble, csr_lead, "CSR")


def found(user, text: str) -> dict[str, list[str]]:
    """{kind: titles and partnership names} of what ``user`` finds for ``text``."""
    results = queries.search(user, text)
    return {group.kind: [f"{hit.title} | {hit.partnership}" for hit in group.hits] for group in results.groups}


def flat(user, text: str) -> str:
    return "\n".join(line for lines in found(user, text).values() for line in lines)


# -- Each kind is found -------------------------------------------------------------------------------


def test_finds_each_kind_in_ones_partnership(cast, both):
    assert found(cast.board_member, "amnesty")["Actions"] == ["Lancaster knife amnesty bins | " + OWN]
    assert found(cast.board_member, "knife")["Priorities"] == ["Knife crime in Lancaster | " + OWN]
    assert found(cast.board_member, "sweep")["Progress returns"] == ["Lancaster youth outreach | " + OWN]
    assert found(cast.board_member, "knife")["Threats"] == ["Lancaster knife crime | " + OWN]
    assert found(cast.officer, "Liam")["People"] == ["Liam Lead | " + OWN]


def test_full_text_stems_english_words(cast, both):
    # 'stabbing' finds the priority whose reason says 'Stabbings'; 'weapon' finds 'Weapons'.
    assert found(cast.board_member, "stabbing")["Priorities"] == ["Knife crime in Lancaster | " + OWN]
    assert found(cast.board_member, "weapon")["Threats"] == ["Lancaster knife crime | " + OWN]


def test_each_hit_links_to_its_page(cast, both, login):
    lancaster, _ = both
    client = login(cast.board_member)
    response = client.get(reverse("search"), {"q": "knife"})
    html = response.content.decode()
    assert response.status_code == 200
    action_url = reverse("actionplans:action_detail", args=["lancaster", lancaster.action.pk])
    assert f'href="{action_url}"' in html
    assert "Lancaster District CSP" in html and "CSR" not in html
    for url in _hrefs(html, "app-search-results"):
        assert client.get(url).status_code == 200, url


def _hrefs(html: str, list_class: str) -> list[str]:
    lists = re.findall(rf'<ul class="[^"]*{list_class}[^"]*">(.*?)</ul>', html, re.S)
    return [href.split("#")[0] for block in lists for href in re.findall(r'href="([^"]+)"', block)]


# -- Never another partnership's, never what the person may not open ----------------------------------


def test_never_returns_another_partnerships_items(cast, both):
    for person in (cast.lead, cast.board_member):
        everything = flat(person, "knife")
        assert "Lancaster" in everything
        assert "CSR" not in everything and "Chorley" not in everything
    assert "Lancaster" not in flat(cast.csr_officer, "knife") and "CSR knife" in flat(cast.csr_officer, "knife")
    # Lancaster's officer sits on the county board too, which reads every district below it.
    assert "CSR knife amnesty bins" in flat(cast.officer, "knife")


def test_someone_without_a_role_finds_nothing(cast, both):
    assert queries.search(cast.outsider, "knife").total == 0


def test_a_county_role_reads_its_districts_but_their_people_are_the_districts_own(cast, both):
    everything = flat(cast.analyst, "knife")
    assert "Lancaster knife amnesty bins" in everything and "CSR knife amnesty bins" in everything
    assert found(cast.analyst, "Liam")["People"] == []


def test_people_only_for_officers_and_site_administrators(cast, both):
    assert found(cast.board_member, "Liam")["People"] == []
    assert found(cast.lead, "Liam")["People"] == []
    assert found(cast.officer, "Kim")["People"] == []  # Chorley and South Ribble's lead
    assert found(cast.csr_officer, "Kim")["People"] == ["Kim Knifecrime-Lead | Chorley and South Ribble CSP"]
    assert "Kim Knifecrime-Lead" in found(cast.admin, "Kim")["People"][0]


def test_a_draft_returns_words_are_found_only_by_its_lead(cast, both):
    assert found(cast.lead, "secret")["Progress returns"] == ["Lancaster knife amnesty bins | " + OWN]
    for person in (cast.officer, cast.board_member, cast.admin, cast.analyst):
        assert found(person, "secret")["Progress returns"] == [], person
    # Once submitted, the return is everyone's in the partnership.
    lancaster, _ = both
    ProgressReturn.objects.filter(pk=lancaster.draft.pk).update(status=SUBMITTED)
    assert len(found(cast.officer, "secret")["Progress returns"]) == 1


def test_archived_actions_are_left_out(cast, both):
    lancaster, _ = both
    Action.objects.filter(pk=lancaster.action.pk).update(archived_at=lancaster.action.created)
    assert found(cast.board_member, "amnesty")["Actions"] == []


def test_the_page_escapes_what_it_shows(cast, both, login):
    lancaster, _ = both
    Action.objects.filter(pk=lancaster.action.pk).update(title='Amnesty bins <script>alert("amnesty")</script>')
    html = login(cast.board_member).get(reverse("search"), {"q": "amnesty"}).content.decode()
    assert "&lt;script&gt;alert(" in html
    assert '<script>alert("amnesty")' not in html


# -- The query itself ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a word or two to search for."),
        ("   ", "Enter a word or two to search for."),
        ("k", "Enter at least 2 characters to search for."),
        ("k" * 101, "Enter at most 100 characters to search for."),
    ],
)
def test_an_empty_short_or_long_query_gets_a_clear_message(cast, login, text, message):
    response = login(cast.officer).get(reverse("search"), {"q": text})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and "govuk-error-message" in html
    assert "<title>Error: Search" in html


def test_the_page_without_a_query_shows_the_form_without_an_error(cast, login):
    html = login(cast.officer).get(reverse("search")).content.decode()
    assert 'name="q"' in html and "govuk-error-message" not in html


@pytest.mark.parametrize("text", ["kn\x00ife", "!!!", "& | ! :*", "'\"", "or -knife", "\\", "ǩnïfe 🗡"])
def test_odd_queries_never_fail(cast, both, login, text):
    response = login(cast.officer).get(reverse("search"), {"q": text})
    assert response.status_code == 200


def test_the_websearch_syntax_works(cast, both):
    assert found(cast.lead, '"knife amnesty"')["Actions"] == ["Lancaster knife amnesty bins | " + OWN]
    assert found(cast.lead, "knife -amnesty")["Actions"] == []


def test_the_simple_match_for_sqlite_needs_every_word_as_typed(cast, both):
    """The embedded database's fallback: each word a substring of some field, case ignored, no stemming."""
    actions = Action.objects.in_partnership(cast.lancaster)

    def titles(text: str) -> list[str]:
        return [a.title for a in queries.matching(actions, ["title", "activity"], text, full_text=False)]

    assert titles("AMNESTY bins") == ["Lancaster knife amnesty bins"]
    assert titles("amnest") == ["Lancaster knife amnesty bins"]  # a part of a word matches
    assert titles("amnesty outreach") == []  # every word must match
    assert titles("patrols youth") == ["Lancaster youth outreach"]  # across fields


def test_the_sqlite_path_is_chosen_by_the_database(monkeypatch, cast, both):
    monkeypatch.setattr(queries, "full_text_available", lambda: False)
    assert found(cast.board_member, "amnest")["Actions"] == ["Lancaster knife amnesty bins | " + OWN]
    assert found(cast.board_member, "secret")["Progress returns"] == []
    assert found(cast.lead, "secret")["Progress returns"] == ["Lancaster knife amnesty bins | " + OWN]


# -- A bounded number of queries ----------------------------------------------------------------------


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search"), {"q": "knife"})
    assert response.status_code == 200
    return len(captured)


def test_each_kind_is_capped_and_says_how_many_there_are(cast, both):
    priority = both[0].action.priority
    ActionFactory.create_batch(queries.CAP + 5, priority=priority, title="Knife surrender week")
    actions = next(group for group in queries.search(cast.board_member, "knife").groups if group.kind == "Actions")
    assert len(actions.hits) == queries.CAP and actions.total == queries.CAP + 6 and actions.more == 6


def test_query_count_does_not_grow_with_the_data(cast, both, login):
    Role.objects.create(user=UserFactory(full_name="Knife Person"), partnership=cast.lancaster, role=Role.Kind.LEAD)
    client = login(cast.officer)
    before = count_queries(client)
    lancaster, _ = both
    for n in range(30):
        ActionFactory(priority=lancaster.action.priority, title=f"Knife action {n}", lead_user=cast.lead)
        ReturnFactory(action=lancaster.action, year=2010 + n // 4, number=n % 4 + 1, narrative="Knife bins emptied")
        ThreatFactory(assessment=AssessmentFactory(partnership=cast.lancaster), name=f"Knife threat {n}")
        lead = UserFactory(full_name=f"Knife Person {n}")
        Role.objects.create(user=lead, partnership=cast.lancaster, role=Role.Kind.LEAD)
    assert count_queries(client) == before
