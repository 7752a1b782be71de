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

Targets: no failed request, 95th percentile of the pages under 300 ms, no lost update. The exit
status is 1 when a target is missed.
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

PAGE_P95_TARGET_MS = 300


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

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from benchmarks.load import data

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    log(f"Migrated and collected static files in {time.perf_counter() - started:.0f} s. Generating the data:")
    started = time.perf_counter()
    if options.national:
        from benchmarks.load import national

        scenario = national.generate(national.NationalSize(actions=options.actions_per_csp, render=options.render), log)
        log(f"   in {time.perf_counter() - started:.0f} s; the database takes {national.database_size()}")
    else:
        scenario = data.generate(data.Size(actions=options.actions, render=options.render), log=log)
        log(f"   in {time.perf_counter() - started:.0f} s")
    connections.close_all()
    return scenario


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
        f"pages p95 under {PAGE_P95_TARGET_MS} ms": pages_p95 < PAGE_P95_TARGET_MS,
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
