"""The dashboard and reports in a real browser: a board member lands on the dashboard and downloads
an issued report; an officer previews the draft and requests a PDF, and the job page shows its
progress and then the link without reloading, and publishes the quarter's progress for the public;
every page passes axe-core's WCAG 2.2 AA checks."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_board_member_goes_from_home_to_the_dashboard_and_downloads_the_issued_report(visit, media, demo):
    visit.sign_in("board@demo.example")
    page = visit.page
    assert page.get_by_role("heading", level=2, name="For the board").is_visible()
    page.get_by_role("link", name="Dashboard and reports of Lancaster District CSP").click()
    page.wait_for_load_state()
    assert page.url.endswith("/partnerships/lancaster/reports/")
    assert page.get_by_role("heading", level=1).inner_text() == "Lancaster District CSP"
    assert page.get_by_role("heading", name="Status of actions by priority").is_visible()
    assert page.get_by_role("heading", name="Red and worsened actions").is_visible()
    assert page.get_by_role("heading", name="Decisions the board is asked to make").is_visible()
    assert page.get_by_role("heading", name="Returns outstanding").count() == 0
    assert page.get_by_role("link", name="Dashboard and reports").get_attribute("aria-current") == "true"
    visit.assert_accessible()

    page.get_by_role("link", name="All issued reports").click()
    page.wait_for_load_state()
    visit.assert_accessible()
    with page.expect_download() as download:
        page.get_by_role("link", name="quarterly monitoring report, version 1").first.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.startswith("lancaster-")

    # The same report as a web page: the PDF offered at the top, no sideways scroll at 320 px.
    page.get_by_role("link", name=re.compile(r"web page.* report, version 1")).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Quarterly monitoring report").is_visible()
    assert page.get_by_role("link", name="Download the report as a PDF").get_attribute("download") is not None
    visit.assert_accessible()
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    visit.assert_accessible()


def test_the_dashboard_explains_a_bad_quarter(visit, media, demo):
    visit.sign_in("board@demo.example")
    visit.goto("/partnerships/lancaster/reports/")
    visit.page.get_by_label("Quarter").fill("sometime")
    visit.page.get_by_role("button", name="Show this quarter").click()
    visit.page.wait_for_load_state()
    assert "for example 2025/26 Q2" in visit.page.get_by_role("alert").inner_text()
    visit.assert_accessible()


def test_the_county_dashboard_links_county_district_and_unitary_progress(visit, media, demo):
    visit.sign_in("analyst@demo.example")
    visit.goto("/partnerships/lancashire/reports/")
    assert visit.page.get_by_role("heading", name="District and unitary progress on county priorities").is_visible()
    visit.assert_accessible()


def test_officer_previews_then_requests_a_draft_and_sees_it_arrive(visit, media, demo, celery_worker):
    visit.sign_in("officer@demo.example")
    page = visit.page
    page.get_by_role("link", name="Dashboard and reports", exact=True).click()
    page.get_by_role("link", name="All issued reports").click()
    page.get_by_role("link", name="Logo, colour and protective marking of the reports").click()
    page.wait_for_load_state()
    visit.assert_accessible()
    page.go_back()
    page.get_by_role("link", name=re.compile(r"Q2 \(July to September")).first.click()
    page.wait_for_load_state()
    visit.assert_accessible()

    page.get_by_role("link", name="Preview the draft report in the browser").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Executive summary").is_visible()
    visit.assert_accessible()
    page.get_by_role("link", name="Back to the").click()
    page.wait_for_load_state()

    page.get_by_role("button", name="Make a draft PDF").click()
    page.wait_for_load_state()
    status = page.locator("[data-job-status]")
    assert status.inner_text() in {"Queued", "Rendering"}
    visit.assert_accessible()
    page.evaluate("window.notReloaded = true")
    link = page.get_by_role("link", name="Download the draft report")
    link.wait_for(timeout=120_000)
    assert status.inner_text() == "Ready"
    assert page.evaluate("window.notReloaded") is True  # the page followed the job without reloading
    assert page.get_by_text("Refresh the page").count() == 0
    visit.assert_accessible()
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_officer_opens_the_board_meetings_and_records_attendance(visit, media, demo):
    visit.sign_in("officer@demo.example")
    page = visit.page
    visit.goto("/partnerships/lancaster/reports/meetings/")
    assert page.get_by_role("heading", name="Next meetings").is_visible()
    visit.assert_accessible()
    page.get_by_role("table", name="Past meetings").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Decisions recorded at this meeting").is_visible()
    visit.assert_accessible()
    page.get_by_role("link", name="Record attendance").click()
    page.wait_for_load_state()
    visit.assert_accessible()
    page.get_by_role("group", name="Who attended?").get_by_label("Helen Price").uncheck()
    page.get_by_role("group", name="Who sent apologies?").get_by_label("Helen Price").check()
    page.get_by_role("button", name="Save the attendance").click()
    page.wait_for_load_state()
    assert "sent apologies" in page.get_by_role("main").inner_text()
    page.get_by_role("link", name="Board meetings").last.click()
    page.get_by_role("link", name="Subscribe to your board meetings in your calendar").click()
    page.get_by_role("button", name="Make my calendar address").click()
    page.wait_for_load_state()
    assert page.get_by_label("Calendar address").input_value().endswith(".ics")
    visit.assert_accessible()


def test_the_board_reads_the_dashboard_as_a_briefing(visit, media, demo):
    """RAG bars whose segments say their category and count, the red and worsened actions, the
    decisions asked of the board; no officer's list of returns; no horizontal scroll at 320 px."""
    visit.sign_in("board@demo.example")
    page = visit.page
    visit.goto("/partnerships/lancaster/reports/")
    bar = page.locator(".app-rag-bar").last
    text = re.sub(r"\s+,", ",", " ".join(bar.inner_text().split()))  # the commas are for screen readers
    assert re.fullmatch(r"[A-Z][a-z ]+ \d+(, [A-Z][a-z ]+ \d+)*", text), text
    assert page.get_by_role("heading", name="Red and worsened actions").is_visible()
    assert page.get_by_role("heading", name="Returns outstanding").count() == 0
    visit.assert_accessible()
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    visit.assert_accessible()


def test_officer_is_asked_before_issuing(visit, media, demo):
    """The quarter page's issue button leads to the confirmation, which lists what is still missing;
    going back issues nothing."""
    visit.sign_in("officer@demo.example")
    page = visit.page
    visit.goto("/partnerships/lancaster/reports/")
    page.get_by_role("link", name=re.compile(r"Prepare the .* report")).click()
    page.wait_for_load_state()
    visit.assert_accessible()
    page.get_by_role("button", name=re.compile(r"Issue version \d+")).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Issue version")
    assert page.get_by_role("heading", name=re.compile(r"Returns still owed: \d+")).is_visible()
    assert page.get_by_text("This cannot be undone").is_visible()
    visit.assert_accessible()
    page.get_by_role("link", name=re.compile("without issuing")).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Issued versions").is_visible()

    # The quarter's progress published for the public from its preview, and read as the public reads
    # it, 1280 and 320 pixels wide.
    publish = re.compile(r"^(Publish a progress summary|Preview and publish the progress summary again)$")
    page.get_by_role("link", name=publish).click()
    page.wait_for_load_state()
    visit.assert_accessible()
    page.get_by_label("Commentary for the public (optional)").fill("Most actions are on track.")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state()
    assert "progress summary is published" in page.locator("main").inner_text()
    page.get_by_role("link", name="the quarter's public page").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Progress in")
    assert page.get_by_text("Most actions are on track.").is_visible()
    visit.assert_accessible()
    page.set_viewport_size({"width": 320, "height": 800})
    visit.assert_accessible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
