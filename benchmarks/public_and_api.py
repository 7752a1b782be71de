"""Benchmark: the public plan pages and the read API's lists, with national-ish data.

    .venv/bin/python benchmarks/public_and_api.py [--requests 200] [--partnerships 20] [--actions 100]
                                                  [--quarters 8] [--indicators 20] [--months 36]

Builds a county board over ``--partnerships`` district CSPs, each with its council, an agreed plan of
five priorities (three points under each of their three headings) holding ``--actions`` actions, each
with ``--quarters`` quarters of accepted progress returns, the plan published, and ``--indicators``
indicators (half typed in, ``--months`` monthly figures each; half counted from police.uk crime counts
of ``--months`` months). Then requests, through Django's full request handling (the test client, as
benchmarks/action_plan_page.py, whose measurement this is), after ten warm-up requests each:

- the first district's public plan page, cached and cold (the cache emptied before each request),
- the list of public plans, /public/,
- the API's lists, with a token of the county board's analyst (who reads every district): the
  partnerships, the first district's actions (?page_size=100), its returns of the latest quarter
  (?quarter=...&page_size=100) and its indicators with their figures;

``--requests`` times each, printing the median, 95th percentile, minimum and maximum and the number
of queries of one request. The same is built and measured for a tenth of the data (partnerships,
actions and indicators) first: the query count of each address must be the same at both sizes.
Exits 1 when a query count grows or a 95th percentile at full size misses its target (TARGETS).

PostgreSQL and Redis (the public pages' cache and the API's rate counts) are the ones in DATABASE_URL
and REDIS_URL when set; otherwise throwaway servers are started from the installed binaries (as the
test suite does) and removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.action_plan_page import create_database, measure  # noqa: E402

# 95th percentile targets in ms, at full size. /public/ is cached as the plan page is, so it has the
# cached page's target.
PUBLIC_CACHED, PUBLIC_COLD, API_LIST = 50, 300, 300
TARGETS = {
    "public plan page, cached": PUBLIC_CACHED,
    "public plan page, cold": PUBLIC_COLD,
    "/public/ (cached)": PUBLIC_CACHED,
    "API partnerships": API_LIST,
    "API actions, 100 a page": API_LIST,
    "API returns of a quarter": API_LIST,
    "API indicators": API_LIST,
}
PRIORITIES = 5
CRIME_TYPES = ["Burglary", "Vehicle crime"]


def _partnerships(count: int, size: int, county):
    """The district CSPs under ``county``, each with its own council (ONS codes E9<size>nnnnnn, not
    real ones)."""
    from csp_portal.organisations.models import Authority, Partnership

    councils = Authority.objects.bulk_create(
        Authority(name=f"Bench council {size}-{n}", ons_code=f"E9{size}{n:06d}", kind="district") for n in range(count)
    )
    districts = Partnership.objects.bulk_create(
        Partnership(
            name=f"Bench CSP {size}-{n:02d}", slug=f"bench-{size}-{n:02d}", kind="district", county_board=county
        )
        for n in range(count)
    )
    Partnership.authorities.through.objects.bulk_create(
        Partnership.authorities.through(partnership_id=p.pk, authority_id=a.pk)
        for p, a in zip(districts, councils, strict=True)
    )
    county.authorities.add(*councils)
    return districts, councils


def _plans(districts, actions: int, quarters: int, agency):
    """Each district's agreed plan: five priorities with their points, ``actions`` actions over them,
    ``quarters`` quarters of accepted returns for each action. Returns the plans and the last quarter."""
    from actionplans.models import Action, ProgressReturn
    from actionplans.queries import reporting_quarter
    from priorities.models import Commitment, CurrentWork, Outcome, Plan, Priority

    plans = Plan.objects.bulk_create(
        Plan(partnership=p, title="Community Safety Plan", period_start=date(2024, 4, 1), period_end=date(2027, 3, 31))
        for p in districts
    )
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(status="agreed")
    priorities = Priority.objects.bulk_create(
        Priority(plan=plan, title=f"Priority {n}: reduce serious violence", order=n, lead_agency=agency)
        for plan in plans
        for n in range(1, PRIORITIES + 1)
    )
    for model in (Outcome, CurrentWork, Commitment):
        model.objects.bulk_create(
            model(priority=p, text=f"Point {n} under the heading\n- a forum partners attend", order=n)
            for p in priorities
            for n in range(3)
        )
    made = Action.objects.bulk_create(
        Action(
            priority=priorities[i * PRIORITIES + n % PRIORITIES],
            partnership=district,
            order=n,
            title=f"Action {n}: DV prevention campaign in schools and colleges",
            activity="Link in with school relationship work",
            timescale="To March 2027",
            lead_agency=agency,
            status="in_progress",
            created=datetime(2024, 4, 1, tzinfo=UTC),
        )
        for i, district in enumerate(districts)
        for n in range(actions)
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
            reviewed_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        for a in made
        for q in range(quarters)
    )
    return plans, last


def _indicators(districts, councils, indicators: int, months: int) -> None:
    """Half typed in (monthly figures), half counted from monthly crime counts of the council."""
    from assessments.models import CrimeCount, Indicator, IndicatorValue

    starts = [date(2022 + m // 12, m % 12 + 1, 1) for m in range(months)]
    made = Indicator.objects.bulk_create(
        Indicator(
            partnership=district,
            name=f"Indicator {n}",
            source="police.uk" if n % 2 else "MADE",
            frequency="month",
            authority=council if n % 2 else None,
            crime_type=CRIME_TYPES[n // 2 % 2] if n % 2 else "",
        )
        for district, council in zip(districts, councils, strict=True)
        for n in range(indicators)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=i, period_start=start, value=40 + m % 7, note="Provisional" if m % 5 == 0 else "")
        for i in made
        if not i.crime_type
        for m, start in enumerate(starts)
    )
    CrimeCount.objects.bulk_create(
        CrimeCount(force="Bench Constabulary", month=start, authority=council, crime_type=kind, count=30 + m % 11)
        for council in councils
        for kind in CRIME_TYPES
        for m, start in enumerate(starts)
    )


def build(options, scale: int) -> dict:
    """The data at 1/``scale`` of the options' sizes; returns the addresses to measure and a client
    sending the county analyst's token."""
    from django.test import Client
    from django.urls import reverse

    from csp_portal.api.services import create_token
    from csp_portal.organisations.models import Agency, Partnership, Role, User
    from priorities.publication import publish_plan

    size = len(str(scale))  # 2 for a tenth, 1 for the whole: tells the two sets' names apart
    county = Partnership.objects.create(name=f"Bench county {size}", slug=f"bench-county-{size}", kind="county")
    agency, _ = Agency.objects.get_or_create(name="Bench Constabulary", defaults={"agency_type": "police"})
    districts, councils = _partnerships(options.partnerships // scale, size, county)
    plans, last = _plans(districts, options.actions // scale, options.quarters, agency)
    for plan in plans:
        publish_plan(plan, actor=None)
    _indicators(districts, councils, options.indicators // scale, options.months)
    analyst = User.objects.create_user(f"analyst-{size}@bench.example", "x", full_name="Bench Analyst")
    Role.objects.create(user=analyst, partnership=county, role="analyst")
    _, secret = create_token(actor=analyst, name="Power BI")
    slug = districts[0].slug
    return {
        "client": Client(headers={"Authorization": f"Bearer {secret}"}),
        "public plan page, cached": reverse("public:plan", args=[slug]),
        "public plan page, cold": reverse("public:plan", args=[slug]),
        "/public/ (cached)": reverse("public:index"),
        "API partnerships": reverse("api_partnerships"),
        "API actions, 100 a page": reverse("api_actions", args=[slug]) + "?page_size=100",
        "API returns of a quarter": reverse("api_returns", args=[slug]) + f"?quarter={last.slug}&page_size=100",
        "API indicators": reverse("api_indicators", args=[slug]),
    }


class ColdClient:
    """A client whose every request finds the cache empty: it is emptied first (Redis's FLUSHDB of a
    nearly empty database, well under a millisecond, inside the time measured)."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str):
        from django.core.cache import cache

        cache.clear()
        return self.client.get(url)


def run(options) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    print(f"Database: {settings.DATABASES['default']['NAME']}; cache: {settings.CACHES['default']['BACKEND']}")
    results = {}
    for scale in (10, 1):
        started = time.perf_counter()
        addresses = build(options, scale)
        print(f"Built 1/{scale} of the data in {time.perf_counter() - started:.1f} s")
        token = addresses.pop("client")
        for name, url in addresses.items():
            client = token if name.startswith("API") else Client()
            client = ColdClient(client) if name.endswith("cold") else client
            results[name, scale] = measure(client, url, options.requests)
    return report(options, results)


def report(options, results: dict) -> int:
    print(
        f"\n{options.partnerships} partnerships (a tenth: {options.partnerships // 10}), {options.actions} actions "
        f"each ({options.actions // 10}), {options.quarters} quarters of returns, {options.indicators} indicators "
        f"({options.indicators // 10}) of {options.months} months; {options.requests} requests after 10 warm-up:"
    )
    print(
        f"{'address':<28}{'size':>6}{'median ms':>11}{'p95 ms':>9}{'min ms':>9}{'max ms':>9}{'queries':>9}{'KB':>7}"
        f"{'target':>8}"
    )
    failures = []
    for name in TARGETS:
        for scale in (10, 1):
            r = results[name, scale]
            full = scale == 1
            target = f"{TARGETS[name]}" if full else ""
            print(
                f"{name:<28}{'1/10' if scale == 10 else 'full':>6}{r['median']:>11.1f}{r['p95']:>9.1f}{r['min']:>9.1f}"
                f"{r['max']:>9.1f}{r['queries']:>9}{r['bytes'] / 1024:>7.0f}{target:>8}"
            )
            if full and r["p95"] > TARGETS[name]:
                failures.append(f"{name}: 95th percentile {r['p95']:.1f} ms, target {TARGETS[name]} ms")
        if results[name, 10]["queries"] != results[name, 1]["queries"]:
            failures.append(f"{name}: {results[name, 10]['queries']} queries at a tenth, {results[name, 1]['queries']}")
    load = os.getloadavg()
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} cores; load average {load[0]:.1f}, {load[1]:.1f}")
    for failure in failures:
        print(f"MISSED {failure}")
    print("Every target met; no query count grows." if not failures else "")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--partnerships", type=int, default=20)
    parser.add_argument("--actions", type=int, default=100)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--months", type=int, default=36)
    options = parser.parse_args()
    from tests.services import start_postgres, start_redis

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.test")
    # Hundreds of requests a minute from one token: the rate is counted (in Redis) but never reached.
    os.environ["API_RATE_LIMIT"] = "1000000/hour"
    workdir = Path(tempfile.mkdtemp(prefix="bench-public-api-"))
    os.chmod(workdir, 0o755)  # noqa: S103 - PostgreSQL runs as another user and keeps its data here # nosec B103
    started = []
    try:
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            started.append(start_postgres(workdir))
            create_database(started[-1].url)
            os.environ["DATABASE_URL"] = started[-1].url
        if not os.environ.get("REDIS_URL"):
            started.append(start_redis(workdir))
            os.environ["REDIS_URL"] = started[-1].url
        code = run(options)
    finally:
        for service in reversed(started):
            service.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
