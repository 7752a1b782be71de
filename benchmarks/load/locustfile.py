"""Quarter end in locust: officers editing actions, leads writing and submitting returns, board
members reading dashboards and downloading the issued reports.

Run by ``benchmarks/load/run.py``, which generates the data and passes the scenario (accounts,
partnerships, priorities, actions) in LOAD_SCENARIO, and where to write the samples and the edits in
LOAD_SAMPLES and LOAD_EDITS (see samples.py).

The mix (weights 4:3:3): at quarter end the leads are the most numerous and the busiest (every open
action owes a return), the partnership officers edit the plans and chase, and the board reads the
dashboard and the reports before its meeting.

The site runs with its production settings behind the TLS proxy it expects: every request carries
the proxy's ``X-Forwarded-Proto: https`` and the Origin and Referer a browser sends, and the client
sends the Secure session and CSRF cookies back over the loopback connection as a browser does over TLS.
"""

# ruff: noqa: S311 - simulated users choose at random; nothing here is secret
from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.load.samples import DOWNLOAD, SIGN_IN, YARDSTICK  # noqa: E402

SCENARIO = json.loads(Path(os.environ["LOAD_SCENARIO"]).read_text(encoding="utf-8"))
PASSWORD = SCENARIO["password"]
QUARTER = SCENARIO["quarter"]
PARTNERSHIPS = SCENARIO["partnerships"]
CONFLICT = "while you were editing it"
NO_LONGER_EDITABLE = "can no longer be changed"
EDIT_MARK = re.compile(r"\s*\[edit ([0-9a-f]+)\]\s*$")

_samples = open(os.environ["LOAD_SAMPLES"], "a", buffering=1, encoding="utf-8")  # noqa: SIM115
_edits = open(os.environ["LOAD_EDITS"], "a", buffering=1, encoding="utf-8")  # noqa: SIM115


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, start_time=None, **_):
    error = str(exception)[:300] if exception else ""
    _samples.write(json.dumps([start_time, name, request_type, response_time, response_length or 0, error]) + "\n")


@events.quitting.add_listener
def _close(**_):
    _samples.close()
    _edits.close()


class Form(HTMLParser):
    """The fields a browser would submit from the form whose action contains ``action``, with their
    current values: inputs, checked boxes and radios, textareas and selected options."""

    def __init__(self, html: str, action: str = ""):
        super().__init__(convert_charrefs=True)
        self.action, self.found, self.inside = action, False, False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.found and self.action in (attrs.get("action") or ""):
            self.found = self.inside = True
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], []
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = attrs["name"], None, False
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None

    def get(self, name: str, default: str = "") -> str:
        return next((value for key, value in self.fields if key == name), default)

    def set(self, name: str, value: str) -> None:
        self.fields = [(key, old) for key, old in self.fields if key != name] + [(name, value)]


def _marked(text: str, token: str) -> tuple[str, str | None]:
    """The text with this edit's token in place of the last one, and the last one (or None)."""
    found = EDIT_MARK.search(text)
    return EDIT_MARK.sub("", text) + f" [edit {token}]", found.group(1) if found else None


def _saved(answer) -> bool:
    """A save is accepted when the site redirects onwards, not to the sign-in page."""
    return answer.status_code == 302 and "/account/sign-in/" not in answer.headers.get("Location", "")


class PortalUser(HttpUser):
    """Signs in through the sign-in form with one of the generated accounts."""

    abstract = True
    wait_time = between(1, 5)
    email = ""

    def on_start(self):
        self.origin = "https://" + urlsplit(self.host).netloc
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": self.origin})
        self.sign_in()

    def get(self, path: str, name: str, pdf: bool = False):
        """GET a page; being sent to the sign-in page (a lost session) or a download that is not a
        PDF counts as a failure."""
        with self.client.get(path, name=name, headers={"Referer": self.origin + path}, catch_response=True) as answer:
            if answer.ok and "/account/sign-in/" in answer.url and not path.startswith("/account/sign-in/"):
                answer.failure("sent to the sign-in page")
            elif answer.ok and pdf and not answer.content.startswith(b"%PDF"):
                answer.failure("the download is not a PDF")
        self._keep_cookies()
        return answer

    def post(self, path: str, name: str, fields, **kwargs):
        answer = self.client.post(
            path, data=fields, name=name, headers={"Referer": self.origin + path}, allow_redirects=False, **kwargs
        )
        self._keep_cookies()
        return answer

    @task(1)
    def yardstick(self):
        """The account page: signed in, the site's layout and nothing else. The runner reports every
        page's median as a multiple of this one's, which the machine and the load alone set."""
        self.get("/account/", YARDSTICK)

    def _keep_cookies(self):
        """Send the Secure cookies back over the loopback, as a browser does over the proxy's TLS."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def sign_in(self):
        page = self.get("/account/sign-in/", "sign-in form")
        form = Form(page.text)
        form.set("username", self.email)
        form.set("password", PASSWORD)
        with self.post("/account/sign-in/", SIGN_IN, form.fields, catch_response=True) as answer:
            if answer.status_code != 302 or "sign-in" in answer.headers.get("Location", ""):
                answer.failure(f"{self.email} could not sign in ({answer.status_code})")

    def record_edit(self, **edit):
        _edits.write(json.dumps({"user": self.email, **edit}) + "\n")


def _accounts(role: str):
    """Accounts handed to the simulated users of a role in turn: the officers of one partnership
    before the next, so that several officers of the same partnership are signed in at once."""
    for partnership in itertools.cycle(PARTNERSHIPS):
        for email in partnership[role]:
            yield partnership, email


class OfficerUser(PortalUser):
    """A partnership officer: reads a priority's action plan and an action, then edits an action.
    Most edits are of the partnership's few contested actions, which every officer edits too."""

    weight = 3
    accounts = _accounts("officers")

    def on_start(self):
        self.partnership, self.email = next(OfficerUser.accounts)
        super().on_start()

    @property
    def base(self) -> str:
        return f"/partnerships/{self.partnership['slug']}/actions"

    @task(6)
    def edit_action(self):
        priority = random.choice(self.partnership["priorities"])
        self.get(f"{self.base}/priorities/{priority}/", "action plan of a priority")
        contested = random.random() < 0.7
        action = random.choice(self.partnership["contested" if contested else "actions"])
        self.get(f"{self.base}/{action}/", "action")
        page = self.get(f"{self.base}/{action}/edit/", "action edit form")
        form = Form(page.text, f"/{action}/edit/")
        prefix = f"a{action}-"
        version = form.get(prefix + "version")
        if not version:
            return  # the page failed and locust counted it
        text, previous = _marked(form.get(prefix + "resources"), uuid.uuid4().hex[:12])
        form.set(prefix + "resources", text)
        self.wait()  # typing
        token = EDIT_MARK.search(text).group(1)
        with self.post(f"{self.base}/{action}/edit/", "save action", form.fields, catch_response=True) as answer:
            if _saved(answer):
                outcome = "saved"
            elif answer.status_code == 200 and CONFLICT in answer.text:
                outcome = "conflict"  # the site refused to overwrite a newer version: the expected answer
                answer.success()
            else:
                outcome = "error"
                answer.failure(f"saving action {action} answered {answer.status_code}")
        self.record_edit(
            kind="action", action=action, token=token, version=int(version), previous=previous, outcome=outcome
        )

    @task(1)
    def quarter_status(self):
        self.get(f"{self.base}/quarters/{QUARTER}/", "quarter's returns")

    # One draft report requested every LOAD_DRAFT_EVERY seconds (0: none) across all officers: the
    # Celery worker renders board packs while the pages are being measured, as it does at quarter end.
    DRAFT_EVERY = float(os.environ.get("LOAD_DRAFT_EVERY", "30"))
    last_draft = 0.0

    @task(1)
    def draft_report(self):
        if self.DRAFT_EVERY <= 0 or time.monotonic() - OfficerUser.last_draft < self.DRAFT_EVERY:
            return
        OfficerUser.last_draft = time.monotonic()
        base = f"/partnerships/{self.partnership['slug']}/reports/quarters/{QUARTER}/"
        form = Form(self.get(base, "report quarter").text, "/request/")
        form.set("kind", "draft")
        with self.post(base + "request/", "request draft report", form.fields, catch_response=True) as answer:
            if answer.status_code != 302:
                answer.failure(f"requesting a draft report answered {answer.status_code}")
                return
        self.get(answer.headers["Location"], "report job")


class LeadUser(PortalUser):
    """An action lead: my actions, then the current quarter's return for one of their actions, saved
    as a draft or submitted. Two sessions share each lead's account (the lead at the office and on
    the road), so the same return is sometimes saved from two forms at once."""

    weight = 4
    accounts = (
        (partnership, lead)
        for partnership in itertools.cycle(PARTNERSHIPS)
        for lead in partnership["leads"]
        for _session in range(2)
    )
    # Actions whose return this account can no longer change (submitted), shared by its sessions.
    finished: dict[str, set[int]] = {}

    def on_start(self):
        self.partnership, self.lead = next(LeadUser.accounts)
        self.email = self.lead["email"]
        self.done = LeadUser.finished.setdefault(self.email, set())
        super().on_start()

    @task(5)
    def write_return(self):
        self.get("/my-actions/", "my actions")
        waiting = [action for action in self.lead["actions"] if action not in self.done]
        if not waiting:
            self.get(f"/my-actions/{QUARTER}/", "my actions")
            return
        action = random.choice(waiting[:2])
        path = f"/partnerships/{self.partnership['slug']}/actions/{action}/returns/{QUARTER}/"
        page = self.get(path, "progress return form")
        form = Form(page.text, f"/{action}/returns/")
        if not form.found:
            self.done.add(action)  # submitted from the other session, or not due
            return
        text, previous = _marked(form.get("narrative"), uuid.uuid4().hex[:12])
        form.set("narrative", text)
        submit = random.random() < 0.3
        if submit and not form.get("rag"):
            form.set("rag", "amber")
        if submit and not form.get("risks").strip():
            form.set("risks", "Partner capacity over the holidays.")
        form.set("intent", "submit" if submit else "draft")
        self.wait()  # writing
        token = EDIT_MARK.search(text).group(1)
        name = "submit return" if submit else "save return"
        with self.post(path, name, form.fields, catch_response=True) as answer:
            if _saved(answer):
                outcome = "saved"
                if submit:
                    self.done.add(action)
            elif answer.status_code == 200 and CONFLICT in answer.text:
                outcome = "conflict"
                answer.success()
            elif answer.status_code == 200 and NO_LONGER_EDITABLE in answer.text:
                outcome = "refused"  # the other session submitted it first: refused, as it should be
                self.done.add(action)
                answer.success()
            else:
                outcome = "error"
                answer.failure(f"saving the return of action {action} answered {answer.status_code}")
        self.record_edit(
            kind="return",
            action=action,
            quarter=QUARTER,
            token=token,
            version=form.get("version") or None,
            previous=previous,
            outcome=outcome,
            submitted=submit,
        )


class BoardUser(PortalUser):
    """A board member before the meeting: the dashboard, the issued reports, a report's PDF."""

    weight = 3
    accounts = _accounts("board")

    def on_start(self):
        self.partnership, self.email = next(BoardUser.accounts)
        super().on_start()

    @property
    def base(self) -> str:
        return f"/partnerships/{self.partnership['slug']}"

    @task(3)
    def dashboard(self):
        self.get(f"{self.base}/reports/", "dashboard")

    @task(2)
    def download_report(self):
        page = self.get(f"{self.base}/reports/issued/", "issued reports")
        links = re.findall(r'href="([^"]*/reports/issued/\d+/download/)"', page.text)
        if not links:
            return
        self.get(random.choice(links), f"{DOWNLOAD} issued report (PDF)", pdf=True)

    @task(1)
    def action_plan(self):
        self.get(f"{self.base}/actions/", "action plans")
        priority = random.choice(self.partnership["priorities"])
        self.get(f"{self.base}/actions/priorities/{priority}/", "action plan of a priority")
