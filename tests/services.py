"""Throwaway PostgreSQL and Redis servers for the test run.

When DATABASE_URL and REDIS_URL are set, the suite uses those servers (pytest-django creates its
test database on that PostgreSQL). Otherwise this plugin starts private servers from the installed
binaries, on free loopback ports inside a temporary directory, before Django reads its settings,
and removes them when the run ends. pytest-xdist workers inherit the environment, so only the
first process starts anything.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

STARTED_MARKER = "CSP_PORTAL_TEST_SERVICES"
ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DATABASE = "csp_portal_migrated"
# Dumps of the migrated database, one per state of the migrations: a later run restores one in a
# second instead of migrating for a minute. Not in git (.make/ is ignored); a clean clone migrates.
TEMPLATE_CACHE = ROOT / ".make" / "test-database"


@dataclass
class Service:
    """A server this run started. ``stop`` and ``start`` (again, on the same port and data) let the
    fault tests take it away and bring it back; ``stop`` is safe to call on a stopped server."""

    name: str
    url: str
    stop: callable
    details: dict = field(default_factory=dict)
    start: callable | None = None

    def restart(self, **stop_options) -> None:
        self.stop(**stop_options)
        self.start()


_services: list[Service] = []
_workdir: Path | None = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def find_postgres_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, else Debian's versioned directory."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(os.path.realpath(on_path)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _server_user() -> str | None:
    """PostgreSQL refuses to run as root; run it as the 'postgres' (or 'nobody') account then."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root with neither a 'postgres' nor a 'nobody' account")


def start_postgres(workdir: Path) -> Service:
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.exit(
            "PostgreSQL server not found: install the 'postgresql' package (apt-get install postgresql) "
            "or set DATABASE_URL.",
            returncode=4,
        )
    user = _server_user()
    root = workdir / "postgres"
    root.mkdir()
    if user:
        shutil.chown(root, user=user)
    data, log = root / "data", root / "server.log"
    port = free_port()
    subprocess.run(
        [bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-locale"],
        check=True,
        capture_output=True,
        user=user,
    )
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    )

    def start() -> None:
        subprocess.run(
            [bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start"],
            check=True,
            capture_output=True,
            user=user,
        )

    def stop(mode: str = "immediate") -> None:
        """``immediate`` is a crash, the quickest end of a throwaway server; ``fast`` is a clean shutdown."""
        subprocess.run([bin_dir / "pg_ctl", "-D", data, "-m", mode, "-w", "stop"], capture_output=True, user=user)

    start()
    url = f"postgres://postgres@127.0.0.1:{port}/csp_portal"
    _migrate_template(bin_dir, port, url.rpartition("/")[0])
    details = {"bin_dir": str(bin_dir), "data": str(data), "port": port, "user": user, "options": options}
    return Service("postgres", url, stop, details, start)


def _migrations_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" not in path.parts and "node_modules" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    import django

    digest.update(django.get_version().encode())
    return digest.hexdigest()[:16]


def _migrate_template(bin_dir: Path, port: int, server_url: str) -> None:
    """Migrate one database that every test process then copies (CREATE DATABASE ... TEMPLATE, see
    settings/test.py): migrating once rather than once a process saves about a minute of CPU each.
    The migrated database is dumped to TEMPLATE_CACHE, and restored from there while the migrations
    are unchanged."""
    client = {"env": os.environ | {"PGHOST": "127.0.0.1", "PGPORT": str(port), "PGUSER": "postgres"}, "check": True}
    subprocess.run([bin_dir / "createdb", TEMPLATE_DATABASE], capture_output=True, **client)
    dump = TEMPLATE_CACHE / f"{_migrations_fingerprint()}.sql"
    if dump.exists():
        subprocess.run(
            [bin_dir / "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", TEMPLATE_DATABASE, "-f", dump],
            capture_output=True,
            **client,
        )
    else:
        environment = os.environ | {
            "DATABASE_URL": f"{server_url}/{TEMPLATE_DATABASE}",
            "DJANGO_SETTINGS_MODULE": "csp_portal.settings.test",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=environment, check=True
        )
        TEMPLATE_CACHE.mkdir(parents=True, exist_ok=True)
        for stale in TEMPLATE_CACHE.glob("*.sql"):
            stale.unlink()
        partial = dump.with_suffix(f".{os.getpid()}.partial")
        subprocess.run([bin_dir / "pg_dump", "--no-owner", "-f", partial, TEMPLATE_DATABASE], **client)
        partial.rename(dump)
    os.environ["TEST_DATABASE_TEMPLATE"] = TEMPLATE_DATABASE


def start_redis(workdir: Path) -> Service:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.exit(
            "Redis server not found: install the 'redis-server' package (apt-get install redis-server) "
            "or set REDIS_URL.",
            returncode=4,
        )
    port = free_port()
    root = workdir / "redis"
    root.mkdir()
    running: list[subprocess.Popen] = []

    def start() -> None:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        running.append(process)
        wait_for_port(port, 15, process)

    def stop() -> None:
        while running:
            process = running.pop()
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    start()
    return Service("redis", f"redis://127.0.0.1:{port}/0", stop, {"port": port, "binary": binary}, start)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args) -> None:
    global _workdir
    if os.environ.get(STARTED_MARKER):
        # An xdist worker: the controller started (or was given) the servers. Each worker takes its
        # own Redis database, so its Celery workers never take another's tasks (which would run
        # against the other worker's test database) and the caches stay apart.
        _own_redis_database(os.environ.get("PYTEST_XDIST_WORKER", ""))
        return
    needs_postgres = not os.environ.get("DATABASE_URL")
    needs_redis = not os.environ.get("REDIS_URL")
    os.environ[STARTED_MARKER] = "1"
    _workdir = Path(tempfile.mkdtemp(prefix="csp-portal-tests-"))
    os.chmod(_workdir, 0o755)
    # Uploaded files and rendered reports go to the run's own folder, shared with the worker processes.
    if not os.environ.get("MEDIA_ROOT"):
        (_workdir / "media").mkdir()
        os.environ["MEDIA_ROOT"] = str(_workdir / "media")
    try:
        if needs_postgres:
            service = start_postgres(_workdir)
            _services.append(service)
            os.environ["DATABASE_URL"] = service.url
        if needs_redis:
            service = start_redis(_workdir)
            _services.append(service)
            os.environ["REDIS_URL"] = service.url
    except BaseException:
        stop_all()
        raise


def _own_redis_database(worker: str) -> None:
    """Point REDIS_URL at database 1 + the worker's number (gw0 -> /1, gw1 -> /2)."""
    url = os.environ.get("REDIS_URL", "")
    if not url or not worker.startswith("gw"):
        return
    base, _, _database = url.rpartition("/")
    os.environ["REDIS_URL"] = f"{base}/{int(worker[2:]) + 1}"


def started(name: str) -> Service | None:
    """The throwaway server of that name, when this run started one (fault tests stop and start it)."""
    return next((service for service in _services if service.name == name), None)


def stop_all() -> None:
    global _workdir
    while _services:
        _services.pop().stop()
    if _workdir is not None:
        shutil.rmtree(_workdir, ignore_errors=True)
        _workdir = None


def pytest_unconfigure(config) -> None:
    if not hasattr(config, "workerinput"):
        stop_all()
