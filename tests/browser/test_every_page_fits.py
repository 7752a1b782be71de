"""Every page fits the screen, for every role: each demo person signs in and walks every page their
links reach (one address per URL pattern), and each page must be no wider than the window at
1280 px with every control on screen (or in a labelled scroll region the keyboard can reach), no
wider than the window at 320 px (WCAG 2.2 reflow, 1.4.10), and pass axe-core.

The demo is loaded once and served by one live server for the whole module: loading it for each
role would take longer than the walks. pytest-django's ``live_server`` makes each test that uses it
transactional, which empties the database after the first role, so the module runs a server of its
own, commits the demo before the first test's transaction opens, and when the module ends puts the
database back as it found it (emptied, then the rows the migrations made), as Django's
TransactionTestCase does with serialized_rollback."""

import re
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import Resolver404, resolve, reverse
from pytest_django.live_server_helper import LiveServer

from actionplans.models import Action
from tests import demo_copy

from .conftest import Visit
from .test_first_ten_minutes import current_code

# django_db: each test runs in a transaction of its own, rolled back after it, on the test's own
# connection; the live server's threads have theirs, and see the committed demo.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ROLES = [
    "officer@demo.example",
    "lead@demo.example",
    "board@demo.example",
    "analyst@demo.example",
    "officer-csr@demo.example",
    "admin@demo.example",
]
WIDE, NARROW = 1280, 320

# Never visited: signing out ends the walk, files download instead of showing a page, the Django
# admin is the superuser's own (not our markup), htmx fragments are parts of pages already seen.
SKIPPED_VIEWS = {
    "logout",
    "priorities:plan_export",
    "actionplans:plan_export",
    "assessments:crime_counts_csv",
    "assessments:assessment_document",
    "assessments:import_status",
    "reports:report_download",
    "reports:report_job_download",
    "reports:report_job_status",
    "reports:meeting_ics",
    "reports:calendar_feed",
    "reviews:review_document_download",
    "api_schema",  # the OpenAPI document: a download, not a page
}
SKIPPED_SUFFIXES = (".pdf", ".csv", ".xlsx", ".ics", ".docx", ".json")  # .json: the open data's files

# Links, buttons and fields that are rendered and lie outside the window sideways, unless they sit
# in a region that scrolls, which the keyboard can reach (tabindex) and which says what it holds.
OFF_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const scroller = (element) => {
        for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
            const overflow = getComputedStyle(node).overflowX;
            if ((overflow === 'auto' || overflow === 'scroll') && node.scrollWidth > node.clientWidth) {
                return node;
            }
        }
        return null;
    };
    const name = (element) => `${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}`
        + ` "${(element.textContent || element.name || '').trim().slice(0, 40)}"`;
    const problems = [];
    const controls = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]';
    for (const element of document.querySelectorAll(controls)) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || !element.checkVisibility({visibilityProperty: true})) continue;
        if (element.closest('.govuk-skip-link')) continue;
        const region = scroller(element);
        if (region) {
            const labelled = region.getAttribute('role') === 'region'
                && (region.hasAttribute('aria-labelledby') || region.hasAttribute('aria-label'));
            if (!(labelled && region.tabIndex >= 0)) problems.push(`${name(element)} scrolls in an unlabelled region`);
        } else if (box.left < -1 || box.right > width + 1) {
            problems.push(`${name(element)} is off screen (${Math.round(box.left)} to ${Math.round(box.right)})`);
        }
    }
    return problems;
}"""

# Fields without GOV.UK's classes (a number input once had none): every field is a GOV.UK one.
PLAIN_FIELDS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(field => ![...field.classList].some(name => name.startsWith('govuk-')))
    .map(field => `${field.tagName.toLowerCase()} ${field.name} has no GOV.UK class`)"""

# What is read of a page at the wide width, in one round trip to the browser: its width, what is off
# screen, fields without GOV.UK's classes, and the links it offers.
AT_WIDE = f"""() => ({{
    width: document.documentElement.scrollWidth,
    offScreen: ({OFF_SCREEN})(),
    plainFields: ({PLAIN_FIELDS})(),
    links: [...document.querySelectorAll('a[href]')].map(link => link.href),
}})"""


@dataclass
class Walk:
    """What one person's walk saw: the pages (view name: address) and what did not fit.
    ``audited`` is shared by the module's walks: axe-core takes a second or two a page, so it runs
    on each URL pattern once, for the first role to reach it (the officer reaches most)."""

    audited: set[str]
    pages: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker):
    """The demo, loaded once, on a live server of the module's own; emptied when the module ends."""
    with django_db_blocker.unblock():
        as_migrated = connection.creation.serialize_db_to_string()
        demo_copy.load_demo()  # committed: the server's threads see it
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(as_migrated)
            # While Playwright's event loop runs, Django keeps this connection apart from the one the
            # database was set up on; left open, it would stop the test database being dropped.
            connection.close()


@pytest.fixture(scope="module")
def audited() -> set[str]:
    return set()


@pytest.fixture
def tab(browser, demo_server):
    context = browser.new_context(locale="en-GB", viewport={"width": WIDE, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Visit(page, demo_server)
    context.close()


def view_name(url: str, origin: str) -> str | None:
    """The URL pattern's name to walk ``url`` once for, or None when it is not to be visited."""
    address, _ = urldefrag(url)
    if not address.startswith(origin + "/"):
        return None
    path = urlsplit(address).path
    if path.startswith("/admin/") or path.endswith(SKIPPED_SUFFIXES):
        return None
    try:
        name = resolve(path).view_name
    except Resolver404:
        return None
    return None if name in SKIPPED_VIEWS else name


def sign_in(tab: Visit, email: str) -> None:
    tab.sign_in(email)
    if tab.page.get_by_role("heading", name="Enter your security code").count():
        tab.page.get_by_label("Security code").fill(current_code(email))
        tab.page.get_by_role("button", name="Continue").click()
        tab.page.wait_for_load_state()


def check(tab: Visit, walk: Walk, name: str) -> list[str]:
    """Check the page open in ``tab`` at both widths and with axe; return the links it offers."""
    page = tab.page
    seen = page.evaluate(AT_WIDE)
    if seen["width"] > WIDE:
        walk.problems.append(f"{name} ({page.url}) is {seen['width']} px wide at {WIDE} px")
    walk.problems += [f"{name} ({page.url}) at {WIDE} px: {problem}" for problem in seen["offScreen"]]
    walk.problems += [f"{name} ({page.url}): {problem}" for problem in seen["plainFields"]]
    if name not in walk.audited:
        walk.audited.add(name)
        try:
            tab.assert_accessible()
        except AssertionError as failure:
            walk.problems.append(f"{name}: {failure}")
    walk.problems += [f"{name} ({page.url}): {error}" for error in tab.errors]
    tab.errors.clear()
    page.set_viewport_size({"width": NARROW, "height": 800})
    narrow = page.evaluate("document.documentElement.scrollWidth")
    if narrow > NARROW:
        walk.problems.append(f"{name} ({page.url}) is {narrow} px wide at {NARROW} px")
    page.set_viewport_size({"width": WIDE, "height": 800})
    return seen["links"]


def walk_from_home(tab: Visit, audited: set[str]) -> Walk:
    """Breadth first from the home page, each URL pattern once."""
    walk = Walk(audited)
    origin = tab.base_url
    queue = deque([origin + "/"])
    walk.pages["home"] = origin + "/"
    while queue:
        url = queue.popleft()
        name = view_name(url, origin)
        response = tab.page.goto(url)
        if response.status == 405:  # a form's address that only takes a POST
            continue
        if response.status >= 400:
            walk.problems.append(f"{name} ({url}) answered {response.status}")
        for link in check(tab, walk, name):
            found = view_name(link, origin)
            if found and found not in walk.pages:
                walk.pages[found] = link
                queue.append(urldefrag(link)[0])
    return walk


@pytest.mark.parametrize("email", ROLES)
def test_every_page_fits_the_screen_for_every_role(tab, audited, email):
    started = time.monotonic()
    sign_in(tab, email)
    assert tab.page.get_by_role("button", name="Sign out").count() == 1, tab.page.url
    walk = walk_from_home(tab, audited)
    print(f"{email}: {len(walk.pages)} pages in {time.monotonic() - started:.0f} s")
    assert len(walk.pages) > 5, walk.pages
    assert walk.problems == [], "\n".join(walk.problems)


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_the_action_plan_edit_form_fits_the_window(tab, width):
    """The in-place form sits in a row of a table wider than a narrow window, yet stays within it."""
    plan = {"priority__plan__partnership__slug": "lancaster", "priority__plan__title__contains": "2011-12"}
    action = Action.objects.filter(**plan).order_by("priority__order", "order").first()
    sign_in(tab, "officer@demo.example")
    tab.page.set_viewport_size({"width": width, "height": 800})
    tab.goto(reverse("actionplans:priority_plan", args=["lancaster", action.priority_id]))
    tab.page.locator(f"#action-{action.pk}").get_by_role("link", name=re.compile("^Edit")).click()
    form = tab.page.locator(f"#action-{action.pk} form")
    form.get_by_label("Budget in pounds (optional)").wait_for()
    box = form.evaluate("form => form.getBoundingClientRect().toJSON()")
    assert box["left"] >= 0 and box["right"] <= tab.page.evaluate("document.documentElement.clientWidth"), box
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= width
    assert "govuk-input" in form.get_by_label("Budget in pounds (optional)").get_attribute("class")
