"""A quarter played through every role, with a real worker and a real SMTP server: each event that
asks something of someone delivers one e-mail to the right people and nobody else; a person who
chose a weekly digest gets the week's events in one e-mail, and a person who chose 'none' gets none.

The returns open (the daily reminder job the day after the quarter ends), a lead submits a return
asking the board for support, the officer accepts it from the e-mail's link, records the board's
decision at a meeting chosen from the list, and issues the report from its confirmation page (and
hears it is ready); the board member reads it in Monday's digest; the county analyst's upload is
refused by the worker and the analyst is told why; a newcomer is invited and given a role."""

import time
from collections import Counter
from datetime import timedelta

import pytest

from actionplans import queries as action_queries
from actionplans.services import due_reminders, send_scheduled_reminders
from csp_portal.notifications.models import Notification
from csp_portal.notifications.services import send_weekly_digests
from csp_portal.organisations.models import Partnership, Role, User
from csp_portal.organisations.notices import role_given
from csp_portal.organisations.services import send_invitation
from reports.models import ReportVersion
from tests.assessments.helpers import row, write_csv
from tests.smtp import text_and_html

from .conftest import DEMO_PASSWORD
from .test_notifications import an_action_owing_a_return, link_in, site_url  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEAD, OFFICER, BOARD = "lead@demo.example", "officer@demo.example", "board@demo.example"
ANALYST = "analyst@demo.example"
UNSENT = (Notification.Email.QUEUED, Notification.Email.SENDING)


class Mail:
    """The e-mails that arrived since the last look, once every notification queued is settled."""

    def __init__(self, inbox):
        self.inbox, self.seen = inbox, 0

    def new(self, at_least: int = 0, timeout: float = 60) -> list:
        """The e-mails since the last look: at least ``at_least`` of them (the page's request may
        still be committing), then whatever else the settled notifications sent."""
        self.inbox.wait_for(self.seen + at_least, timeout)
        deadline = time.monotonic() + timeout
        while Notification.objects.filter(status__in=UNSENT).exists():
            assert time.monotonic() < deadline, "notifications still waiting to be e-mailed"
            time.sleep(0.2)
        arrived, self.seen = self.inbox.messages[self.seen :], len(self.inbox.messages)
        return arrived


def wait_until(condition, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.5)


def to(messages) -> Counter:
    return Counter(message["X-Envelope-To"] for message in messages)


def choose(visit, email: str, kind_label: str, delivery: str) -> None:
    visit.sign_in(email)
    visit.goto("/notifications/e-mail/")
    visit.page.get_by_role("group", name=kind_label).get_by_label(delivery).check()
    visit.page.get_by_role("button", name="Save my choices").click()
    visit.page.wait_for_load_state()
    visit.page.context.clear_cookies()


def sign_in_through(visit, link: str, email: str) -> None:
    """Open an e-mail's link signed out: the sign-in page first, then the page it names."""
    visit.page.context.clear_cookies()
    visit.goto(link)
    visit.page.get_by_label("E-mail address").fill(email)
    visit.page.get_by_label("Password").fill(DEMO_PASSWORD)
    visit.page.get_by_role("button", name="Sign in").click()
    visit.page.wait_for_load_state()
    assert visit.page.url.endswith(link)


def owing_leads(day) -> Counter:
    """Who the daily job should remind on ``day``, independently of the notifications: each lead
    owing returns, once per partnership, quarter and kind of reminder due."""
    expected = Counter()
    for quarter, kind in due_reminders(day):
        for partnership in Partnership.objects.all():
            for lead in action_queries.outstanding_by_lead(partnership, quarter):
                if not (lead.email == LEAD and kind != "open"):  # the lead turned 'due' e-mails off
                    expected[lead.email] += 1
    return expected


@pytest.fixture
def media_root(tmp_path, monkeypatch, settings):
    """Uploads in a throwaway MEDIA_ROOT, which the worker started afterwards reads too."""
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_quarter_played_through_every_role(visit, demo, site_url, media_root, smtp_server, celery_worker):  # noqa: F811
    mail = Mail(smtp_server.inbox)
    choose(visit, BOARD, "A quarterly monitoring report is issued", "One e-mail a week listing them")
    choose(visit, LEAD, "Your progress returns are due soon or overdue", "No e-mail (they still show in the portal)")
    assert mail.new() == [], "choosing sends nothing"

    # The quarter's returns open: the daily job the day after the quarter ends.
    action, quarter = an_action_owing_a_return(LEAD)
    the_day_after = quarter.end + timedelta(days=1)
    expected = owing_leads(the_day_after)
    assert send_scheduled_reminders(the_day_after) > 0
    reminders = mail.new(1)
    told = list(Notification.objects.values_list("recipient__email", "kind", "status"))
    assert to(reminders) == expected and expected[LEAD] >= 1, told
    assert all("because you lead actions" in text_and_html(m)[0] for m in reminders)

    # The lead submits, asking the board for support: the partnership's officer, and only they, hear.
    visit.sign_in(LEAD)
    visit.goto(f"/partnerships/{action.partnership.slug}/actions/{action.pk}/returns/{quarter.slug}/")
    visit.page.get_by_label("Amber").check()
    visit.page.get_by_label("Progress this quarter").fill("Two school sessions held.")
    visit.page.get_by_label("Risks and issues").fill("The third school has no hall free.")
    visit.page.get_by_label("Support needed from the board").fill("A venue for the third session.")
    with visit.page.expect_navigation():
        visit.page.get_by_role("button", name="Submit to the partnership officer").click()
    assert "There is a problem" not in visit.page.content(), visit.page.locator(".govuk-error-summary").inner_text()
    [submitted] = mail.new(1)
    assert submitted["X-Envelope-To"] == OFFICER

    # The officer accepts it from the e-mail's link: the lead hears.
    sign_in_through(visit, link_in(text_and_html(submitted)[0]), OFFICER)
    visit.page.get_by_role("button", name="Accept the return").click()
    visit.page.wait_for_load_state()
    [accepted] = mail.new(1)
    assert accepted["X-Envelope-To"] == LEAD and "accepted" in accepted["Subject"]

    # The officer records the board's decision at a meeting chosen from the list: the lead hears
    # (the officer, who recorded it, does not).
    progress = action.returns.get(year=quarter.year, number=quarter.number)
    visit.goto(f"/partnerships/{action.partnership.slug}/reports/escalations/{progress.pk}/decision/")
    visit.assert_accessible()
    meetings = visit.page.get_by_role("group", name="At which board meeting?").get_by_role("radio")
    meetings.first.check()
    visit.page.get_by_label("Agreed", exact=True).check()
    visit.page.get_by_label("The decision, as minuted").fill("The council offers the Town Hall.")
    visit.page.get_by_role("button", name="Record the decision").click()
    visit.page.wait_for_load_state()
    [decided] = mail.new(1)
    assert decided["X-Envelope-To"] == LEAD and "The council offers the Town Hall." in text_and_html(decided)[0]
    sign_in_through(visit, link_in(text_and_html(decided)[0]), LEAD)
    assert "The council offers the Town Hall." in visit.page.content()

    # The officer issues the last quarter's report after its confirmation page: the board member
    # chose the weekly digest, so nobody is e-mailed now.
    issued = quarter - 1
    versions = ReportVersion.objects.filter(partnership=action.partnership, year=issued.year, number=issued.number)
    before = versions.count()
    visit.page.context.clear_cookies()
    visit.sign_in(OFFICER)
    visit.goto(f"/partnerships/{action.partnership.slug}/reports/quarters/{issued.slug}/issue/")
    visit.assert_accessible()
    visit.page.get_by_role("button", name=f"Issue version {before + 1}").click()
    visit.page.wait_for_load_state()
    wait_until(lambda: versions.count() == before + 1, "the issued version to be rendered", timeout=180)
    # Only the officer who asked hears that it is ready; the board member chose the weekly digest.
    [ready] = mail.new(1)
    assert ready["X-Envelope-To"] == OFFICER, (ready["X-Envelope-To"], ready["Subject"])
    assert "because you asked for this report" in text_and_html(ready)[1]

    # Monday's digest: one e-mail to the board member listing the report; nothing for anyone else's
    # week twice.
    send_weekly_digests()
    digests = mail.new(1)
    assert to(digests)[BOARD] == 1
    [digest] = [m for m in digests if m["X-Envelope-To"] == BOARD]
    text, html = text_and_html(digest)
    assert f"{issued.label}" in text and "issued" in text and f"{issued.label}" in html
    assert send_weekly_digests() == 0 and mail.new() == [], "a week's digest is sent once"

    # The county analyst's upload is refused by the worker: the analyst, who started it, hears why.
    csv = write_csv(media_root / "2024-01-lancashire-street.csv", [row(), row(month="2024-13")])
    visit.page.context.clear_cookies()
    visit.sign_in(ANALYST)
    visit.goto("/partnerships/lancashire/evidence/crime/upload/")
    visit.page.get_by_label("police.uk street-level file").set_input_files(str(csv))
    visit.page.get_by_role("button", name="Upload and import").click()
    visit.page.wait_for_load_state()
    [refused] = mail.new(1, timeout=120)
    assert refused["X-Envelope-To"] == ANALYST and "line 3, column 2 (Month)" in text_and_html(refused)[0]

    # A new colleague's account is made and given a role (as the administration pages do): that
    # person alone hears of each, with a one-time link to choose their password.
    admin = User.objects.get(email="admin@demo.example")
    newcomer = User.objects.create_user(email="newcomer@demo.example", full_name="Nia Newcomer")
    send_invitation(newcomer, partnership=None, role="", actor=admin)
    role_given(Role.objects.create(user=newcomer, partnership=action.partnership, role=Role.Kind.LEAD), actor=admin)
    invitation, welcome = sorted(mail.new(2), key=lambda m: "invited" not in m["Subject"])
    assert to([invitation, welcome]) == {newcomer.email: 2}
    assert link_in(text_and_html(invitation)[0]).startswith("/account/invitation/")
    assert action.partnership.name in text_and_html(welcome)[0]

    # Nobody of another partnership heard of Lancaster's quarter.
    lancaster = set(action.partnership.roles.values_list("user__email", flat=True))
    assert set(to([submitted, accepted, decided, ready, *digests, invitation, welcome])) <= lancaster
