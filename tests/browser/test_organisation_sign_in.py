"""Signing in with one's own organisation's account, in Chromium, through a real OpenID Connect
provider started by the suite (Node's oidc-provider, tests/oidc_provider.py), shaped like
Microsoft Entra ID's multi-tenant endpoint. One test, one set of rows, several browsers in turn."""

from contextlib import contextmanager

import pytest

from csp_portal.organisations.models import Agency, SignInEvent, SignInOrganisation, User
from tests.conftest import build_cast
from tests.oidc_provider import ALLOWED_TENANT, OTHER_TENANT, TestProvider

from .conftest import Visit

START = "Continue to your organisation's sign-in"


@contextmanager
def new_browser(browser, live_server):
    """A browser with nothing remembered: no portal session and no provider session."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield Visit(page, live_server.url)
    finally:
        context.close()


def sign_in_at_organisation(visit: Visit, email: str, *, mfa: bool = False) -> None:
    """From the portal's sign-in page, through the provider's own sign-in form, and back."""
    visit.goto("/account/sign-in/")
    visit.page.get_by_role("button", name=START).click()
    visit.page.get_by_label("E-mail address").fill(email)
    if mfa:
        visit.page.get_by_label("Signed in with a second factor").check()
    visit.page.get_by_role("button", name="Sign in", exact=True).click()
    visit.page.wait_for_load_state()
    visit.errors.clear()  # whatever the provider's own page logged is not the portal's


def refusal_reason(visit: Visit, *, check_accessible: bool = False) -> str:
    assert visit.page.get_by_role("heading", level=1).inner_text() == "You could not be signed in"
    # The refusal is answered 403 on purpose, which Chromium reports in the console.
    visit.errors[:] = [e for e in visit.errors if "status of 403 (Forbidden)" not in e]
    if check_accessible:  # one page for all refusals: checked once
        visit.assert_accessible()
    return visit.page.locator("#refusal-reason").inner_text()


@pytest.fixture
def organisation_sign_in(transactional_db, settings, oidc_provider):
    cast = build_cast()
    settings.OIDC_DISCOVERY_URL = oidc_provider.multi_tenant_discovery_url(ALLOWED_TENANT)
    settings.OIDC_RP_CLIENT_ID = TestProvider.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = TestProvider.CLIENT_SECRET
    SignInOrganisation.objects.create(
        agency=Agency.objects.get(name="Lancashire Constabulary"),
        issuer=oidc_provider.issuer(ALLOWED_TENANT),
        email_domains="lancaster.example",
        adds_people=True,
    )
    return cast


def test_signing_in_with_an_organisations_account_and_every_refusal(
    browser, live_server, oidc_provider, settings, organisation_sign_in
):
    cast = organisation_sign_in
    with new_browser(browser, live_server) as visit:
        visit.goto("/account/sign-in/")
        assert "Staff of Lancashire Constabulary sign in with the account they use at work" in visit.page.content()
        visit.assert_accessible()
        sign_in_at_organisation(visit, cast.officer.email)
        assert visit.page.url == live_server.url + "/"
        assert cast.lancaster.name in visit.page.inner_text("main")
        visit.assert_accessible()
        replay = oidc_provider.last_callback_url()
        visit.page.get_by_role("button", name="Sign out").click()
        visit.page.wait_for_load_state()
        visit.page.goto(replay)
        assert "already been used" in refusal_reason(visit, check_accessible=True)

    for tamper, reason in [
        ("wrong-audience", "issued for another application"),
        ("expired", "expired before it reached the portal"),
        ("bad-signature", "not signed by its sign-in service"),
    ]:
        with new_browser(browser, live_server) as visit:
            oidc_provider.tamper_next_token(tamper)
            sign_in_at_organisation(visit, cast.officer.email)
            assert reason in refusal_reason(visit), tamper

    with new_browser(browser, live_server) as visit:  # someone new: a person with no role
        sign_in_at_organisation(visit, "newcomer@lancaster.example")
        assert visit.page.get_by_role("heading", level=1).inner_text() == "You do not have a role yet"
        assert User.objects.get(email="newcomer@lancaster.example").roles.count() == 0

    User.objects.filter(pk=cast.lead.pk).update(is_active=False)
    with new_browser(browser, live_server) as visit:
        sign_in_at_organisation(visit, cast.lead.email)
        assert "switched off" in refusal_reason(visit)

    settings.OIDC_DISCOVERY_URL = oidc_provider.multi_tenant_discovery_url(OTHER_TENANT)
    with new_browser(browser, live_server) as visit:
        sign_in_at_organisation(visit, cast.officer.email)
        assert "not on this portal's list of organisations" in refusal_reason(visit)

    refused = SignInEvent.objects.filter(outcome=SignInEvent.Outcome.REFUSED, route=SignInEvent.Route.ORGANISATION)
    assert refused.count() == 6
    assert (
        SignInEvent.objects.filter(outcome=SignInEvent.Outcome.SUCCESS, route=SignInEvent.Route.ORGANISATION).count()
        == 2
    )
