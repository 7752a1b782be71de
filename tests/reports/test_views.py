"""The dashboard and report pages: the happy path, the wrong role (403), another partnership (404),
bad input (errors shown, nothing saved), and query counts that hold when the data grows tenfold."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from csp_portal import freshness
from reports import tasks
from reports.models import Decision, ReportJob, ReportSettings, ReportVersion

from .conftest import ESCALATION, FAKE_PDF, Q2, grow, meeting_on

pytestmark = pytest.mark.django_db


def url(name, partnership="lancaster", **kwargs):
    return reverse(f"reports:{name}", kwargs={"slug": partnership, **kwargs})


def issued(cast, partnership=None, version=1) -> ReportVersion:
    partnership = partnership or cast.lancaster
    found = ReportVersion(
        partnership=partnership,
        year=Q2.year,
        number=Q2.number,
        version=version,
        snapshot={"document": {"status": "issued"}},
        checksum="a" * 64,
        size=len(FAKE_PDF),
        pages=3,
        issued_by=cast.officer,
        issued_at=timezone.now(),
    )
    found.pdf.save(f"{partnership.slug}-v{version}.pdf", ContentFile(FAKE_PDF), save=False)
    found.save()
    return found


def job(cast, status=ReportJob.Status.READY, partnership=None) -> ReportJob:
    found = ReportJob(
        partnership=partnership or cast.lancaster,
        year=Q2.year,
        number=Q2.number,
        requested_by=cast.officer,
        status=status,
        stage="Ready" if status == "ready" else "Laying out the pages",
        pages=3,
    )
    if status == ReportJob.Status.READY:
        found.pdf.save("draft.pdf", ContentFile(FAKE_PDF), save=False)
    found.save()
    return found


def queries_of(client, address, method="get") -> int:
    """The queries of one request, with the report snapshots to build again (the worst case)."""
    freshness.changed_everywhere()
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(address)
    assert response.status_code == 200, response.status_code
    return len(captured)


# The dashboard


def test_board_member_reads_the_dashboard(login, cast, data, indicator, media):
    issued(cast)
    response = login(cast.board_member).get(url("dashboard") + "?quarter=2025/26+Q2")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dashboard, 2025/26 Q2" in body
    assert "Domestic violence and abuse" in body and "Road safety" in body
    assert ESCALATION.replace("'", "&#x27;") in body
    assert "Repeat referrals to MARAC" in body and "Improving" in body
    assert "£7,500.00" in body
    assert "2025/26 Q2 quarterly monitoring report, version 1" in body
    assert "Record the decision" not in body and "Prepare the" not in body


def test_officer_sees_how_to_prepare_and_decide(login, cast, data, media):
    body = login(cast.officer).get(url("dashboard") + "?quarter=2025-26-Q2").content.decode()
    assert "Prepare the 2025/26 Q2 report" in body
    assert "Record the decision" in body


def test_the_county_dashboard_rolls_up_its_districts(login, cast, data):
    body = login(cast.analyst).get(url("dashboard", "lancashire") + "?quarter=2025/26 Q2").content.decode()
    assert "District and unitary progress on county priorities" in body
    assert "Lancaster District CSP" in body and "Chorley and South Ribble CSP" in body
    assert reverse("reports:dashboard", args=["chorley-south-ribble"]) in body


def test_the_dashboard_of_another_partnership_is_not_found(login, cast, data):
    assert login(cast.csr_officer).get(url("dashboard")).status_code == 404
    assert login(cast.outsider).get(url("dashboard")).status_code == 404


@pytest.mark.parametrize("quarter", ["next year", "2025/27 Q1", "2099/00 Q1"])
def test_a_bad_quarter_is_explained_on_the_dashboard(login, cast, data, quarter):
    response = login(cast.board_member).get(url("dashboard"), {"quarter": quarter})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "for example 2025/26 Q2" in body or "has not started yet" in body


# Issued reports


def test_board_member_lists_and_downloads_issued_reports(login, cast, data, media):
    version = issued(cast)
    client = login(cast.board_member)
    body = client.get(url("report_list")).content.decode()
    assert "2025/26 Q2 quarterly monitoring report, version 1" in body
    assert "Prepare a quarter" not in body
    response = client.get(url("report_download", version_id=version.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="lancaster-2025-26-Q2-v1.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_another_partnerships_report_is_not_found(login, cast, data, media):
    theirs = issued(cast, cast.chorley_south_ribble)
    mine = issued(cast)
    client = login(cast.board_member)
    assert client.get(url("report_download", version_id=theirs.pk)).status_code == 404
    assert client.get(url("report_download", "chorley-south-ribble", version_id=theirs.pk)).status_code == 404
    assert login(cast.csr_officer).get(url("report_download", version_id=mine.pk)).status_code == 404
    assert login(cast.csr_officer).get(url("report_list")).status_code == 404


def test_the_county_reads_its_districts_issued_reports(login, cast, data, media):
    version = issued(cast)
    assert login(cast.analyst).get(url("report_download", version_id=version.pk)).status_code == 200


def test_officer_lists_quarters_to_prepare(login, cast, data):
    body = login(cast.officer).get(url("report_list")).content.decode()
    assert "Prepare a quarter" in body
    assert reverse("reports:report_settings", args=["lancaster"]) in body


# A quarter's report


def test_officer_prepares_a_quarters_report(login, cast, data, media):
    issued(cast)
    body = login(cast.officer).get(url("report_quarter", quarter=Q2)).content.decode()
    assert "Issue version 2" in body and "Make a draft PDF" in body
    assert "Preview the draft report" in body
    assert ESCALATION.replace("'", "&#x27;") in body
    assert reverse("reports:report_decision", args=["lancaster", data.escalation.pk]) in body


def test_board_member_sees_a_quarters_issued_versions_only(login, cast, data, media):
    issued(cast)
    body = login(cast.board_member).get(url("report_quarter", quarter=Q2)).content.decode()
    assert "version 1" in body
    assert "Make a draft PDF" not in body and "Record the decision" not in body


def test_a_quarter_of_another_partnership_is_not_found(login, cast, data):
    assert login(cast.csr_officer).get(url("report_quarter", quarter=Q2)).status_code == 404


def test_a_malformed_quarter_in_the_address_is_not_found(login, cast, data):
    assert login(cast.officer).get("/partnerships/lancaster/reports/quarters/2025-27-Q1/").status_code == 404


# The preview


def test_officer_previews_the_draft_as_html(login, cast, data, indicator):
    response = login(cast.officer).get(url("report_preview", quarter=Q2))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en-GB">' in body
    assert "Draft preview" in body and "DV prevention campaign" in body
    assert "/static/reports/report.css" in body
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("member", ["board_member", "lead"])
def test_only_officers_preview_drafts(login, cast, data, member):
    assert login(getattr(cast, member)).get(url("report_preview", quarter=Q2)).status_code == 403


def test_officer_of_another_partnership_cannot_preview(login, cast, data):
    assert login(cast.csr_officer).get(url("report_preview", quarter=Q2)).status_code == 404


# Requesting a report


def test_officer_requests_a_draft_and_is_sent_to_its_job(
    login, cast, data, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.render_report, "apply_async", lambda args, **options: sent.append(*args))
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.officer).post(url("report_request", quarter=Q2), {"kind": "draft"})
    created = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("report_job", job_id=created.pk)
    assert (created.kind, created.status, created.requested_by) == ("draft", "queued", cast.officer)
    assert sent == [created.pk]


@pytest.mark.parametrize(
    ("quarter", "kind", "message"),
    [(Q2, "final", "Choose to make a draft or to issue"), (Q2 + 8, "draft", "has not started yet")],
)
def test_a_bad_request_is_explained_and_queues_nothing(login, cast, data, quarter, kind, message):
    response = login(cast.officer).post(url("report_request", quarter=quarter), {"kind": kind})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportJob.objects.exists()


def test_board_member_cannot_request_a_report(login, cast, data):
    assert login(cast.board_member).post(url("report_request", quarter=Q2), {"kind": "issue"}).status_code == 403
    assert not ReportJob.objects.exists()


def test_officer_of_another_partnership_cannot_request_a_report(login, cast, data):
    assert login(cast.csr_officer).post(url("report_request", quarter=Q2), {"kind": "draft"}).status_code == 404


def test_requesting_needs_a_post(login, cast, data):
    assert login(cast.officer).get(url("report_request", quarter=Q2)).status_code == 405


# Jobs


def test_officer_follows_a_job_in_progress(login, cast, data):
    running = job(cast, ReportJob.Status.RENDERING)
    client = login(cast.officer)
    body = client.get(url("report_job", job_id=running.pk)).content.decode()
    assert "Laying out the pages" in body
    assert "Refresh the page" in body  # without JavaScript
    assert 'data-status-url="' + url("report_job_status", job_id=running.pk) in body
    assert "/static/reports/job-progress.js" in body
    state = client.get(url("report_job_status", job_id=running.pk)).json()
    assert (state["status"], state["finished"], state["download_url"]) == ("rendering", False, "")


def test_a_ready_job_links_to_its_pdf(login, cast, data, media):
    ready = job(cast)
    client = login(cast.officer)
    body = client.get(url("report_job", job_id=ready.pk)).content.decode()
    assert "Download the draft report (PDF, 3 pages)" in body
    assert "Refresh the page" not in body
    state = client.get(url("report_job_status", job_id=ready.pk)).json()
    assert state["download_url"] == url("report_job_download", job_id=ready.pk)
    response = client.get(state["download_url"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == FAKE_PDF


def test_an_issue_job_links_to_its_version(login, cast, data, media):
    version = issued(cast)
    done = ReportJob.objects.create(
        partnership=cast.lancaster, year=2025, number=2, kind="issue", status="ready", result=version
    )
    client = login(cast.officer)
    assert client.get(url("report_job_status", job_id=done.pk)).json()["download_url"] == version.get_absolute_url()
    assert client.get(url("report_job_download", job_id=done.pk))["Location"] == version.get_absolute_url()


def test_a_failed_job_says_why(login, cast, data):
    failed = job(cast, ReportJob.Status.FAILED)
    failed.error = "The report could not be rendered: ValueError: no fonts"
    failed.save()
    body = login(cast.officer).get(url("report_job", job_id=failed.pk)).content.decode()
    assert "The report could not be rendered: ValueError: no fonts" in body


def test_a_draft_not_ready_cannot_be_downloaded(login, cast, data):
    running = job(cast, ReportJob.Status.RENDERING)
    assert login(cast.officer).get(url("report_job_download", job_id=running.pk)).status_code == 404


@pytest.mark.parametrize("name", ["report_job", "report_job_status", "report_job_download"])
def test_board_members_do_not_see_jobs(login, cast, data, media, name):
    ready = job(cast)
    assert login(cast.board_member).get(url(name, job_id=ready.pk)).status_code == 403


@pytest.mark.parametrize("name", ["report_job", "report_job_status", "report_job_download"])
def test_another_partnerships_job_is_not_found(login, cast, data, media, name):
    theirs, mine = job(cast, partnership=cast.chorley_south_ribble), job(cast)
    assert login(cast.officer).get(url(name, job_id=theirs.pk)).status_code == 404
    assert login(cast.csr_officer).get(url(name, job_id=mine.pk)).status_code == 404
    assert login(cast.csr_officer).get(url(name, "chorley-south-ribble", job_id=mine.pk)).status_code == 404


# The board's decisions


def decision_post(cast, **changes) -> dict:
    values = {
        "meeting": str(meeting_on(cast.lancaster, date(2025, 10, 20)).pk),
        "outcome": "agreed",
        "decision": "Match-funding confirmed from the OPCC grant.",
    }
    return values | changes


def test_officer_records_the_boards_decision(login, cast, data):
    client = login(cast.officer)
    address = url("report_decision", return_id=data.escalation.pk)
    meeting = meeting_on(cast.lancaster, date(2025, 10, 20))
    page = client.get(address).content.decode()
    assert ESCALATION.replace("'", "&#x27;") in page and "20 October 2025, reviewing 2025/26 Q2" in page
    response = client.post(address, decision_post(cast))
    assert response.status_code == 302
    assert response["Location"] == url("report_quarter", quarter=Q2)
    decision = Decision.objects.get()
    assert (decision.meeting, decision.meeting_date, decision.outcome, decision.recorded_by) == (
        meeting,
        date(2025, 10, 20),
        "agreed",
        cast.officer,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"meeting": ""}, "Choose the board meeting that decided"),
        ({"meeting": "999999"}, "Choose one of the board meetings listed"),
        ({"meeting": "future"}, "Choose one of the board meetings listed"),
        ({"meeting": "before"}, "Choose one of the board meetings listed"),
        ({"outcome": ""}, "Choose what the board decided"),
        ({"decision": ""}, "Enter what the board decided"),
    ],
)
def test_a_bad_decision_is_explained_and_nothing_saved(login, cast, data, changes, message):
    days = {"future": timezone.localdate() + timedelta(days=3), "before": date(2025, 6, 30)}
    if changes.get("meeting") in days:  # a meeting not held yet, or before the escalation's quarter began
        changes["meeting"] = str(meeting_on(cast.lancaster, days[changes["meeting"]]).pk)
    response = login(cast.officer).post(
        url("report_decision", return_id=data.escalation.pk), decision_post(cast, **changes)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not Decision.objects.exists()


def test_board_member_cannot_record_a_decision(login, cast, data):
    response = login(cast.board_member).post(url("report_decision", return_id=data.escalation.pk), decision_post(cast))
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_another_partnerships_escalation_is_not_found(login, cast, data):
    client = login(cast.officer)
    assert client.get(url("report_decision", return_id=data.csr_escalation.pk)).status_code == 404
    assert login(cast.csr_officer).get(url("report_decision", return_id=data.escalation.pk)).status_code == 404


def test_a_return_without_an_escalation_takes_no_decision(login, cast, data):
    plain = data.speed.returns.get()
    assert login(cast.officer).get(url("report_decision", return_id=plain.pk)).status_code == 404


def test_the_decision_shows_on_the_action(cast, data):
    Decision.objects.create(
        progress_return=data.escalation,
        meeting=meeting_on(cast.lancaster, date(2025, 10, 20)),
        outcome="agreed",
        decision="Match-funding confirmed.",
        recorded_at=timezone.now(),
    )
    html = Template('{% include "reports/includes/action_decisions.html" %}').render(Context({"action": data.campaign}))
    assert "Board decisions" in html and "Match-funding confirmed." in html and "20 October 2025" in html
    empty = Template('{% include "reports/includes/action_decisions.html" %}').render(Context({"action": data.speed}))
    assert "Board decisions" not in empty


def test_the_decision_shows_on_the_action_page(login, cast, data):
    Decision.objects.create(
        progress_return=data.escalation,
        meeting=meeting_on(cast.lancaster, date(2025, 10, 20)),
        outcome="deferred",
        decision="Deferred until the budget is set.",
        recorded_at=timezone.now(),
    )
    page = login(cast.board_member).get(reverse("actionplans:action_detail", args=["lancaster", data.campaign.pk]))
    body = page.content.decode()
    assert "Board decisions" in body and "Deferred until the budget is set." in body


# How the reports look


def png(width=120, height=40) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#00703c").save(buffer, format="PNG")
    return buffer.getvalue()


def test_officer_sets_the_reports_look(login, cast, data, media):
    logo = SimpleUploadedFile("crest.png", png(), content_type="image/png")
    response = login(cast.officer).post(
        url("report_settings"),
        {"protective_marking": "OFFICIAL-SENSITIVE", "colour": "#00703C", "logo": logo, "logo_alt": "Lancaster CSP"},
    )
    assert response.status_code == 302
    found = ReportSettings.objects.get(partnership=cast.lancaster)
    assert (found.protective_marking, found.colour, found.logo_alt) == (
        "OFFICIAL-SENSITIVE",
        "#00703c",
        "Lancaster CSP",
    )
    assert found.logo.name.startswith("reports/logos/lancaster")


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"colour": "#ffdd00"}, "Choose a darker colour"),
        ({"colour": "blue"}, "Enter a colour as #"),
        ({"protective_marking": "SECRET"}, "Select a valid choice"),
        ({"logo": "not-an-image"}, "Upload a valid image"),
        ({"logo": "png", "logo_alt": ""}, "Describe the logo"),
    ],
)
def test_bad_report_settings_are_explained_and_nothing_saved(login, cast, data, media, post, message):
    values = {"protective_marking": "OFFICIAL", "colour": "", "logo_alt": "Crest"} | post
    if values.get("logo") == "png":
        values["logo"] = SimpleUploadedFile("crest.png", png(), content_type="image/png")
    elif values.get("logo"):
        values["logo"] = SimpleUploadedFile("crest.png", b"<svg/>", content_type="image/png")
    response = login(cast.officer).post(url("report_settings"), values)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportSettings.objects.exists()


def test_board_member_cannot_change_the_reports_look(login, cast, data):
    assert login(cast.board_member).get(url("report_settings")).status_code == 403
    assert login(cast.board_member).post(url("report_settings"), {"colour": "#000000"}).status_code == 403


def test_officer_of_another_partnership_cannot_change_the_reports_look(login, cast, data):
    assert login(cast.csr_officer).get(url("report_settings")).status_code == 404


# Query counts


@pytest.mark.parametrize(
    ("member", "name", "kwargs"),
    [
        ("board_member", "dashboard", {}),
        ("officer", "dashboard", {}),
        ("board_member", "report_list", {}),
        ("officer", "report_list", {}),
        ("officer", "report_quarter", {"quarter": Q2}),
        ("officer", "report_preview", {"quarter": Q2}),
        ("officer", "report_settings", {}),
    ],
)
def test_page_queries_do_not_grow_with_the_data(login, cast, data, indicator, media, member, name, kwargs):
    client = login(getattr(cast, member))
    address = url(name, **kwargs)
    issued(cast)
    job(cast)
    before = queries_of(client, address)
    grow(cast, data, 10)
    for version in range(2, 12):
        issued(cast, version=version)
        job(cast)
    assert queries_of(client, address) == before


def test_job_and_decision_pages_do_not_grow_with_the_data(login, cast, data, indicator, media):
    client = login(cast.officer)
    ready = job(cast)
    meeting_on(cast.lancaster, date(2025, 9, 30))  # the decision page lists the meetings: one to start with
    pages = [url("report_job", job_id=ready.pk), url("report_decision", return_id=data.escalation.pk)]
    before = [queries_of(client, page) for page in pages]
    grow(cast, data, 10)
    for when in range(1, 11):
        Decision.objects.create(
            progress_return=data.escalation,
            meeting=meeting_on(cast.lancaster, date(2025, 10, when)),
            outcome="deferred",
            decision="Later.",
            recorded_at=timezone.now(),
        )
    assert [queries_of(client, page) for page in pages] == before


@pytest.mark.parametrize("model", ["reportsettings", "reportversion", "reportjob", "decision", "meeting"])
def test_site_administrators_open_the_reports_admin(login, cast, data, media, model):
    issued(cast)
    job(cast)
    assert login(cast.admin).get(reverse(f"admin:reports_{model}_changelist")).status_code == 200
