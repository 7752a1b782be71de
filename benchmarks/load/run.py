"""Quarter-end load run: locust against gunicorn, PostgreSQL, Redis and a Celery worker.

    .venv/bin/python benchmarks/load/run.py [--users 50] [--spawn-rate 5] [--run-time 5m] [--national]

1. Starts throwaway PostgreSQL and Redis servers (unless DATABASE_URL and REDIS_URL are set; the
   database named in DATABASE_URL must then exist and be empty), migrates, collects the static files
   and generates data ten times the demo (data.py), or with ``--national`` every CSP of England and
   Wales with about 100 actions each (national.py).
2. Starts gunicorn with the production settings and csp_portal/gunicorn.conf.py (its worker count
   unless --web-workers), and one Celery worker.
3. Runs ``locust --headless`` with the users of locustfile.py, then prints the requests, failures,
   requests a second, the 50th/95th/99th percentiles of the pages and, separately, of the report
   downloads, the slowest endpoints, and the lost-update check (lost_updates.py).

``--data-template NAME`` (with DATABASE_URL) keeps the generated data: the first run generates it
into the database NAME beside DATABASE_URL's and keeps the scenario in .make/load/NAME.json; every
run then copies NAME into DATABASE_URL's database (``CREATE DATABASE ... TEMPLATE``, seconds for the
national data) instead of generating it again, so that runs start from the same data. The stored
files (the issued reports' PDFs) stay in .make/load/NAME.media.

Every simulated user also opens the account page now and then: a trivial signed-in page (the
layout, the session and nothing else), the yardstick for what the machine and the load alone cost.
Each page's median is reported as a multiple of the yardstick's.

Targets: no failed request, no lost update, the 95th percentile of the pages and that of the
dashboard each at most 100 ms. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import runpy
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.load import samples  # noqa: E402

PAGE_P95_TARGET_MS = 100
DASHBOARD_P95_TARGET_MS = 100
DASHBOARD = "dashboard"


def _options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started a second (default 5)")
    parser.add_argument("--run-time", default="5m", help="how long locust runs, e.g. 60s or 5m (default 5m)")
    parser.add_argument("--actions", type=int, default=1500, help="actions to generate (default 1500)")
    parser.add_argument("--render", type=int, default=2, help="issued reports rendered with WeasyPrint (default 2)")
    parser.add_argument(
        "--draft-every", type=float, default=30, help="seconds between draft reports the officers request (0: none)"
    )
    parser.add_argument("--web-workers", type=int, help="gunicorn worker processes (default: gunicorn.conf.py's)")
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="CPU niceness of the Celery worker, as docker-compose.yml's cpu_shares gives it (default 10; 0: none)",
    )
    parser.add_argument(
        "--national", action="store_true", help="every CSP of England and Wales, --actions-per-csp actions each"
    )
    parser.add_argument("--actions-per-csp", type=int, default=100, help="with --national (default 100)")
    parser.add_argument("--results", type=Path, help="keep locust's CSV, the samples, the edits and the logs here")
    parser.add_argument(
        "--data-template",
        metavar="NAME",
        help="generate the data once into the database NAME (beside DATABASE_URL's) and copy it for each run",
    )
    return parser.parse_args()


def _environment(workdir: Path, port: int) -> None:
    """Production settings, as a deployment behind a TLS-terminating proxy sets them."""
    from benchmarks.report_render import create_database
    from tests.services import start_postgres, start_redis

    if not os.environ.get("DATABASE_URL"):
        postgres = start_postgres(workdir)
        _started.append(postgres)
        os.environ["DATABASE_URL"] = postgres.url
        create_database(postgres.url)
    if not os.environ.get("REDIS_URL"):
        redis = start_redis(workdir)
        _started.append(redis)
        os.environ["REDIS_URL"] = redis.url
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "csp_portal.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"https://127.0.0.1:{port}",
            "MEDIA_ROOT": str(workdir / "media"),
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
        }
    )


_started: list = []
_processes: list[subprocess.Popen] = []


def _prepare(options, log) -> dict:
    import django

    if options.data_template:
        return _copy_of_template(options, log)
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    log(f"Migrated and collected static files in {time.perf_counter() - started:.0f} s. Generating the data:")
    scenario = _generate(options, log)
    connections.close_all()
    return scenario


def _generate(options, log) -> dict:
    from benchmarks.load import data

    started = time.perf_counter()
    if options.national:
        from benchmarks.load import national

        scenario = national.generate(national.NationalSize(actions=options.actions_per_csp, render=options.render), log)
        log(f"   in {time.perf_counter() - started:.0f} s; the database takes {national.database_size()}")
    else:
        scenario = data.generate(data.Size(actions=options.actions, render=options.render), log=log)
        log(f"   in {time.perf_counter() - started:.0f} s")
    return scenario


def _copy_of_template(options, log) -> dict:
    """The run's database as a copy of the template database, generated first if it is not there."""
    import django
    import psycopg2

    url = os.environ["DATABASE_URL"]
    server, name = url.rsplit("/", 1)
    template = options.data_template
    scenario_file = ROOT / ".make" / "load" / f"{template}.json"
    # The issued reports' PDFs written with the data are kept beside it, for every run to download.
    os.environ["MEDIA_ROOT"] = str(scenario_file.with_suffix(".media"))
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        exists = cursor.fetchone() is not None
    if not exists or not scenario_file.exists():
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}"')
            cursor.execute(f'CREATE DATABASE "{template}"')
        os.environ["DATABASE_URL"] = f"{server}/{template}"
        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        log(f"Generating the data into the template database {template}:")
        scenario = _generate(options, log)
        connections.close_all()
        scenario_file.parent.mkdir(parents=True, exist_ok=True)
        scenario_file.write_text(json.dumps(scenario), encoding="utf-8")
        os.environ["DATABASE_URL"] = url
    started = time.perf_counter()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    admin.close()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = connections["default"].settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()
    log(f"Copied the data of {template} and collected static files in {time.perf_counter() - started:.0f} s")
    return json.loads(scenario_file.read_text(encoding="utf-8"))


def _gunicorn(port: int, workers: int, logfile: Path) -> subprocess.Popen:
    from tests.services import wait_for_port

    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "csp_portal/gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "csp_portal.wsgi:application"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=logfile.open("ab"),
        stderr=subprocess.STDOUT,
    )
    _processes.append(process)
    wait_for_port(port, 60, process)
    return process


def _warm_up(port: int, workers: int) -> None:
    """Let every gunicorn worker import the views and templates before the clock starts, as a
    deployment's workers have long since done by quarter end."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def fetch(path: str) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310 # nosec B310 - our own server
            answer.read()

    with ThreadPoolExecutor(workers * 2) as pool:
        list(pool.map(fetch, ["/account/sign-in/"] * workers * 4))


def _locust(options, port: int, results: Path, files: dict[str, Path]) -> int:
    env = dict(os.environ, **{f"LOAD_{name.upper()}": str(path) for name, path in files.items()})
    env["LOAD_DRAFT_EVERY"] = str(options.draft_every)
    command = [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless"]
    command += ["-u", str(options.users), "-r", str(options.spawn_rate), "-t", options.run_time]
    command += ["--host", f"http://127.0.0.1:{port}", "--csv", str(results / "locust"), "--only-summary"]
    command += ["--stop-timeout", "30", "--loglevel", "WARNING"]
    with (results / "locust.log").open("ab") as output:
        return subprocess.run(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT).returncode


def _report(summary: samples.Summary, verdict, log) -> bool:
    pct = samples.percentile
    pages_p95 = pct(summary.pages, 0.95)
    log(
        f"\nRequests {summary.requests} in {summary.seconds:.0f} s: {summary.per_second:.1f} a second; "
        f"failures {summary.failures}"
    )
    for text, count in sorted(summary.errors.items(), key=lambda item: -item[1])[:10]:
        log(f"   {count} x {text}")
    for label, times in (("pages (downloads excluded)", summary.pages), ("report downloads", summary.downloads)):
        log(
            f"{label:<27} {len(times):>6} requests  p50 {pct(times, 0.5):>5.0f} ms  p95 {pct(times, 0.95):>5.0f} ms"
            f"  p99 {pct(times, 0.99):>5.0f} ms  max {max(times, default=0):>5.0f} ms"
        )
    yardstick = pct(summary.times_of(samples.YARDSTICK), 0.5)
    dashboard_p95 = pct(summary.times_of(DASHBOARD), 0.95)
    log(
        f"Yardstick, the account page (signed in, the layout alone): median {yardstick:.0f} ms. "
        "Each page's median as a multiple of it:"
    )
    for name, times in sorted(summary.by_name.items(), key=lambda item: -pct(item[1], 0.5)):
        if name.startswith("GET ") and not name.startswith(f"GET {samples.DOWNLOAD}") and yardstick:
            log(f"   {name:<45} median {pct(times, 0.5):>5.0f} ms  {pct(times, 0.5) / yardstick:>5.1f} x")
    log("Slowest endpoints (by 95th percentile):")
    for name, count, p95, slowest in summary.slowest():
        log(f"   {name:<45} {count:>6} requests  p95 {p95:>5.0f} ms  max {slowest:>5.0f} ms")
    outcomes = ", ".join(f"{kind} {outcome} {count}" for (kind, outcome), count in sorted(verdict.outcomes.items()))
    log(f"Edits: {outcomes or 'none'}")
    log(
        f"Lost updates: {len(verdict.lost)} (saves based on the same version of the same record); "
        f"accepted saves missing from the history: {len(verdict.missing)}"
    )
    for basis, tokens in verdict.lost[:10]:
        log(f"   lost: {basis} saved by {len(tokens)} forms: {', '.join(tokens)}")
    for edit in verdict.missing[:10]:
        log(f"   missing: {edit}")
    checks = {
        "no failed request": summary.failures == 0,
        f"pages p95 at most {PAGE_P95_TARGET_MS} ms": pages_p95 <= PAGE_P95_TARGET_MS,
        f"dashboard p95 at most {DASHBOARD_P95_TARGET_MS} ms": 0 < dashboard_p95 <= DASHBOARD_P95_TARGET_MS,
        "no lost update": verdict.ok,
    }
    log("Targets: " + "; ".join(f"{name}: {'met' if met else 'NOT met'}" for name, met in checks.items()))
    return all(checks.values())


def _report_jobs(log) -> None:
    from django.db.models import Count

    from reports.models import ReportJob

    jobs = dict(ReportJob.objects.filter(kind=ReportJob.Kind.DRAFT).values_list("status").annotate(n=Count("id")))
    log(
        "Draft reports requested during the run, by state: "
        + (", ".join(f"{k} {v}" for k, v in jobs.items()) or "none")
    )


def main() -> int:
    options = _options()
    log = print
    from tests.services import free_port

    workdir = Path(tempfile.mkdtemp(prefix="csp-portal-load-"))
    os.chmod(workdir, 0o755)  # noqa: S103 - PostgreSQL runs as another user and keeps its data here # nosec B103
    results = options.results or workdir / "results"
    results.mkdir(parents=True, exist_ok=True)
    files = {
        "scenario": results / "scenario.json",
        "samples": results / "samples.jsonl",
        "edits": results / "edits.jsonl",
    }
    port = free_port()
    try:
        _environment(workdir, port)
        scenario = _prepare(options, log)
        files["scenario"].write_text(json.dumps(scenario), encoding="utf-8")
        workers = options.web_workers or runpy.run_path(str(ROOT / "csp_portal" / "gunicorn.conf.py"))["workers"]
        _gunicorn(port, workers, results / "gunicorn.log")
        from benchmarks.report_render import start_worker

        _processes.append(start_worker("load@localhost", results / "worker.log", nice=options.worker_nice))
        _warm_up(port, workers)
        load = os.getloadavg()
        log(
            f"Python {platform.python_version()}, {os.cpu_count()} cores, load average {load[0]:.1f} before the run; "
            f"gunicorn: {workers} sync worker processes; one Celery worker process (nice {options.worker_nice}).\n"
            f"locust: {options.users} users started {options.spawn_rate:g} a second, for {options.run_time}; "
            f"a draft report requested every {options.draft_every:g} s."
        )
        exit_code = _locust(options, port, results, files)
        log(f"locust finished (exit status {exit_code}); load average {os.getloadavg()[0]:.1f} at the end.")
        if not files["samples"].exists() or not files["samples"].stat().st_size:
            log("locust recorded no request: see " + str(results / "locust.log"))
            log((results / "locust.log").read_text(errors="replace")[-3000:])
            return 2
        from benchmarks.load import lost_updates

        verdict = lost_updates.check(samples.read_edits(files["edits"]))
        _report_jobs(log)
        met = _report(samples.read(files["samples"]), verdict, log)
        if options.results:
            log(f"Results kept in {results}")
        return 0 if met else 1
    finally:
        for process in reversed(_processes):
            process.terminate()
        for process in _processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        for service in reversed(_started):
            service.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
