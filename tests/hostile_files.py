"""Hostile uploads (files small on the wire that expand, or hold far more than they should) and a
measure of what refusing one costs: wall time and peak memory growth of this very process.

Used by the tests of each upload and by ``benchmarks/upload_bounds.py``.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import openpyxl

MEGABYTE = 1024 * 1024
_PROC_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _kilobytes(field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", _PROC_STATUS.read_text(), re.MULTILINE)[1])


@dataclass
class Cost:
    seconds: float = 0.0
    peak_growth_mb: float = 0.0

    def __str__(self) -> str:
        return f"{self.seconds:.2f} s, peak memory +{self.peak_growth_mb:.0f} MB"


@contextmanager
def measured() -> Iterator[Cost]:
    """Wall time and the growth of this process's peak resident memory (Linux VmHWM) over the block.

    The kernel's high-water mark is reset first (writing 5 to /proc/self/clear_refs), so the figure
    is the block's own peak above the memory in use when it started."""
    cost = Cost()
    _CLEAR_REFS.write_text("5")
    before = _kilobytes("VmRSS")
    started = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - started
        cost.peak_growth_mb = max(0, _kilobytes("VmHWM") - before) / 1024


# -- Workbooks -------------------------------------------------------------------------------------

SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def workbook_with_sheet(sheet_xml: Iterable[str | bytes], *, compresslevel: int = 6) -> bytes:
    """A real .xlsx (made by openpyxl) whose first sheet's XML is replaced by ``sheet_xml``, written
    in chunks so that a sheet of hundreds of megabytes never exists in memory at once."""
    template = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["Action"])
    book.save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename == "xl/worksheets/sheet1.xml":
                info = zipfile.ZipInfo(member.filename, date_time=member.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                with target.open(info, "w", force_zip64=True) as sheet:
                    for chunk in sheet_xml:
                        sheet.write(chunk.encode() if isinstance(chunk, str) else chunk)
            else:
                target.writestr(member, source.read(member), compresslevel=compresslevel)
    return out.getvalue()


def inline_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_rows(rows: Iterable[str], *, dimension: str | None = None) -> Iterator[str]:
    """A sheet's XML around ``rows`` (each a ``<row>`` element), with a stated used range or none."""
    yield SHEET_START
    if dimension:
        yield f'<dimension ref="{dimension}"/>'
    yield "<sheetData>"
    yield from rows
    yield "</sheetData></worksheet>"


def far_column_sheet(rows: int, *, dimension: bool) -> bytes:
    """The probe's 5 KB workbook: a heading in column XFD (the last of 16,384) and ``rows`` one-cell
    rows, which a reader padding every row to the sheet's width turns into gigabytes."""
    body = [f'<row r="1">{inline_cell("A1", "Action")}{inline_cell("XFD1", "x")}</row>']
    body += (f'<row r="{n}">{inline_cell(f"A{n}", "a")}</row>' for n in range(2, rows + 2))
    return workbook_with_sheet(sheet_rows(body, dimension=f"A1:XFD{rows + 1}" if dimension else None))


def row_bomb_sheet(rows: int) -> bytes:
    """A workbook of ``rows`` one-cell rows: millions fit in a few hundred kilobytes."""

    def body() -> Iterator[str]:
        yield f'<row r="1">{inline_cell("A1", "Action")}</row>'
        batch = []
        for n in range(2, rows + 2):
            batch.append(f'<row r="{n}">{inline_cell(f"A{n}", "a")}</row>')
            if len(batch) == 10_000:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    return workbook_with_sheet(sheet_rows(body()), compresslevel=9)


def whitespace_sheet(megabytes: int) -> bytes:
    """A workbook whose sheet holds ``megabytes`` of spaces between two tags: a few hundred kilobytes
    zipped."""

    def body() -> Iterator[bytes]:
        yield SHEET_START.encode()
        chunk = b" " * MEGABYTE
        for _ in range(megabytes):
            yield chunk
        yield b"<sheetData/></worksheet>"

    return workbook_with_sheet(body(), compresslevel=9)


# -- CSV -------------------------------------------------------------------------------------------


def wide_csv(columns: int) -> bytes:
    """A header of ``columns`` distinct names (200,000 columns is about 1.9 MB)."""
    return (",".join(f"c{n}" for n in range(columns)) + "\r\nx\r\n").encode()


def long_csv(header: str, rows: int, row: str = "a") -> bytes:
    return (header + "\r\n" + (row + "\r\n") * rows).encode()


def assert_refused_cheaply(
    call: Callable[[], object], expected: type[BaseException], *, seconds: float, megabytes: float
) -> tuple[BaseException, Cost]:
    """Run ``call``, which must raise ``expected`` within ``seconds`` and ``megabytes`` of peak
    memory growth. The margins are generous: they guard against orders of magnitude, not tuning."""
    caught: BaseException | None = None
    with measured() as cost:
        try:
            call()
        except expected as error:
            caught = error
    assert caught is not None, f"{call} was not refused with {expected.__name__}"
    assert cost.seconds < seconds, f"refusing took {cost}; the bound is {seconds} s"
    assert cost.peak_growth_mb < megabytes, f"refusing took {cost}; the bound is {megabytes} MB"
    return caught, cost
