"""The reports of statutory reviews in a real browser, on the demo's fictional reviews: a board member
goes from the dashboard to the recommendations status report and the ASB Case Review figures, sees
no case file, and the pages fit 320 px; an officer makes the report's PDF and the job page follows
it to the download without reloading; the county board reads its CSPs' roll-up. Every page passes
axe-core's WCAG 2.2 AA checks."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_board_member_reads_the_recommendations_and_the_asb_figures(visit, media, demo):
    visit.sign_in("board@demo.example")
    page = visit.page
    visit.goto("/partnerships/lancaster/reports/")
    page.get_by_role("link", name="Recommendations status report").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Recommendations status report"
    assert page.get_by_role("table", name="Recommendations by state").is_visible()
    assert page.get_by_role("button", name="Make the PDF").count() == 0  # officers make the PDF
    links = page.locator("main a").evaluate_all("links => links.map(a => a.href)")
    assert not [link for link in links if re.search(r"/partnerships/lancaster/reviews/\d+/", link)]  # no case file
    visit.assert_accessible()
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    visit.assert_accessible()
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="ASB Case Review figures").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("table", name="ASB Case Reviews by financial year").is_visible()
    visit.assert_accessible()
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_officer_makes_the_pdf_and_the_job_page_follows_it(visit, media, demo, celery_worker):
    visit.sign_in("officer@demo.example")
    page = visit.page
    visit.goto("/partnerships/lancaster/reports/recommendations/")
    page.get_by_role("button", name="Make the PDF").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Recommendations status report"
    visit.assert_accessible()
    page.evaluate("window.notReloaded = true")
    link = page.get_by_role("link", name="Download the recommendations status report")
    link.wait_for(timeout=120_000)
    assert page.evaluate("window.notReloaded") is True
    visit.assert_accessible()
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.startswith("lancaster-recommendations-")


def test_the_county_board_reads_its_csps_roll_up(visit, media, demo):
    visit.sign_in("analyst@demo.example")
    visit.goto("/partnerships/lancashire/reports/")
    visit.page.get_by_role("link", name="District CSPs' recommendations").click()
    visit.page.wait_for_load_state()
    assert visit.page.get_by_role("table", name="Recommendations by state, by CSP").is_visible()
    assert visit.page.get_by_role("row", name="Lancaster District CSP").count() >= 1
    visit.assert_accessible()
