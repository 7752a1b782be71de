"""Strict reading of configuration from the environment.

Every value a deployment changes comes from an environment variable. A malformed value stops
start-up with a message naming the variable, rather than running with a silent default.
Secrets may be given as ``NAME_FILE`` (a path whose contents are the value), as Docker and
Kubernetes secrets are mounted.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = f"{name}_FILE"
    if name in os.environ and file_name in os.environ:
        raise ImproperlyConfigured(f"Set either {name} or {file_name}, not both.")
    if file_name in os.environ:
        path = Path(os.environ[file_name])
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{file_name}: cannot read {path}: {exc.strerror}.") from exc
    return os.environ.get(name)


def is_set(name: str) -> bool:
    value = _raw(name)
    return value is not None and value.strip() != ""


def string(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def required(name: str, why: str) -> str:
    value = string(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set: {why}")
    return value


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use one of true/false, yes/no, on/off, 1/0.")


def integer(name: str, default: int, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


RATE_PERIODS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}
RATE_SPELLINGS = {*RATE_PERIODS, *RATE_PERIODS.values(), "sec", "min"}


def rate(name: str, default: str) -> str:
    """A request rate as Django REST framework reads it, such as '600/hour': a whole number of at
    least one, a slash, and second, minute, hour or day (or sec, min, or their first letter)."""
    value = string(name, default)
    number, _, period = value.partition("/")
    period = period.strip().lower()
    unit = RATE_PERIODS.get(period[:1]) if period in RATE_SPELLINGS else None
    if not number.strip().isdigit() or int(number) < 1 or unit is None:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate: write requests per second, minute, hour or day, such as 600/hour."
        )
    return f"{int(number)}/{unit}"


def comma_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    if value.strip() == "":
        return []  # set but empty: deliberately none
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item: separate values by single commas.")
    return items


def ip_networks(name: str) -> list[str]:
    """IP addresses or CIDR networks, comma-separated; unset or empty means none. Each is returned
    as a network in its canonical spelling ("192.0.2.7/32")."""
    networks = []
    for item in comma_list(name, default=[]):
        try:
            networks.append(str(ipaddress.ip_network(item)))
        except ValueError as exc:
            if "host bits set" in str(exc):
                network = ipaddress.ip_network(item, strict=False)
                raise ImproperlyConfigured(f"{name}: {item!r} has host bits set; the network is {network}.") from None
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network, such as 10.0.0.5 or 172.18.0.0/16."
            ) from None
    return networks


def database(name: str, default: str) -> dict:
    url = string(name, default)
    scheme = urlparse(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(f"{name} must be a postgres:// or sqlite:// URL, not {scheme or 'no scheme'}://.")
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # the library raises several types for malformed URLs
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from exc
    if scheme != "sqlite" and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database: add /DBNAME to the URL.")
    return config


def redis_url(name: str) -> str | None:
    url = string(name)
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"{name} must be a redis://, rediss:// or unix:// URL, not {url!r}.")
    if parsed.scheme != "unix" and not parsed.hostname:
        raise ImproperlyConfigured(f"{name}={url!r} names no host.")
    try:
        parsed.port  # noqa: B018 - reading it validates the port number
    except ValueError:
        raise ImproperlyConfigured(f"{name}={url!r} has an invalid port.") from None
    return url


def email(name: str, default: str) -> dict:
    url = string(name, default)
    scheme = urlparse(url).scheme
    if scheme not in environ.Env.EMAIL_SCHEMES:
        known = ", ".join(sorted(environ.Env.EMAIL_SCHEMES))
        raise ImproperlyConfigured(f"{name} has an unknown scheme {scheme!r}: use one of {known}.")
    return environ.Env.email_url_config(url)
