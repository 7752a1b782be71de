"""From the snapshot to a tagged PDF: the template, the charts, and a renderer that reads only our
own static files."""

import logging
import subprocess

import pytest
from weasyprint.urls import URLFetchingError

from reports import rendering, snapshot
from reports.rendering import STATIC_PREFIX, StaticOnlyFetcher

from .conftest import ESCALATION, Q2, flat, pdf_objects, pdf_text

pytestmark = pytest.mark.django_db


# The fetcher


def test_the_fetcher_serves_our_stylesheet_and_fonts():
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch(STATIC_PREFIX + "reports/report.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    font = fetcher.fetch(STATIC_PREFIX + "dist/assets/fonts/noto-sans-latin-400-normal.woff2")
    assert font.content_type == "font/woff2"


def test_the_fetcher_serves_data_uris():
    response = StaticOnlyFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "ftp://example.org/x.css",
        STATIC_PREFIX + "../../../../etc/passwd",
        STATIC_PREFIX + "reports/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        STATIC_PREFIX + "reports/report.py",  # not a kind of file a report uses
        "https://report.invalid/media/reports/logos/x.png",
        "https://report.invalid.example.org/static/reports/report.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_a_document_asking_for_other_urls_is_rendered_without_them():
    """Even HTML that names other servers and local files makes WeasyPrint fetch nothing of them."""
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>T</title>'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head>'
        '<body><p>Text</p><img src="http://127.0.0.1:9/tracker.png" alt="x">'
        '<img src="file:///etc/hostname" alt="y"></body></html>'
    )
    rendered = rendering.render_pdf(html)
    assert rendered.pdf.startswith(b"%PDF")
    assert sorted(rendered.refused) == sorted(
        ["file:///etc/passwd", "http://127.0.0.1:9/evil.css", "http://127.0.0.1:9/tracker.png", "file:///etc/hostname"]
    )


def test_user_text_cannot_add_markup_to_the_report(cast, data):
    data.campaign.title = '<img src="http://127.0.0.1:9/x.png"> campaign'
    data.campaign.save()
    html = rendering.render_html(snapshot.build(cast.lancaster, Q2))
    assert '<img src="http://127.0.0.1:9/x.png">' not in html
    assert "&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt; campaign" in html


def test_fetch_errors_do_not_leak_from_the_fetcher():
    with pytest.raises(URLFetchingError):
        from weasyprint.urls import fetch

        with fetch(StaticOnlyFetcher(), "http://example.org/"):
            pass


# The HTML


def test_the_html_has_language_title_and_marked_table_headers(cast, data, indicator):
    html = rendering.render_html(snapshot.build(cast.lancaster, Q2))
    assert '<html lang="en-GB">' in html
    assert "<title>Lancaster District CSP: quarterly monitoring report, 2025/26 Q2</title>" in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert 'role="img"' in html  # the indicator's chart, labelled by its title
    assert "Draft: not for publication" in html


def test_chart_ids_are_unique_in_the_document(cast, data, indicator):
    indicator.pk = None
    indicator.name = "A second indicator"
    indicator.save()
    html = rendering.render_html(snapshot.build(cast.lancaster, Q2))
    import re

    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


# The PDF: one real render


def test_the_pdf_is_tagged_with_language_title_bookmarks_and_alt_text(cast, data, indicator, caplog):
    built = snapshot.build(cast.lancaster, Q2, status="issued", version=1, issued_by="Olivia Officer")
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        rendered = rendering.render_pdf(rendering.render_html(built))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    assert rendered.refused == []
    assert rendered.pdf.startswith(b"%PDF-1.7")

    text = pdf_text(rendered.pdf)
    for expected in (
        "Quarterly monitoring report",
        "2025/26 Q2",
        "Date issued",
        "OFFICIAL",
        "Domestic violence and abuse",
        "Road safety",
        "DV prevention campaign",
        "MARAC improvements",
        "Speed awareness events",
        flat(ESCALATION),
        "Repeat referrals to MARAC",
        f"Page 1 of {rendered.pages}",
        f"Page {rendered.pages} of {rendered.pages}",
    ):
        assert expected in text, expected
    assert "Draft: not for publication" not in text

    objects = pdf_objects(rendered.pdf)
    assert b"/Lang (en-GB)" in objects
    assert b"/StructTreeRoot" in objects
    assert b"/Outlines" in objects
    for bookmark in (b"/Title (Executive summary)", b"/Title (1. Domestic violence and abuse)", b"/Title (Funding"):
        assert bookmark in objects
    assert b"/Alt (Repeat referrals to MARAC: line chart" in objects
    assert b"/S /TH" in objects and b"/Headers" in objects

    info = subprocess.run(["pdfinfo", "-meta", "-"], input=rendered.pdf, capture_output=True, check=True).stdout
    assert b'pdfuaid:part="1"' in info
    assert b"Lancaster District CSP: quarterly monitoring report, 2025/26 Q2" in info
