"""An issued report as a web page: what its stored snapshot holds (priorities, actions, RAG counts,
commentary), the same text as the PDF's document, unchanged when the plan changes afterwards, the
PDF offered at the top, the same people as the PDF download, and a fixed number of queries however
big the report."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from actionplans.models import Action
from priorities.models import Priority
from reports import rendering, snapshot
from reports.models import ReportVersion

from .conftest import ESCALATION, FAKE_PDF, Q2, grow, returned
from .test_views import queries_of

pytestmark = pytest.mark.django_db

RAG_COLUMNS = ("red", "amber", "green", "complete", "not_started", "none", "total")


def issue(cast, version: int = 1, partnership=None) -> ReportVersion:
    """Version ``version`` of the partnership's 2025/26 Q2 report, with the snapshot of today's data."""
    partnership = partnership or cast.lancaster
    when = timezone.now()
    found = ReportVersion(
        partnership=partnership,
        year=Q2.year,
        number=Q2.number,
        version=version,
        snapshot=snapshot.build(
            partnership, Q2, status="issued", version=version, issued_at=when, issued_by=cast.officer.full_name
        ),
        checksum="a" * 64,
        size=len(FAKE_PDF),
        pages=7,
        issued_by=cast.officer,
        issued_at=when,
    )
    found.pdf.save(f"{partnership.slug}-v{version}.pdf", ContentFile(FAKE_PDF), save=False)
    found.save()
    return found


def page_of(client, version: ReportVersion):
    return client.get(version.get_page_url())


class Document(HTMLParser):
    """The text of a page's <main>, and its tables: each caption with its rows' cells as text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.main: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._in_main = self._in_caption = False
        self._caption: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._rows: list[list[str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self._in_main = True
        elif tag == "table":
            self._caption, self._rows = [], []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main = False
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._row is not None:
            self._row.append(" ".join("".join(self._cell or []).split()))
            self._cell = None
        elif tag == "tr":
            self._rows.append(self._row or [])
            self._row = None
        elif tag == "table":
            self.tables[" ".join("".join(self._caption).split())] = self._rows

    def handle_data(self, data):
        if self._in_main:
            self.main.append(data)
        if self._in_caption:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.main).split())


def test_board_member_reads_the_issued_report_with_the_pdf_at_the_top(login, cast, data, indicator, media):
    version = issue(cast)
    response = page_of(login(cast.board_member), version)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en-GB">' in body
    assert "<title>Lancaster District CSP: quarterly monitoring report, 2025/26 Q2</title>" in body
    assert '<meta name="viewport"' in body and "/static/reports/report.css" in body
    assert "Draft preview" not in body and "cover__draft" not in body  # issued, not a draft
    bar = body[body.index('<header class="screen-bar">') : body.index("</header>")]
    assert f'href="{version.get_absolute_url()}" download>Download the report as a PDF</a>' in bar
    assert f"PDF, 7 pages, {filesizeformat(len(FAKE_PDF))}" in bar
    assert f"Version 1</strong> of the 2025/26 Q2 report, issued {version.snapshot['document']['date']}" in bar
    assert reverse("reports:report_quarter", args=["lancaster", Q2]) in bar
    assert body.index("screen-bar") < body.index("<main>")
    assert "Content-Security-Policy" in response.headers


def test_the_page_shows_the_snapshots_priorities_actions_rag_counts_and_commentary(login, cast, data, indicator, media):
    version = issue(cast)
    report = version.snapshot
    document = Document(page_of(login(cast.board_member), version).content.decode())
    text = document.text

    summary = document.tables["RAG status of actions by priority, 2025/26 Q2"]
    rows = {row[0]: row[1:] for row in summary[1:]}  # the first row holds the headings
    assert len(report["priorities"]) == 2
    for priority in report["priorities"]:
        assert rows[f"{priority['number']}. {priority['title']}"] == [str(priority["counts"][c]) for c in RAG_COLUMNS]
        assert f"{priority['number']}. {priority['title']}" in text
        for action in priority["actions"]:
            assert f"{action['ref']} {action['title']}" in text
            assert action["rag_label"] in text
    assert rows["All priorities"] == [str(report["summary"]["counts"][c]) for c in RAG_COLUMNS]

    commentary = [row["progress"] for p in report["appendix"] for row in p["returns"] if row["progress"]]
    assert {progress["narrative"] for progress in commentary} >= {"Two schools declined.", "All six events held."}
    for progress in commentary:
        assert " ".join(progress["narrative"].split()) in text
    assert [item["support_needed"] for item in report["decisions_required"]] == [ESCALATION]
    assert ESCALATION in text
    figures = document.tables["Repeat referrals to MARAC: the latest 5 figures"]
    table = report["indicators"][0]["table"]
    assert [row[:2] for row in figures[1:]] == [[row["label"], row["value"]] for row in table]


def test_the_page_shows_what_the_pdf_shows(login, cast, data, indicator, media):
    """The text of the page's document is the text of the HTML the PDF is laid out from."""
    version = issue(cast)
    page = Document(page_of(login(cast.board_member), version).content.decode())
    pdf = Document(rendering.render_html(version.snapshot))
    assert page.text == pdf.text
    assert page.tables == pdf.tables


def test_the_page_is_the_report_as_issued_after_the_plan_changes(login, cast, data, indicator, media):
    version = issue(cast)
    client = login(cast.board_member)
    before = Document(page_of(client, version).content.decode())

    Priority.objects.filter(pk=data.dv.pk).update(title="Violence against women and girls")
    Action.objects.filter(pk=data.campaign.pk).update(title="Healthy relationships in schools")
    returned(data.marac, Q2 + 1, "green", narrative="The coordinator started in October.")
    issue(cast, version=2)  # a later version shows today's plan; version 1 stays as it was

    after = Document(page_of(client, version).content.decode())
    assert after.text == before.text and after.tables == before.tables
    assert "Domestic violence and abuse" in after.text and "DV prevention campaign" in after.text
    assert "Violence against women and girls" not in after.text
    assert "Healthy relationships in schools" not in after.text


def test_the_issued_reports_link_to_their_web_pages_next_to_the_pdfs(login, cast, data, media):
    version = issue(cast)
    client = login(cast.board_member)
    for name, kwargs in [("report_list", {}), ("dashboard", {}), ("report_quarter", {"quarter": Q2})]:
        body = client.get(reverse(f"reports:{name}", kwargs={"slug": "lancaster", **kwargs}) + "?quarter=2025/26 Q2")
        html = body.content.decode()
        pdf, page = html.index(version.get_absolute_url()), html.index(f'href="{version.get_page_url()}"')
        assert 0 < page - pdf < 400, name  # beside the PDF's link


@pytest.mark.parametrize("member", ["officer", "board_member", "lead", "analyst"])
def test_whoever_may_download_the_pdf_may_read_the_page(login, cast, data, media, member):
    version = issue(cast)
    assert page_of(login(getattr(cast, member)), version).status_code == 200
    assert login(getattr(cast, member)).get(version.get_absolute_url()).status_code == 200


def test_another_partnerships_report_is_not_found(login, cast, data, media):
    theirs = issue(cast, partnership=cast.chorley_south_ribble)
    mine = issue(cast)
    at_mine = reverse("reports:report_page", args=["lancaster", theirs.pk])
    assert login(cast.board_member).get(at_mine).status_code == 404
    assert page_of(login(cast.board_member), theirs).status_code == 404
    assert page_of(login(cast.csr_officer), mine).status_code == 404
    assert page_of(login(cast.outsider), mine).status_code == 404


def test_signing_in_comes_first(client, cast, data, media):
    response = page_of(client, issue(cast))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_pages_queries_do_not_grow_with_the_report(login, cast, data, indicator, media):
    client = login(cast.board_member)
    small = issue(cast)
    before = queries_of(client, small.get_page_url())
    grow(cast, data, 10)
    big = issue(cast, version=2)
    assert len(big.snapshot["priorities"]) == 12 and len(big.snapshot["indicators"]) == 11
    assert len(re.findall(r"<tr>", page_of(client, big).content.decode())) > 100
    assert queries_of(client, big.get_page_url()) == before
