"""Benchmark: rendering quarterly monitoring reports.

    .venv/bin/python benchmarks/report_render.py [--actions 60] [--partnerships 8] [--repeat 5]

1. **The whole job against WeasyPrint alone.** Builds a partnership with ``--actions`` actions (five
   priorities, four quarters of returns each, escalations and board decisions, three indicators with
   charts, funding), then times the render job exactly as a worker runs it (``services.run_job``:
   claim the job, read the snapshot, draw the charts, render the template, lay out and write the PDF
   with WeasyPrint, store it, mark it ready) and, separately, WeasyPrint alone on the job's final
   HTML (``HTML(string=...).render()`` and ``write_pdf``). Median of ``--repeat`` runs after a warm-up.
   Target: the whole job within 1.3 times WeasyPrint's own time.
2. **Throughput.** Builds ``--partnerships`` partnerships of the same size, queues a draft of each
   one's report through Redis, and times how long one Celery worker process, then two, take to render
   them all (reports per minute).

PostgreSQL and Redis are the ones in DATABASE_URL and REDIS_URL when set; otherwise throwaway servers
are started from the installed binaries (as the test suite does) and removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUARTERS = 4


def create_database(url: str) -> None:
    import psycopg2

    server, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def build(tag: str, actions: int):
    """A district CSP with five priorities sharing ``actions`` actions; returns (partnership, officer)."""
    from datetime import UTC, date, datetime, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from actionplans.models import Action, FundingAllocation, ProgressReturn
    from actionplans.queries import reporting_quarter
    from assessments.models import Indicator, IndicatorValue
    from csp_portal.organisations.models import Agency, Partnership, Role, User
    from priorities.models import Outcome, Plan, Priority
    from reports.models import Decision, Meeting

    partnership = Partnership.objects.create(name=f"Bench CSP {tag}", slug=f"bench-{tag}", kind="district")
    officer = User.objects.create_user(f"officer-{tag}@bench.example", "x", full_name="Bench Officer")
    lead = User.objects.create_user(f"lead-{tag}@bench.example", "x", full_name="Bench Lead")
    Role.objects.create(user=officer, partnership=partnership, role="officer")
    Role.objects.create(user=lead, partnership=partnership, role="lead")
    police, _ = Agency.objects.get_or_create(name="Lancashire Constabulary", defaults={"agency_type": "police"})
    plan = Plan.objects.create(
        partnership=partnership,
        title="Community Safety Plan",
        period_start=date(2024, 4, 1),
        period_end=date(2027, 3, 31),
        status="agreed",
    )
    reported = reporting_quarter() - 1
    allocation = FundingAllocation.objects.create(
        partnership=partnership, year=reported.year, source="OPCC grant", amount=Decimal("10000")
    )
    priorities = []
    for n, title in enumerate(
        [
            "Domestic abuse",
            "Violence against the person",
            "Anti-social behaviour",
            "Road safety",
            "Serious acquisitive crime",
        ],
        start=1,
    ):
        priority = Priority.objects.create(
            plan=plan, title=title, order=n, lead_role="Chief Inspector", lead_agency=police
        )
        Outcome.objects.create(priority=priority, text=f"Reduce {title.lower()}", order=1, measure="Quarterly figures")
        priorities.append(priority)
    since = datetime(2023, 4, 1, tzinfo=UTC)
    made = Action.objects.bulk_create(
        Action(
            priority=priorities[n % len(priorities)],
            partnership=partnership,
            order=n,
            title=f"Action {n}: prevention campaign in schools and colleges with partner agencies",
            activity="Link in with school relationship work",
            timescale="To March 2027",
            lead_agency=police,
            lead_user=lead,
            targets="Fewer repeat referrals to MARAC",
            budget=Decimal("100") if n % 3 == 0 else None,
            funding=allocation if n % 3 == 0 else None,
            status="in_progress",
            created=since,
        )
        for n in range(actions)
    )
    rags = ["green", "green", "amber", "red", "green", "complete"]
    returns = []
    for n, action in enumerate(made):
        for q in range(QUARTERS):
            quarter = reported - (QUARTERS - 1 - q)
            returns.append(
                ProgressReturn(
                    action=action,
                    year=quarter.year,
                    number=quarter.number,
                    rag=rags[(n + q) % len(rags)],
                    narrative="Progress this quarter: the sessions ran as planned in most schools, two were moved to "
                    "next term because of staff absence, and feedback from pupils and teachers was good.",
                    percent_complete=min(100, 25 * (q + 1)),
                    risks="Partner capacity over the summer." if rags[(n + q) % len(rags)] in {"amber", "red"} else "",
                    support_needed="The board to confirm next year's match-funding." if n % 10 == 0 else "",
                    status="accepted",
                    submitted_by=lead,
                    submitted_at=timezone.now(),
                    reviewed_by=officer,
                    reviewed_at=timezone.now(),
                )
            )
    ProgressReturn.objects.bulk_create(returns)
    previous = reported - 1
    meeting = Meeting.objects.create(
        partnership=partnership,
        year=previous.year,
        number=previous.number,
        starts=datetime.combine(previous.end + timedelta(days=20), datetime.min.time(), tzinfo=UTC)
        + timedelta(hours=10),
    )
    for progress in ProgressReturn.objects.filter(
        action__priority__plan=plan, year=previous.year, number=previous.number
    ).exclude(support_needed="")[:3]:
        Decision.objects.create(
            progress_return=progress,
            meeting=meeting,
            outcome="agreed",
            decision="Agreed: the partnership officer writes to the commissioners.",
            recorded_by=officer,
            recorded_at=timezone.now(),
        )
    for n, name in enumerate(["Repeat referrals to MARAC", "Violent crime", "Anti-social behaviour incidents"]):
        indicator = Indicator.objects.create(
            partnership=partnership,
            name=name,
            unit="incidents",
            source="Benchmark figures",
            frequency="quarter",
            target=Decimal(40 + n),
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, period_start=(reported - k).start, value=Decimal(40 + (k * 7) % 13))
            for k in range(12)
        )
    return partnership, officer, reported


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def whole_job_against_weasyprint(actions: int, repeat: int) -> dict:
    from weasyprint import HTML

    from reports import rendering, services, snapshot
    from reports.models import ReportJob

    partnership, officer, quarter = build("single", actions)

    def job() -> ReportJob:
        return ReportJob.objects.create(
            partnership=partnership, year=quarter.year, number=quarter.number, kind="issue", requested_by=officer
        )

    inside = []  # WeasyPrint's time within each job, timed around the job's own call
    real_render_pdf = rendering.render_pdf

    def render_pdf(html):
        seconds, rendered = timed(lambda: real_render_pdf(html))
        inside.append(seconds)
        return rendered

    rendering.render_pdf = render_pdf
    services.run_job(job().pk, notify=False)  # warm-up: fonts, matplotlib, templates
    inside.clear()
    whole, alone, parts = [], [], {"snapshot": [], "html": []}
    html = ""
    for _ in range(repeat):
        seconds, finished = timed(lambda: services.run_job(job().pk, notify=False))
        assert finished.status == "ready", finished.error
        whole.append(seconds)
        version = finished.result
        html = rendering.render_html(version.snapshot)
        fetcher = rendering.StaticOnlyFetcher()

        def weasyprint_alone(html=html, fetcher=fetcher):
            document = HTML(string=html, base_url=rendering.BASE_URL, url_fetcher=fetcher).render(
                pdf_variant=rendering.PDF_VARIANT
            )
            return document.write_pdf(pdf_variant=rendering.PDF_VARIANT)

        alone.append(timed(weasyprint_alone)[0])
        parts["snapshot"].append(timed(lambda: snapshot.build(partnership, quarter))[0])
        parts["html"].append(timed(lambda data=version.snapshot: rendering.render_html(data))[0])
    rendering.render_pdf = real_render_pdf
    ratios = [w / i for w, i in zip(whole, inside, strict=True)]
    return {
        "actions": actions,
        "pages": version.pages,
        "size_kb": version.size / 1024,
        "html_kb": len(html.encode()) / 1024,
        "whole": statistics.median(whole),
        "inside": statistics.median(inside),
        "alone": statistics.median(alone),
        "ratio": statistics.median(ratios),
        "ratio_alone": statistics.median(whole) / statistics.median(alone),
        "snapshot": statistics.median(parts["snapshot"]),
        "html": statistics.median(parts["html"]),
        "runs": list(zip(whole, inside, alone, strict=True)),
    }


def start_worker(name: str, log: Path, nice: int = 0) -> subprocess.Popen:
    """One solo Celery worker process; ``nice`` lowers its CPU priority below the web server's."""
    from csp_portal.celery import app

    process = subprocess.Popen(
        (["nice", "-n", str(nice)] if nice else [])
        + [sys.executable, "-m", "celery", "-A", "csp_portal", "worker", "--pool=solo", "--concurrency=1"]
        + ["--without-gossip", "--without-mingle", "--loglevel=WARNING", "-n", name],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[name], timeout=0.5):
            return process
    raise RuntimeError(f"worker {name} did not start: {log.read_text()[-2000:]}")


def throughput(partnerships: list, quarter, workers: int, workdir: Path) -> dict:
    from django.db import transaction

    from reports import services
    from reports.models import ReportJob

    processes = [
        start_worker(f"bench-{workers}-{n}@localhost", workdir / f"worker-{workers}-{n}.log") for n in range(workers)
    ]
    try:
        started = time.perf_counter()
        with transaction.atomic():
            jobs = [services.request_report(p, quarter, actor=officer, kind="draft") for p, officer in partnerships]
        pending = {job.pk for job in jobs}
        while pending:
            done = set(
                ReportJob.objects.filter(pk__in=pending, status__in=["ready", "failed"]).values_list("pk", flat=True)
            )
            pending -= done
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        finished = ReportJob.objects.filter(pk__in=[j.pk for j in jobs])
        failed = finished.filter(status="failed").count()
        rendered_by = finished.order_by().values("worker").distinct().count()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
    return {
        "workers": workers,
        "rendered_by": rendered_by,
        "reports": len(jobs),
        "failed": failed,
        "seconds": elapsed,
        "per_minute": 60 * len(jobs) / elapsed,
    }


def single_report(options) -> None:
    single = whole_job_against_weasyprint(options.actions, options.repeat)
    verdict = "met" if single["ratio"] <= 1.3 else "NOT met"
    print(
        f"\n1. One report: {single['actions']} actions, {single['pages']} pages, {single['size_kb']:.0f} KB PDF "
        f"from {single['html_kb']:.0f} KB of HTML (medians of {options.repeat} runs)\n"
        f"   whole job (services.run_job)                 {single['whole']:.2f} s\n"
        f"   WeasyPrint within the job (render + write)   {single['inside']:.2f} s\n"
        f"   WeasyPrint alone on the job's final HTML     {single['alone']:.2f} s\n"
        f"   whole job / WeasyPrint, run by run           {single['ratio']:.2f} (target at most 1.30: {verdict})\n"
        f"   whole job / WeasyPrint alone, medians        {single['ratio_alone']:.2f}\n"
        f"   the rest: snapshot {single['snapshot'] * 1000:.0f} ms, "
        f"template and charts {single['html'] * 1000:.0f} ms"
    )
    for number, (whole, inside, alone) in enumerate(single["runs"], start=1):
        print(f"   run {number}: whole {whole:.2f} s, WeasyPrint in the job {inside:.2f} s, alone {alone:.2f} s")


def _spin(_=None) -> float:
    started, total = time.perf_counter(), 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


def parallel_headroom() -> float:
    """How long two CPU-bound processes take side by side, against one alone: 1.0 when two cores are
    free, 2.0 when the machine (shared with other work) gives effectively one."""
    import multiprocessing

    alone = _spin()
    with multiprocessing.Pool(2) as pool:
        started = time.perf_counter()
        pool.map(_spin, [0, 1])
        both = time.perf_counter() - started
    return both / alone


def throughputs(options, workdir: Path) -> None:
    built = [build(f"p{n}", options.actions) for n in range(options.partnerships)]
    partnerships, quarter = [(p, officer) for p, officer, _ in built], built[0][2]
    print(f"\n2. Throughput: {len(partnerships)} partnerships' reports of {options.actions} actions, queued at once")
    print(f"   two CPU-bound processes side by side take {parallel_headroom():.2f} times as long as one (before)")
    for workers in (1, 2):
        result = throughput(partnerships, quarter, workers, workdir)
        print(
            f"   {workers} worker process{'es' if workers > 1 else ''}: {result['reports']} reports in "
            f"{result['seconds']:.1f} s, {result['per_minute']:.1f} reports a minute, "
            f"rendered by {result['rendered_by']} worker process{'es' if result['rendered_by'] > 1 else ''}"
            + (f" ({result['failed']} failed)" if result["failed"] else "")
        )
    print(f"   two CPU-bound processes side by side take {parallel_headroom():.2f} times as long as one (after)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=60)
    parser.add_argument("--partnerships", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["single", "throughput"], help="Run one of the two parts only.")
    options = parser.parse_args()

    from tests.services import start_postgres, start_redis

    workdir = Path(tempfile.mkdtemp(prefix="csp-portal-report-bench-"))
    os.chmod(workdir, 0o755)  # noqa: S103 - PostgreSQL runs as another user and keeps its data here # nosec B103
    services_started = []
    if not os.environ.get("DATABASE_URL"):
        postgres = start_postgres(workdir)
        services_started.append(postgres)
        os.environ["DATABASE_URL"] = postgres.url
        create_database(postgres.url)
    if not os.environ.get("REDIS_URL"):
        redis = start_redis(workdir)
        services_started.append(redis)
        os.environ["REDIS_URL"] = redis.url
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "csp_portal.settings.local"
    os.environ["EMAIL_URL"] = "dummymail://"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

        print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {options.actions} actions a report.")
        if options.only != "throughput":
            single_report(options)
        if options.only != "single":
            throughputs(options, workdir)
        load = os.getloadavg()
        print(f"\nLoad average at the end: {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}")
    finally:
        for service in reversed(services_started):
            service.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
