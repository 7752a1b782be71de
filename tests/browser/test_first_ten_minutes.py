"""A newcomer's first ten minutes, in a real browser: every demo role signs in, a person with
several partnerships switches between them by keyboard, an admin adds an agency, and a person sets
up two-factor authentication and makes, uses and revokes a personal access token from their account."""

import base64

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from csp_portal.organisations.models import Agency

from .conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each demo person's home page: a section their role asks for, about the partnership they work in.
LANDINGS = {
    "officer@demo.example": ("Returns and the board", "Lancaster District CSP"),
    "lead@demo.example": ("Returns to write", "Lancaster District CSP"),
    "board@demo.example": ("For the board", "Lancaster District CSP"),
    "analyst@demo.example": ("Data and imports", "Lancashire Community Safety Partnership Board"),
    "officer-csr@demo.example": ("Returns and the board", "Chorley and South Ribble CSP"),
}


def test_sign_in_page_is_accessible(visit, demo):
    visit.goto("/account/sign-in/")
    visit.assert_accessible()


@pytest.mark.parametrize(("email", "landing"), LANDINGS.items())
def test_each_demo_role_signs_in_and_lands_on_their_own_work(visit, demo, email, landing):
    section, partnership = landing
    visit.sign_in(email)
    assert visit.page.get_by_role("heading", level=1).inner_text() == "Your work"
    assert visit.page.get_by_role("heading", level=2, name=section).is_visible()
    assert partnership in visit.page.get_by_role("main").inner_text()
    visit.assert_accessible()


def test_wrong_password_shows_an_error_summary(visit, demo):
    visit.sign_in("officer@demo.example", "not the password")
    summary = visit.page.get_by_role("alert")
    assert "Enter a correct e-mail address and password" in summary.inner_text()
    visit.assert_accessible()


def test_officer_opens_members_and_agencies(visit, demo):
    visit.sign_in("officer@demo.example")
    visit.page.get_by_role("link", name="Members and agencies").first.click()
    assert "Lancashire Constabulary" in visit.page.content()
    visit.assert_accessible()


def test_skip_link_is_the_first_thing_the_keyboard_reaches(visit, demo):
    visit.sign_in("board@demo.example")
    visit.page.keyboard.press("Tab")
    focused = visit.page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    visit.page.keyboard.press("Enter")
    assert visit.page.evaluate("document.activeElement.id") == "main-content"


def test_officer_switches_partnership_by_keyboard(visit, demo):
    visit.sign_in("officer@demo.example")
    switcher = visit.page.get_by_label("Partnership", exact=True)
    switcher.focus()
    visit.page.keyboard.press("ArrowUp")  # from Lancaster District CSP to the Lancashire board above it
    assert switcher.input_value() == "lancashire"
    visit.page.keyboard.press("Tab")
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    assert "You are now working in Lancashire Community Safety Partnership Board" in visit.page.content()
    visit.goto("/")
    visit.page.get_by_role("link", name="Overview", exact=True).click()
    assert visit.page.get_by_role("heading", level=1).inner_text() == "Lancashire Community Safety Partnership Board"
    visit.assert_accessible()


def current_code(email: str) -> str:
    """What the person's authenticator app shows now (for the demo admin: the published demo secret)."""
    device = TOTPDevice.objects.get(user__email=email)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def test_admin_adds_an_agency(visit, demo):
    visit.sign_in("admin@demo.example")
    assert visit.page.get_by_role("heading", level=1).inner_text() == "Enter your security code"
    visit.assert_accessible()
    visit.page.get_by_label("Security code").fill(current_code("admin@demo.example"))
    visit.page.get_by_role("button", name="Continue").click()
    visit.page.wait_for_load_state()
    visit.goto("/admin/")
    visit.assert_accessible()
    visit.goto("/admin/organisations/agency/add/")
    visit.assert_accessible()
    visit.page.get_by_label("Name").fill("Lancaster and Morecambe Street Pastors")
    visit.page.get_by_label("Type").select_option(label="Voluntary and community sector")
    visit.page.get_by_role("button", name="Save", exact=True).click()
    visit.page.wait_for_load_state()
    assert "was added successfully" in visit.page.content()
    visit.assert_accessible()
    agency = Agency.objects.get(name="Lancaster and Morecambe Street Pastors")
    assert agency.agency_type == Agency.Type.VOLUNTARY
    assert not agency.is_responsible_authority


def test_admin_reads_the_sign_in_audit(visit, demo):
    visit.sign_in("admin@demo.example")
    visit.page.get_by_label("Security code").fill("000000")
    visit.page.get_by_role("button", name="Continue").click()
    visit.page.wait_for_load_state()
    assert "The code is not right" in visit.page.get_by_role("alert").inner_text()
    visit.assert_accessible()
    visit.page.wait_for_timeout(1100)  # a wrong code throttles the device for a second
    visit.page.get_by_label("Security code").fill(current_code("admin@demo.example"))
    visit.page.get_by_role("button", name="Continue").click()
    visit.page.wait_for_load_state()
    visit.goto("/admin/organisations/signinevent/")
    assert "Wrong two-factor code" in visit.page.content()
    visit.assert_accessible()


def test_person_sets_up_two_factor_and_an_access_token_from_their_account_page(visit, demo):
    visit.sign_in("lead@demo.example")
    visit.page.get_by_role("link", name="Your account").click()
    visit.page.wait_for_load_state()
    assert "Action lead, Lancaster District CSP" in visit.page.content()
    visit.assert_accessible()
    visit.page.get_by_role("button", name="Set up two-factor authentication").click()
    visit.page.wait_for_load_state()
    assert visit.page.get_by_role("img", name="QR code").is_visible()
    secret = visit.page.locator("#secret-key").inner_text()
    visit.assert_accessible()
    device = TOTPDevice.objects.get(user__email="lead@demo.example")
    assert secret.replace(" ", "") == base64.b32encode(device.bin_key).decode()
    visit.page.get_by_label("Security code").fill(current_code("lead@demo.example"))
    visit.page.get_by_role("button", name="Turn on two-factor authentication").click()
    visit.page.wait_for_load_state()
    assert "Two-factor authentication is on" in visit.page.content()
    visit.assert_accessible()
    visit.page.get_by_role("link", name="Turn off two-factor authentication").click()
    visit.page.wait_for_load_state()
    visit.assert_accessible()
    visit.page.get_by_label("Your password").fill(DEMO_PASSWORD)
    visit.page.get_by_role("button", name="Turn off two-factor authentication").click()
    visit.page.wait_for_load_state()
    assert "Two-factor authentication is off" in visit.page.content()
    assert not TOTPDevice.objects.filter(user__email="lead@demo.example").exists()
    tokens_are_made_shown_once_and_revoked(visit)


def tokens_are_made_shown_once_and_revoked(visit):
    """From the account page: a token is made, its secret shown once reads the API (whose
    documentation it links to), and revoked it reads nothing; each page passes axe-core 1280 and 320
    pixels wide with nothing wider than the window."""
    page = visit.page
    api = visit.base_url + "/api/v1/partnerships/"
    visit.goto("/account/")
    page.get_by_role("link", name="Manage your personal access tokens").click()
    page.wait_for_load_state()
    assert_fits(visit)
    page.get_by_label("Name").fill("Power BI dashboard")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    assert "shown only this once" in page.content()
    secret = page.get_by_label("Your token").input_value()
    assert_fits(visit)
    headers = {"Authorization": f"Bearer {secret}"}
    assert page.request.get(api, headers=headers).status == 200
    page.get_by_role("link", name="API documentation").click()
    page.wait_for_load_state()
    assert "/api/v1/partnerships/{slug}/indicators/" in page.content()
    assert_fits(visit)
    visit.goto("/account/tokens/")  # not back: the secret's page answered a form
    assert "Power BI dashboard" in page.content() and secret not in page.content()
    page.get_by_role("link", name="Revoke Power BI dashboard").click()
    page.wait_for_load_state()
    assert_fits(visit)
    page.get_by_role("button", name="Revoke the token").click()
    page.wait_for_load_state()
    assert "is revoked" in page.content() and "Revoked" in page.content()
    assert_fits(visit)
    assert page.request.get(api, headers=headers).status == 401


def assert_fits(visit, widths=(1280, 320)):
    for width in widths:
        visit.page.set_viewport_size({"width": width, "height": 800})
        visit.assert_accessible()
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= width, visit.page.url
    visit.page.set_viewport_size({"width": widths[0], "height": 800})
