"""Someone with no role asks Lancaster's officers for one, in the browser, and the officer gives it
from the members page: both pages pass axe-core and fit a 320 px screen, and the person then lands
on their partnership's work."""

import pytest

from csp_portal.organisations.models import Role, RoleRequest
from tests.factories import UserFactory

from .conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = 320


def fits_and_passes(visit) -> None:
    visit.assert_accessible()
    visit.page.set_viewport_size({"width": NARROW, "height": 800})
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW, f"{visit.page.url} is {width} px wide at {NARROW} px"
    visit.page.set_viewport_size({"width": 1280, "height": 800})


def test_a_person_asks_for_a_role_and_the_officer_gives_it(visit, demo):
    UserFactory(email="new.starter@demo.example", full_name="Nell Starter", password=DEMO_PASSWORD)
    visit.sign_in("new.starter@demo.example")
    page = visit.page
    assert page.get_by_role("heading", name="You do not have a role yet").is_visible()
    fits_and_passes(visit)

    page.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Choose the partnership you work with").is_visible()
    fits_and_passes(visit)  # the form with its errors

    page.get_by_label("Partnership", exact=True).select_option(label="Lancaster District CSP")
    page.get_by_label("Action lead: write the quarterly progress returns of the actions you lead").check()
    page.get_by_label("What you need to do (optional)").fill("I lead the CCTV actions for the council.")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state()
    assert page.get_by_text("You asked Lancaster District CSP for the Action lead role on").is_visible()
    fits_and_passes(visit)

    page.context.clear_cookies()
    visit.sign_in("officer@demo.example")
    asked = RoleRequest.objects.get(person__email="new.starter@demo.example")
    visit.goto(f"/partnerships/{asked.partnership.slug}/members/")
    assert page.get_by_text("I lead the CCTV actions for the council.").is_visible()
    fits_and_passes(visit)
    page.get_by_role("button", name="Give this role to Nell Starter").click()
    page.wait_for_load_state()
    assert page.get_by_text("Nell Starter is now action lead, and has been told.").is_visible()
    assert Role.objects.filter(user__email="new.starter@demo.example", role=Role.Kind.LEAD).exists()

    page.context.clear_cookies()
    visit.sign_in("new.starter@demo.example")
    assert not page.get_by_role("heading", name="You do not have a role yet").count()
