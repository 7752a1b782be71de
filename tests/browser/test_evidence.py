"""The evidence pages in a real browser: an analyst creates a strategic assessment and ranks its
threats; every evidence page passes axe-core's WCAG 2.2 AA checks with no script or CSP error."""

import pytest

from assessments import demo as evidence_demo
from csp_portal.organisations import demo as organisations_demo

from .conftest import DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def evidence(transactional_db):
    """The organisations and evidence steps of load_demo (not other apps' steps)."""
    ctx = organisations_demo.DemoContext(password=DEMO_PASSWORD)
    for step in (
        organisations_demo.areas,
        organisations_demo.partnerships,
        organisations_demo.agencies,
        organisations_demo.accounts,
        evidence_demo.strategic_assessment,
        evidence_demo.crime_data,
        evidence_demo.indicators,
    ):
        step(ctx)


def choose(page, label, value):
    page.get_by_label(label, exact=True).select_option(value)


def test_analyst_creates_an_assessment_with_a_ranked_threat_table(visit, evidence):
    visit.sign_in("analyst@demo.example")
    visit.goto("/partnerships/lancashire/evidence/")
    visit.assert_accessible()
    visit.page.get_by_role("link", name="Add a strategic assessment").click()
    visit.assert_accessible()
    page = visit.page
    page.get_by_label("Title").fill("Lancashire Strategic Assessment 2025-2028")
    page.get_by_label("Period starts (year)").fill("2025")
    page.get_by_label("Period ends (year)").fill("2028")
    page.get_by_label("Trend window starts").fill("2021-04")
    page.get_by_label("Trend window ends").fill("2024-03")
    page.get_by_label("Aim").fill("An account of long-term threats from crime and ASB across Lancashire.")
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Lancashire Strategic Assessment 2025-2028"
    visit.assert_accessible()

    for name, harm, likelihood, capacity in (("County Lines", "5", "3", "3"), ("Fraud", "3", "4", "4")):
        page.get_by_role("link", name="Add a threat").click()
        page.get_by_label("Crime or issue").fill(name)
        choose(page, "Harm", harm)
        choose(page, "Likelihood or frequency", likelihood)
        choose(page, "Capacity", capacity)
        choose(page, "Capability", capacity)
        visit.assert_accessible()
        page.get_by_role("button", name="Save and re-rank").click()
        page.wait_for_load_state()

    table = page.get_by_role("table", name="Identified threats, ranked")
    rows = table.locator("tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split("\t")[:3] == ["1", "County Lines", "3"]
    assert rows.nth(1).inner_text().split("\t")[:3] == ["2", "Fraud", "2"]
    visit.assert_accessible()

    # An invalid threat shows the GOV.UK error summary.
    page.get_by_role("link", name="Add a threat").click()
    page.get_by_role("button", name="Save and re-rank").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    visit.assert_accessible()


@pytest.mark.parametrize(
    "path",
    [
        "/partnerships/lancashire/evidence/crime/",
        "/partnerships/lancashire/evidence/indicators/",
        "/partnerships/lancashire/evidence/harm-weights/",
        "/partnerships/lancashire/evidence/areas/E07000121/",
        "/partnerships/lancashire/evidence/crime/upload/",
    ],
)
def test_evidence_pages_are_accessible(visit, evidence, path):
    visit.sign_in("analyst@demo.example")
    visit.goto(path)
    assert visit.page.get_by_role("heading", level=1).count() == 1
    visit.assert_accessible()


def test_the_seeded_assessment_and_an_indicator_chart_are_accessible(visit, evidence):
    visit.sign_in("officer-csr@demo.example")
    visit.goto("/partnerships/chorley-south-ribble/evidence/")
    visit.page.get_by_role("link", name="Lancashire Strategic Assessment 2022-2025").click()
    table = visit.page.get_by_role("table", name="Identified threats, ranked")
    assert table.locator("tbody tr").nth(0).inner_text().startswith("1\tGun & Knife Crime\t3")
    visit.assert_accessible()
    visit.goto("/partnerships/chorley-south-ribble/evidence/indicators/")
    visit.page.get_by_role("link", name="Vehicle offences, Chorley").click()
    assert visit.page.get_by_role("img", name="Vehicle offences, Chorley").count() == 1
    assert "+144 (+61.5%)" in " ".join(visit.page.inner_text("main").split())
    visit.assert_accessible()


def test_analyst_uploads_a_file_and_watches_it_import(visit, evidence, tmp_path, settings, monkeypatch):
    """The job runs in-process here (tests/assessments/test_worker.py runs one through a real worker);
    the page polls its status and shows the refusal without reloading."""
    from csp_portal.celery import app
    from tests.assessments.helpers import row, write_csv

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.MEDIA_ROOT = tmp_path
    path = write_csv(tmp_path / "2024-01-lancashire-street.csv", [row(), row(month="2024-13")])
    visit.sign_in("analyst@demo.example")
    visit.goto("/partnerships/lancashire/evidence/crime/upload/")
    visit.page.get_by_label("police.uk street-level file").set_input_files(str(path))
    visit.page.get_by_role("button", name="Upload and import").click()
    visit.page.wait_for_load_state()
    main = visit.page.locator("main")
    main.get_by_text("line 3, column 2 (Month)").wait_for()
    visit.assert_accessible()
