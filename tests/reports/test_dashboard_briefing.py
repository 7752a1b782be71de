"""The board's dashboard reads as a briefing: each priority's RAG as a bar whose segments say their
category and count in words, the red and worsened actions with their leads, the decisions the board
is asked to make (from accepted returns, one per action), what changed since the quarter's report
was issued; the officer's list of returns still owed is on the quarter pages, not here. Query counts
hold with ten times the data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplans.models import ProgressReturn
from reports import snapshot
from reports.models import Decision, ReportVersion
from tests.actionplans.factories import ActionFactory

from .conftest import ESCALATION, Q2, decide, grow, returned
from .test_views import issued, queries_of, url

pytestmark = pytest.mark.django_db

DASHBOARD = url("dashboard") + "?quarter=2025/26+Q2"


def issue(cast, version=1) -> ReportVersion:
    """Version ``version`` of Lancaster's 2025/26 Q2 report, storing today's snapshot as the worker does."""
    found = issued(cast, version=version)
    built = snapshot.build(cast.lancaster, Q2, status="issued", version=version)
    ReportVersion.objects.filter(pk=found.pk).update(snapshot=built)  # an issued version is never saved again
    return found


def page(client, address=DASHBOARD) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_each_prioritys_rag_reads_as_words_and_numbers(login, cast, data):
    body = page(login(cast.board_member))
    assert "Status of actions by priority" in body
    assert (
        '<li class="app-rag-bar__segment app-rag-bar__segment--amber app-rag-bar__segment--share-10"> Amber 1'
        '<span class="govuk-visually-hidden">,</span> </li>'
    ) in body
    assert 'app-rag-bar__segment--none app-rag-bar__segment--share-10"> No accepted return 1 </li>' in body
    assert 'app-rag-bar__segment--complete app-rag-bar__segment--share-20"> Complete 1 </li>' in body
    assert "All priorities" in body and "3 actions" in body
    assert "app-rag-bar__segment--red" not in body  # no empty segment


def test_red_and_worsened_actions_are_named_with_their_lead(login, cast, data):
    data.marac.returns.update(status=ProgressReturn.Status.ACCEPTED)  # its red return is accepted
    body = page(login(cast.board_member))
    section = body.split("Red and worsened actions")[1].split("Decisions the board is asked to make")[0]
    assert "MARAC improvements" in section and "DV prevention campaign" in section
    assert "Speed awareness events" not in section
    assert f"Lead: {cast.lead.full_name}." in section
    assert "Worsened from green in 2025/26 Q1." in section
    assert reverse("actionplans:action_detail", args=["lancaster", data.marac.pk]) in section


def test_nothing_red_or_worse_is_said(login, cast, data):
    data.campaign.returns.filter(number=1).update(rag="amber")  # not worse than last quarter any more
    body = page(login(cast.board_member))
    assert "No action is red, and none is worse than in 2025/26 Q1." in body


def test_the_board_is_asked_only_what_accepted_returns_ask_once_per_action(login, cast, data):
    data.marac.returns.update(support_needed="The board to fund a second coordinator.")  # submitted only
    decide(data.escalation, Decision.Outcome.DEFERRED, "Deferred.")
    returned(data.campaign, Q2 + 1, "red", support_needed="The board to fund the IDVA post.")
    body = page(login(cast.board_member), url("dashboard") + "?quarter=2025/26+Q3")
    section = body.split("Decisions the board is asked to make")[1].split("Indicator trends")[0]
    assert "second coordinator" not in section
    assert section.count("DV prevention campaign") == 1
    assert "The board to fund the IDVA post." in section and ESCALATION.replace("'", "&#x27;") not in section
    assert "Raised since 2025/26 Q2; this request from the 2025/26 Q3 return." in section
    assert "Deferred: decision still required." in section


def test_the_board_member_sees_no_operational_list_or_officers_links(login, cast, data):
    owed = ActionFactory(priority=data.roads, title="Safer crossings", lead_user=cast.lead)
    body = page(login(cast.board_member))
    assert "Returns outstanding" not in body and owed.title not in body
    assert "Record the decision" not in body and "Prepare the" not in body
    assert reverse("actionplans:quarter_status", args=["lancaster", Q2]) not in body


def test_the_officer_records_decisions_from_the_briefing_and_finds_the_returns_elsewhere(login, cast, data):
    owed = ActionFactory(priority=data.roads, title="Safer crossings", lead_user=cast.lead)
    client = login(cast.officer)
    body = page(client)
    assert "Record the decision" in body and "Prepare the 2025/26 Q2 report" in body
    assert owed.title not in body
    quarter = page(client, url("report_quarter", quarter=Q2))
    assert "Returns still owed: 1" in quarter and owed.title in quarter
    assert "Returns waiting for review: 1" in quarter and "MARAC improvements" in quarter
    assert owed.title not in page(login(cast.board_member), url("report_quarter", quarter=Q2))


def test_after_issue_the_dashboard_says_what_changed(login, cast, data, media):
    issue(cast)
    client = login(cast.board_member)
    assert "Nothing the report shows has changed since." in page(client)
    data.marac.returns.update(status=ProgressReturn.Status.ACCEPTED, reviewed_at=timezone.now())
    ActionFactory(priority=data.roads, title="Safer crossings", lead_user=cast.lead)
    body = page(client)
    section = body.split("Since version 1 was issued")[1]
    assert "3 things have changed that the report does not show" in section
    assert "1.2 MARAC improvements" in section and "No accepted return to Red" in section
    assert "MARAC improvements: accepted (was submitted)" in section
    assert "Actions added to the plan" in section and "2.2 Safer crossings" in section


def test_the_officer_sees_the_changes_on_the_quarter_page_too(login, cast, data, media):
    issue(cast)
    data.marac.returns.update(status=ProgressReturn.Status.ACCEPTED)
    body = page(login(cast.officer), url("report_quarter", quarter=Q2))
    assert "Since version 1 was issued" in body and "MARAC improvements: accepted (was submitted)" in body


def test_a_report_issued_for_another_quarter_is_not_compared(login, cast, data, media):
    issue(cast)
    body = page(login(cast.board_member), url("dashboard") + "?quarter=2025/26+Q1")
    assert "Since version" not in body


@pytest.mark.parametrize("member", ["board_member", "officer"])
def test_the_briefing_reads_in_a_fixed_number_of_queries(login, cast, data, indicator, media, member):
    client = login(getattr(cast, member))
    issue(cast)
    before = queries_of(client, DASHBOARD)
    grow(cast, data, 10)
    issue(cast, version=2)
    body = page(client)
    assert "Since version 2 was issued" in body
    assert queries_of(client, DASHBOARD) == before
