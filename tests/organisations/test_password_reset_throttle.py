"""Password-reset e-mails are throttled per address and per client address, and the page answers the
same whether an e-mail went, was held back, or the address is nobody's."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from csp_portal.organisations.models import SignInEvent

pytestmark = pytest.mark.django_db

Outcome = SignInEvent.Outcome


def ask_for_reset(client, email, remote="192.0.2.7", **headers):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=remote, **headers)


def test_reset_emails_to_one_address_stop_at_the_limit(client, cast, settings):
    """The probe sent seven in a second; now three go, however the address is spelled."""
    spellings = ["lead@lancaster.example", " LEAD@lancaster.example", "Lead@Lancaster.Example "]
    responses = [ask_for_reset(client, spellings[attempt % 3]) for attempt in range(7)]
    assert len(mail.outbox) == settings.PASSWORD_RESET_EMAILS_PER_ADDRESS == 3
    assert {message.to[0] for message in mail.outbox} == {cast.lead.email}
    assert {(response.status_code, response["Location"]) for response in responses} == {
        (302, reverse("password_reset_done"))
    }


def test_the_page_answers_the_same_whether_sent_held_back_or_unknown(client, cast, settings):
    settings.PASSWORD_RESET_EMAILS_PER_ADDRESS = 1
    sent = ask_for_reset(client, cast.lead.email)
    held_back = ask_for_reset(client, cast.lead.email)
    unknown = ask_for_reset(client, "stranger@example.org")
    assert len(mail.outbox) == 1
    answers = {(r.status_code, r["Location"], r.content) for r in (sent, held_back, unknown)}
    assert len(answers) == 1
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "If the address you entered belongs to an account, we have sent it a link" in page


def test_one_client_address_gets_a_limited_number_of_emails(client, cast, settings):
    settings.PASSWORD_RESET_REQUESTS_PER_CLIENT = 4
    people = [cast.officer, cast.lead, cast.board_member, cast.analyst, cast.csr_officer, cast.outsider]
    ask_for_reset(client, "stranger@example.org")  # addresses that are nobody's count too
    for person in people:
        ask_for_reset(client, person.email)
    assert [message.to[0] for message in mail.outbox] == [p.email for p in people[:3]]
    # Someone else, elsewhere, is not held back by it.
    ask_for_reset(client, cast.outsider.email, remote="198.51.100.5")
    assert mail.outbox[-1].to == [cast.outsider.email]


def test_behind_the_proxy_each_client_has_its_own_limit(client, cast, settings):
    settings.TRUSTED_PROXIES = ["192.0.2.10/32"]
    settings.PASSWORD_RESET_REQUESTS_PER_CLIENT = 1
    ask_for_reset(client, cast.officer.email, remote="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.66")
    ask_for_reset(client, cast.lead.email, remote="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.66")
    ask_for_reset(client, cast.lead.email, remote="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.5")
    assert [message.to[0] for message in mail.outbox] == [cast.officer.email, cast.lead.email]
    assert SignInEvent.objects.get(outcome=Outcome.RESET_REFUSED).ip_address == "203.0.113.66"


def test_another_email_goes_after_an_hour(client, cast, settings):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(settings.PASSWORD_RESET_EMAILS_PER_ADDRESS + 1):
            ask_for_reset(client, cast.lead.email)
    assert len(mail.outbox) == settings.PASSWORD_RESET_EMAILS_PER_ADDRESS
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        ask_for_reset(client, cast.lead.email)
    assert len(mail.outbox) == settings.PASSWORD_RESET_EMAILS_PER_ADDRESS + 1


def test_requests_are_in_the_sign_in_audit(client, cast, settings):
    for _ in range(5):
        ask_for_reset(client, " Lead@Lancaster.example")
    ask_for_reset(client, "stranger@example.org")
    events = SignInEvent.objects.order_by("created", "pk")
    assert [(e.outcome, e.email, e.user) for e in events] == [
        *[(Outcome.RESET_ASKED, cast.lead.email, cast.lead)] * 3,
        *[(Outcome.RESET_REFUSED, cast.lead.email, cast.lead)] * 2,
        (Outcome.RESET_ASKED, "stranger@example.org", None),
    ]
    assert {e.ip_address for e in events} == {"192.0.2.7"}
