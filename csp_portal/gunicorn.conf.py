"""gunicorn settings for the container: ``gunicorn -c csp_portal/gunicorn.conf.py csp_portal.wsgi:application``.

gunicorn sits behind a reverse proxy that terminates TLS. Tuned from the environment:

WEB_CONCURRENCY      worker processes; default 2 x CPUs + 1, at most 8 (each holds Django, pandas
                     and WeasyPrint, so memory sets the ceiling before CPU does).
GUNICORN_TIMEOUT     seconds a request may run before its worker is killed; default 60.
TRUSTED_PROXIES      addresses or networks of the proxy, as Django reads it (csp_portal/settings):
                     gunicorn trusts their X-Forwarded-Proto, Django their X-Forwarded-For.
FORWARDED_ALLOW_IPS  only without TRUSTED_PROXIES: where X-Forwarded-Proto is trusted from; default
                     loopback and the private ranges Docker networks use. "*" trusts anyone,
                     acceptable only where nothing but the proxy can reach port 8000.
LOG_LEVEL            shared with Django's logging; default info.
"""

import importlib.util
import math
import os
from pathlib import Path

MAX_DEFAULT_WORKERS = 8


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RuntimeError(f"{name}={raw!r} is not a whole number.") from None
    if value < 1:
        raise RuntimeError(f"{name}={value} must be at least 1.")
    return value


def cpu_count() -> int:
    """CPUs this container may use: its CPU set, lowered by a cgroup v2 quota (`cpus:` in compose)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text(encoding="ascii").split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 quota to honour
    return max(1, cores)


def default_workers() -> int:
    return min(2 * cpu_count() + 1, MAX_DEFAULT_WORKERS)


bind = "0.0.0.0:8000"
workers = _positive_int("WEB_CONCURRENCY", default_workers())
worker_class = "sync"
timeout = _positive_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# The proxy holds connections open between requests; keep them a little longer than one page load.
keepalive = 5
# Recycle workers now and then, so that slow growth in memory (PDF and spreadsheet work) is returned.
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory, not on the container's overlay filesystem, where writes can stall.
# gunicorn creates them unlinked, with a random name, so a shared directory is safe.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 # nosec B108
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None


def _settings_env():
    """csp_portal/settings/env.py, for the same strict reading (and NAME_FILE) as Django's settings.
    Loaded by path: importing the csp_portal package would set up Celery's app and with it
    DJANGO_SETTINGS_MODULE=local, before wsgi.py could choose production."""
    spec = importlib.util.spec_from_file_location("csp_portal_env", Path(__file__).parent / "settings" / "env.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def trusted_forwarders() -> str:
    """Where the proxy's X-Forwarded-Proto is believed from: the proxies Django believes about the
    client's address (TRUSTED_PROXIES), so that one list names the proxy for both; without it, as
    before, loopback and the private ranges Docker networks use, or FORWARDED_ALLOW_IPS."""
    trusted = _settings_env().ip_networks("TRUSTED_PROXIES")
    legacy = os.environ.get("FORWARDED_ALLOW_IPS", "").strip()
    if trusted and legacy:
        raise RuntimeError("Set TRUSTED_PROXIES or FORWARDED_ALLOW_IPS, not both: TRUSTED_PROXIES serves gunicorn too.")
    return ",".join(trusted) or legacy or "127.0.0.1,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"


# Trust the proxy's X-Forwarded-Proto, the one header Django's SECURE_PROXY_SSL_HEADER reads, and
# no other scheme header (a proxy that sent two that disagreed would have every request refused).
forwarded_allow_ips = trusted_forwarders()
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Access log to stdout, errors to stderr, for `docker compose logs`. The client address is the one
# the proxy reports; %(M)s is the time taken in milliseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").strip().lower() or "info"
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
