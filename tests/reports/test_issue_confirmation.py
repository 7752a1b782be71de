"""Issuing a quarter's report asks first: the officer's confirmation page lists what the report would
go to the board without (returns still owed, returns not yet accepted, escalations without a board
decision), each linked to where it is put right, and only its POST issues the version it named."""

import pytest
from django.urls import reverse

from actionplans.models import ProgressReturn
from reports.models import Decision, ReportJob
from tests.actionplans.factories import ActionFactory

from .conftest import Q2, decide, grow
from .test_views import issued, queries_of, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(cast, data):
    """An action whose lead has not written the 2025/26 Q2 return."""
    return ActionFactory(priority=data.roads, title="Safer crossings", lead_user=cast.lead, order=2)


def confirmation(client) -> str:
    response = client.get(url("report_issue", quarter=Q2))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_officer_is_shown_what_is_still_missing(login, cast, data, owed):
    body = confirmation(login(cast.officer))
    assert "Returns still owed: 1" in body
    assert reverse("actionplans:return_edit", args=["lancaster", owed.pk, Q2]) in body
    assert f'2.2 Safer crossings</a> <span class="app-secondary-text">(lead: {cast.lead.full_name})' in body
    assert "Returns waiting for review: 1" in body
    assert reverse("actionplans:return_review", args=["lancaster", data.marac.pk, Q2]) in body
    assert "Escalations without a board decision: 1" in body
    assert reverse("reports:report_decision", args=["lancaster", data.escalation.pk]) in body
    assert reverse("actionplans:quarter_status", args=["lancaster", Q2]) in body
    assert "1 return is still owed, 1 is waiting for review, and the board has not decided 1 escalation" in body
    assert "This cannot be undone: version 1 will be issued to the board members" in body
    assert 'name="version" value="1"' in body
    assert not ReportJob.objects.exists()  # looking issues nothing


def test_the_page_says_when_nothing_is_missing(login, cast, data):
    data.marac.returns.update(status=ProgressReturn.Status.ACCEPTED)
    decide(data.escalation, Decision.Outcome.AGREED, "Agreed.")
    body = confirmation(login(cast.officer))
    assert "Nothing is missing" in body
    assert "Returns still owed: 0" in body and "Returns waiting for review: 0" in body
    assert "Escalations without a board decision: 0" in body


def test_the_next_version_is_named_after_one_was_issued(login, cast, data, media):
    issued(cast, version=1)
    body = confirmation(login(cast.officer))
    assert "Issue version 2 of the 2025/26 Q2 report" in body
    assert 'name="version" value="2"' in body


def test_posting_the_named_version_issues_it(login, cast, data, django_capture_on_commit_callbacks):
    response = login(cast.officer).post(url("report_issue", quarter=Q2), {"version": "1"})
    job = ReportJob.objects.get()
    assert (job.kind, job.status, job.requested_by, job.quarter) == ("issue", "queued", cast.officer, Q2)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({}, "Issue the report with the button on this page"),
        ({"version": "x"}, "Issue the report with the button on this page"),
        ({"version": "1"}, "Version 1 has been issued since this page was opened"),
    ],
)
def test_a_stale_or_forged_confirmation_issues_nothing(login, cast, data, media, post, message):
    issued(cast, version=1)
    response = login(cast.officer).post(url("report_issue", quarter=Q2), post)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert 'href="#issue"' in body and 'id="issue"' in body
    assert not ReportJob.objects.exists()


def test_a_refusal_of_the_service_is_shown(login, cast, data):
    ReportJob.objects.create(partnership=cast.lancaster, year=Q2.year, number=Q2.number, kind="issue")
    response = login(cast.officer).post(url("report_issue", quarter=Q2), {"version": "1"})
    assert response.status_code == 200
    assert "is being issued already" in response.content.decode()
    assert ReportJob.objects.count() == 1


def test_a_future_quarter_cannot_be_issued(login, cast, data):
    body = login(cast.officer).get(url("report_issue", quarter=Q2 + 8)).content.decode()
    assert "has not started yet" in body and 'name="version"' not in body


def test_the_quarter_page_leads_to_the_confirmation_and_an_old_issue_button_too(login, cast, data):
    client = login(cast.officer)
    body = client.get(url("report_quarter", quarter=Q2)).content.decode()
    assert url("report_issue", quarter=Q2) in body
    response = client.post(url("report_request", quarter=Q2), {"kind": "issue"})
    assert response.status_code == 302 and response["Location"] == url("report_issue", quarter=Q2)
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("member", ["board_member", "lead", "analyst"])
def test_only_officers_issue(login, cast, data, member):
    client = login(getattr(cast, member))
    assert client.get(url("report_issue", quarter=Q2)).status_code == 403
    assert client.post(url("report_issue", quarter=Q2), {"version": "1"}).status_code == 403
    assert not ReportJob.objects.exists()


def test_another_partnerships_officer_is_not_found(login, cast, data):
    client = login(cast.csr_officer)
    assert client.get(url("report_issue", quarter=Q2)).status_code == 404
    assert client.post(url("report_issue", quarter=Q2), {"version": "1"}).status_code == 404


def test_the_confirmation_reads_in_a_fixed_number_of_queries(login, cast, data, indicator, owed, media):
    client = login(cast.officer)
    address = url("report_issue", quarter=Q2)
    issued(cast)
    before = queries_of(client, address)
    grow(cast, data, 10)
    for n in range(10):
        ActionFactory(priority=data.roads, title=f"Owed {n}", lead_user=cast.lead)
    for version in range(2, 12):
        issued(cast, version=version)
    body = confirmation(client)
    assert "Returns still owed: 11" in body
    assert queries_of(client, address) == before
