"""/healthz and a task sent through Redis to a real Celery worker process."""

import os

import pytest
from django.urls import reverse

from csp_portal.tasks import echo


@pytest.mark.worker
def test_a_task_runs_in_a_real_worker_process(celery_worker):
    result = celery_worker.result_of(echo.delay("quarter end"))
    assert result["value"] == "quarter end"
    assert result["pid"] == celery_worker.process.pid
    assert result["pid"] != os.getpid()


@pytest.mark.worker
def test_healthz_is_ok_when_database_redis_and_a_worker_answer(client, celery_worker):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert celery_worker.name in body["checks"]["workers"]["workers"]
    assert body["checks"]["database"]["engine"] == "postgresql"


@pytest.mark.django_db
def test_healthz_names_the_workers_when_none_is_running(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["workers"]
    assert response.json()["checks"]["workers"]["error"] == "no worker answered"


@pytest.mark.django_db
def test_healthz_names_redis_when_it_cannot_be_reached(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["redis", "workers"]
    assert "Connection" in body["checks"]["redis"]["error"]


@pytest.mark.django_db
def test_healthz_reports_in_process_tasks_in_the_embedded_mode(client, settings):
    settings.REDIS_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["workers"]["mode"] == "in-process"
