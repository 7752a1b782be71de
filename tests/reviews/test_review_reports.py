"""The reports of statutory reviews: the recommendations status report (page, CSV and a PDF made by a
real worker), the ASB Case Review annual figures and a county board's roll-up.

Every figure is checked against counts made here, from the rows this module creates: each
recommendation is built to be in a known state (written beside it), and each ASB Case Review is
built with a known application date, threshold, meeting and recommendations.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Action, ProgressReturn
from actionplans.reviews.models import Recommendation, Review
from csp_portal.organisations.models import Partnership, Role
from csp_portal.quarters import Quarter
from reports import services
from reports.models import ReportJob
from reports.review_reports import CSV_COLUMNS
from tests.factories import AgencyFactory, PartnershipFactory, UserFactory
from tests.reports.conftest import fake_weasyprint, media  # noqa: F401 - fixtures shared with reports

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - timedelta(days=30)
FUTURE = TODAY + timedelta(days=90)
THIS_YEAR = Quarter.of(TODAY).year
# Words of the case file that no report may show.
CASE_FILE = {
    "summary": "CASEFILE-SUMMARY about the circumstances",
    "decision_reasons": "CASEFILE-REASONS for holding the review",
    "chair": "CASEFILE-CHAIR Independent Reviews Ltd",
    "panel": "CASEFILE-PANEL agencies",
}
STATE_LABELS = {
    "overdue": "Overdue",
    "open": "Open",
    "awaiting": "Awaiting actions",
    "implemented": "Implemented",
    "not_accepted": "Not accepted",
}


@dataclass
class Built:
    """What a partnership's rows were built to be: each recommendation's source and state, the
    evidence of its signed-off actions, and each ASB Case Review's figures."""

    states: list[tuple[str, str]] = field(default_factory=list)  # (source, state)
    evidence: list[str] = field(default_factory=list)
    asb: list[dict] = field(default_factory=list)

    def counts(self, source: str | None = None) -> Counter:
        return Counter(state for src, state in self.states if source is None or src == source)

    def asb_year(self, year: int) -> dict:
        rows = [r for r in self.asb if r["applied_on"] and Quarter.of(r["applied_on"]).year == year]
        return {
            "applications": len(rows),
            "threshold_not_met": sum(r["threshold"] == "not_met" for r in rows),
            "reviews_held": sum(r["meeting_on"] is not None for r in rows),
            "with_recommendations": sum(r["recommendations"] > 0 for r in rows),
        }


def _action(recommendation, title, *, lead_agency=None, status=Action.Status.IN_PROGRESS, due=None, **values):
    return Action.objects.create(
        recommendation=recommendation,
        title=title,
        lead_agency=lead_agency,
        status=status,
        due_date=due,
        created=datetime(2025, 4, 1, 9, tzinfo=UTC),
        **values,
    )


def _return(action, quarter, rag, *, status=ProgressReturn.Status.ACCEPTED, narrative="", reviewer=None):
    return ProgressReturn.objects.create(
        action=action,
        year=quarter.year,
        number=quarter.number,
        rag=rag,
        narrative=narrative,
        status=status,
        reviewed_by=reviewer,
        reviewed_at=timezone.now() if reviewer else None,
    )


def build_reviews(partnership: Partnership, officer, built: Built, tag: str = "") -> None:
    """A DHR with one recommendation in each state (and a few traps for the rule), two PCC
    recommendations, and ASB Case Reviews across this year and last."""
    police = AgencyFactory(name=f"Police{tag} of {partnership.slug}")
    council = AgencyFactory(name=f"Council{tag} of {partnership.slug}")
    dhr = Review.objects.create(
        partnership=partnership,
        kind=Review.Kind.DHR,
        reference=f"DHR{tag} 2025/01",
        notified_on=date(2025, 5, 1),
        decision=Review.Decision.HOLD,
        decided_on=date(2025, 5, 20),
        **CASE_FILE,
    )
    source = dhr.reference
    q1, q2 = Quarter(THIS_YEAR, 1), Quarter(THIS_YEAR, 2)

    def rec(number, state, review=dhr, **values):
        built.states.append((source if review else "PCC", state))
        return Recommendation.objects.create(
            partnership=partnership, review=review, number=number, text=f"Recommendation {number}{tag}", **values
        )

    # 1 implemented: its one action signed off by an accepted Complete return.
    done = _action(rec(1, "implemented"), f"Training{tag}", lead_agency=police)
    _return(done, q1, "green", reviewer=officer, narrative="Halfway.")
    words = f"All staff trained{tag}; the register is kept by HR."
    _return(done, q2, "complete", reviewer=officer, narrative=words)
    built.evidence.append(words)
    # 2 overdue: its own date has passed and its action is not done.
    _action(rec(2, "overdue", due_date=PAST), f"Audit{tag}", lead_agency=council)
    # 3 open: a Complete return not yet accepted does not sign an action off.
    pending = _action(rec(3, "open", due_date=FUTURE), f"Pathway{tag}", lead_agency=council, due=FUTURE)
    _return(pending, q2, "complete", status=ProgressReturn.Status.SUBMITTED, narrative="Done, says the lead.")
    # 4 awaiting actions: none yet; a cancelled one does not count.
    _action(rec(4, "awaiting"), f"Dropped{tag}", status=Action.Status.CANCELLED)
    # 5 overdue: an open action's due date has passed, though the other is signed off.
    five = rec(5, "overdue")
    _action(five, f"Late action{tag}", lead_agency=police, due=PAST)
    finished = _action(five, f"Finished action{tag}", lead_agency=council)
    _return(finished, q1, "complete", reviewer=officer, narrative="Finished early.")
    # 6 implemented: its action marked Complete, with no return.
    _action(rec(6, "implemented"), f"Leaflet{tag}", lead_agency=council, status=Action.Status.COMPLETE)
    # 7 open: the latest accepted return is not Complete, though an earlier one was.
    reopened = _action(rec(7, "open"), f"Reopened{tag}", lead_agency=police)
    _return(reopened, q1, "complete", reviewer=officer, narrative="Thought done.")
    _return(reopened, q2, "amber", reviewer=officer, narrative="More to do.")

    # The PCC's: one not accepted, one accepted and under way.
    rec(1, "not_accepted", review=None, decision=Recommendation.Decision.NOT_ACCEPTED, reasons="Covered elsewhere.")
    _action(rec(2, "open", review=None, decision=Recommendation.Decision.ACCEPTED), f"PCC work{tag}", due=FUTURE)

    _asb_reviews(partnership, built, tag)


def _asb_reviews(partnership: Partnership, built: Built, tag: str) -> None:
    start = Quarter(THIS_YEAR, 1).start
    cases = [
        # (application, threshold, meeting held, recommendations)
        (start + timedelta(days=5), "met", True, 2),
        (start + timedelta(days=40), "met", True, 0),
        (start + timedelta(days=60), "not_met", False, 0),
        (start + timedelta(days=70), "met", False, 0),
        (start - timedelta(days=1), "met", True, 1),  # 31 March: last financial year
        (start - timedelta(days=200), "not_met", False, 0),
        (None, "", False, 0),  # no application date: counted in no year
    ]
    for n, (applied_on, threshold, held, recommendations) in enumerate(cases):
        review = Review.objects.create(
            partnership=partnership,
            kind=Review.Kind.ASB,
            reference=f"ASB{tag} {n}",
            applied_on=applied_on,
            threshold=threshold,
            meeting_on=applied_on + timedelta(days=20) if held else None,
            threshold_reasons="CASEFILE-REASONS threshold",
        )
        for number in range(1, recommendations + 1):
            Recommendation.objects.create(
                partnership=partnership, review=review, number=number, text=f"ASB recommendation {number}"
            )
            built.states.append((review.reference, "awaiting"))
        built.asb.append(
            {
                "applied_on": applied_on,
                "threshold": threshold,
                "meeting_on": held or None,
                "recommendations": recommendations,
            }
        )


@pytest.fixture
def built(cast) -> dict[str, Built]:
    found = {"lancaster": Built(), "chorley-south-ribble": Built()}
    build_reviews(cast.lancaster, cast.officer, found["lancaster"])
    build_reviews(cast.chorley_south_ribble, cast.csr_officer, found["chorley-south-ribble"], tag=" CSR")
    return found


def url(name: str, slug: str = "lancaster") -> str:
    return reverse(f"reports:{name}", args=[slug])


def _count_cells(body: str, caption: str, label: str) -> list[int]:
    """The numbers in the row headed ``label`` of the table captioned ``caption``."""
    table = body.split(caption, 1)[1].split("</table>", 1)[0]
    row = re.split(rf">\s*(?:<a [^>]*>)?{re.escape(label)}\b", table, maxsplit=1)[1].split("</tr>", 1)[0]
    return [int(n) for n in re.findall(r"numeric[^>]*>(\d+)</td>", row)]


def _expected_cells(counts: Counter) -> list[int]:
    order = ["overdue", "open", "awaiting", "implemented", "not_accepted"]
    return [counts.get(state, 0) for state in order] + [sum(counts.values())]


# -- The recommendations status report ----------------------------------------------------------------


def test_the_board_member_reads_the_counts_overall_and_by_source(login, cast, built):
    mine = built["lancaster"]
    body = login(cast.board_member).get(url("recommendations_report")).content.decode()
    assert _count_cells(body, "Recommendations by state", "All recommendations") == _expected_cells(mine.counts())
    assert _count_cells(body, "Recommendations by state", "DHR 2025/01") == _expected_cells(mine.counts("DHR 2025/01"))
    assert _count_cells(body, "Recommendations by state", "Police and Crime Commissioner") == _expected_cells(
        mine.counts("PCC")
    )
    assert mine.counts()["implemented"] == 2 and mine.counts()["overdue"] == 2  # the rows were built as said


def test_each_recommendation_shows_its_state_actions_leads_and_evidence(login, cast, built):
    body = login(cast.board_member).get(url("recommendations_report")).content.decode()
    assert "All staff trained; the register is kept by HR." in body
    assert "Signed off by Olivia Officer" in body
    assert "1 of 1" in body and "1 of 2" in body  # recommendation 5: one of its two actions done
    assert "Council of lancaster; Police of lancaster" in body
    assert "Marked complete, without a progress return saying so." in body
    assert "Done, says the lead." not in body and "Thought done." not in body  # not evidence of completion
    assert "CSR" not in body  # nothing of Chorley and South Ribble's


def test_the_report_never_shows_the_case_file(login, cast, built):
    for person in (cast.board_member, cast.officer, cast.admin):
        body = login(person).get(url("recommendations_report")).content.decode()
        assert "CASEFILE" not in body
        assert (
            reverse("reviews:review_detail", args=["lancaster", Review.objects.filter(kind="dhr").first().pk])
            not in body
        )


def test_the_csv_has_stable_columns_and_the_same_counts(login, cast, built):
    response = login(cast.board_member).get(url("recommendations_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == CSV_COLUMNS
    assert CSV_COLUMNS[:4] == ["Source", "Review kind", "Number", "Recommendation"]
    mine = built["lancaster"]
    assert Counter(row["State"] for row in rows) == Counter(STATE_LABELS[s] for _, s in mine.states)
    assert Counter(row["Source"] for row in rows) == Counter(src for src, _ in mine.states)
    evidence = " ".join(row["Evidence of completion"] for row in rows)
    assert all(words in evidence for words in mine.evidence)
    assert "CASEFILE" not in response.content.decode("utf-8-sig")


def test_the_csv_neutralises_formulae(login, cast, built):
    Recommendation.objects.create(partnership=cast.lancaster, number=9, text='=HYPERLINK("http://x.example")')
    response = login(cast.officer).get(url("recommendations_csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert '\'=HYPERLINK("http://x.example")' in [row["Recommendation"] for row in rows]


def test_another_partnership_finds_nothing(login, cast, built):
    stranger = UserFactory(email="board@csr.example")
    Role.objects.create(user=stranger, partnership=cast.chorley_south_ribble, role=Role.Kind.BOARD)
    client = login(stranger)
    for name in ("recommendations_report", "recommendations_csv", "asb_figures", "asb_figures_csv", "review_rollup"):
        assert client.get(url(name)).status_code == 404, name
    assert client.post(url("recommendations_request")).status_code == 404


def test_a_board_member_may_not_ask_for_the_pdf(login, cast, built):
    assert login(cast.board_member).post(url("recommendations_request")).status_code == 403
    assert not ReportJob.objects.exists()


@pytest.mark.usefixtures("media", "fake_weasyprint")
def test_an_officer_asks_for_the_pdf_and_the_job_page_names_it(login, cast, built):
    client = login(cast.officer)
    response = client.post(url("recommendations_request"))
    job = ReportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.kind == ReportJob.Kind.RECOMMENDATIONS and job.quarter == Quarter.current()
    services.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.READY, job.error
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Recommendations status report" in page and "quarterly" not in page.lower()
    assert "Download the recommendations status report (PDF" in page
    state = client.get(reverse("reports:report_job_status", args=["lancaster", job.pk])).json()
    assert state["what"] == "recommendations status report"
    download = client.get(state["download_url"])
    assert "recommendations" in download["Content-Disposition"]
    # The quarterly report's page does not list it among its requests.
    quarter_page = client.get(reverse("reports:report_quarter", args=["lancaster", Quarter.current()])).content
    assert job.get_absolute_url().encode() not in quarter_page
    notice = cast.officer.notifications.get()
    assert notice.subject == "Recommendations status report ready: Lancaster District CSP"


def test_the_quarter_end_schedule_drafts_only_quarterly_reports(cast, built):
    assert all(job.kind == ReportJob.Kind.DRAFT for job in services.draft_quarter_end_reports())


def test_the_quarterly_request_refuses_the_recommendations_kind(cast, built):
    with pytest.raises(Exception, match="draft or issue"):
        services.request_report(cast.lancaster, Quarter.current(), actor=cast.officer, kind="recommendations")


# -- ASB Case Review figures --------------------------------------------------------------------------


def test_asb_figures_per_financial_year_match_the_rows(login, cast, built):
    mine = built["lancaster"]
    body = login(cast.board_member).get(url("asb_figures")).content.decode()
    for year in (THIS_YEAR, THIS_YEAR - 1):
        label = Quarter(year, 1).financial_year
        expected = mine.asb_year(year)
        assert _count_cells(body, "ASB Case Reviews by financial year", label) == [
            expected["applications"],
            expected["threshold_not_met"],
            expected["reviews_held"],
            expected["with_recommendations"],
        ]
    assert mine.asb_year(THIS_YEAR) == {
        "applications": 4,
        "threshold_not_met": 1,
        "reviews_held": 2,
        "with_recommendations": 1,
    }
    assert "1 ASB Case Review without the date the application was received is counted in no year." in body
    assert "CASEFILE" not in body


def test_asb_figures_csv(login, cast, built):
    response = login(cast.lead).get(url("asb_figures_csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "Financial year",
        "Applications",
        "Threshold not met",
        "Reviews carried out",
        "Reviews with recommendations",
    ]
    by_year = {row["Financial year"]: row for row in rows}
    for year in (THIS_YEAR, THIS_YEAR - 1):
        expected = built["lancaster"].asb_year(year)
        row = by_year[Quarter(year, 1).financial_year]
        assert int(row["Applications"]) == expected["applications"]
        assert int(row["Threshold not met"]) == expected["threshold_not_met"]
        assert int(row["Reviews carried out"]) == expected["reviews_held"]
        assert int(row["Reviews with recommendations"]) == expected["with_recommendations"]


# -- The county roll-up -------------------------------------------------------------------------------


def test_the_county_rolls_up_its_districts_with_totals(login, cast, built):
    body = login(cast.analyst).get(url("review_rollup", "lancashire")).content.decode()
    caption = "Recommendations by state, by CSP"
    for slug, name in (
        ("lancaster", "Lancaster District CSP"),
        ("chorley-south-ribble", "Chorley and South Ribble CSP"),
    ):
        assert _count_cells(body, caption, name) == _expected_cells(built[slug].counts())
    total = built["lancaster"].counts() + built["chorley-south-ribble"].counts()
    assert _count_cells(body, caption, "All CSPs") == _expected_cells(total)
    asb_caption = f"ASB Case Reviews in {Quarter(THIS_YEAR, 1).financial_year}, by CSP"
    figures = [built[slug].asb_year(THIS_YEAR) for slug in built]
    assert _count_cells(body, asb_caption, "All CSPs") == [
        sum(f[name] for f in figures)
        for name in ("applications", "threshold_not_met", "reviews_held", "with_recommendations")
    ]
    assert "CASEFILE" not in body


def test_a_district_has_no_rollup(login, cast, built):
    response = login(cast.officer).get(url("review_rollup"))
    assert response.status_code == 200
    assert "is not a county board, so it has no district CSPs to roll up" in response.content.decode()


# -- Query counts -------------------------------------------------------------------------------------


def _queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_ten_times_the_data(login, cast, built):
    client = login(cast.officer)
    pages = [url("recommendations_report"), url("recommendations_csv"), url("asb_figures"), url("asb_figures_csv")]
    pages.append(url("review_rollup", "lancashire"))
    before = [_queries(client, page) for page in pages]
    for n in range(9):
        build_reviews(cast.lancaster, cast.officer, Built(), tag=f" x{n}")
        district = PartnershipFactory(county_board=cast.lancashire, name=f"District {n}")
        build_reviews(district, cast.officer, Built(), tag=f" d{n}")
    after = [_queries(client, page) for page in pages]
    assert after == before


# -- The PDF from a real worker -----------------------------------------------------------------------


def layout_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext lays it out (a table's row on one line), whitespace collapsed."""
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def _wait_for(job: ReportJob, seconds: float = 180) -> ReportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} is still {job.status} ({job.stage})")


@pytest.mark.worker
@pytest.mark.usefixtures("media")
def test_the_pdf_from_a_real_worker_has_the_same_counts(celery_worker, cast, built, client):
    client.force_login(cast.officer)
    client.post(url("recommendations_request"))
    job = _wait_for(ReportJob.objects.get())
    assert job.status == ReportJob.Status.READY, job.error
    assert job.worker.endswith(f":{celery_worker.process.pid}")
    download = client.get(job.download_url)
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF")
    text = layout_text(pdf)
    mine = built["lancaster"]
    all_counts = " ".join(str(n) for n in _expected_cells(mine.counts()))
    assert f"All recommendations {all_counts}" in text
    dhr = " ".join(str(n) for n in _expected_cells(mine.counts("DHR 2025/01")))
    assert f"DHR 2025/01 {dhr}" in text
    for words in mine.evidence:
        assert words in text
    assert "Recommendations status report" in text and "Signed off by Olivia Officer" in text
    assert "CASEFILE" not in text and "CSR" not in text


# -- Valid HTML ---------------------------------------------------------------------------------------


@pytest.mark.usefixtures("media", "fake_weasyprint")
def test_the_pages_with_their_data_are_valid_html(login, cast, built, tmp_path):
    """The HTML-validity crawl reaches these pages with the permission matrix's few objects; here they
    are checked full, as the officer sees them (the PDF's job page too) and the county's roll-up."""
    from tests.test_html_validity import check

    client = login(cast.officer)
    client.post(url("recommendations_request"))
    services.run_job(ReportJob.objects.get().pk)
    addresses = [
        url("recommendations_report"),
        url("asb_figures"),
        url("review_rollup"),
        url("review_rollup", "lancashire"),
    ]
    addresses.append(ReportJob.objects.get().get_absolute_url())
    files = []
    for number, address in enumerate(addresses):
        response = client.get(address)
        assert response.status_code == 200, address
        files.append(tmp_path / f"page-{number}.html")
        files[-1].write_text(response.content.decode(), encoding="utf-8")
    assert check(files) == []
