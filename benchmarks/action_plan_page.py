"""Benchmark: the action plan page of one priority with 60 actions and 8 quarters of returns each.

    .venv/bin/python benchmarks/action_plan_page.py [--requests 200] [--actions 60] [--quarters 8]

Builds a partnership, a plan and a priority with ``--actions`` actions, each with a lead, a lead
agency, another agency responsible and ``--quarters`` quarters of progress returns, then requests the
page as its partnership officer ``--requests`` times through Django's full request handling
(middleware, permission checks, queries, templates; the test client, so no network), after ten
warm-up requests. Prints the median, 95th percentile, minimum and maximum response times and the
number of queries the page runs, for this size and for a tenth of it (6 actions).

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def create_database(url: str) -> None:
    import psycopg2

    server, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def build(actions: int, quarters: int, tag: str):
    """A partnership with one priority holding ``actions`` actions; returns (officer, url)."""
    from datetime import UTC, date, datetime

    from django.urls import reverse

    from actionplans.models import Action, ProgressReturn
    from actionplans.queries import reporting_quarter
    from csp_portal.organisations.models import Agency, Partnership, Role, User
    from priorities.models import Plan, Priority

    partnership = Partnership.objects.create(name=f"Bench CSP {tag}", slug=f"bench-{tag}", kind="district")
    officer = User.objects.create_user(f"officer-{tag}@bench.example", "x", full_name="Bench Officer")
    lead = User.objects.create_user(f"lead-{tag}@bench.example", "x", full_name="Bench Lead")
    Role.objects.create(user=officer, partnership=partnership, role="officer")
    Role.objects.create(user=lead, partnership=partnership, role="lead")
    police, _ = Agency.objects.get_or_create(name="Lancashire Constabulary", defaults={"agency_type": "police"})
    council, _ = Agency.objects.get_or_create(
        name="Lancaster City Council", defaults={"agency_type": "local_authority"}
    )
    plan = Plan.objects.create(
        partnership=partnership, title="Plan", period_start=date(2024, 4, 1), period_end=date(2027, 3, 31)
    )
    priority = Priority.objects.create(plan=plan, title="Domestic abuse", order=1)
    since = datetime(2023, 4, 1, tzinfo=UTC)
    made = Action.objects.bulk_create(
        Action(
            priority=priority,
            partnership=partnership,
            order=n,
            title=f"Action {n}: DV prevention campaign in schools and colleges",
            activity="Link in with school relationship work\nCreate links with family services",
            resources="PCSOs to deliver messages in schools",
            timescale="To March 2027",
            lead_agency=police,
            lead_user=lead,
            others_names=council.name,
            other_partners="DV Group",
            targets="Fewer repeat referrals to MARAC",
            status="in_progress",
            created=since,
        )
        for n in range(1, actions + 1)
    )
    Action.others_responsible.through.objects.bulk_create(
        Action.others_responsible.through(action_id=a.pk, agency_id=council.pk) for a in made
    )
    last = reporting_quarter()
    ProgressReturn.objects.bulk_create(
        ProgressReturn(
            action=a,
            year=(last - q).year,
            number=(last - q).number,
            rag=["green", "amber", "red", "green"][(a.pk + q) % 4],
            narrative="Two campaigns ran this quarter.",
            percent_complete=50,
            status="accepted",
        )
        for a in made
        for q in range(quarters)
    )
    return officer, reverse("actionplans:priority_plan", args=[partnership.slug, priority.pk])


def measure(client, url: str, requests: int) -> dict:
    from django.db import connection

    for _ in range(10):
        assert client.get(url).status_code == 200
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "median": statistics.median(timings),
        "p95": timings[int(round(0.95 * (len(timings) - 1)))],
        "min": timings[0],
        "max": timings[-1],
        "queries": len(queries),
        "bytes": len(response.content),
    }


def run(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.test")
    os.environ.setdefault("REDIS_URL", "")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    print(f"Database: {settings.DATABASES['default']['ENGINE']} {settings.DATABASES['default']['NAME']}")
    results = []
    for actions in (args.actions // 10, args.actions):
        officer, url = build(actions, args.quarters, f"{actions}-{os.getpid()}")
        client = Client()
        client.force_login(officer)
        results.append((actions, measure(client, url, args.requests)))
    print()
    print(
        f"Action plan page, {args.quarters} quarters of returns per action, {args.requests} requests after 10 warm-up:"
    )
    print(f"{'actions':>8}{'median ms':>11}{'p95 ms':>9}{'min ms':>9}{'max ms':>9}{'queries':>9}{'KB':>7}")
    for actions, r in results:
        print(
            f"{actions:>8}{r['median']:>11.1f}{r['p95']:>9.1f}{r['min']:>9.1f}{r['max']:>9.1f}"
            f"{r['queries']:>9}{r['bytes'] / 1024:>7.0f}"
        )
    assert results[0][1]["queries"] == results[1][1]["queries"], "the query count grows with the data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--actions", type=int, default=60)
    parser.add_argument("--quarters", type=int, default=8)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        run(args)
        return
    from tests.services import start_postgres

    with tempfile.TemporaryDirectory(prefix="bench-action-plan-") as workdir:
        os.chmod(workdir, 0o755)  # noqa: S103 - PostgreSQL runs as another user and keeps its data here # nosec B103
        service = start_postgres(Path(workdir))
        try:
            create_database(service.url)
            os.environ["DATABASE_URL"] = service.url
            print(f"Started a throwaway PostgreSQL: {service.url}")
            run(args)
        finally:
            service.stop()


if __name__ == "__main__":
    main()
