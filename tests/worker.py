"""A real Celery worker process for tests that send tasks through Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import redis
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from csp_portal.celery import app

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database the tests are using now (pytest-django's test_ copy)."""
    conf = connection.settings_dict
    credentials = quote(conf["USER"] or "")
    if conf.get("PASSWORD"):
        credentials += ":" + quote(conf["PASSWORD"])
    host = conf["HOST"] or "localhost"
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{conf['NAME']}"


class WorkerProcess:
    def __init__(self, name: str, log_path: Path):
        self.name = name
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> WorkerProcess:
        env = dict(os.environ)
        env.update(DJANGO_SETTINGS_MODULE="csp_portal.settings.test", DATABASE_URL=test_database_url())
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "csp_portal",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "-n",
                self.name,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}: {self.log_path.read_text()[-2000:]}")
            try:
                if app.control.ping(destination=[self.name], timeout=0.5):
                    return self
            except (OperationalError, RedisError, OSError):
                pass  # a pooled connection from before a Redis restart: the next ping opens a new one
        raise RuntimeError(f"worker {self.name} did not answer within {timeout} s: {self.log_path.read_text()[-2000:]}")

    def result_of(self, result: AsyncResult, timeout: float = 30):
        """The task's return value, read from the result backend every 0.1 s rather than through
        this process's pub/sub subscription (which outlives the fault tests' Redis restarts). When
        the task is not done in time, fails with what was queued and the worker's log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if result.ready():
                    return result.get(timeout=1)
            except RedisError:
                pass  # a pooled connection from before a Redis restart, dropped: the next read reconnects
            time.sleep(0.1)
        broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        raise AssertionError(
            f"task {result.id} is {result.state} after {timeout} s; {broker.llen('celery')} messages queued, "
            f"{broker.hlen('unacked')} unacknowledged; worker {self.name} "
            f"({'running' if self.process.poll() is None else f'exited {self.process.returncode}'}) logged:\n"
            + self.log_path.read_text()[-4000:]
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
