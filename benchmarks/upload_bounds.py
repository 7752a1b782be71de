"""Benchmark: what refusing the worst file of each upload kind costs, within the upload limits.

    .venv/bin/python benchmarks/upload_bounds.py [--only KIND ...] [--list]

For each kind of upload (action plan CSV and .xlsx, police.uk street CSV and .zip, crime-severity
weights CSV, indicator figures CSV, strategic assessment PDF, report logo PNG/JPEG) it prints the
limits, that is the largest file accepted, then builds the hostile files of the allowed size that
cost each reader most (blank lines, a single row of millions of cells, rows past the limit, a line
with no end, made-up values, a workbook unpacking to just under its limit, a .zip of millions of
entries or one unpacking to just under 1 GB whose very last line is wrong, images stating millions
of pixels...) and measures refusing each.

Each refusal runs in a fresh Python process, so that its peak memory is its own (no allocator pool,
cache or earlier file carried over); inside it, ``tests.hostile_files.measured()`` times the
product's own call and reads the growth of the process's peak resident memory (Linux VmHWM, reset
first) over it. Building the file, starting Python and importing modules are outside the
measurement; reading an upload's bytes into memory, as the views do, is outside it too.

No database is needed: the readers are called directly, as the forms and the worker call them
(``actionplans.importer.read_table``; ``police_uk.check_upload`` then ``crime.unpack_upload`` and
``crime.read_street_files`` with the upload's count limit; ``harm.parse_weights``;
``indicators.parse_values``; the assessment form's PDF check; the report settings form's logo
field). Files are built in a temporary folder (about 1.7 GB at most) and removed afterwards.

Targets, checked for every refusal: under 30 s and under 500 MB of peak memory growth on the
2-core test machine. The script exits non-zero if one is missed. The last row, rendering the largest
logo allowed, is for information: it is accepted, not refused.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 30
# Accepted files, measured for information: a PDF is only stored; the logo is rendered.
INFORMATIVE = ("pdf-largest", "logo-largest-rendered")
TARGET_PEAK_MB = 500
MB = 1024 * 1024


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.test")
    import django

    django.setup()


# -- Building the files ------------------------------------------------------------------------------

ACTION_HEADINGS = "Priority,Action,Activity,Resources Required,Timescale,Lead Agency and others responsible,Targets"


def fill(path: Path, first: bytes, repeated: bytes, size: int, last: bytes = b"") -> None:
    """``first``, then ``repeated`` as often as fits, then ``last``: ``size`` bytes at most."""
    per_block = max(1, MB // len(repeated))
    blocks, rest = divmod((size - len(first) - len(last)) // len(repeated), per_block)
    with path.open("wb") as out:
        out.write(first)
        block = repeated * per_block
        for _ in range(blocks):
            out.write(block)
        out.write(repeated * rest + last)


def entries_zip(path: Path, size: int) -> None:
    """A .zip of as many empty '-street.csv' files as fit in ``size`` bytes (4.8 million in 512 MB),
    written by hand: the local headers, the central directory, and zip64 end records that state
    the true count (a plain end record stops at 65,535)."""
    local, central = struct.Struct("<4s5H3L2H"), struct.Struct("<4s6H3L5H2L")
    name_length = 18  # '0000000-street.csv'
    entry = local.size + name_length
    count = (size - 22 - 56 - 20) // (entry + central.size + name_length)
    with path.open("wb") as out:
        for first in range(0, count, 100_000):
            out.write(
                b"".join(
                    local.pack(b"PK\x03\x04", 20, 0, 0, 0, 0x21, 0, 0, 0, name_length, 0)
                    + f"{n:07d}-street.csv".encode()
                    for n in range(first, min(count, first + 100_000))
                )
            )
        start = out.tell()
        for first in range(0, count, 100_000):
            out.write(
                b"".join(
                    central.pack(b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21, 0, 0, 0, name_length, 0, 0, 0, 0, 0, n * entry)
                    + f"{n:07d}-street.csv".encode()
                    for n in range(first, min(count, first + 100_000))
                )
            )
        end = out.tell()
        out.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, end - start, start))
        out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1))
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, end - start, start, 0))


def build(case_id: str, path: Path) -> None:
    from django.conf import settings

    from actionplans import importer
    from assessments import police_uk
    from assessments.services import harm, indicators
    from reports import logos
    from tests import hostile_files as hostile

    action_limit = settings.MAX_UPLOAD_SIZE["action_plan"]
    table_limit = settings.MAX_UPLOAD_SIZE["table"]
    street = police_uk.MAX_FILE_BYTES
    headings = (ACTION_HEADINGS + "\r\n").encode()
    sheet_limit = importer.MAX_UNZIPPED_BYTES - 64 * 1024  # the workbook's other parts take about 10 KB

    def sheet_of(size: int, row: Callable[[int], str]) -> bytes:
        def body():
            yield hostile.SHEET_START
            yield "<sheetData>"
            written, n, batch = 0, 1, []
            while True:
                line = row(n)
                if written + len(line) > size:
                    break
                batch.append(line)
                written += len(line)
                n += 1
                if len(batch) == 10_000:
                    yield "".join(batch)
                    batch = []
            yield "".join(batch)
            yield "</sheetData></worksheet>"

        return hostile.workbook_with_sheet(body(), compresslevel=9)

    if case_id == "plan-csv-blank":
        fill(path, headings, b"\r\n", action_limit)
    elif case_id == "plan-csv-rows":
        fill(path, headings, b"Road safety,Patrols,,,,,\r\n", action_limit)
    elif case_id == "plan-csv-row-of-cells":
        fill(path, headings, b",x", action_limit, b"\r\n")
    elif case_id == "plan-csv-wide-heading":
        fill(path, b"", b"Notes,", action_limit, b"\r\nx\r\n")
    elif case_id == "plan-xlsx-whitespace":

        def whitespace():
            yield hostile.SHEET_START.encode()
            left = sheet_limit
            while left > 0:
                yield b" " * min(MB, left)
                left -= MB
            yield f'<sheetData><row r="1">{hostile.inline_cell("AY1", "x")}</row></sheetData></worksheet>'.encode()

        path.write_bytes(hostile.workbook_with_sheet(whitespace(), compresslevel=9))
    elif case_id == "plan-xlsx-rows":
        path.write_bytes(sheet_of(sheet_limit, lambda n: f'<row r="{n}">{hostile.inline_cell(f"A{n}", "a")}</row>'))
    elif case_id == "plan-xlsx-blank-rows":
        path.write_bytes(sheet_of(sheet_limit, lambda n: f'<row r="{n}"/>'))
    elif case_id == "plan-xlsx-parts":
        path.write_bytes(hostile.zip_of_empty_members(action_limit // 100, name="xl/{n}.xml"))
    elif case_id == "plan-xlsx-bomb":
        path.write_bytes(hostile.zip_bomb({"xl/worksheets/sheet1.xml": 3 * 1024 * MB}))
    elif case_id == "street-csv-one-field-lines":
        hostile.police_uk_one_field_lines(path, street)
    elif case_id == "street-csv-endless-line":
        hostile.police_uk_endless_line(path, street)
    elif case_id == "street-csv-crime-types":
        hostile.police_uk_distinct_rows(path, street, crime_types=100_000)
    elif case_id == "street-csv-counts":
        hostile.police_uk_distinct_rows(path, street)
    elif case_id == "street-csv-last-line":
        hostile.police_uk_rows(path, street, last="x")
    elif case_id == "street-zip-entries":
        entries_zip(path, settings.MAX_UPLOAD_SIZE["crime_data"])
    elif case_id == "street-zip-bomb":
        path.write_bytes(hostile.zip_bomb({"2024-01/2024-01-metropolitan-street.csv": 4 * 1024 * MB - 1}))
    elif case_id in ("street-zip-last-line", "street-zip-counts"):
        member = path.parent / f"{case_id}-member.csv"
        size = police_uk.MAX_UNPACKED_BYTES // 16 - 1024
        if case_id == "street-zip-counts":
            hostile.police_uk_distinct_rows(member, size)
            files = [(f"2024-{m:02d}/2024-{m:02d}-metropolitan-street.csv", member) for m in range(1, 17)]
        else:
            hostile.police_uk_rows(member, size)
            last = path.parent / f"{case_id}-last.csv"
            hostile.police_uk_rows(last, size, last="x")
            files = [(f"2024-{m:02d}/2024-{m:02d}-metropolitan-street.csv", member) for m in range(1, 16)]
            files.append(("2024-16/2024-16-metropolitan-street.csv", last))
        hostile.zip_of_files(path, files)
        member.unlink()
        if case_id == "street-zip-last-line":
            last.unlink()
    elif case_id.startswith(("weights-", "figures-")):
        kind, attack = case_id.split("-", 1)
        header = b"crime_type,weight\r\n" if kind == "weights" else b"period,value\r\n"
        row = b"Burglary,437.5\r\n" if kind == "weights" else b"2023/24 Q1,40\r\n"
        assert harm.MAX_WEIGHT_ROWS and indicators.MAX_FIGURE_ROWS
        if attack == "blank":
            fill(path, header, b"\n", table_limit)
        elif attack == "rows":
            fill(path, header, row, table_limit)
        elif attack == "row-of-cells":
            fill(path, header, b",x", table_limit, b"\r\n")
        elif attack == "wide-heading":
            fill(path, b"", b"c,", table_limit, b"\r\nx\r\n")
    elif case_id == "pdf-not-a-pdf":
        fill(path, b"<html>", b"x", settings.MAX_UPLOAD_SIZE["document"])
    elif case_id == "pdf-largest":
        fill(path, b"%PDF-1.7\n", b"0", settings.MAX_UPLOAD_SIZE["document"])
    elif case_id == "logo-png-bomb":
        side = 50_000  # the largest square whose PNG of zeros stays under 500 KB
        path.write_bytes(hostile.png_bomb(side, side))
        assert path.stat().st_size < logos.MAX_LOGO_BYTES, path.stat().st_size
    elif case_id == "logo-jpeg-claiming":
        path.write_bytes(hostile.jpeg_claiming(65_535, 65_535))
    elif case_id == "logo-largest-rendered":
        path.write_bytes(hostile.png_bomb(logos.MAX_LOGO_SIDE, logos.MAX_LOGO_SIDE))
    else:
        raise SystemExit(f"unknown case {case_id}")


# -- Refusing them: each in its own process ----------------------------------------------------------


def run(case_id: str, path: Path) -> dict:
    """Run the product's own reader on the file, measured; the result as JSON-able data."""
    setup_django()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import UploadedFile

    from actionplans import importer
    from assessments import police_uk
    from assessments.forms import _pdf
    from assessments.services import crime, harm, indicators
    from reports import rendering
    from reports.forms import LogoField
    from tests.hostile_files import measured

    prefix = "-".join(case_id.split("-")[:2])
    names = {"plan-csv": "plan.csv", "plan-xlsx": "plan.xlsx", "street-csv": "2024-01-metropolitan-street.csv"}
    name = names.get(prefix, "download.zip")
    data = b"" if prefix.startswith(("street", "pdf")) else path.read_bytes()
    refusals = (importer.ImportFailed, police_uk.Refused, ValidationError)

    def call() -> str:
        if case_id.startswith("plan-"):
            importer.read_table(data, name)
        elif case_id.startswith("street-"):
            lookup = police_uk.shipped_lookup()
            with tempfile.TemporaryDirectory(prefix="bench-unpack-") as workdir:
                files = crime.unpack_upload(path, name, Path(workdir))
                crime.read_street_files(files, lookup, max_counts=police_uk.MAX_UPLOAD_COUNTS)
        elif case_id.startswith("weights-"):
            harm.parse_weights(data, "ONS")
        elif case_id.startswith("figures-"):
            indicators.parse_values(data, "quarter")
        elif case_id.startswith("pdf-"):
            with path.open("rb") as handle:
                _pdf(UploadedFile(handle, name="assessment.pdf", size=path.stat().st_size))
        elif case_id == "logo-largest-rendered":
            import base64

            logo = base64.b64encode(data).decode()
            html = f'<html lang="en"><title>Logo</title><img src="data:image/png;base64,{logo}" alt="Logo"></html>'
            return f"accepted, rendered ({len(rendering.render_pdf(html).pdf):,} bytes of PDF)"
        elif case_id.startswith("logo-"):
            with path.open("rb") as handle:
                LogoField().clean(UploadedFile(handle, name="logo.png", size=path.stat().st_size))
        return "accepted"

    if case_id.startswith("street-"):
        police_uk.shipped_lookup()  # loaded once per worker process, not per upload
    refused = ""
    with measured() as cost:
        try:
            outcome = call()
        except refusals as error:
            refused = _first_line(error)
    return {
        "seconds": cost.seconds,
        "peak_mb": cost.peak_growth_mb,
        "refused": bool(refused),
        "message": refused or outcome,
    }


def _first_line(error: Exception) -> str:
    if hasattr(error, "messages"):
        text = error.messages[0]
    elif hasattr(error, "problems"):
        text = str(error.problems[0]) + (f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else "")
    else:
        text = str(error)
    return text if len(text) < 150 else text[:147] + "..."


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    file: str  # what the hostile file holds


CASES = [
    Case("plan-csv-blank", "action plan CSV", "headings, then 5 MB of empty lines"),
    Case("plan-csv-rows", "action plan CSV", "5 MB of rows with values (200,000 of them)"),
    Case("plan-csv-row-of-cells", "action plan CSV", "headings, then one 5 MB row of 2.6 million cells"),
    Case("plan-csv-wide-heading", "action plan CSV", "a 5 MB heading row of 870,000 columns"),
    Case("plan-xlsx-whitespace", "action plan .xlsx", "a sheet of 16 MB unpacked: whitespace, then a far cell"),
    Case("plan-xlsx-rows", "action plan .xlsx", "a sheet of 16 MB unpacked: 280,000 one-cell rows, no range"),
    Case("plan-xlsx-blank-rows", "action plan .xlsx", "a sheet of 16 MB unpacked: 1 million empty rows"),
    Case("plan-xlsx-parts", "action plan .xlsx", "a 5 MB .zip listing 52,000 empty parts"),
    Case("plan-xlsx-bomb", "action plan .xlsx", "a 3 MB .zip whose sheet unpacks to 3 GB"),
    Case("street-csv-one-field-lines", "police.uk street CSV", "a header, then 64 MB of one-field lines"),
    Case("street-csv-endless-line", "police.uk street CSV", "a header, then a 64 MB line with no end"),
    Case("street-csv-crime-types", "police.uk street CSV", "64 MB of rows with 100,000 made-up crime types"),
    Case("street-csv-counts", "police.uk street CSV", "64 MB of rows, each its own monthly count"),
    Case("street-csv-last-line", "police.uk street CSV", "64 MB of good rows, the last line wrong"),
    Case("street-zip-entries", "police.uk .zip", "a 512 MB .zip listing 4.8 million empty street files"),
    Case("street-zip-bomb", "police.uk .zip", "a 4 MB .zip whose street file unpacks to 4 GB"),
    Case("street-zip-counts", "police.uk .zip", "16 street files of 64 MB, each row its own monthly count"),
    Case("street-zip-last-line", "police.uk .zip", "16 street files unpacking to 1 GB, the very last line wrong"),
    Case("weights-blank", "weights CSV", "a header, then 5 MB of empty lines"),
    Case("weights-rows", "weights CSV", "5 MB of weights (330,000 rows)"),
    Case("weights-row-of-cells", "weights CSV", "a header, then one 5 MB row of 2.6 million cells"),
    Case("weights-wide-heading", "weights CSV", "a 5 MB header of 2.6 million columns"),
    Case("figures-blank", "figures CSV", "a header, then 5 MB of empty lines"),
    Case("figures-rows", "figures CSV", "5 MB of figures (350,000 rows)"),
    Case("figures-row-of-cells", "figures CSV", "a header, then one 5 MB row of 2.6 million cells"),
    Case("figures-wide-heading", "figures CSV", "a 5 MB header of 2.6 million columns"),
    Case("pdf-not-a-pdf", "assessment PDF", "30 MB that is not a PDF"),
    Case("pdf-largest", "assessment PDF", "a 30 MB 'PDF' (accepted: stored, never parsed)"),
    Case("logo-png-bomb", "report logo", "a 300 KB PNG stating 50,000 × 50,000 pixels"),
    Case("logo-jpeg-claiming", "report logo", "a 1 KB JPEG stating 65,535 × 65,535 pixels"),
    Case("logo-largest-rendered", "report logo", "the largest logo allowed, 4,000 × 4,000, rendered to PDF"),
]


def limits() -> dict[str, str]:
    from django.conf import settings

    from actionplans import importer
    from assessments import police_uk
    from assessments.services import harm, indicators
    from csp_portal import tables
    from csp_portal.uploads import size_label
    from reports import logos

    upload = {kind: size_label(size) for kind, size in settings.MAX_UPLOAD_SIZE.items()}
    rows_columns = f"{importer.MAX_ROWS:,} rows, {importer.MAX_COLUMNS} columns"
    return {
        "action plan CSV": f"{upload['action_plan']}; {rows_columns}",
        "action plan .xlsx": (
            f"{upload['action_plan']}, unpacking to {size_label(importer.MAX_UNZIPPED_BYTES)} in at most "
            f"{tables.MAX_ZIP_MEMBERS:,} parts; {rows_columns}"
        ),
        "police.uk street CSV": f"{size_label(police_uk.MAX_FILE_BYTES)}; 50 crime types and forces",
        "police.uk .zip": (
            f"{upload['crime_data']}, at most {police_uk.MAX_ARCHIVE_MEMBERS:,} entries; street files of "
            f"{size_label(police_uk.MAX_FILE_BYTES)} each, {size_label(police_uk.MAX_UNPACKED_BYTES)} in all; "
            f"{police_uk.MAX_UPLOAD_COUNTS:,} monthly counts"
        ),
        "weights CSV": f"{upload['table']}; {harm.MAX_WEIGHT_ROWS:,} rows, {harm.MAX_WEIGHT_COLUMNS} columns",
        "figures CSV": (
            f"{upload['table']}; {indicators.MAX_FIGURE_ROWS:,} rows, {indicators.MAX_FIGURE_COLUMNS} columns"
        ),
        "assessment PDF": f"{upload['document']} (never parsed)",
        "report logo": (
            f"{size_label(logos.MAX_LOGO_BYTES)}, PNG or JPEG, {logos.MAX_LOGO_SIDE:,} × {logos.MAX_LOGO_SIDE:,} pixels"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="CASE", help="run only these cases (ids or prefixes)")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    parser.add_argument("--run", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run(args.run[0], Path(args.run[1]))))
        return
    if args.build:
        setup_django()
        build(args.build[0], Path(args.build[1]))
        return
    cases = [c for c in CASES if not args.only or any(c.id.startswith(prefix) for prefix in args.only)]
    if args.list:
        for case in cases:
            print(f"{case.id:<28} {case.kind:<22} {case.file}")
        return
    setup_django()
    bounds = limits()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-upload-bounds-") as workdir:
        for case in cases:
            path = Path(workdir) / case.id
            subprocess.run([sys.executable, __file__, "--build", case.id, str(path)], cwd=ROOT, check=True)
            size = path.stat().st_size
            output = subprocess.run(
                [sys.executable, __file__, "--run", case.id, str(path)], cwd=ROOT, capture_output=True, text=True
            )
            path.unlink()
            if output.returncode:
                raise SystemExit(f"{case.id} failed:\n{output.stderr}")
            result = json.loads(output.stdout.strip().splitlines()[-1])
            results.append((case, size, result))
            print(
                f"{case.id:<28} {size / MB:>8.1f} MB  {result['seconds']:>7.2f} s  {result['peak_mb']:>6.0f} MB  "
                f"{'refused' if result['refused'] else 'ACCEPTED'}: {result['message']}",
                flush=True,
            )

    print()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}")
    print("Each refusal in a fresh process; time and peak memory growth of the reader's call (measured()).")
    print()
    kind = None
    print("| upload | largest accepted | hostile file | size | seconds | peak memory growth | outcome |")
    print("|---|---|---|---:|---:|---:|---|")
    missed = []
    for case, size, result in results:
        shown = f"{size / MB:,.1f} MB" if size >= MB else f"{size / 1024:,.0f} KB"
        first = case.kind != kind
        kind = case.kind
        outcome = "refused: " + result["message"] if result["refused"] else result["message"]
        print(
            f"| {case.kind if first else ''} | {bounds[case.kind] if first else ''} | {case.file} | {shown} | "
            f"{result['seconds']:.2f} | {result['peak_mb']:.0f} MB | {outcome.replace('|', '/')} |"
        )
        informative = case.id in INFORMATIVE
        if not informative and not result["refused"]:
            missed.append(f"{case.id} was not refused")
        if not informative and (result["seconds"] >= TARGET_SECONDS or result["peak_mb"] >= TARGET_PEAK_MB):
            missed.append(f"{case.id}: {result['seconds']:.1f} s, {result['peak_mb']:.0f} MB")
    print()
    refusals = [(c, r) for c, _, r in results if c.id not in INFORMATIVE]
    if refusals:
        slowest = max(refusals, key=lambda item: item[1]["seconds"])
        largest = max(refusals, key=lambda item: item[1]["peak_mb"])
        print(f"Slowest refusal: {slowest[1]['seconds']:.2f} s ({slowest[0].id}); target under {TARGET_SECONDS} s")
        print(f"Most memory: {largest[1]['peak_mb']:.0f} MB ({largest[0].id}); target under {TARGET_PEAK_MB} MB")
    if missed:
        print("MISSED: " + "; ".join(missed))
        sys.exit(1)
    print("met: every refusal within the targets")


if __name__ == "__main__":
    main()
