"""Importing police.uk crime data, as a command or as a background job an analyst waits for."""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from csp_portal import freshness, queueing
from csp_portal.organisations.models import Authority, Partnership
from csp_portal.uploads import UnreadableArchive

from .. import notices, police_uk
from ..models import CrimeCount, CrimeImport

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


def _month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def street_files(paths: Sequence[Path | str]) -> list[Path]:
    """The files to import: each file named, and the ``*-street.csv`` files inside each folder named
    (a police.uk download unpacks into one folder per month, beside outcomes and stop-and-search files)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*-street.csv") if p.is_file()))
        else:
            found.append(path)
    return found


def _merge(results: list[police_uk.FileCounts]) -> dict[tuple[str, str, str, str], int]:
    """All files' counts together, refusing two files that hold the same force's month."""
    seen: dict[tuple[str, str], str] = {}
    problems = []
    merged: Counter = Counter()
    for result in results:
        pairs = {(force, month) for force, month, _, _ in result.counts}
        for pair in sorted(pairs):
            if pair in seen and seen[pair] != result.name:
                problems.append(
                    police_uk.Problem(
                        result.name,
                        f"holds {pair[0]}'s {pair[1]}, which {seen[pair]} holds too: "
                        "import one file per force and month.",
                    )
                )
            seen.setdefault(pair, result.name)
        merged.update(result.counts)
    if problems:
        raise police_uk.Refused(problems)
    return merged


def _copy_text(value: str) -> str:
    """A value in COPY's text format: backslashes doubled, tabs and line breaks as spaces."""
    return value.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _copy_rows(rows: list[tuple]) -> None:
    """Insert counts: PostgreSQL's COPY where available (one round trip), else bulk_create."""
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for force, month, area, authority_id, crime_type, count in rows:
            authority = "\\N" if authority_id is None else str(authority_id)
            fields = [_copy_text(force), month.isoformat(), area, authority, _copy_text(crime_type), str(count)]
            buffer.write("\t".join(fields) + "\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {CrimeCount._meta.db_table} (force, month, area, authority_id, crime_type, count) FROM STDIN",
                buffer,
            )
    else:
        CrimeCount.objects.bulk_create(
            CrimeCount(force=f, month=m, area=a, authority_id=i, crime_type=t, count=c) for f, m, a, i, t, c in rows
        )


def _file_summary(result: police_uk.FileCounts, stored_outside: int) -> dict:
    return {
        "name": result.name,
        "rows": result.rows,
        "months": result.months,
        "forces": result.forces,
        "force_area": result.home_force,
        "asb_without_crime_id": result.asb_without_id,
        "other_without_crime_id": result.other_without_id,
        "no_location": result.no_location,
        "outside_force_area": sum(result.outside_force.values()),
        "outside_force_area_by_authority": dict(result.outside_force.most_common()),
        "outside_the_database": stored_outside,
        "repeated_crime_ids": result.repeated_ids,
        "matched_by_name": result.matched_by_name_count,
        "matched_by_name_examples": result.matched_by_name[:10],
    }


def read_street_files(
    files: Sequence[tuple[Path | str, str]],
    lookup: police_uk.Lookup,
    *,
    progress: Progress | None = None,
    max_counts: int | None = None,
) -> list[police_uk.FileCounts]:
    """Read and check every file, within ``max_counts`` monthly counts in all. Every file is read so
    that each one's first problems are reported, until ``police_uk.MAX_PROBLEMS`` are found or the
    counts are spent (how many more a file holds is counted). Raises ``police_uk.Refused``; touches no database."""
    progress = progress or (lambda percent, stage: None)
    results, problems, more = [], [], 0
    share = 80 / max(len(files), 1)
    counts_left = max_counts
    for number, (path, name) in enumerate(files):
        progress(int(number * share), f"Reading {name} (file {number + 1} of {len(files)})")
        try:
            result = police_uk.read_file(
                path,
                lookup,
                name=name,
                on_stage=lambda _stage, n=number, nm=name: progress(
                    int((n + 0.7) * share), f"Checking {nm} (file {n + 1} of {len(files)})"
                ),
                max_counts=counts_left,
            )
            results.append(result)
            if counts_left is not None:
                counts_left -= len(result.counts)
        except police_uk.TooManyCounts as refused:
            problems.extend(refused.problems)
            more += refused.more
            break
        except police_uk.Refused as refused:
            problems.extend(refused.problems)
            more += refused.more
        except OSError as exc:
            problems.append(police_uk.Problem(name, f"cannot be opened: {exc.strerror or exc}"))
        if len(problems) >= police_uk.MAX_PROBLEMS:
            break
    if problems:
        raise police_uk.Refused(problems, more=more)
    if not results:
        raise police_uk.Refused([police_uk.Problem("The import", "found no police.uk street-level files.")])
    return results


def _rows_to_store(merged: dict[tuple[str, str, str, str], int], authorities: dict[str, int]) -> dict[tuple, int]:
    """The counts as CrimeCount rows: (force, month, area, authority id, crime type) -> count. A
    district with no authority set up here counts as 'outside the area'."""
    rows: dict[tuple, int] = defaultdict(int)
    for (force, month, district, crime_type), count in merged.items():
        if district == police_uk.UNKNOWN_AREA:
            area, authority_id = CrimeCount.Area.UNKNOWN, None
        elif district in authorities:
            area, authority_id = CrimeCount.Area.AUTHORITY, authorities[district]
        else:
            area, authority_id = CrimeCount.Area.OUTSIDE, None
        rows[(force, _month(month), area, authority_id, crime_type)] += count
    return rows


def _replaced(merged: dict[tuple[str, str, str, str], int]) -> Q:
    """The stored counts the import replaces: those of every (force, month) it holds."""
    by_force: dict[str, list[date]] = defaultdict(list)
    for force, month in sorted({(force, _month(month)) for force, month, _, _ in merged}):
        by_force[force].append(month)
    stale = Q(pk__in=[])
    for force, months in by_force.items():
        stale |= Q(force=force, month__in=months)
    return stale


def _summary(results: list[police_uk.FileCounts], authorities: dict[str, int], rows: dict[tuple, int]) -> dict:
    """What the import read and stores, file by file, as kept on its CrimeImport record."""
    outside_by_file = {
        result.name: sum(
            c for (_, _, d, _), c in result.counts.items() if d != police_uk.UNKNOWN_AREA and d not in authorities
        )
        for result in results
    }
    return {
        "files": [_file_summary(r, outside_by_file[r.name]) for r in results],
        "rows": sum(r.rows for r in results),
        "months": sorted({m for r in results for m in r.months}),
        "forces": sorted({f for r in results for f in r.forces}),
        "counts_stored": len(rows),
    }


def _store(rows: dict[tuple, int], stale: Q, summary: dict, record: CrimeImport) -> None:
    """Replace the stale counts with ``rows`` and mark the import done, in one transaction."""
    with transaction.atomic():
        replaced_pairs = set(CrimeCount.objects.filter(stale).values_list("force", "month").distinct())
        CrimeCount.objects.filter(stale).delete()
        _copy_rows([(*key, count) for key, count in rows.items()])
        freshness.changed_everywhere()  # written in bulk, past the signals that mark a partnership
        summary["months_replaced"] = sorted(f"{force}, {month:%Y-%m}" for force, month in replaced_pairs)
        record.status = CrimeImport.Status.READY
        record.progress = 100
        record.stage = "Imported"
        record.error = ""
        record.summary = summary
        record.finished = timezone.now()
        record.save()


def import_police_uk(
    files: Sequence[tuple[Path | str, str]],
    *,
    actor=None,
    record: CrimeImport | None = None,
    progress: Progress | None = None,
    max_counts: int | None = None,
) -> dict:
    """Import police.uk street-level files ``(path, name shown in messages)``: every file is read and
    checked first, then the counts of every (force, month) they hold replace any stored before, in one
    transaction. Raises ``police_uk.Refused`` with the first problems, storing nothing, and when the
    files make more than ``max_counts`` monthly counts (an upload's limit; none for the command).

    Returns the summary kept on the ``CrimeImport`` record (made here when none is given)."""
    progress = progress or (lambda percent, stage: None)
    authorities = dict(Authority.objects.values_list("ons_code", "id"))
    lookup = police_uk.shipped_lookup().with_authorities(Authority.objects.values_list("ons_code", "name"))
    results = read_street_files(files, lookup, progress=progress, max_counts=max_counts)
    merged = _merge(results)

    progress(85, "Storing the monthly counts")
    rows = _rows_to_store(merged, authorities)
    summary = _summary(results, authorities, rows)
    record = record or CrimeImport(requested_by=actor, started=timezone.now())
    record.file_names = "\n".join(name for _, name in files)
    _store(rows, _replaced(merged), summary, record)
    return summary


def describe(summary: dict) -> list[str]:
    """The summary as sentences for people: what was imported and how the files' quirks were handled."""
    lines = [
        f"{summary['rows']:,} rows from {len(summary['files'])} file{'s' if len(summary['files']) != 1 else ''}: "
        f"{', '.join(summary['forces'])}, {', '.join(summary['months'])}."
    ]
    if summary.get("months_replaced"):
        lines.append(f"Replaced the counts imported before for {'; '.join(summary['months_replaced'])}.")
    for file in summary["files"]:
        notes = [f"{file['rows']:,} rows"]
        if file["asb_without_crime_id"]:
            notes.append(f"{file['asb_without_crime_id']:,} anti-social behaviour rows with no Crime ID (normal)")
        if file["other_without_crime_id"]:
            notes.append(f"{file['other_without_crime_id']:,} other rows with no Crime ID")
        if file["no_location"]:
            notes.append(f"{file['no_location']:,} with no location, counted as 'unknown area'")
        if file["outside_force_area"]:
            places = ", ".join(
                f"{name} ({rows})" for name, rows in list(file["outside_force_area_by_authority"].items())[:3]
            )
            notes.append(
                f"{file['outside_force_area']:,} in authorities outside {file['force_area'] or 'the force area'} "
                f"(e.g. {places}); {file['outside_the_database']:,} of them in authorities not set up here, "
                "counted as 'outside the area'"
            )
        if file["repeated_crime_ids"]:
            notes.append(f"{file['repeated_crime_ids']:,} repeated Crime IDs, each row counted as police.uk does")
        if file["matched_by_name"]:
            notes.append(
                f"{file['matched_by_name']:,} LSOA codes not in the 2011 lookup (2021 codes) matched by name, "
                f"e.g. {', '.join(file['matched_by_name_examples'][:3])}"
            )
        lines.append(f"{file['name']}: " + "; ".join(notes) + ".")
    return lines


# -- Uploads, run as a background job -----------------------------------------------------------------


IMPORT_TASK = "assessments.run_crime_import"  # sent by name: the tasks module imports this one
WAITING = "Waiting to start"
DELAYED = (
    "The import is delayed: the background service is unavailable. Your file is saved and the import "
    "will start automatically when the service is back."
)
# A queued import still waiting this long after it was sent had its message lost (a Redis restart).
LOST_AFTER = timedelta(minutes=10)


def request_import(*, actor, partnership: Partnership, upload) -> CrimeImport:
    """Keep the uploaded file and queue its import; the browser follows the job's progress."""
    with transaction.atomic():
        job = CrimeImport(partnership=partnership, requested_by=actor, file_names=upload.name, stage=WAITING)
        job.file.save(Path(upload.name).name, upload, save=False)
        job.save()
        transaction.on_commit(lambda: dispatch_import(job.pk))
    return job


def dispatch_import(job_id: int) -> bool:
    """Hand a queued import to the workers, once; while the queue is unreachable it waits and says so."""
    return queueing.dispatch(CrimeImport.objects.all(), job_id, IMPORT_TASK, delayed=DELAYED, waiting=WAITING)


def resend_waiting_imports(now=None) -> int:
    """The sweep (every minute): send the imports uploaded while the queue was down, or lost by it."""
    return queueing.resend_waiting(
        CrimeImport.objects.all(), IMPORT_TASK, delayed=DELAYED, waiting=WAITING, lost_after=LOST_AFTER, now=now
    )


def _unpack(job: CrimeImport, workdir: Path) -> list[tuple[Path, str]]:
    """The upload, copied from the storage (an object store the web machine wrote to, or the local
    disk) into this task's own temporary folder, then unpacked there."""
    name = Path(job.file_names or job.file.name).name
    local = workdir / "upload"
    with job.file.open("rb") as source, local.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    return unpack_upload(local, name, workdir)


def unpack_upload(path: Path, name: str, workdir: Path) -> list[tuple[Path, str]]:
    """The uploaded file ``name`` stored at ``path``, or the street files of an uploaded .zip unpacked
    into ``workdir``, checked against the upload limits again (the form checked them; the limits may
    have changed since). Raises ``police_uk.Refused``."""
    try:
        with path.open("rb") as handle:
            members = police_uk.check_upload(handle, name, path.stat().st_size)
        if not name.lower().endswith(".zip"):
            return [(path, name)]
        found = []
        with zipfile.ZipFile(path) as archive:
            for number, member in enumerate(members):
                target = workdir / f"{number}.csv"
                with archive.open(member) as source, target.open("wb") as out:
                    while chunk := source.read(1 << 20):
                        out.write(chunk)
                found.append((target, Path(member.filename).name))
    except UnreadableArchive as refused:
        raise police_uk.Refused([police_uk.Problem(name, f"{refused.message}.")]) from None
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError):
        # A member's data does not match its declared size or checksum: zipfile stops at the
        # declared size and says so.
        raise police_uk.Refused(
            [police_uk.Problem(name, "is damaged: a file in it does not unpack as the .zip says it should.")]
        ) from None
    return found


def run_import_job(job_id: int) -> CrimeImport | None:
    """Run a queued upload: claimed with a conditional UPDATE so that two workers never both run it."""
    claimed = CrimeImport.objects.filter(pk=job_id, status=CrimeImport.Status.QUEUED).update(
        status=CrimeImport.Status.RUNNING, started=timezone.now(), stage="Starting", progress=1
    )
    if not claimed:
        return None
    job = CrimeImport.objects.get(pk=job_id)

    def progress(percent: int, stage: str) -> None:
        CrimeImport.objects.filter(pk=job_id).update(progress=max(1, min(percent, 99)), stage=stage[:200])

    try:
        with tempfile.TemporaryDirectory(prefix="crime-import-") as workdir:
            import_police_uk(
                _unpack(job, Path(workdir)),
                actor=job.requested_by,
                record=job,
                progress=progress,
                max_counts=police_uk.MAX_UPLOAD_COUNTS,
            )
    except police_uk.Refused as refused:
        _fail(job_id, "\n".join(refused.lines()))
    except Exception:
        log.exception("crime import %s failed", job_id)
        _fail(job_id, "The import stopped unexpectedly. Nothing was stored. Please tell a site administrator.")
    job.refresh_from_db()
    notices.import_finished(job)
    return job


def _fail(job_id: int, error: str) -> None:
    CrimeImport.objects.filter(pk=job_id).update(
        status=CrimeImport.Status.FAILED, error=error, stage="Refused", finished=timezone.now()
    )
