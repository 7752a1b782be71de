"""Personal access tokens: made on the account's page with the secret shown once and only its hash
kept, their last use recorded, and a revoked or unknown token, or one of a switched-off person, turned
away with 401. A person sees and revokes only their own tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from csp_portal.api.models import AccessToken
from csp_portal.api.services import revoke_token

from .conftest import bearer

pytestmark = pytest.mark.django_db

PARTNERSHIPS = reverse("api_partnerships")


def test_a_person_makes_a_token_and_sees_its_secret_once(login, cast):
    client = login(cast.board_member)
    response = client.post(reverse("access_tokens"), {"name": "Power BI dashboard"})
    assert response.status_code == 200
    token = AccessToken.objects.get(person=cast.board_member)
    html = response.content.decode()
    secret = html.split('id="token-secret"')[1].split('value="')[1].split('"')[0]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8] and token.name == "Power BI dashboard"
    assert "shown only this once" in html
    # Only the hash is kept: the secret is nowhere in the row or its history, nor on the list page.
    assert secret not in str(AccessToken.objects.filter(pk=token.pk).values().get())
    assert not hasattr(token.history.get(), "token_hash")
    listing = client.get(reverse("access_tokens")).content.decode()
    assert "Power BI dashboard" in listing and token.prefix in listing and secret not in listing
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get(PARTNERSHIPS).status_code == 200


def test_a_token_needs_a_name_of_one_line(login, cast):
    client = login(cast.board_member)
    for name in ["", "Two\nlines"]:
        response = client.post(reverse("access_tokens"), {"name": name})
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()
    assert not AccessToken.objects.exists()


def test_the_last_use_is_recorded_at_most_once_a_minute(cast):
    client, _ = bearer(cast.board_member)
    token = AccessToken.objects.get()
    assert token.last_used is None
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get(PARTNERSHIPS)
        first = AccessToken.objects.get().last_used
        assert first == timezone.now()
        traveller.shift(timedelta(seconds=30))
        client.get(PARTNERSHIPS)
        assert AccessToken.objects.get().last_used == first
        traveller.shift(timedelta(seconds=31))
        client.get(PARTNERSHIPS)
        assert AccessToken.objects.get().last_used == timezone.now()
    assert token.history.count() == 1, "a use is not a change: no history entry"


def test_a_revoked_token_is_refused(login, cast):
    client, _ = bearer(cast.board_member)
    token = AccessToken.objects.get()
    page = login(cast.board_member)
    assert page.get(reverse("access_token_revoke", args=[token.pk])).status_code == 200
    assert page.post(reverse("access_token_revoke", args=[token.pk])).status_code == 302
    assert AccessToken.objects.get().revoked_at is not None
    response = client.get(PARTNERSHIPS)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert "Revoked" in page.get(reverse("access_tokens")).content.decode()


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Bearer", "Bearer two words", "Token abc", ""],
)
def test_an_unknown_or_missing_token_is_refused(cast, header):
    client = Client(headers={"Authorization": header} if header else {})
    response = client.get(PARTNERSHIPS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_switched_off_persons_token_is_refused(cast):
    client, _ = bearer(cast.board_member)
    cast.board_member.is_active = False
    cast.board_member.save()
    response = client.get(PARTNERSHIPS)
    assert response.status_code == 401
    assert "switched off" in response.json()["detail"]


def test_a_browser_session_does_not_sign_the_api_in(login, cast):
    assert login(cast.officer).get(PARTNERSHIPS).status_code == 401


def test_a_person_sees_and_revokes_only_their_own_tokens(login, cast):
    bearer(cast.officer, name="Officer's own")
    theirs = AccessToken.objects.get()
    client = login(cast.board_member)
    assert "Officer's own" not in client.get(reverse("access_tokens")).content.decode()
    assert client.get(reverse("access_token_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("access_token_revoke", args=[theirs.pk])).status_code == 404
    assert AccessToken.objects.get().revoked_at is None


def test_revoking_is_kept_in_the_history_with_who_did_it(cast):
    bearer(cast.officer)
    token = AccessToken.objects.get()
    revoke_token(token, actor=cast.officer)
    revoke_token(token, actor=cast.officer)  # twice changes nothing more
    entries = list(token.history.order_by("history_date"))
    assert [e.history_type for e in entries] == ["+", "~"]
    assert entries[-1].history_user == cast.officer and entries[-1].revoked_at is not None


def test_the_account_page_links_to_the_tokens(login, cast):
    assert reverse("access_tokens") in login(cast.lead).get(reverse("account")).content.decode()


def test_the_token_pages_are_valid_html(login, cast, tmp_path):
    """The matrix's crawl (tests/test_html_validity.py) sees the list and its form's errors; here the
    list with a used and a revoked token, the page showing a new secret and the revoke page."""
    from tests.test_html_validity import check

    client = login(cast.lead)
    created = client.post(reverse("access_tokens"), {"name": "Excel"})
    bearer(cast.lead)[0].get(PARTNERSHIPS)
    revoke_token(AccessToken.objects.get(name="Excel"), actor=cast.lead)
    live = AccessToken.objects.get(name="Power BI")
    pages = {
        "created": created,
        "list": client.get(reverse("access_tokens")),
        "revoke": client.get(reverse("access_token_revoke", args=[live.pk])),
    }
    files = []
    for name, response in pages.items():
        assert response.status_code == 200, name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    assert check(files) == []
