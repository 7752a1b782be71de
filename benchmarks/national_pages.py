"""Benchmark: the pages of the quarter-end load run with every CSP of England and Wales in the database.

    .venv/bin/python benchmarks/national_pages.py [--requests 20] [--explain 2]

Builds national data (benchmarks/load/national.py: 314 CSPs and their county boards, about 100
actions each, 8 quarters of returns, people, issued reports, crime counts and indicators) in the
database named by DATABASE_URL, or reuses it when that database already holds it; and the same data
at about the demo's size (3 CSPs and their county board, 60 actions each) in a second database beside
it (``<name>_small``). Then requests each page the load run opens (home pages of each role, the
dashboard, the county board's roll-up, a quarter's report page, a priority's action plan, an action,
my actions, a quarter's returns, the issued reports, search) through Django's full request handling
(the test client, no network): ``--requests`` times cold (the cache emptied before each request, so
the report snapshot is built again) and as many with the cached snapshot, after three warm-up
requests. Prints the median and 95th percentile of each, the number of queries at both sizes, and
with ``--explain N`` the EXPLAIN (ANALYZE, BUFFERS) of each page's N slowest queries.

Exits with status 1 when a page's median with the cached snapshot is over 100 ms, or when a page's
query count with national data differs from the one at the small size.

PostgreSQL is the one in DATABASE_URL when that names one; otherwise a throwaway server is started
from the installed binaries (as the test suite does) and removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEDIAN_TARGET_MS = 100
# Actions in each partnership of the small data: the fewest that give a partnership an escalation the
# board deferred, as every partnership of the national data has (the pattern is data.py's), so that
# both sizes show the same kinds of thing and only their number differs.
SMALL_ACTIONS = 60


@dataclass
class Page:
    name: str
    email: str
    url: str
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    queries: tuple[int, int] = (0, 0)  # cold, warm
    slowest: list[tuple[float, str, tuple]] = field(default_factory=list)


def pages() -> list[Page]:
    """The load run's pages, for the people of the first district CSP of the county board with the
    most district CSPs."""
    from django.db.models import Count

    from actionplans.models import Action
    from actionplans.queries import reporting_quarter
    from csp_portal.organisations.models import Partnership
    from priorities.models import Priority

    county = (
        Partnership.objects.filter(kind="county")
        .annotate(n=Count("district_partnerships"))
        .order_by("-n", "name")
        .first()
    )
    csp = county.district_partnerships.order_by("name").first()
    priority = Priority.objects.filter(plan__partnership=csp).order_by("order").first()
    action = Action.objects.filter(partnership=csp, status="in_progress").order_by("priority__order", "order").first()
    quarter = reporting_quarter().slug
    base = f"/partnerships/{csp.slug}"
    officer, lead, board = (f"{role}1.{csp.slug}@load.example" for role in ("officer", "lead", "board"))
    county_board = f"board1.{county.slug}@load.example"
    return [
        Page("home (officer)", officer, "/"),
        Page("home (action lead)", lead, "/"),
        Page("home (board member)", board, "/"),
        Page("dashboard", board, f"{base}/reports/"),
        Page("county dashboard (roll-up)", county_board, f"/partnerships/{county.slug}/reports/"),
        Page("report quarter", officer, f"{base}/reports/quarters/{quarter}/"),
        Page("action plans", board, f"{base}/actions/"),
        Page("action plan of a priority", officer, f"{base}/actions/priorities/{priority.pk}/"),
        Page("action", officer, f"{base}/actions/{action.pk}/"),
        Page("my actions", lead, "/my-actions/"),
        Page("quarter's returns", officer, f"{base}/actions/quarters/{quarter}/"),
        Page("issued reports", board, f"{base}/reports/issued/"),
        Page("search", officer, "/search/?q=domestic+abuse"),
    ]


def _get(client, page: Page, record=None) -> float:
    from django.db import connection

    started = time.perf_counter()
    if record is None:
        response = client.get(page.url)
    else:
        with connection.execute_wrapper(record):
            response = client.get(page.url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{page.name} ({page.url}) answered {response.status_code}")
    return elapsed


def _recorded(client, page: Page) -> tuple[int, list]:
    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql, params))

    _get(client, page, record)
    return len(queries), sorted(queries, key=lambda q: -q[0])


def measure(page: Page, requests: int) -> Page:
    from django.core.cache import cache
    from django.test import Client

    from csp_portal.organisations.models import User

    client = Client()
    client.force_login(User.objects.get(email=page.email))
    for _ in range(3):
        _get(client, page)
    cache.clear()
    cold, page.slowest = _recorded(client, page)
    warm, _ = _recorded(client, page)
    page.queries = (cold, warm)
    for _ in range(requests):
        cache.clear()
        page.cold.append(_get(client, page))
    for _ in range(requests):
        page.warm.append(_get(client, page))
    return page


def explain(page: Page, count: int) -> None:
    from django.db import connection

    for ms, sql, params in page.slowest[:count]:
        print(f"\n-- {page.name}: {ms:.1f} ms\n{sql % tuple(repr(p) for p in params) if params else sql}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row[0] for row in cursor.fetchall()))


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[int(round(share * (len(ordered) - 1)))]


def _use_database(name: str) -> None:
    from django.core.cache import cache
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name
    cache.clear()


def _fill(size, label: str) -> None:
    from django.core.management import call_command

    from actionplans.models import Action
    from benchmarks.load import national

    call_command("migrate", verbosity=0)
    if Action.objects.exists():
        print(f"{label}: reusing the data already there ({national.database_size()})")
        return
    started = time.perf_counter()
    print(f"{label}: generating")
    national.generate(size)
    print(f"   in {time.perf_counter() - started:.0f} s; the database takes {national.database_size()}")


def _report(national_pages: list[Page], demo_pages: list[Page], requests: int) -> bool:
    load = os.getloadavg()
    print(
        f"\n{requests} requests a page cold (cache emptied before each) and {requests} with the cached snapshot; "
        f"{os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end"
    )
    print(
        f"{'page':<28}{'cold p50':>9}{'p95':>7}{'cached p50':>11}{'p95':>7}"
        f"{'queries cold/cached':>21}{'small':>11}  verdict"
    )
    ok = True
    for page, small in zip(national_pages, demo_pages, strict=True):
        slow = statistics.median(page.warm) > MEDIAN_TARGET_MS
        differs = page.queries != small.queries
        ok = ok and not slow and not differs
        verdict = "; ".join(
            [f"median over {MEDIAN_TARGET_MS} ms"] * slow + ["query count differs from the small size"] * differs
        )
        print(
            f"{page.name:<28}{statistics.median(page.cold):>9.1f}{_percentile(page.cold, 0.95):>7.1f}"
            f"{statistics.median(page.warm):>11.1f}{_percentile(page.warm, 0.95):>7.1f}"
            f"{'/'.join(map(str, page.queries)):>21}{'/'.join(map(str, small.queries)):>11}  {verdict or 'ok'}"
        )
    return ok


def run(args) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.test")
    os.environ.setdefault("REDIS_URL", "")
    django.setup()
    from django.conf import settings

    from benchmarks.load import national

    settings.ALLOWED_HOSTS = ["testserver"]
    name = settings.DATABASES["default"]["NAME"]
    demo_name = f"{name}_small"
    _ensure_database(os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + demo_name)
    _use_database(demo_name)
    _fill(national.NationalSize(csps=3, actions=SMALL_ACTIONS, render=1), f"Small ({demo_name})")
    demo_pages = [measure(page, 2) for page in pages()]
    _use_database(name)
    _fill(national.NationalSize(render=1), f"National ({name})")
    national_pages = [measure(page, args.requests) for page in pages()]
    for page in national_pages if args.explain else []:
        explain(page, args.explain)
    return 0 if _report(national_pages, demo_pages, args.requests) else 1


def _ensure_database(url: str) -> None:
    import psycopg2

    server, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="requests a page, cold and cached (default 20)")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN ANALYZE each page's N slowest queries")
    args = parser.parse_args()
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-national-media-"))
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _ensure_database(os.environ["DATABASE_URL"])
        return run(args)
    from tests.services import start_postgres

    with tempfile.TemporaryDirectory(prefix="bench-national-") as workdir:
        os.chmod(workdir, 0o755)  # noqa: S103 - PostgreSQL runs as another user and keeps its data here # nosec B103
        service = start_postgres(Path(workdir))
        try:
            os.environ["DATABASE_URL"] = service.url
            _ensure_database(service.url)
            print(f"Started a throwaway PostgreSQL: {service.url}")
            return run(args)
        finally:
            service.stop()


if __name__ == "__main__":
    sys.exit(main())
