"""The quarter's e-mail round, done by the portal: a lead submits a return in the browser, the
partnership's officer gets an e-mail (through a real worker and a real SMTP server) whose link opens
the review after sign-in, the officer sends it back with a comment, and the lead is told, by e-mail
and in the navigation's count. Nobody else is e-mailed. The new pages pass axe-core."""

import re

import pytest
from django.conf import settings

from actionplans.models import Action, ProgressReturn
from actionplans.queries import reporting_quarter
from csp_portal.notifications.models import Notification
from tests.smtp import text_and_html

from .conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def an_action_owing_a_return(email: str) -> tuple[Action, object]:
    quarter = reporting_quarter()
    for action in Action.objects.active().filter(lead_user__email=email).order_by("pk"):
        done = ProgressReturn.objects.filter(action=action, year=quarter.year, number=quarter.number).exists()
        if action.owes_return(quarter) and not done:
            return action, quarter
    raise AssertionError(f"the demo gives {email} no action owing a {quarter.label} return")


def link_in(text: str) -> str:
    return re.search(rf"{re.escape(settings.SITE_URL.rstrip('/'))}(/\S+/)", text)[1]


@pytest.fixture
def site_url(live_server, monkeypatch, settings):
    """The e-mails' links point at the live server: for this process and for the worker started after."""
    monkeypatch.setenv("SITE_URL", live_server.url)
    settings.SITE_URL = live_server.url


def test_a_return_goes_round_by_notification(visit, demo, site_url, smtp_server, celery_worker):
    action, quarter = an_action_owing_a_return("lead@demo.example")
    visit.sign_in("lead@demo.example")
    visit.goto(f"/partnerships/{action.partnership.slug}/actions/{action.pk}/returns/{quarter.slug}/")
    visit.page.get_by_label("Amber").check()
    visit.page.get_by_label("Progress this quarter").fill("Two school sessions held; a third is booked.")
    visit.page.get_by_label("Risks and issues").fill("The third school may cancel.")
    visit.page.get_by_role("button", name="Submit to the partnership officer").click()
    visit.page.wait_for_load_state()

    [to_officer] = smtp_server.inbox.wait_for(1)
    assert to_officer["X-Envelope-To"] == "officer@demo.example"
    text, html = text_and_html(to_officer)
    assert "because you are a partnership officer of" in text and "because you are a partnership officer" in html
    review = link_in(text)
    assert review.endswith(f"/returns/{quarter.slug}/review/")

    visit.page.context.clear_cookies()
    visit.goto(review)  # the e-mail's link: sign in first, then the review it names
    visit.page.get_by_label("E-mail address").fill("officer@demo.example")
    visit.page.get_by_label("Password").fill(DEMO_PASSWORD)
    visit.page.get_by_role("button", name="Sign in").click()
    visit.page.wait_for_load_state()
    assert visit.page.url.endswith(review)
    visit.page.get_by_label("Comment for the lead").fill("Name the schools.")
    visit.page.get_by_role("button", name="Return it to the lead").click()
    visit.page.wait_for_load_state()

    messages = smtp_server.inbox.wait_for(2)
    to_lead = messages[1]
    assert to_lead["X-Envelope-To"] == "lead@demo.example"
    assert "was sent back" in to_lead["Subject"] and "Name the schools." in text_and_html(to_lead)[0]
    assert {m["X-Envelope-To"] for m in messages} == {"officer@demo.example", "lead@demo.example"}

    visit.page.context.clear_cookies()
    visit.sign_in("lead@demo.example")
    count = visit.page.locator("#unread-notifications")
    assert count.inner_text().startswith(
        str(Notification.objects.filter(recipient=action.lead_user, read_at=None).count())
    )
    visit.goto("/notifications/")
    assert "was sent back" in visit.page.get_by_role("main").inner_text()
    visit.assert_accessible()
    visit.goto("/notifications/e-mail/")
    visit.assert_accessible()
