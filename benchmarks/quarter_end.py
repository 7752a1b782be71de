"""Benchmark: quarter end with every CSP of England and Wales on one service.

    .venv/bin/python benchmarks/quarter_end.py [--workers 1 2] [--limit N] [--page-every 1]

Needs the national data (benchmarks/load/national.py) in the database named by DATABASE_URL, and
generates it there when that database is empty (about six minutes). For each number of worker
processes in ``--workers``:

1. Forgets the drafts an earlier run made (the partnerships' quarter-end marks and the jobs), and
   starts that many Celery worker processes, each a solo pool at ``nice 10`` as docker-compose.yml's
   ``cpu_shares`` places the workers below the web server.
2. Runs the quarter-end schedule as beat does on the first morning after the quarter
   (``reports.services.draft_quarter_end_reports``): a draft of every partnership's report, queued
   at once, sent at background priority.
3. While the workers render, this process plays a web process beside them: it opens the board
   member's dashboard, the officer's quarter report page and the account page (the trivial signed-in
   page) one after another every ``--page-every`` seconds, through Django's full request handling.
   When a tenth of the drafts are ready an officer asks for a draft of their own report, as one
   would that morning, and the time until it is ready is taken: it should wait for one report
   being rendered, not for the whole batch.
4. Waits until every draft is ready or failed, and reports the reports a minute, the time until all
   were ready, the pages' times during the batch against the same pages before it, and the
   officer's wait.

``--limit N`` drafts only the first N partnerships (by the schedule's order): a quicker run, said
so in the output.

Targets: no failed report; every page's 95th percentile during the batch at most 100 ms (the
workers must not starve the pages); the officer's draft ready within three times the median
report's render. The exit status is 1 when a target is missed.

PostgreSQL is the one in DATABASE_URL when that names one; otherwise a throwaway server is started
from the installed binaries (as the test suite does) and removed afterwards. Redis is always a
throwaway one, so that no earlier message is in the queue.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load.samples import percentile  # noqa: E402

PAGE_P95_TARGET_MS = 100
OFFICER_WAIT_TARGET = 3  # times the median render of one report
WORKER_NICE = 10


@dataclass
class Watched:
    name: str
    email: str
    url: str
    before: list[float] = field(default_factory=list)
    during: list[float] = field(default_factory=list)


def watched_pages() -> list[Watched]:
    from actionplans.queries import reporting_quarter
    from benchmarks.national_pages import pages

    by_name = {page.name: page for page in pages()}
    officer = by_name["report quarter"]
    board = by_name["dashboard"]
    assert reporting_quarter().slug in officer.url
    return [
        Watched("dashboard", board.email, board.url),
        Watched("report quarter", officer.email, officer.url),
        Watched("account page (yardstick)", officer.email, "/account/"),
    ]


class PageWatcher(threading.Thread):
    """Opens each watched page in turn every ``every`` seconds until stopped, recording the times
    in ``during`` (or ``before``)."""

    def __init__(self, watched: list[Watched], every: float, into: str):
        super().__init__(daemon=True)
        self.watched, self.every, self.into = watched, every, into
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        from django.db import connection
        from django.test import Client

        from csp_portal.organisations.models import User

        try:
            clients = {}
            for page in self.watched:
                clients[page.email] = clients.get(page.email) or Client()
                clients[page.email].force_login(User.objects.get(email=page.email))
            while not self.stopping.is_set():
                for page in self.watched:
                    started = time.perf_counter()
                    response = clients[page.email].get(page.url)
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 200:
                        raise RuntimeError(f"{page.name} answered {response.status_code}")
                    getattr(page, self.into).append(elapsed)
                self.stopping.wait(self.every)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            self.error = error
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(60)
        if self.error:
            raise self.error


def forget_earlier_drafts() -> None:
    from reports.models import ReportJob, ReportSettings

    ReportJob.objects.filter(kind=ReportJob.Kind.DRAFT).delete()
    ReportSettings.objects.update(drafted_year=None, drafted_number=None)


def wait_until_finished(job_ids: set[int], on_progress) -> None:
    from reports.models import ReportJob

    pending = set(job_ids)
    while pending:
        finished = ReportJob.objects.filter(
            pk__in=pending, status__in=[ReportJob.Status.READY, ReportJob.Status.FAILED]
        )
        pending -= set(finished.values_list("pk", flat=True))
        on_progress(len(job_ids) - len(pending))
        time.sleep(0.5)


@dataclass
class BatchResult:
    workers: int
    reports: int
    failed: int
    seconds: float
    render_median: float
    rendered_by: int
    officer_wait: float
    officer_render: float

    @property
    def per_minute(self) -> float:
        return 60 * self.reports / self.seconds


def batch(workers: int, limit: int | None, page_every: float, watched: list[Watched], workdir: Path) -> BatchResult:
    from actionplans.queries import reporting_quarter
    from benchmarks.report_render import start_worker
    from csp_portal.organisations.models import User
    from reports import services
    from reports.models import ReportJob

    forget_earlier_drafts()
    processes = [
        start_worker(f"quarter-end-{workers}-{n}@localhost", workdir / f"worker-{workers}-{n}.log", nice=WORKER_NICE)
        for n in range(workers)
    ]
    quarter = reporting_quarter()
    officer = User.objects.get(email=watched[1].email)
    asked: dict[str, object] = {}
    watcher = PageWatcher(watched, page_every, "during")
    try:
        if limit:
            _limit_schedule(limit)
        watcher.start()
        started = time.perf_counter()
        jobs = services.draft_quarter_end_reports(quarter.end + timedelta(days=1))
        queued = time.perf_counter() - started

        def on_progress(done: int) -> None:
            if "job" not in asked and done >= len(jobs) / 10:
                partnership = officer.roles.get(role="officer").partnership
                asked["at"] = time.perf_counter()
                asked["job"] = services.request_report(partnership, quarter, actor=officer, kind="draft")

        wait_until_finished({job.pk for job in jobs}, on_progress)
        seconds = time.perf_counter() - started
        officer_job = asked["job"]
        wait_until_finished({officer_job.pk}, lambda done: None)
    finally:
        watcher.stop()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(60)
    print(f"   {len(jobs)} drafts queued in {queued:.1f} s")
    finished = ReportJob.objects.filter(pk__in=[job.pk for job in jobs])
    renders = [
        (job.finished - job.started).total_seconds()
        for job in finished.filter(status=ReportJob.Status.READY).only("started", "finished")
    ]
    officer_job.refresh_from_db()
    return BatchResult(
        workers=workers,
        reports=len(jobs),
        failed=finished.filter(status=ReportJob.Status.FAILED).count(),
        seconds=seconds,
        render_median=statistics.median(renders) if renders else 0.0,
        rendered_by=finished.order_by().values("worker").distinct().count(),
        officer_wait=(officer_job.finished - officer_job.created).total_seconds(),
        officer_render=(officer_job.finished - officer_job.started).total_seconds(),
    )


def _limit_schedule(limit: int) -> None:
    """Mark every partnership past the first ``limit`` (in the schedule's order) as drafted already."""
    from actionplans.queries import reporting_quarter
    from csp_portal.organisations.models import Partnership
    from priorities.models import Plan
    from reports.models import ReportSettings

    quarter = reporting_quarter()
    partnerships = Partnership.objects.filter(plans__status=Plan.Status.AGREED).distinct().order_by("pk")
    skipped = list(partnerships.values_list("pk", flat=True)[limit:])
    existing = set(ReportSettings.objects.values_list("partnership_id", flat=True))
    ReportSettings.objects.bulk_create([ReportSettings(partnership_id=pk) for pk in skipped if pk not in existing])
    ReportSettings.objects.filter(partnership_id__in=skipped).update(
        drafted_year=quarter.year, drafted_number=quarter.number
    )


def pages_before(watched: list[Watched], page_every: float, seconds: float) -> None:
    watcher = PageWatcher(watched, page_every, "before")
    watcher.start()
    time.sleep(seconds)
    watcher.stop()


def report(results: list[BatchResult], watched_by_run: list[list[Watched]], limit: int | None) -> bool:
    ok = True
    load = os.getloadavg()
    print(
        f"\nPython {platform.python_version()}, {os.cpu_count()} cores, load average {load[0]:.1f} at the end; "
        f"workers at nice {WORKER_NICE}."
        + (f" Only the first {limit} partnerships were drafted (--limit)." if limit else "")
    )
    for result, watched in zip(results, watched_by_run, strict=True):
        print(
            f"\n{result.workers} worker process{'es' if result.workers > 1 else ''}: {result.reports} drafts, "
            f"all ready in {result.seconds / 60:.1f} min ({result.seconds:.0f} s), {result.per_minute:.1f} reports "
            f"a minute; one report's render: median {result.render_median:.1f} s; rendered by "
            f"{result.rendered_by} worker process{'es' if result.rendered_by > 1 else ''}; failed {result.failed}"
        )
        officer_ok = result.officer_wait <= OFFICER_WAIT_TARGET * result.render_median
        print(
            f"   an officer's own draft, asked for when a tenth were ready: ready {result.officer_wait:.1f} s later "
            f"(its render {result.officer_render:.1f} s; target at most {OFFICER_WAIT_TARGET} x the median render, "
            f"{OFFICER_WAIT_TARGET * result.render_median:.1f} s: {'met' if officer_ok else 'NOT met'})"
        )
        print(f"   {'page':<28}{'before p50':>11}{'p95':>7}{'during p50':>11}{'p95':>7}  requests during")
        for page in watched:
            p95 = percentile(page.during, 0.95)
            page_ok = p95 <= PAGE_P95_TARGET_MS
            ok = ok and page_ok
            print(
                f"   {page.name:<28}{statistics.median(page.before):>11.1f}{percentile(page.before, 0.95):>7.1f}"
                f"{statistics.median(page.during):>11.1f}{p95:>7.1f}  {len(page.during):>6}"
                + ("" if page_ok else f"  p95 over {PAGE_P95_TARGET_MS} ms")
            )
        ok = ok and officer_ok and result.failed == 0
    print("\nTargets " + ("met" if ok else "NOT met"))
    return ok


def run(options, workdir: Path) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from actionplans.models import Action
    from benchmarks.load import national

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    if not Action.objects.exists():
        print("Generating the national data:")
        national.generate(national.NationalSize(render=1))
    print(f"National data: {national.database_size()}")
    results, watched_by_run = [], []
    for workers in options.workers:
        watched = watched_pages()
        pages_before(watched, options.page_every, 20)
        print(f"\n{workers} worker process{'es' if workers > 1 else ''}: drafting")
        results.append(batch(workers, options.limit, options.page_every, watched, workdir))
        watched_by_run.append(watched)
    forget_earlier_drafts()
    return 0 if report(results, watched_by_run, options.limit) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker processes, run by run")
    parser.add_argument("--limit", type=int, help="draft only the first N partnerships")
    parser.add_argument("--page-every", type=float, default=1.0, help="seconds between rounds of the pages")
    options = parser.parse_args()

    from tests.services import start_postgres, start_redis

    workdir = Path(tempfile.mkdtemp(prefix="csp-portal-quarter-end-"))
    os.chmod(workdir, 0o755)  # noqa: S103 - PostgreSQL runs as another user and keeps its data here # nosec B103
    started = []
    try:
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            from benchmarks.report_render import create_database

            postgres = start_postgres(workdir)
            started.append(postgres)
            os.environ["DATABASE_URL"] = postgres.url
            create_database(postgres.url)
        redis = start_redis(workdir)
        started.append(redis)
        os.environ.update(
            {
                "REDIS_URL": redis.url,
                "DJANGO_SETTINGS_MODULE": "csp_portal.settings.local",
                "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-key-0123456789abcdefghijklmnopqrstuvwxyz"),
                "MEDIA_ROOT": str(workdir / "media"),
                "EMAIL_URL": "dummymail://",
            }
        )
        return run(options, workdir)
    finally:
        for service in reversed(started):
            service.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
