"""Every kind of page is valid HTML, by the W3C's own checker (vnu.jar from the vnu-jar package, the
checker validator.w3.org runs).

The pages are the permission matrix's (tests/test_permission_matrix.py), with its objects in both
partnerships: every page of every named view, seen by the first of VIEWERS who may open it (the
officer sees the change buttons and forms, the analyst the evidence forms, someone with no role
their own pages, nobody signed in the sign-in pages), a few pages again as another role who sees
them differently, every form posted empty (its error messages), the fragments htmx swaps in (put
into the action plan page as htmx puts them), and the 403, 404 and 500 pages. A chart, crime counts
and a change with before and after values are added, so that the indicator, crime and history pages
show them. The Django admin's pages are left out: their markup is Django's.

The checker is one Java process for all the pages (it takes seconds to start). Java 11 or later
must be installed; the jar comes with `npm ci`, which `make test` runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from itertools import accumulate
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views.defaults import server_error

from actionplans.models import Action
from assessments.models import CrimeCount, IndicatorValue
from priorities.models import Priority
from tests.test_permission_matrix import ADMIN_SAMPLES, EXPECTED, World, respond, url_of, world  # noqa: F401

pytestmark = pytest.mark.django_db

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# The checker runs for seconds: the quick compiler alone and the simplest collector start it fastest;
# its schema needs a deeper stack than Java's default (it stops with a StackOverflowError otherwise).
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m"]

# Who looks at each page: the first of these the permission matrix lets open it (answers 200).
VIEWERS = ("off", "ana", "none", "anon")
# Pages that another role sees differently, seen by that role too.
ALSO = [
    ("actionplans:return_edit", "lead"),  # the lead writes the return; the officer reads it
    ("actionplans:priority_plan", "brd"),  # without the change buttons
    ("partnership_detail", "lead"),
    ("my_actions", "lead"),
    ("my_actions_quarter", "lead"),
    ("priorities:exercise_score", "lead"),
    ("home", "none"),  # the page of someone with no role, where they ask for one
    ("public:plan", "anon"),  # the public page, as anyone reads it without signing in
    ("public_progress:quarter", "anon"),  # a quarter's public progress summary, likewise
]
# The fragments htmx asks for (with the HX-Request header) on the action plan page, and the element
# each replaces there (data-hx-target, outerHTML): {action_id} is the action's.
HTMX = [
    ("actionplans:action_add", "GET", "action-add"),
    ("actionplans:action_add", "POST", "action-add"),
    ("actionplans:action_edit", "GET", "action-{action_id}"),
    ("actionplans:action_edit", "POST", "action-{action_id}"),
    ("actionplans:action_detail", "GET", "action-{action_id}"),
    ("actionplans:action_reorder", "POST", "action-plan"),
]
# The error pages, from a person the matrix refuses: 403 (a lead editing an action) and 404 (another
# partnership's officer).
REFUSED = [("actionplans:action_edit", "lead", 403), ("partnership_detail", "offX", 404)]


def viewer_of(view: str, method: str) -> str | None:
    answers = EXPECTED[view, method]
    return next((column for column in VIEWERS if answers[column] == 200), None)


class _Element(HTMLParser):
    """Where the element with the given id starts and ends in a page, as offsets."""

    def __init__(self, html: str, id_: str):
        super().__init__(convert_charrefs=True)
        self.html, self.id, self.tag, self.depth = html, id_, "", 0
        self.start = self.end = -1
        self.line_starts = [0, *accumulate(len(line) for line in html.splitlines(keepends=True))]
        self.feed(html)
        self.close()
        assert self.start >= 0 and self.end > self.start, f"no element with the id {id_}"

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self.start < 0 and dict(attrs).get("id") == self.id:
            self.start, self.tag, self.depth = self._offset(), tag, 1
        elif self.start >= 0 and self.end < 0 and tag == self.tag:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.start >= 0 and self.end < 0 and tag == self.tag:
            self.depth -= 1
            if self.depth == 0:
                self.end = self.html.index(">", self._offset()) + 1


def swapped(page: str, id_: str, fragment: str) -> str:
    """The page after htmx puts the fragment in place of the element with the id (outerHTML)."""
    element = _Element(page, id_)
    return page[: element.start] + fragment + page[element.end :]


def more_to_show(matrix: World) -> None:
    """Figures for a chart, crime counts for the crime pages and a change with before and after
    values for the history pages; the matrix's objects have none of these."""
    own = matrix.own
    indicator = own["indicator_pk"]
    for year, value in ((2022, 120), (2023, 110), (2024, 95)):
        IndicatorValue.objects.create(indicator_id=indicator, period_start=date(year, 4, 1), value=value)
    authority = matrix.people.lancaster.authorities.order_by("ons_code").first()
    for month in range(1, 13):
        for crime_type, count in (("Burglary", 20 + month), ("Shoplifting", 40 - month)):
            CrimeCount.objects.create(
                force="Lancashire", month=date(2025, month, 1), authority=authority, crime_type=crime_type, count=count
            )
    priority = Priority.objects.get(pk=own["priority_id"])
    priority.title = "Domestic abuse and stalking"
    priority.save()
    action = Action.objects.get(pk=own["action_id"])
    action.title = "Prevention campaign in schools"
    action.save()


def pages(matrix: World) -> dict[str, str]:
    """'METHOD url as column' -> HTML, for every page the module's docstring names."""
    asked = [(view, method, viewer_of(view, method)) for view, method in EXPECTED if view not in ADMIN_SAMPLES]
    asked += [(view, "GET", column) for view, column in ALSO]
    found = {}
    for view, method, column in asked:
        if column is None:
            continue  # nobody may open it: a post-only view's GET row
        response = respond(matrix, view, method, column)
        assert response.status_code == 200, f"{method} {view} as {column}: {response.status_code}"
        if response["Content-Type"].startswith("text/html"):
            found[f"{method} {url_of(view, matrix.own)} as {column}"] = response.content.decode()

    plan_page = found[f"GET {url_of('actionplans:priority_plan', matrix.own)} as off"]
    for view, method, target in HTMX:
        response = respond(matrix, view, method, "off", headers={"HX-Request": "true"})
        assert response.status_code == 200, f"{method} {view} (htmx): {response.status_code}"
        name = f"{method} {url_of(view, matrix.own)} as off (htmx), swapped into the action plan"
        found[name] = swapped(plan_page, target.format(**matrix.own), response.content.decode())

    for view, column, status in REFUSED:
        response = respond(matrix, view, "GET", column)
        assert response.status_code == status, f"{view} as {column}: {response.status_code}, not {status}"
        found[f"GET {url_of(view, matrix.own)} as {column} ({status})"] = response.content.decode()
    found["the 500 page"] = server_error(RequestFactory().get("/")).content.decode()
    return found


def check(files: list[Path]) -> list[dict]:
    """The checker's error messages for the files, from one run of vnu.jar."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java 11 or later is needed to check the HTML: install it (Debian: apt-get install default-jre-headless)"
        )
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: run `npm ci` (make test does) to install the vnu-jar package")
    # The output is JSON on stdout; the exit status says only whether there were errors.
    result = subprocess.run(
        [java, *JAVA_OPTIONS, "-jar", str(VNU), "--format", "json", "--errors-only", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        return json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON (exit status {result.returncode}):\n{result.stdout}\n{result.stderr}")


def test_every_kind_of_page_is_valid_html(world, tmp_path):  # noqa: F811 - the matrix's fixture
    more_to_show(world)
    found = pages(world)
    assert len(found) > 100, f"only {len(found)} pages were rendered"
    named = {}  # file name -> page
    for number, (name, html) in enumerate(found.items()):
        (tmp_path / f"page-{number:03}.html").write_text(html, encoding="utf-8")
        named[f"page-{number:03}.html"] = name
    messages = check([tmp_path / file for file in named])

    problems = sorted(
        (
            named.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "")),
            message.get("lastLine", 0),
            message["message"],
        )
        for message in messages
    )
    report = "\n".join(f"  {page}, line {line}: {text}" for page, line, text in problems)
    assert not problems, f"{len(problems)} HTML errors on {len({page for page, _, _ in problems})} pages:\n{report}"
