"""Telling people: who is told of what (one place, kinds.AUDIENCES), how each person's choice routes
the e-mail, that the e-mail says why it came and links with a full address, that a send happens
once, and that the count of queries does not grow with the number of people told."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from csp_portal.notifications import services
from csp_portal.notifications.kinds import Delivery, Kind
from csp_portal.notifications.models import Notification, Preference
from csp_portal.organisations.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SUBMITTED = services.Message(
    subject="Liam Lead submitted the 2025/26 Q3 return for Speed watch",
    body="Review it: accept it for the board's report, or send it back with a comment.",
    path="/partnerships/lancaster/actions/1/returns/2025-26-Q3/review/",
)


@pytest.fixture
def second_officer(cast):
    person = UserFactory(email="officer2@lancaster.example", full_name="Owen Officer")
    Role.objects.create(user=person, partnership=cast.lancaster, role=Role.Kind.OFFICER)
    return person


def test_a_submitted_return_tells_the_partnerships_officers_and_nobody_else(cast, second_officer):
    told = services.tell(Kind.RETURN_SUBMITTED, SUBMITTED, partnership=cast.lancaster, actor=cast.lead)
    assert {n.recipient for n in told} == {cast.officer, second_officer}
    assert all(
        n.reason == "you are a partnership officer of Lancaster District CSP, who reviews its returns" for n in told
    )
    assert not Notification.objects.filter(recipient__in=[cast.csr_officer, cast.lead, cast.board_member]).exists()


def test_the_person_who_acted_and_inactive_people_are_not_told(cast, second_officer):
    second_officer.is_active = False
    second_officer.save()
    told = services.tell(Kind.RETURN_SUBMITTED, SUBMITTED, partnership=cast.lancaster, actor=cast.officer)
    assert told == []


def test_a_named_person_gets_the_more_particular_reason(cast):
    told = services.tell(
        Kind.DECISION_RECORDED, SUBMITTED, partnership=cast.lancaster, people=[cast.officer, cast.lead], actor=None
    )
    reasons = {n.recipient: n.reason for n in told}
    assert reasons[cast.lead] == "you lead the action whose escalation the board decided on"
    assert reasons[cast.officer] == "you lead the action whose escalation the board decided on"


def test_each_persons_choice_routes_the_email(cast, second_officer):
    Preference.objects.create(user=cast.officer, kind=Kind.RETURN_SUBMITTED, delivery=Delivery.WEEKLY)
    Preference.objects.create(user=second_officer, kind=Kind.RETURN_SUBMITTED, delivery=Delivery.NONE)
    told = {n.recipient: n.status for n in services.tell(Kind.RETURN_SUBMITTED, SUBMITTED, partnership=cast.lancaster)}
    assert told == {cast.officer: Notification.Email.DIGEST, second_officer: Notification.Email.NOT_SENT}


def test_invitations_and_role_changes_ignore_a_choice_to_hear_nothing(cast):
    Preference.objects.create(user=cast.lead, kind=Kind.ROLE_CHANGED, delivery=Delivery.NONE)
    [told] = services.tell(Kind.ROLE_CHANGED, SUBMITTED, partnership=cast.lancaster, people=[cast.lead])
    assert told.status == Notification.Email.QUEUED


@pytest.fixture
def worker_at_once(monkeypatch):
    """The e-mails' task run in this process as it is handed over (the real worker: test_worker.py)."""
    monkeypatch.setattr(services.queueing, "send", lambda task, ids: services.send_emails(ids) >= 0)


def test_the_email_has_both_parts_says_why_and_links_in_full(
    cast, settings, worker_at_once, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://csp.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        services.tell(Kind.RETURN_SUBMITTED, SUBMITTED, partnership=cast.lancaster, actor=cast.lead)
    [message] = mail.outbox
    html, mime = message.alternatives[0]
    full = "https://csp.example.org/partnerships/lancaster/actions/1/returns/2025-26-Q3/review/"
    assert (message.to, message.subject, mime) == (["officer@lancaster.example"], SUBMITTED.subject, "text/html")
    assert full in message.body and f'href="{full}"' in html
    assert "You received this e-mail because you are a partnership officer of Lancaster District CSP" in message.body
    assert "because you are a partnership officer of Lancaster District CSP" in html
    assert "https://csp.example.org/notifications/e-mail/" in message.body
    assert Notification.objects.get(recipient=cast.officer).status == Notification.Email.SENT


def test_an_email_is_sent_once_however_often_its_task_runs(cast):
    [told] = services.tell(Kind.RETURN_REVIEWED, SUBMITTED, partnership=cast.lancaster, people=[cast.lead])
    assert services.send_emails([told.pk]) == 1
    assert services.send_emails([told.pk]) == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_goes_back_to_the_queue_then_gives_up(cast, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    [told] = services.tell(Kind.RETURN_REVIEWED, SUBMITTED, partnership=cast.lancaster, people=[cast.lead])
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        services.send_emails([told.pk])
        told.refresh_from_db()
        assert told.attempts == attempt
    assert told.status == Notification.Email.FAILED and "unreachable" in told.stage


def test_while_the_queue_is_down_the_email_waits_for_the_sweep(cast, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services.queueing, "send", lambda task, *args: False)
    with django_capture_on_commit_callbacks(execute=True):
        [told] = services.tell(Kind.RETURN_REVIEWED, SUBMITTED, partnership=cast.lancaster, people=[cast.lead])
    told.refresh_from_db()
    assert (told.status, told.sent, told.stage) == (Notification.Email.QUEUED, None, services.DELAYED)
    handed = []
    monkeypatch.setattr(services.queueing, "send", lambda task, ids: handed.append((task, ids)) or True)
    assert services.resend_waiting() == 1
    assert handed == [("notifications.send_emails", [told.pk])]


@pytest.mark.parametrize("people", [20, 200])
def test_telling_a_partnership_costs_the_same_queries_however_many_are_told(cast, people):
    for number in range(people):
        person = UserFactory(email=f"member{number}@lancaster.example")
        Role.objects.create(user=person, partnership=cast.lancaster, role=Role.Kind.BOARD)
    with CaptureQueriesContext(connection) as queries:
        told = services.tell(Kind.REPORT_ISSUED, SUBMITTED, partnership=cast.lancaster)
    assert len(told) == people + 1  # the cast's board member too
    assert len(queries) <= 4, [q["sql"][:80] for q in queries.captured_queries]  # roles, choices, rows, counts


def test_the_weekly_digest_groups_a_persons_week_into_one_email_once(cast):
    Preference.objects.create(user=cast.lead, kind=Kind.RETURN_REVIEWED, delivery=Delivery.WEEKLY)
    for number in range(3):
        message = services.Message(f"Return {number} accepted", "Accepted for the board's report.", f"/r/{number}/")
        services.tell(Kind.RETURN_REVIEWED, message, partnership=cast.lancaster, people=[cast.lead])
    assert services.send_weekly_digests() == 1
    assert services.send_weekly_digests() == 0
    [digest] = mail.outbox
    assert digest.subject == "Your week in CSP Portal: 3 notifications"
    day = f"{timezone.localtime(Notification.objects.first().created):%-d %B}"
    assert [line for line in digest.body.splitlines() if line.startswith("- ")] == [
        f"- Return {n} accepted (Lancaster District CSP), {day}" for n in range(3)
    ]
    assert "because you chose a weekly e-mail" in digest.body
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Email.IN_DIGEST}
