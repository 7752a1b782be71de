"""Benchmark: import one million rows of police.uk street-level data into PostgreSQL.

    .venv/bin/python benchmarks/import_police_uk.py [--rows 1000000] [--keep FILE]

Makes a police.uk-format file (random Lancashire LSOAs, 14 crime types, 12 months, 30% anti-social
behaviour rows with no Crime ID, 3% with no location, CRLF line endings) in a temporary folder, then,
each in a fresh process so that each peak memory figure is its own:

1. ``bare read``: ``pandas.read_csv(FILE)``, every column, the default engine: the yardstick;
2. ``bare read (pyarrow)``: ``pandas.read_csv(FILE, engine="pyarrow")``, for comparison;
3. ``import``: the real ``import_police_uk`` service (read, check, map LSOAs, count, replace the
   months in PostgreSQL, commit), timed twice in one process: the first import, then a re-import that
   replaces the same twelve months.

PostgreSQL is the one in DATABASE_URL when that names one; otherwise a throwaway server is started
from the installed binaries (as the test suite does) and removed afterwards. Prints rows per second
and the peak resident memory (``ru_maxrss``) of each process, and the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_ROWS_PER_SECOND = 500_000
TARGET_SHARE_OF_BARE = 0.5
TARGET_PEAK_MB = 500

CRIME_TYPES = [
    ("Violence and sexual offences", 33),
    ("Anti-social behaviour", 30),
    ("Criminal damage and arson", 8),
    ("Public order", 7),
    ("Other theft", 6),
    ("Shoplifting", 4),
    ("Burglary", 3),
    ("Vehicle crime", 3),
    ("Other crime", 1.5),
    ("Drugs", 1.5),
    ("Possession of weapons", 1),
    ("Robbery", 1),
    ("Bicycle theft", 0.5),
    ("Theft from the person", 0.5),
]
LANCASHIRE = {"E06000008", "E06000009", *(f"E07000{n}" for n in range(117, 129))}


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    import numpy as np
    import pandas as pd

    from assessments.police_uk import LSOA_LOOKUP

    rng = np.random.default_rng(seed)
    lookup = pd.read_csv(LSOA_LOOKUP, usecols=["LSOA11CD", "LSOA11NM", "LAD19CD"], dtype=str)
    lsoas = lookup[lookup.LAD19CD.isin(LANCASHIRE)].reset_index(drop=True)
    names = np.array([name for name, _ in CRIME_TYPES])
    weights = np.array([weight for _, weight in CRIME_TYPES])
    crime_type = rng.choice(len(names), rows, p=weights / weights.sum())
    asb = crime_type == 1
    where = rng.integers(0, len(lsoas), rows)
    no_location = rng.random(rows) < 0.03
    ids = np.frombuffer(rng.bytes(32 * rows).hex().encode(), dtype="S64").astype(str)
    months = np.array([f"2024-{m:02d}" for m in range(1, 13)])[rng.integers(0, 12, rows)]
    longitude = np.round(rng.uniform(-3.1, -2.1, rows), 6).astype(str)
    latitude = np.round(rng.uniform(53.5, 54.2, rows), 6).astype(str)
    frame = pd.DataFrame(
        {
            "Crime ID": np.where(asb, "", ids),
            "Month": months,
            "Reported by": "Lancashire Constabulary",
            "Falls within": "Lancashire Constabulary",
            "Longitude": np.where(no_location, "", longitude),
            "Latitude": np.where(no_location, "", latitude),
            "Location": np.where(no_location, "No Location", "On or near Market Street"),
            "LSOA code": np.where(no_location, "", lsoas.LSOA11CD.to_numpy()[where]),
            "LSOA name": np.where(no_location, "", lsoas.LSOA11NM.to_numpy()[where]),
            "Crime type": names[crime_type],
            "Last outcome category": np.where(asb, "", "Investigation complete; no suspect identified"),
            "Context": "",
        }
    )
    frame.to_csv(path, index=False, lineterminator="\r\n")


def peak_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh in each new program, where
    ``ru_maxrss`` would carry over the peak of the process that started it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_bare(path: str, engine: str) -> dict:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(path) if engine == "c" else pd.read_csv(path, engine=engine)
    seconds = time.perf_counter() - started
    return {"rows": len(frame), "seconds": seconds, "peak_mb": peak_mb()}


def phase_import(path: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.test")
    django.setup()
    from django.core.management import call_command

    from assessments.models import CrimeCount
    from assessments.services.crime import import_police_uk
    from csp_portal.organisations.demo import DemoContext, areas

    call_command("migrate", verbosity=0)
    areas(DemoContext())
    CrimeCount.objects.all().delete()
    before = peak_mb()
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        summary = import_police_uk([(path, Path(path).name)])
        runs.append(time.perf_counter() - started)
    stored = sum(CrimeCount.objects.values_list("count", flat=True))
    return {
        "rows": summary["rows"],
        "stored_total": stored,
        "counts_stored": summary["counts_stored"],
        "seconds": runs[0],
        "reimport_seconds": runs[1],
        "peak_mb": peak_mb(),
        "peak_before_import_mb": before,
    }


def create_database(url: str) -> None:
    import psycopg2

    server, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def run_phase(*arguments: str, env: dict) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--phase", *arguments], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if output.returncode:
        raise SystemExit(f"phase {arguments[0]} failed:\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", metavar="FILE", help="also keep the generated file here")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, path, *rest = args.phase
        result = phase_import(path) if name == "import" else phase_bare(path, rest[0])
        print(json.dumps(result))
        return

    env = dict(os.environ)
    stop = None
    with tempfile.TemporaryDirectory(prefix="bench-police-uk-") as workdir:
        workdir = Path(workdir)
        os.chmod(workdir, 0o755)  # noqa: S103 - PostgreSQL runs as another user and keeps its data here # nosec B103
        path = workdir / "2024-lancashire-street.csv"
        started = time.perf_counter()
        generate(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(f"Generated {args.rows:,} rows ({size_mb:,.0f} MB) in {time.perf_counter() - started:.1f} s: {path}")
        if args.keep:
            import shutil

            shutil.copy(path, args.keep)
        if not env.get("DATABASE_URL", "").startswith("postgres"):
            from tests.services import start_postgres

            service = start_postgres(workdir)
            env["DATABASE_URL"], stop = service.url, service.stop
            create_database(service.url)
            print(f"Started a throwaway PostgreSQL: {service.url}")
        try:
            bare = run_phase("bare", str(path), "c", env=env)
            bare_arrow = run_phase("bare", str(path), "pyarrow", env=env)
            imported = run_phase("import", str(path), env=env)
        finally:
            if stop:
                stop()

    def speed(result: dict, key: str = "seconds") -> float:
        return result["rows"] / result[key]

    print()
    print(f"{'run':<52}{'seconds':>9}{'rows/s':>13}{'peak MB':>9}")
    for label, result, key in [
        ("bare read: pandas.read_csv(FILE)", bare, "seconds"),
        ('bare read: pandas.read_csv(FILE, engine="pyarrow")', bare_arrow, "seconds"),
        ("import into PostgreSQL (first)", imported, "seconds"),
        ("import again (replaces the 12 months)", imported, "reimport_seconds"),
    ]:
        print(f"{label:<52}{result[key]:>9.3f}{speed(result, key):>13,.0f}{result['peak_mb']:>9.0f}")
    assert imported["stored_total"] == args.rows, "the stored counts do not add up to the rows"
    share = speed(imported) / speed(bare)
    checks = [
        (f"import >= {TARGET_ROWS_PER_SECOND:,} rows/s", speed(imported) >= TARGET_ROWS_PER_SECOND),
        (f"import >= half the bare read's speed (it is {share:.0%})", share >= TARGET_SHARE_OF_BARE),
        (f"import peak memory < {TARGET_PEAK_MB} MB", imported["peak_mb"] < TARGET_PEAK_MB),
    ]
    print()
    print(f"Stored {imported['counts_stored']:,} monthly counts adding up to {imported['stored_total']:,} rows.")
    for label, ok in checks:
        print(f"{'met' if ok else 'MISSED':>6}: {label}")
    if not all(ok for _, ok in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
