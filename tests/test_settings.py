"""Configuration from the environment: strict parsing, clear errors, and the embedded default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from csp_portal.settings import env

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def environment(monkeypatch):
    def set_environment(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_environment


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_a_malformed_boolean_names_the_variable(environment, value):
    environment(DEBUG=value)
    with pytest.raises(ImproperlyConfigured, match="DEBUG=.* is not a boolean"):
        env.boolean("DEBUG", default=False)


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("Off", False), ("1", True), ("no", False)])
def test_booleans_in_their_usual_spellings(environment, value, expected):
    environment(DEBUG=value)
    assert env.boolean("DEBUG", default=not expected) is expected


def test_an_empty_list_means_none(environment):
    environment(CSRF_TRUSTED_ORIGINS="")
    assert env.comma_list("CSRF_TRUSTED_ORIGINS", default=["https://x.example"]) == []


def test_a_malformed_number_names_the_variable(environment):
    environment(SESSION_COOKIE_AGE="eight hours")
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_AGE='eight hours' is not a whole number"):
        env.integer("SESSION_COOKIE_AGE", default=1)


def test_a_list_with_an_empty_item_is_refused(environment):
    environment(ALLOWED_HOSTS="csp.example.org,,www.csp.example.org")
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS.*empty item"):
        env.comma_list("ALLOWED_HOSTS", default=[])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:p@db/csp", "must be a postgres:// or sqlite:// URL"),
        ("postgres://u:p@db", "names no database"),
    ],
)
def test_a_wrong_database_url_is_refused(environment, url, message):
    environment(DATABASE_URL=url)
    with pytest.raises(ImproperlyConfigured, match=message):
        env.database("DATABASE_URL", default="sqlite:///x")


def test_a_postgres_url_gives_the_postgres_backend(environment):
    environment(DATABASE_URL="postgres://csp:secret@db.internal:5433/csp_portal")
    config = env.database("DATABASE_URL", default="sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "csp_portal",
        "csp",
    )


@pytest.mark.parametrize("url", ["http://redis:6379/0", "redis://:6379/0", "redis://redis:notaport/0"])
def test_a_wrong_redis_url_is_refused(environment, url):
    environment(REDIS_URL=url)
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        env.redis_url("REDIS_URL")


def test_an_unknown_email_scheme_is_refused(environment):
    environment(EMAIL_URL="pigeon://loft")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL has an unknown scheme 'pigeon'"):
        env.email("EMAIL_URL", default="consolemail://")


def test_a_secret_can_come_from_a_file(environment, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-mounted-secret\n")
    environment(SECRET_KEY_FILE=str(secret))
    assert env.string("SECRET_KEY") == "from-a-mounted-secret"


def test_a_secret_file_that_cannot_be_read_names_the_variable(environment, tmp_path):
    environment(SECRET_KEY_FILE=str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE: cannot read"):
        env.string("SECRET_KEY")


def test_a_value_and_its_file_together_are_refused(environment, tmp_path):
    environment(SECRET_KEY="x", SECRET_KEY_FILE=str(tmp_path))
    with pytest.raises(ImproperlyConfigured, match="either SECRET_KEY or SECRET_KEY_FILE"):
        env.string("SECRET_KEY")


def _run_python(code: str, **overrides) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEBUG"}}
    clean.update(overrides)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_with_nothing_set_the_product_uses_sqlite_and_runs_tasks_in_process():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, s.EMAIL_BACKEND)"
    )
    result = _run_python(code, DJANGO_SETTINGS_MODULE="csp_portal.settings.local")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_a_malformed_variable_stops_start_up_with_its_name():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "csp_portal.settings.local", "DEBUG": "perhaps"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DEBUG='perhaps' is not a boolean" in result.stderr


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10.0.0.300", "TRUSTED_PROXIES: '10.0.0.300' is not an IP address or network"),
        ("172.18.0.1/16", "TRUSTED_PROXIES: '172.18.0.1/16' has host bits set; the network is 172.18.0.0/16"),
        ("*", "TRUSTED_PROXIES: '\\*' is not an IP address or network"),
        ("10.0.0.1,,10.0.0.2", "TRUSTED_PROXIES=.* has an empty item"),
    ],
)
def test_a_malformed_trusted_proxy_names_the_variable(environment, value, message):
    environment(TRUSTED_PROXIES=value)
    with pytest.raises(ImproperlyConfigured, match=message):
        env.ip_networks("TRUSTED_PROXIES")


def test_trusted_proxies_are_addresses_or_networks(environment, tmp_path):
    assert env.ip_networks("TRUSTED_PROXIES") == []
    secret = tmp_path / "proxies"
    secret.write_text("192.0.2.10, 172.18.0.0/16,2001:db8::/32\n")
    environment(TRUSTED_PROXIES_FILE=str(secret))
    assert env.ip_networks("TRUSTED_PROXIES") == ["192.0.2.10/32", "172.18.0.0/16", "2001:db8::/32"]


def test_a_malformed_trusted_proxy_stops_start_up_with_its_name():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "csp_portal.settings.local", "TRUSTED_PROXIES": "proxy.internal"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network" in result.stderr
