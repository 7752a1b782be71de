"""The API's rate limit: API_RATE_LIMIT sets how many requests a token may make (a malformed value
stops start-up, naming the variable), and a token past it is answered 429 with Retry-After, the
seconds after which it is let in again, as the documentation page says."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from csp_portal.settings import env
from tests.test_settings import ROOT

from .conftest import bearer

PARTNERSHIPS = reverse("api_partnerships")


@pytest.mark.parametrize(
    ("value", "rate"),
    [("600/hour", "600/hour"), ("10/min", "10/minute"), (" 5 / Second ", "5/second"), ("2000/d", "2000/day")],
)
def test_a_rate_in_its_usual_spellings(monkeypatch, value, rate):
    monkeypatch.setenv("API_RATE_LIMIT", value)
    assert env.rate("API_RATE_LIMIT", "600/hour") == rate


def test_unset_the_rate_is_the_default(monkeypatch):
    monkeypatch.delenv("API_RATE_LIMIT", raising=False)
    assert env.rate("API_RATE_LIMIT", "600/hour") == "600/hour"


@pytest.mark.parametrize("value", ["600", "600 an hour", "0/hour", "-5/minute", "ten/hour", "600/fortnight", "6/h/d"])
def test_a_malformed_rate_names_the_variable(monkeypatch, value):
    monkeypatch.setenv("API_RATE_LIMIT", value)
    with pytest.raises(ImproperlyConfigured, match=r"API_RATE_LIMIT=.* is not a rate: .* such as 600/hour"):
        env.rate("API_RATE_LIMIT", "600/hour")


def _start(value: str) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from rest_framework.settings import api_settings;"
        "print(api_settings.DEFAULT_THROTTLE_RATES['token'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "csp_portal.settings.local", "API_RATE_LIMIT": value},
        capture_output=True,
        text=True,
    )


def test_the_rate_comes_from_the_environment_and_a_bad_one_stops_start_up():
    started = _start("1200/hour")
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["1200/hour"]
    refused = _start("1200 an hour")
    assert refused.returncode != 0
    assert "API_RATE_LIMIT='1200 an hour' is not a rate" in refused.stderr


@pytest.mark.django_db
def test_past_its_rate_a_token_is_told_when_to_come_back(cast, settings):
    """DRF answers 429 with Retry-After: the seconds until the oldest request counted leaves the
    window. After that long the token is let in again."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "2/minute"}}
    client, _ = bearer(cast.board_member)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get(PARTNERSHIPS).status_code == 200
        traveller.shift(timedelta(seconds=20))
        assert client.get(PARTNERSHIPS).status_code == 200
        refused = client.get(PARTNERSHIPS)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "40", "the first request leaves the minute's window in 40 seconds"
        assert refused.json()["detail"] == "Request was throttled. Expected available in 40 seconds."
        traveller.shift(timedelta(seconds=39))
        assert client.get(PARTNERSHIPS).status_code == 429
        traveller.shift(timedelta(seconds=2))
        assert client.get(PARTNERSHIPS).status_code == 200


@pytest.mark.django_db
def test_the_documentation_states_the_rate_in_force(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1/minute"}}
    html = Client().get(reverse("api_docs")).content.decode()
    assert "each token may make 1 request a minute" in html and "Retry-After" in html
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "600/hour"}}
    assert "each token may make 600 requests an hour" in Client().get(reverse("api_docs")).content.decode()
