"""Signing in by e-mail, signing out, resetting a password, password rules, throttling failed
sign-ins and ending idle sessions."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_person_signs_in_with_their_email_address(client, cast):
    response = sign_in(client, "Officer@Lancaster.example", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session[AUTH_SESSION_KEY]) == cast.officer.pk


def test_wrong_password_is_refused_with_a_message(client, cast):
    response = sign_in(client, cast.officer.email, "not the password")
    assert response.status_code == 200
    assert "Enter a correct e-mail address and password" in response.content.decode()
    assert AUTH_SESSION_KEY not in client.session


def test_sign_in_form_reports_a_malformed_email(client, cast):
    response = sign_in(client, "not-an-address", PASSWORD)
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()


def test_repeated_failures_lock_the_account_for_that_address(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, cast.officer.email, "wrong")
    response = sign_in(client, cast.officer.email, PASSWORD)
    assert response.status_code == 429
    assert "too many" in response.content.decode().lower()
    assert AUTH_SESSION_KEY not in client.session


def test_sign_out_needs_a_post_and_ends_the_session(client, cast):
    client.force_login(cast.officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert AUTH_SESSION_KEY not in client.session


def test_password_reset_by_email(client, cast):
    response = client.post(reverse("password_reset"), {"email": cast.lead.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.lead.email]
    link = re.search(r"http://testserver(/account/reset/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session value
    new_password = "a fresh and longer passphrase"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    cast.lead.refresh_from_db()
    assert cast.lead.check_password(new_password)


def test_password_reset_for_an_unknown_address_sends_nothing(client, cast):
    client.post(reverse("password_reset"), {"email": "stranger@example.org"})
    assert mail.outbox == []


def test_new_password_must_meet_the_rules(client, cast):
    client.post(reverse("password_reset"), {"email": cast.lead.email})
    link = re.search(r"http://testserver(/account/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    cast.lead.refresh_from_db()
    assert cast.lead.check_password(PASSWORD)


def test_person_changes_their_password(client, cast):
    client.force_login(cast.board_member)
    new_password = "another long passphrase"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    cast.board_member.refresh_from_db()
    assert cast.board_member.check_password(new_password)


def test_password_change_with_a_wrong_old_password_changes_nothing(client, cast):
    client.force_login(cast.board_member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    cast.board_member.refresh_from_db()
    assert cast.board_member.check_password(PASSWORD)


PASSWORD_RULES = [
    "Your password must contain at least 12 characters.",
    "Your password can’t be a commonly used password.",
    "Your password can’t be entirely numeric.",
]


def test_password_change_form_shows_the_rules_as_a_hint(client, cast):
    client.force_login(cast.board_member)
    content = client.get(reverse("password_change")).content.decode()
    assert 'class="govuk-hint"' in content
    for rule in PASSWORD_RULES:
        assert rule in content


def test_password_reset_form_shows_the_rules_as_a_hint(client, cast):
    client.post(reverse("password_reset"), {"email": cast.lead.email})
    link = re.search(r"http://testserver(/account/reset/\S+/)", mail.outbox[0].body).group(1)
    content = client.get(client.get(link)["Location"]).content.decode()
    for rule in PASSWORD_RULES:
        assert rule in content


def test_a_common_password_is_refused(client, cast):
    client.force_login(cast.board_member)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password1234", "new_password2": "password1234"},
    )
    assert "This password is too common" in response.content.decode()


def test_session_ends_after_the_idle_limit_and_each_request_renews_it(client, cast, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    with time_machine.travel("2026-01-05 09:00 +0000", tick=False) as traveller:
        sign_in(client, cast.officer.email, PASSWORD)
        traveller.shift(datetime.timedelta(minutes=25))
        assert client.get(reverse("account")).status_code == 200  # renews the session
        traveller.shift(datetime.timedelta(minutes=25))
        assert client.get(reverse("account")).status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("account"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
