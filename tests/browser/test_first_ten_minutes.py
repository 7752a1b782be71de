"""A newcomer's first ten minutes, in a real browser: every demo role signs in, a person with
several partnerships switches between them by keyboard, and an admin adds an agency."""

import pytest

from csp_portal.organisations.models import Agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANDINGS = {
    "officer@demo.example": "Lancaster District CSP",
    "lead@demo.example": "Lancaster District CSP",
    "board@demo.example": "Lancaster District CSP",
    "analyst@demo.example": "Lancashire Community Safety Partnership Board",
    "officer-csr@demo.example": "Chorley and South Ribble CSP",
}


def test_sign_in_page_is_accessible(visit, demo):
    visit.goto("/account/sign-in/")
    visit.assert_accessible()


@pytest.mark.parametrize(("email", "partnership"), LANDINGS.items())
def test_each_demo_role_signs_in_and_lands_on_their_partnership(visit, demo, email, partnership):
    visit.sign_in(email)
    assert visit.page.get_by_role("heading", level=1).inner_text() == partnership
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
    assert visit.page.get_by_role("heading", level=1).inner_text() == "Lancashire Community Safety Partnership Board"
    visit.assert_accessible()


def test_admin_adds_an_agency(visit, demo):
    visit.sign_in("admin@demo.example")
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
