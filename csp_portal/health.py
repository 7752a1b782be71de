"""/healthz: the state of the database, Redis and the Celery workers, for load balancers and people."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app

TIMEOUT_SECONDS = 2


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the database is not usable
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}".strip()}
    return {"ok": True, "engine": connection.vendor}


def check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "not configured: tasks run in-process"}
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        client.ping()
    except Exception as exc:  # connection refused, timeout, authentication...
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True}


def check_workers(redis_state: dict) -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    if not redis_state["ok"]:
        return {"ok": False, "error": "cannot reach the broker"}
    try:
        replies = celery_app.control.ping(timeout=TIMEOUT_SECONDS)
    except Exception as exc:  # broker errors surface here
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    if not replies:
        return {"ok": False, "error": "no worker answered"}
    return {"ok": True, "workers": sorted(name for reply in replies for name in reply)}


@never_cache
@require_GET
def healthz(request):
    database = check_database()
    redis_state = check_redis()
    workers = check_workers(redis_state)
    checks = {"database": database, "redis": redis_state, "workers": workers}
    down = [name for name, state in checks.items() if not state["ok"]]
    body = {"status": "ok" if not down else "unavailable", "down": down, "checks": checks}
    return JsonResponse(body, status=200 if not down else 503)
