"""End-to-end tests: Playwright drives Debian's Chromium against a live server, and axe-core checks
every page against WCAG 2.2 AA."""

import json
import os
import shutil
from pathlib import Path

import pytest

from tests import demo_copy

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = demo_copy.PASSWORD  # one password, so that every test shares the demo's copy
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, closed when they end.

    Playwright's synchronous API keeps an event loop running in this thread while the browser is
    open, and the ORM calls that tests and fixtures make meanwhile are still plain synchronous
    calls; Django is told so for exactly that time, never for the rest of the suite."""
    from playwright.sync_api import sync_playwright

    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.exit(f"Chromium not found at {CHROMIUM}: install the 'chromium' package (apt-get install chromium).", 4)
    if not AXE.exists():
        pytest.exit(f"axe-core not found at {AXE}: run 'npm ci' (make test does).", 4)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class Visit:
    """A browser tab on the live server that records Content-Security-Policy and script errors."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", lambda response: response.status >= 400 and self._failed(response))

    def _failed(self, response) -> None:
        if response.request.resource_type != "document":  # pages may answer 4xx on purpose
            self.errors.append(f"{response.status} for {response.url}")

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        return response

    def sign_in(self, email: str, password: str = DEMO_PASSWORD):
        self.goto("/account/sign-in/")
        self.page.get_by_label("E-mail address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def assert_accessible(self):
        """No axe-core violation of WCAG 2.2 A or AA, and no script or CSP error in the console.

        Every rule of the tags runs; only the violations are reported in full and sent back (axe
        would otherwise detail every element that passed, and send it all to Python to be dropped)."""
        self.page.evaluate(AXE.read_text())
        violations = self.page.evaluate(
            """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
                .then(result => result.violations)""",
            WCAG_TAGS,
        )
        violations = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in violations
        ]
        assert violations == [], f"{self.page.url}: {json.dumps(violations, indent=1)}"
        assert self.errors == [], f"{self.page.url}: console errors {self.errors}"


@pytest.fixture
def demo(transactional_db):
    demo_copy.load_demo(DEMO_PASSWORD)


@pytest.fixture
def visit(browser, live_server):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Visit(page, live_server.url)
    context.close()
