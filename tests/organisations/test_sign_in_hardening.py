"""Attacks on sign-in that an adversarial probe found, and that now fail.

One spelling of an e-mail address for sign-in, the lockout and the audit, so that capitals and
spaces do not buy more guesses; the client's own address behind a trusted reverse proxy, so that a
stranger's failures lock only their own (account, address) pair and the audit names the client.
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from csp_portal.client_address import client_ip
from csp_portal.organisations.identity import lockout_username, normalise_email
from csp_portal.organisations.models import SignInEvent, User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Outcome = SignInEvent.Outcome

# One address, as an attacker might vary it to escape a lockout counted on the raw string.
SPELLINGS = [
    " Officer@Lancaster.example ",
    "OFFICER@LANCASTER.EXAMPLE",
    "officer@LANCASTER.example",
    "\tofficer@lancaster.example",
    "Officer@lancaster.Example",
    "oFFICER@lancaster.example",
    "officer@lancaster.example ",
    "ＯＦＦＩＣＥＲ@lancaster.example",  # full-width capitals: NFKC makes them plain letters
]

PROXY = "192.0.2.10"
CLIENT_A = "203.0.113.66"
CLIENT_B = "198.51.100.5"


def sign_in(client, email, password, **headers):
    return client.post(reverse("login"), {"username": email, "password": password}, **headers)


def through_proxy(client_address: str, claimed: str = "") -> dict:
    """What the proxy sends on: the client's address appended to whatever the client claimed."""
    forwarded = f"{claimed}, {client_address}" if claimed else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


# --- One spelling of the address --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        (" Officer@Lancaster.example ", "officer@lancaster.example"),
        ("OFFICER@LANCASTER.EXAMPLE\n", "officer@lancaster.example"),
        ("ＯＦＦＩＣＥＲ@lancaster.example", "officer@lancaster.example"),
        ("straße@example.org", "straße@example.org"),  # lower case, not case folding: not strasse
    ],
)
def test_an_address_is_normalised_to_one_spelling(typed, normalised):
    assert normalise_email(typed) == normalised


def test_axes_counts_every_spelling_under_the_normalised_address(rf):
    request = rf.post("/account/sign-in/", {"username": " OFFICER@Lancaster.example"})
    assert lockout_username(request, None) == "officer@lancaster.example"
    assert lockout_username(request, {"username": "Officer@LANCASTER.example "}) == "officer@lancaster.example"


def test_any_spelling_of_the_address_signs_in(client, cast):
    response = sign_in(client, " Officer@LANCASTER.example ", PASSWORD)
    assert response.status_code == 302
    assert int(client.session[AUTH_SESSION_KEY]) == cast.officer.pk


def test_failures_under_many_spellings_lock_the_account(client, cast, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, SPELLINGS[attempt % len(SPELLINGS)], "wrong")
    # Yet another spelling, with the right password: refused with the locked-out page.
    response = sign_in(client, "officer@Lancaster.EXAMPLE", PASSWORD)
    assert response.status_code == 429
    assert "too many" in response.content.decode().lower()
    assert AUTH_SESSION_KEY not in client.session


def test_thirty_one_failures_over_eleven_spellings_then_the_right_password_is_refused(client, cast):
    """The probe's attack, which signed in before."""
    spellings = [*SPELLINGS, "Officer@LANCASTER.EXAMPLE", "OFFICER@lancaster.example", " officer@lancaster.example"]
    for attempt in range(31):
        sign_in(client, spellings[attempt % len(spellings)], "wrong")
    assert sign_in(client, "OfFiCeR@LaNcAsTeR.eXaMpLe", PASSWORD).status_code == 429
    assert AUTH_SESSION_KEY not in client.session


def test_the_audit_records_the_normalised_address(client, cast, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, SPELLINGS[attempt], "wrong")
    addresses = set(SignInEvent.objects.values_list("email", flat=True))
    assert addresses == {"officer@lancaster.example"}
    assert SignInEvent.objects.filter(outcome=Outcome.FAILURE).count() == settings.AXES_FAILURE_LIMIT
    assert SignInEvent.objects.filter(outcome=Outcome.LOCKED_OUT).count() == 1


def test_the_message_no_longer_says_the_address_is_case_sensitive(client, cast):
    page = sign_in(client, cast.officer.email, "wrong").content.decode()
    assert "Enter a correct e-mail address and password." in page
    assert "case-sensitive" not in page


def test_a_password_reset_finds_the_person_under_any_spelling(client, cast):
    client.post(reverse("password_reset"), {"email": " LEAD@Lancaster.example "})
    assert [message.to for message in mail.outbox] == [["lead@lancaster.example"]]


def test_people_are_stored_under_the_normalised_address(cast):
    assert UserFactory(email=" New.Person@Example.ORG ").email == "new.person@example.org"
    assert User.objects.create_user("Another@Example.org", PASSWORD, full_name="A").email == "another@example.org"


# The add page's roles inline, empty.
NO_ROLES = {"roles-TOTAL_FORMS": 0, "roles-INITIAL_FORMS": 0}


def test_the_admin_refuses_a_second_person_with_the_same_address_in_capitals(login, cast):
    response = login(cast.admin).post(
        reverse("admin:organisations_user_add"),
        {"email": "OFFICER@Lancaster.example", "full_name": "Second Olivia", "usable_password": "false", **NO_ROLES},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.filter(full_name="Second Olivia").count() == 0


def test_the_admin_stores_a_new_address_normalised(login, cast):
    response = login(cast.admin).post(
        reverse("admin:organisations_user_add"),
        {"email": " New.Officer@Lancaster.EXAMPLE", "full_name": "Nia New", "usable_password": "false", **NO_ROLES},
    )
    assert response.status_code == 302
    assert User.objects.get(full_name="Nia New").email == "new.officer@lancaster.example"


def _migration():
    return importlib.import_module("csp_portal.organisations.migrations.0004_normalise_email_addresses")


def test_the_migration_normalises_addresses_stored_with_capitals(cast):
    User.objects.filter(pk=cast.lead.pk).update(email=" Lead@Lancaster.EXAMPLE")  # as the admin once stored it
    _migration().normalise_addresses(apps, None)
    cast.lead.refresh_from_db()
    assert cast.lead.email == "lead@lancaster.example"


def test_the_migration_names_addresses_that_differ_only_in_capitals(cast):
    User.objects.filter(pk=cast.lead.pk).update(email="OFFICER@lancaster.example")
    with pytest.raises(RuntimeError, match="OFFICER@lancaster.example, officer@lancaster.example"):
        _migration().normalise_addresses(apps, None)


# --- The client's address behind the proxy ----------------------------------------------------


def _request(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], PROXY, CLIENT_A, PROXY),  # no proxy named: the header is nobody's word
        ([PROXY], "203.0.113.9", CLIENT_A, "203.0.113.9"),  # not from the proxy: header ignored
        ([PROXY], PROXY, CLIENT_A, CLIENT_A),
        ([PROXY], PROXY, f"{CLIENT_B}, {CLIENT_A}", CLIENT_A),  # the client's own claim is not believed
        (["192.0.2.0/28"], PROXY, f"{CLIENT_B}, {CLIENT_A}, 192.0.2.11", CLIENT_A),  # two proxies
        ([PROXY], PROXY, f"{CLIENT_A}, not-an-address", PROXY),  # garbage from the proxy: stop there
        ([PROXY], PROXY, "", PROXY),  # the proxy's own request
        ([PROXY], PROXY, None, PROXY),
        ([PROXY], PROXY, " 2001:DB8::1 ", "2001:db8::1"),
        (["::1/128"], "::1", "::ffff:203.0.113.66", CLIENT_A),  # an IPv4 client over IPv6
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(_request(remote, forwarded)) == expected


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(client, cast, settings):
    settings.TRUSTED_PROXIES = []
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, cast.officer.email, "wrong", REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR=f"10.9.9.{attempt}")
    response = sign_in(client, cast.officer.email, PASSWORD, REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR="10.9.9.99")
    assert response.status_code == 429
    assert set(SignInEvent.objects.values_list("ip_address", flat=True)) == {CLIENT_A}


def test_behind_a_trusted_proxy_a_stranger_locks_out_only_themselves(client, cast, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, cast.admin.email, "wrong", **through_proxy(CLIENT_A))
    assert sign_in(client, cast.admin.email, PASSWORD, **through_proxy(CLIENT_A)).status_code == 429
    # The administrator, at another address behind the same proxy, still signs in.
    response = sign_in(client, cast.admin.email, PASSWORD, **through_proxy(CLIENT_B))
    assert response.status_code == 302
    assert int(client.session[AUTH_SESSION_KEY]) == cast.admin.pk


def test_behind_a_trusted_proxy_a_spoofed_left_most_address_is_not_believed(client, cast, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    # The stranger claims to be B; the proxy appends the address it really came from.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, cast.officer.email, "wrong", **through_proxy(CLIENT_A, claimed=CLIENT_B))
    assert sign_in(client, cast.officer.email, PASSWORD, **through_proxy(CLIENT_B)).status_code == 302
    failures = SignInEvent.objects.filter(outcome=Outcome.FAILURE)
    assert set(failures.values_list("ip_address", flat=True)) == {CLIENT_A}
    assert SignInEvent.objects.get(outcome=Outcome.LOCKED_OUT).ip_address == CLIENT_A
    assert SignInEvent.objects.get(outcome=Outcome.SUCCESS).ip_address == CLIENT_B
