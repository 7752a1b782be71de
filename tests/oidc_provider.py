"""A real OpenID Connect provider for the tests: tests/oidc/provider.mjs, run by Node with the npm
package oidc-provider, on localhost. It is shaped like Microsoft Entra ID's multi-tenant endpoints:
each tenant id has its own issuer, http://127.0.0.1:PORT/<tenant-id>/v2.0, all of them signing with
one key and knowing one client (the portal); /organizations-as/<tenant-id>/v2.0/... gives Entra's
multi-tenant discovery document, whose issuer is the template .../{tenantid}/v2.0.

Signing in asks for an e-mail address, an optional full name and whether a second factor was used;
the ID token then carries sub (derived from tenant and address), tid, email, email_verified (false
for an address starting "unverified"), name, preferred_username and amr.
"""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from . import processes

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve().parent / "oidc" / "provider.mjs"
START_TIMEOUT = 20  # seconds

ALLOWED_TENANT = "7d3e2c1a-5b4f-4e6d-8a9b-0c1d2e3f4a5b"
OTHER_TENANT = "0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f"
TAMPER_KINDS = ("wrong-audience", "expired", "bad-signature")


class TestProvider:
    """The running provider, as the tests see it."""

    __test__ = False  # a helper, not a test class, despite its name

    CLIENT_ID = "csp-portal"
    CLIENT_SECRET = "csp-portal-test-secret"

    def __init__(self, base_url: str):
        self.base_url = base_url

    def issuer(self, tenant: str) -> str:
        return f"{self.base_url}/{tenant}/v2.0"

    def discovery_url(self, tenant: str) -> str:
        return f"{self.issuer(tenant)}/.well-known/openid-configuration"

    def multi_tenant_discovery_url(self, tenant: str) -> str:
        """Entra's organizations document (issuer .../{tenantid}/v2.0); here the URL names the tenant
        whose endpoints it lists, where in Entra the person's account would decide it."""
        return f"{self.base_url}/organizations-as/{tenant}/v2.0/.well-known/openid-configuration"

    def tamper_next_token(self, kind: str) -> None:
        """Make the next ID token any tenant issues fail verification: "wrong-audience", "expired"
        or "bad-signature" (signed by another key under the same key id)."""
        assert kind in TAMPER_KINDS, f"unknown tamper kind {kind!r}"
        requests.post(f"{self.base_url}/__next-token", json={"tamper": kind}, timeout=5).raise_for_status()

    def last_callback_url(self) -> str | None:
        """The last redirect (with code and state) the provider sent a browser back to the client."""
        return requests.get(f"{self.base_url}/__last-callback", timeout=5).json()["url"]

    def sign_in_without_browser(self, authorize_url: str, email: str, name: str = "", mfa: bool = False) -> str:
        """Sign in at the provider as a browser would, from the authorization URL the portal sent
        the browser to, and return the URL the provider sends the browser back to (the portal's
        callback with code and state), without requesting it."""
        with requests.Session() as browser:
            page = self._within_provider(browser, browser.get(authorize_url, allow_redirects=False, timeout=10))
            assert page.status_code == 200 and "Test organisation sign-in" in page.text, (
                f"expected the sign-in form at {page.url}, got {page.status_code}: {page.text[:500]}"
            )
            form = {"email": email, "name": name} | ({"mfa": "yes"} if mfa else {})
            posted = browser.post(page.url, data=form, allow_redirects=False, timeout=10)
            answer = self._within_provider(browser, posted)
            assert answer.is_redirect, f"the provider answered {answer.status_code}: {answer.text[:500]}"
            return urljoin(answer.url, answer.headers["Location"])

    def _within_provider(self, browser: requests.Session, response: requests.Response) -> requests.Response:
        """Follow the provider's redirects to itself; stop at a page, or at a redirect elsewhere."""
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(f"{self.base_url}/"):
                break
            response = browser.get(location, allow_redirects=False, timeout=10)
        return response


def _wait_for_ready_line(node: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and node.poll() is None:
        ready, _, _ = select.select([node.stdout], [], [], 0.1)
        if ready:
            line = node.stdout.readline()
            if not line:  # Node ended without a word on stdout
                break
            return json.loads(line)["url"]
    ended = node.poll()
    node.kill()
    outcome = f"ended with exit code {ended}" if ended is not None else f"did not start within {START_TIMEOUT} s"
    installed = (ROOT / "node_modules" / "oidc-provider").is_dir()
    missing = "" if installed else " (node_modules/oidc-provider is missing: run `npm ci`)"
    pytest.fail(
        f"The test OpenID Connect provider {outcome}{missing}.\nIts log, {log}:\n{log.read_text()[-3000:]}",
        pytrace=False,
    )


@contextmanager
def running_provider(log: Path) -> Iterator[TestProvider]:
    """Start `node tests/oidc/provider.mjs` on a free port, and stop it afterwards."""
    node_binary = shutil.which("node")
    if node_binary is None:
        pytest.fail("Node.js is not installed: the OpenID Connect tests run a provider with `node`.", pytrace=False)
    with log.open("w") as stderr:
        node = subprocess.Popen(
            [node_binary, str(SCRIPT), "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    try:
        yield TestProvider(_wait_for_ready_line(node, log))
    finally:
        processes.stop(node, timeout=5)
        node.stdout.close()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> Iterator[TestProvider]:
    """A real OpenID Connect provider on localhost, one per test process (each pytest-xdist worker
    starts its own on a free port). Its log is in the session's temporary directory."""
    with running_provider(tmp_path_factory.mktemp("oidc") / "provider.log") as provider:
        yield provider
