"""Markup and script typed into any text field are shown as text, on every page and in the PDF.

The demonstration data is loaded, then every text field of the product's models (found from the
model registry, so a new field is covered automatically) is given a payload that names the field:

    $x^{$<script>alert("priorities.Priority.title")</script><img src=x onerror=alert(1)>"'&

(the first part is for charts: matplotlib takes text between dollar signs for maths; it is left off
where a field is too short for both).

Then the site is crawled as an administrator, a partnership officer, an action lead, a board member
and an analyst, following every link and htmx request it offers; no page may contain the payload as
markup, and every field must appear, escaped, on some page (or be listed in EXCLUDED with the
reason it never reaches a page). The quarterly report is rendered to PDF and its text must hold the
payloads as literal text.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from datetime import date
from html import escape, unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from actionplans.queries import reporting_quarter
from actionplans.reviews.models import Review, ReviewDocument
from assessments import charts
from assessments.models import AnnualReview, CrimeImport, HarmWeight, Indicator, IndicatorValue, StrategicAssessment
from csp_portal.api.models import AccessToken
from csp_portal.notifications.models import Kind, Notification
from csp_portal.organisations.models import (
    Agency,
    OrganisationAccount,
    Partnership,
    RoleRequest,
    SignInEvent,
    SignInOrganisation,
    User,
)
from priorities.models import Candidate, Criterion, Exercise, Plan
from reports import rendering, snapshot
from reports.models import ReportJob

from . import demo_copy
from .conftest import verify_second_factor

pytestmark = pytest.mark.django_db

APPS = ["priorities", "actionplans", "assessments", "reports", "organisations", "notifications", "reviews", "api"]

# Text fields left out, and why: they never reach a page, or cannot hold markup at all.
EXCLUDED = {
    "organisations.User.password": "a password hash, never shown",
    "organisations.Partnership.slug": "a URL part, validated as a slug; markup cannot be part of a URL path",
    "organisations.Partnership.ons_code": "an ONS code of 9 characters: too short to hold a script",
    "organisations.Authority.ons_code": "an ONS code of 9 characters, from ONS files; a URL part of the local profile",
    "organisations.PoliceForceArea.code": "an ONS code of 9 characters: too short to hold a script",
    "reports.ReportSettings.colour": "validated as #rrggbb (7 characters) by the model and the form",
    "assessments.Source.url": "validated as an http(s) URL by the form; shown as a link",
    "assessments.CrimeCount.force": "counts are shown by authority, month and crime type; the force on no page",
    "notifications.Notification.path": "a page's address the portal wrote with reverse(), never typed by anyone",
    "notifications.Notification.stage": "the mail server's answer, for the operators' logs and the admin only",
    "reports.CalendarFeed.token_hash": "the SHA-256 of a calendar address's secret, never shown",
    "organisations.Invitation.token_hash": "the SHA-256 of an invitation link's secret, never shown",
    "api.AccessToken.token_hash": "the SHA-256 of a personal access token's secret, never shown",
    "api.AccessToken.prefix": "the first 8 characters of a random URL-safe secret: too short to hold a script",
}

# Long enough for the row's id, but left without it, and why: each row then gets the same payload.
SAME_IN_EVERY_ROW = {
    "assessments.CrimeCount.crime_type": "no constraint asks for it, and a crime type per count row would"
    " draw the demo's thousands of count rows as thousands of bars in each share-of-harm chart (10 s a page)",
}


def text_fields() -> list[models.Field]:
    """Every CharField and TextField (and their kinds: email, slug, URL) of the product's own models,
    except fields whose value comes from a fixed list of choices and the history tables' copies."""
    found = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label.split(".")[1].startswith("Historical"):
                continue
            for field in model._meta.get_fields():
                if isinstance(field, CharField | models.TextField) and not field.auto_created and not field.choices:
                    found.append(field)
    return found


def label(field: models.Field) -> str:
    return f"{field.model._meta.label}.{field.name}"


MATHS = "$x^{$"


def payload(tag: str) -> str:
    return f'<script>alert("{tag}")</script><img src=x onerror=alert(1)>"\'&'


def plant_payloads() -> dict[str, str]:
    """Every included field of every row holds its payload, followed by the row's id (titles are unique
    in their plan, names in their partnership...). Fields too short for their own name are tagged A,
    B, C... Returns tag -> field label."""
    tags, letters = {}, iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for field in text_fields():
        if label(field) in EXCLUDED:
            continue
        # Room for the row's id, for unique constraints.
        numbered = (field.max_length or 10_000) >= 60 and label(field) not in SAME_IN_EVERY_ROW
        room = (field.max_length or 10_000) - (6 if numbered else 0)
        tag = label(field) if len(payload(label(field))) <= room else next(letters)
        text = (MATHS + payload(tag))[:room]
        if f'<script>alert("{tag}")' not in text:
            text = payload(tag)[:room]
        assert f'<script>alert("{tag}")' in text, f"{label(field)} is too short for a payload"
        value = Concat(Value(text), Cast("pk", CharField())) if numbered else Value(text)
        field.model._base_manager.update(**{field.attname: value})
        tags[tag] = label(field)
    return tags


ESCAPED = re.compile(r"&lt;script&gt;alert\((?:&quot;|&#34;|&#x22;|\")([\w.]+?)(?:&quot;|&#34;|&#x22;|\")\)")
RAW_MARKUP = [
    re.compile(r"<script>alert\(", re.IGNORECASE),
    re.compile(r"<img src=x onerror=", re.IGNORECASE),
]
LINK = re.compile(r"""(href|data-hx-get|action)=["']([^"'#]+)""")
NOT_PAGES = ("/static/", "/media/", "/account/sign-out/", "/admin/logout/", "/account/two-factor/turn-off/")
# Shown in the PDF as an image's alternative text (checked in the HTML), not as text on the page.
ALT_TEXT = {"reports.ReportSettings.logo_alt"}
DEMO_ACCOUNTS = [
    "admin@demo.example",
    "officer@demo.example",
    "lead@demo.example",
    "board@demo.example",
    "analyst@demo.example",
    "officer-csr@demo.example",
]
PER_VIEW = 3  # pages of each view visited: enough to reach every kind of object, bounded


def crawl(client: Client, start: list[str], seen_views: dict, data: dict[str, str]) -> dict[str, str]:
    """GET every page reachable from ``start`` (at most PER_VIEW of each view), and the fragment each
    data-hx-get link swaps in (asked for as htmx does). Returns url -> HTML; JSON answers (the job status
    the pages' scripts poll, which they show with textContent) go into ``data``: JSON carries text as
    it is, and must never be served as HTML."""
    pages, queue, visited = {}, [(url, False) for url in start], set()
    while queue:
        url, htmx = queue.pop(0)
        path = urlsplit(url).path
        if (url, htmx) in visited or path.startswith(NOT_PAGES) or not path.startswith("/"):
            continue
        visited.add((url, htmx))
        try:
            match = resolve(path)
        except Resolver404:
            continue
        view = match.view_name + ("?" if urlsplit(url).query else "") + (" (htmx)" if htmx else "")
        if len(seen_views[view]) >= PER_VIEW:
            continue
        seen_views[view].add(url)
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        kind = response.get("Content-Type", "")
        if response.status_code != 200:
            continue
        if kind.startswith("application/json"):
            assert response["X-Content-Type-Options"] == "nosniff"
            # The open data's files are streamed as they are read.
            content = b"".join(response.streaming_content) if response.streaming else response.content
            data[url] = content.decode()
        if not kind.startswith("text/html"):
            continue
        html = response.content.decode()
        pages[f"{url} (htmx)" if htmx else url] = html
        for attribute, link in LINK.findall(html):
            target = urlsplit(urljoin(url, unescape(link)))
            if target.netloc in ("", "testserver"):
                queue.append((target.path + (f"?{target.query}" if target.query else ""), attribute == "data-hx-get"))
    return pages


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    if user.is_superuser:
        verify_second_factor(client, user)
    return client


def job_pages() -> list[str]:
    """Pages only the browser's script opens: a report job's page and the status both job kinds poll;
    and each crime import's page (the crawl meets only the newest PER_VIEW of them)."""
    urls = []
    for job in ReportJob.objects.select_related("partnership"):
        args = [job.partnership.slug, job.pk]
        urls += [reverse("reports:report_job", args=args), reverse("reports:report_job_status", args=args)]
    for job in CrimeImport.objects.exclude(partnership=None).select_related("partnership"):
        args = [job.partnership.slug, job.pk]
        urls += [reverse("assessments:import_status", args=args), reverse("assessments:import_detail", args=args)]
    return urls


def typed_in_figures() -> list[str]:
    """An indicator page with figures typed in (and their notes): the crawl meets the crime-data
    indicators first, and visits only PER_VIEW pages of a view), and one that counts crime data."""
    typed_in = Indicator.objects.filter(crime_type="").exclude(values=None).select_related("partnership").first()
    counting = Indicator.objects.exclude(crime_type="").select_related("partnership").first()
    return [reverse("assessments:indicator_detail", args=[i.partnership.slug, i.pk]) for i in (typed_in, counting)]


def rows_the_demo_lacks() -> None:
    """A row of each kind the demonstration data has none of, so that each field has a page to be on."""
    lancaster_plan = Plan.objects.filter(partnership__slug="lancaster").first()
    exercise = Exercise.objects.create(plan=lancaster_plan, title="Exercise")
    exercise.participants.set(User.objects.filter(email__endswith="@demo.example"))
    Criterion.objects.create(exercise=exercise, text="Criterion", weight=2)
    Candidate.objects.create(exercise=exercise, title="Candidate")
    assessment = StrategicAssessment.objects.first()
    AnnualReview.objects.create(assessment=assessment, reviewed_on=date(2024, 4, 1), changes="Changes")
    HarmWeight.objects.create(partnership=assessment.partnership, crime_type="Burglary", weight=2, source="ONS")
    SignInEvent.objects.create(email="someone@example.org", outcome=SignInEvent.Outcome.REFUSED, detail="Why")
    # An organisation that signs in with its own accounts, and someone linked to it (admin pages).
    organisation = SignInOrganisation.objects.create(
        agency=Agency.objects.first(), issuer="https://issuer.example/tenant", email_domains="example.org"
    )
    OrganisationAccount.objects.create(person=User.objects.first(), organisation=organisation, subject="Subject")
    CrimeImport.objects.create(
        partnership=assessment.partnership, status=CrimeImport.Status.FAILED, file_names="a.csv", error="Refused"
    )
    # A review's document (the demo has none): its title is on the case file.
    review = Review.objects.filter(kind=Review.Kind.DHR).first()
    ReviewDocument.objects.create(review=review, title="Terms of reference", file="reviews/terms.pdf")
    # Someone with no role asks Lancaster for one: its officer reads the note on the members page.
    RoleRequest.objects.create(
        person=User.objects.create(email="asker@example.org", full_name="Ash Asker"),
        partnership=Partnership.objects.get(slug="lancaster"),
        role="lead",
        note="Note",
    )
    # Each person's personal access tokens are listed on their account's tokens page.
    for email in DEMO_ACCOUNTS:
        AccessToken.objects.create(
            person=User.objects.get(email=email), name="Token", token_hash=email, prefix="abcdefgh"
        )
    # The notification list is crawled for the first accounts only (PER_VIEW): each has one.
    for email in DEMO_ACCOUNTS:
        Notification.objects.create(
            recipient=User.objects.get(email=email),
            kind=Kind.RETURN_REVIEWED,
            subject="S",
            body="B",
            path="/",
            reason="R",
        )


@pytest.fixture
def hostile_demo():
    demo_copy.load_demo()  # loaded once per test process, then copied back
    rows_the_demo_lacks()
    people = {email: User.objects.get(email=email) for email in DEMO_ACCOUNTS}  # before emails change too
    tags = plant_payloads()
    # A crime type makes an indicator count crime data and set aside figures typed in: keep it on
    # the indicators that count, so that the typed-in figures' notes are shown.
    Indicator.objects.exclude(values=None).update(crime_type="")
    return tags, people


def test_every_text_field_is_classified_and_long_enough_for_a_payload():
    included = [label(f) for f in text_fields() if label(f) not in EXCLUDED]
    assert set(EXCLUDED) <= {label(f) for f in text_fields()}, "an exclusion names a field that does not exist"
    assert set(SAME_IN_EVERY_ROW) <= set(included), "SAME_IN_EVERY_ROW names a field that gets no payload"
    assert len(included) > 60
    assert "priorities.Priority.title" in included and "actionplans.ProgressReturn.support_needed" in included


def test_markup_in_every_text_field_is_shown_as_text_on_every_page(hostile_demo):
    tags, people = hostile_demo
    seen_views: dict[str, set] = defaultdict(set)
    pages: dict[str, str] = {}
    slugs = list(Partnership.objects.values_list("slug", flat=True))
    starts = ["/", "/partnerships/", "/my-actions/", "/admin/", *job_pages(), *typed_in_figures()]
    starts += ["/search/?q=alert"]  # a word of every payload: the search finds rows of each kind
    starts += [
        f"/partnerships/{slug}/{part}"
        for slug in slugs
        for part in ("", "plans/", "evidence/", "actions/", "reports/", "reviews/")
    ]
    data: dict[str, str] = {}
    for user in people.values():
        pages.update(crawl(signed_in(user), starts, seen_views, data))

    assert len(pages) > 300 and len(seen_views) > 200, f"the crawl reached only {len(pages)} pages"
    assert seen_views["reports:report_issue"], "the crawl never reached the page that asks before a report is issued"
    assert seen_views["search?"], "the crawl never reached the search results"
    assert any("alert(" in answer for answer in data.values()), "no job status was read"
    assert any(url.endswith("(htmx)") for url in pages), "no htmx fragment was read"
    unescaped = {url: pattern.pattern for url, html in pages.items() for pattern in RAW_MARKUP if pattern.search(html)}
    assert unescaped == {}, f"payloads reached these pages as markup: {unescaped}"
    shown = {tag for html in pages.values() for tag in ESCAPED.findall(html)}
    never_shown = sorted(tags[tag] for tag in set(tags) - shown)
    assert never_shown == [], f"on no page: {never_shown}; show them, or add them to EXCLUDED with the reason"


def test_markup_in_text_fields_is_literal_text_in_the_report_pdf(hostile_demo):
    tags, _ = hostile_demo
    lancaster = Partnership.objects.get(slug="lancaster")
    html = rendering.render_html(snapshot.build(lancaster, reporting_quarter()))
    assert not any(pattern.search(html) for pattern in RAW_MARKUP)
    in_report = set(ESCAPED.findall(html))
    assert {"priorities.Priority.title", "actionplans.Action.title", "actionplans.ProgressReturn.narrative"} <= {
        tags.get(tag) for tag in in_report
    }

    rendered = rendering.render_pdf(html)
    assert rendered.refused == [], "the report asked for files or URLs named by user text"
    # -raw keeps the content stream's order, so text wrapped inside a narrow table cell stays together.
    extracted = subprocess.run(["pdftotext", "-raw", "-", "-"], input=rendered.pdf, capture_output=True, check=True)
    text = "".join(extracted.stdout.decode().split())
    missing = sorted(
        tags[tag] for tag in in_report if f'<script>alert("{tag}")</script>' not in text and tags[tag] not in ALT_TEXT
    )
    assert missing == [], "the report's PDF does not show these fields' markup as text"


# Charts: matplotlib writes labels into the SVG itself


@pytest.mark.parametrize("text", ['$x^{$ <script>alert("unit")</script>', "$5 and $10", r"$\frac{$"])
def test_chart_labels_are_shown_as_typed(text):
    """Dollar signs would start matplotlib's maths notation (which raised ValueError on '$x^{$');
    markup is escaped by matplotlib's SVG writer."""
    line = charts.line_chart(["2024/25 Q1", text], [3, 4], title="Figures", unit=text, target=2)
    share = charts.share_chart([text, "Burglary"], [60, 40], [30, 70], title="Share")
    for svg in (line, share):
        assert "<script>" not in svg
        assert escape(text, quote=False) in unescape_entities(svg)


def unescape_entities(svg: str) -> str:
    """matplotlib writes quotes as they are and &, <, > as entities: compare with html.escape's form."""
    return svg.replace("&quot;", '"').replace("&#x27;", "'")


def test_an_indicator_whose_unit_looks_like_maths_has_a_chart(login, cast):
    indicator = Indicator.objects.create(
        partnership=cast.lancaster, name="Spend", unit=r"$\frac{$ per head", frequency=Indicator.Frequency.QUARTER
    )
    for month, value in ((4, 10), (7, 12)):
        IndicatorValue.objects.create(indicator=indicator, period_start=date(2024, month, 1), value=value)
    response = login(cast.officer).get(reverse("assessments:indicator_detail", args=["lancaster", indicator.pk]))
    assert response.status_code == 200
    assert r"$\frac{$ per head" in response.content.decode()
