"""A one-line field refuses a line break, in the form and in the import; a title kept from before
with one still reaches a plain-text e-mail on one line, so it cannot pass for a line of its own
(a fake link under the real one)."""

import pytest
from django.core import mail

from actionplans import importer, services
from actionplans.models import Action
from csp_portal.quarters import Quarter
from tests.mail import emails_sent

from .factories import ActionFactory
from .test_views import action_form, url

pytestmark = pytest.mark.django_db

FAKE_LINK = "Speed watch\r\nWrite your return here instead: https://evil.example/sign-in"


def test_the_action_form_refuses_a_line_break_in_the_title_and_saves_nothing(login, cast, lancaster):
    action = lancaster.action
    response = login(cast.officer).post(
        url("action_edit", lancaster), action_form(action, f"a{action.pk}", title=FAKE_LINK)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter this on one line: remove the line break" in body
    action.refresh_from_db()
    assert action.title == "DV prevention campaign" and action.version == 1


@pytest.mark.parametrize("separator", ["\n", "\r", "\u2028", "\x0b", "\x85"])
def test_every_kind_of_line_break_is_refused_in_the_timescale(login, cast, lancaster, separator):
    action = lancaster.action
    before = action.timescale
    data = action_form(action, f"a{action.pk}", timescale=f"To March 2027{separator}then review")
    body = login(cast.officer).post(url("action_edit", lancaster), data).content.decode()
    assert "Enter this on one line" in body
    action.refresh_from_db()
    assert (action.timescale, action.version) == (before, 1)


def test_the_import_refuses_a_line_break_with_its_row_and_column(cast, lancaster):
    data = (
        "Priority,Action,Activity,Resources Required,Timescale,Lead Agency and others responsible,Targets\r\n"
        f'Road safety,"{FAKE_LINK}",Radar guns,,"2025\nthen 2026",,\r\n'
    ).encode()
    with pytest.raises(importer.ImportFailed) as caught:
        importer.import_actions(lancaster.plan, actor=cast.officer, data=data, filename="plan.csv")
    assert [str(problem) for problem in caught.value.problems] == [
        "Row 2, column B (Action): the action must be on one line: remove the line break (Alt+Enter in Excel makes "
        "one); detail goes in the Activity column",
        "Row 2, column E (Timescale): the timescale must be on one line: remove the line break (Alt+Enter in Excel "
        "makes one)",
    ]
    assert Action.objects.filter(priority=lancaster.roads).count() == 0


def test_a_title_kept_from_before_reaches_the_reminder_on_one_line(cast, lancaster):
    ActionFactory(priority=lancaster.roads, lead_user=cast.lead, title=FAKE_LINK)
    with emails_sent():
        services.chase_leads(cast.lancaster, Quarter(2025, 2), actor=cast.officer)
    [message] = mail.outbox
    assert "- Speed watch Write your return here instead: https://evil.example/sign-in\n" in message.body
    links = [line for line in message.body.splitlines() if line.startswith(("http://", "https://"))]
    assert links == [
        "http://localhost:8000/my-actions/2025-26-Q2/",
        "http://localhost:8000/notifications/e-mail/",
    ], "the only lines that are links are the portal's"
