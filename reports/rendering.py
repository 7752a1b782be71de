"""From a snapshot to HTML (the preview and the PDF share one template) and from HTML to PDF.

WeasyPrint reads only our own static files (the report's stylesheet and fonts) and ``data:`` URIs,
through ``StaticOnlyFetcher``: a URL anywhere else, ``file:`` paths included, is refused, so no
content in a report can make the renderer read a local file or call another server. An image given
as a ``data:`` URI (the logo) must be a PNG or JPEG within the logo's dimensions, checked from its
header before WeasyPrint decodes it: an issued report's stored snapshot may hold a logo from before
uploads were checked (reports/logos.py).

The PDF is tagged PDF/UA-1: document language and title, bookmarks from the h1 and h2 headings,
alternative text on charts and header cells marked with ``scope``.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import posixpath
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessments import charts

from . import logos

log = logging.getLogger(__name__)

# The origin the PDF template's URLs are written against. It is not a real host (.invalid is
# reserved): the fetcher answers it from the static files and nothing ever goes on the network.
BASE_URL = "https://report.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
STATIC_SUFFIXES = {".css", ".woff", ".woff2", ".ttf", ".otf", ".png", ".jpg", ".jpeg", ".svg", ".gif"}
PDF_VARIANT = "pdf/ua-1"


class RefusedURL(ValueError):
    """The report asked for something outside our static files."""


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves our static files and ``data:`` URIs and refuses every
    other URL. ``refused`` lists what it turned down, for logs and tests."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"data", "https"}, allow_redirects=False, **kwargs)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return self._data(url, headers)
        path = static_path(url)
        if path is None:
            self.refused.append(url)
            log.warning("report rendering refused to fetch %s", url[:200])
            raise RefusedURL(f"reports may only use the site's static files, not {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".woff2":
            content_type = "font/woff2"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def _data(self, url: str, headers=None) -> URLFetcherResponse:
        response = super().fetch(url, headers)
        if not response.content_type.startswith("image/"):
            return response
        try:
            body = response.read()
        finally:
            response.close()
        image = logos.header(io.BytesIO(body))
        if image is None or image.too_large:
            self.refused.append(url[:100])
            what = f"{image.width:,} × {image.height:,} pixels" if image else "not a PNG or JPEG"
            log.warning("report rendering refused an embedded image (%s)", what)
            raise RefusedURL(f"reports embed PNG and JPEG images of at most {logos.MAX_LOGO_SIDE:,} pixels a side")
        return URLFetcherResponse(url, body=body, headers={"Content-Type": image.content_type})


def static_path(url: str) -> Path | None:
    """The file behind one of our static URLs (``https://report.invalid/static/...``), or None."""
    if not url.startswith(STATIC_PREFIX):
        return None
    parts = urlsplit(url)
    relative = unquote(parts.path)[len("/static/") :]
    normalised = posixpath.normpath(relative)
    if normalised.startswith(("/", "..")) or "\\" in normalised or "\x00" in normalised:
        return None
    if Path(normalised).suffix.lower() not in STATIC_SUFFIXES:
        return None
    root = Path(settings.STATIC_ROOT).resolve()
    collected = (root / normalised).resolve()
    if collected.is_relative_to(root) and collected.is_file():
        return collected
    found = finders.find(normalised)
    return Path(found) if found else None


# -- HTML ---------------------------------------------------------------------------------------------


_SVG_ID = re.compile(r'\sid="([^"]+)"')
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def unique_ids(svg: str, prefix: str) -> str:
    """The chart's element ids (matplotlib numbers them the same in every chart) made unique in the
    document, with every reference to them: a page holds several charts."""
    ids = set(_SVG_ID.findall(svg))
    if not ids:
        return svg
    pattern = re.compile(
        r'(id="|href="#|url\(#|aria-labelledby="|aria-describedby=")('
        + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        + r')(?=["\)])'
    )
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def chart_markup(indicator: dict) -> str:
    """An indicator's line chart as inline SVG: the assessments app's chart, in the page and the PDF."""
    series = indicator["series"]
    if len(series) < 2:
        return ""
    # Quarters on two lines ('2025/26' over 'Q3'), so that eight of them fit along the axis.
    labels = [p["label"].replace(" Q", "\nQ") for p in series]
    values = [p["value"] for p in series]
    first, last = series[0], series[-1]
    summary = (
        f"{indicator['name']}: line chart of {len(values)} figures in {indicator['unit']}, "
        f"{first['value']:,.0f} in {first['label']} and {last['value']:,.0f} in {last['label']}; "
        f"direction of travel {indicator['direction']}"
    )
    if indicator.get("target_value") is not None:
        summary += f"; target {indicator['target']}"
    summary += ". The figures are in the table below."
    svg = charts.line_chart(
        labels,
        values,
        title=summary,
        unit=indicator["unit"],
        target=indicator.get("target_value"),
        description=summary,
    )
    return unique_ids(svg, f"i{indicator['id']}-")


def render_html(snapshot: dict, *, preview: bool = False, issued=None, request=None, back_url: str = "") -> str:
    """The report as one HTML document. ``preview`` renders a draft for the browser, ``issued`` (a
    ReportVersion, whose stored snapshot this is) an issued report as a web page with its PDF to
    download; either way with the site's static URLs, a bar back to the site and the page's CSP
    nonce. Otherwise it is rendered for WeasyPrint."""
    screen = preview or issued is not None
    context = {
        "report": snapshot,
        "indicators": [{**indicator, "chart": chart_markup(indicator)} for indicator in snapshot["indicators"]],
        "preview": preview,
        "issued": issued,
        "screen": screen,
        "static_base": settings.STATIC_URL if screen else STATIC_PREFIX,
        "back_url": back_url,
        "draft": snapshot["document"]["status"] != "issued",
        # Written into a style rule, so only ever a colour, whatever a stored snapshot holds.
        "accent": colour if _HEX_COLOUR.fullmatch(colour := snapshot["branding"].get("colour") or "") else "",
    }
    return render_to_string("reports/report.html", context, request=request)


# -- PDF ----------------------------------------------------------------------------------------------


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    seconds: float  # WeasyPrint's own time: layout and writing the PDF
    refused: list[str] = field(default_factory=list)


def render_pdf(html: str) -> Rendered:
    """Lay the HTML out and write it as a tagged PDF/UA-1 document."""
    fetcher = StaticOnlyFetcher()
    started = time.perf_counter()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return Rendered(pdf=pdf, pages=len(document.pages), seconds=time.perf_counter() - started, refused=fetcher.refused)
