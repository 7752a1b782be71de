"""Chasing leads for their progress returns: the officer's button, and the daily job that reminds them
before and after the deadline, once each, however many times it runs."""

from datetime import date

import pytest
from django.core import mail

from actionplans import services
from actionplans.models import ReminderSent
from actionplans.tasks import send_return_reminders
from csp_portal.quarters import Quarter
from tests.mail import emails_sent

from .factories import ActionFactory, ReturnFactory

Q1 = Quarter(2025, 1)
Q2 = Quarter(2025, 2)  # July to September 2025: returns due 15 October 2025


@pytest.mark.django_db
def test_officer_chases_every_lead_who_owes_a_return(cast, lancaster):
    ActionFactory(priority=lancaster.roads, lead_user=cast.lead, title="Speed watch")
    done = ActionFactory(priority=lancaster.roads, lead_user=cast.board_member, title="Done already")
    ReturnFactory(action=done, year=2025, number=2, status="submitted")
    ActionFactory(priority=lancaster.roads, lead_user=None, title="Nobody leads this")
    with emails_sent():
        assert services.chase_leads(cast.lancaster, Q2, actor=cast.officer) == 1
    [message] = mail.outbox
    assert message.to == ["lead@lancaster.example"]
    assert message.subject == "2025/26 Q2 progress returns for Lancaster District CSP"
    assert "due by 15 October 2025" in message.body
    assert "- DV prevention campaign\n- Speed watch" in message.body
    assert "/my-actions/2025-26-Q2/" in message.body
    chase = ReminderSent.objects.get()
    assert (chase.kind, chase.sent_by, chase.actions) == ("chase", cast.officer, 2)
    with emails_sent():
        services.chase_leads(cast.lancaster, Q2, actor=cast.officer)
    assert len(mail.outbox) == 2  # the button may be pressed again


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2025, 10, 1), [(Q1, "after"), (Q2, "open")]),  # Q2 has ended: its returns open
        (date(2025, 10, 9), [(Q1, "after"), (Q2, "open")]),  # Q1 returns are late until Q2's are due
        (date(2025, 10, 10), [(Q1, "after"), (Q2, "before")]),  # five days before 15 October
        (date(2025, 10, 14), [(Q1, "after"), (Q2, "before")]),
        (date(2025, 10, 15), [(Q1, "after")]),
        (date(2025, 10, 16), []),
        (date(2025, 10, 18), [(Q2, "after")]),  # three days after
        (date(2026, 1, 10), [(Q2, "after"), (Quarter(2025, 3), "before")]),
        (date(2026, 1, 16), []),
    ],
)
def test_which_scheduled_reminders_fall_due(settings, today, due):
    settings.ACTIONPLANS_REMINDER_DAYS_BEFORE = 5
    settings.ACTIONPLANS_REMINDER_DAYS_AFTER = 3
    assert services.due_reminders(today) == due


@pytest.mark.django_db
def test_the_daily_job_sends_each_reminder_once(cast, lancaster):
    ReturnFactory(action=lancaster.action, year=2025, number=1, status="accepted")  # Q1 is done
    with emails_sent():
        assert services.send_scheduled_reminders(date(2025, 10, 2)) == 1
        assert services.send_scheduled_reminders(date(2025, 10, 3)) == 0  # already told the returns are open
        assert services.send_scheduled_reminders(date(2025, 10, 10)) == 1
        assert services.send_scheduled_reminders(date(2025, 10, 11)) == 0  # already reminded before the deadline
        assert services.send_scheduled_reminders(date(2025, 10, 18)) == 1
        assert services.send_scheduled_reminders(date(2025, 10, 18)) == 0
    assert [m.subject for m in mail.outbox] == [
        "Now open: 2025/26 Q2 progress return for Lancaster District CSP",
        "Reminder: 2025/26 Q2 progress return for Lancaster District CSP",
        "Overdue: 2025/26 Q2 progress return for Lancaster District CSP",
    ]
    assert "can now be written, and is due by 15 October 2025" in mail.outbox[0].body
    assert "was due on 15 October 2025" in mail.outbox[2].body


@pytest.mark.django_db
def test_nobody_is_reminded_once_they_have_submitted_or_the_quarter_is_closed(cast, lancaster):
    ReturnFactory(action=lancaster.action, year=2025, number=1, status="accepted")
    ReturnFactory(action=lancaster.action, year=2025, number=2, status="submitted")
    assert services.send_scheduled_reminders(date(2025, 10, 10)) == 0
    other = ActionFactory(priority=lancaster.roads, lead_user=cast.lead)
    services.close_quarter(cast.lancaster, Q2, actor=cast.officer)
    assert services.send_scheduled_reminders(date(2025, 10, 18)) == 0
    assert other.pk and not mail.outbox


@pytest.mark.worker
def test_the_beat_task_runs_through_a_real_worker_and_claims_each_reminder_once(celery_worker, cast, lancaster):
    results = [send_return_reminders.delay("2025-10-18") for _ in range(2)]
    assert sorted(celery_worker.result_of(result, timeout=60) for result in results) == [0, 1]
    assert list(ReminderSent.objects.values_list("lead__email", "kind", "year", "number")) == [
        ("lead@lancaster.example", "after", 2025, 2)
    ]
