"""Hostile uploads (files small on the wire that expand, or hold far more than they should) and a
measure of what refusing one costs: wall time, CPU time and peak memory growth of this very process.
The tests bound the CPU time, which another process's load on the machine does not stretch as it
stretches the wall time; the benchmark reports both.

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
    cpu_seconds: float = 0.0
    peak_growth_mb: float = 0.0

    def __str__(self) -> str:
        return f"{self.seconds:.2f} s ({self.cpu_seconds:.2f} s of CPU), peak memory +{self.peak_growth_mb:.0f} MB"


@contextmanager
def measured() -> Iterator[Cost]:
    """Wall time and the growth of this process's peak resident memory (Linux VmHWM) over the block.

    The kernel's high-water mark is reset first (writing 5 to /proc/self/clear_refs), so the figure
    is the block's own peak above the memory in use when it started."""
    cost = Cost()
    _CLEAR_REFS.write_text("5")
    before = _kilobytes("VmRSS")
    started, started_cpu = time.perf_counter(), time.process_time()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - started
        cost.cpu_seconds = time.process_time() - started_cpu
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
    """Run ``call``, which must raise ``expected`` within ``seconds`` of CPU and ``megabytes`` of peak
    memory growth. The margins are generous: they guard against orders of magnitude, not tuning."""
    caught: BaseException | None = None
    with measured() as cost:
        try:
            call()
        except expected as error:
            caught = error
    assert caught is not None, f"{call} was not refused with {expected.__name__}"
    assert cost.cpu_seconds < seconds, f"refusing took {cost}; the bound is {seconds} s of CPU"
    assert cost.peak_growth_mb < megabytes, f"refusing took {cost}; the bound is {megabytes} MB"
    return caught, cost


# -- police.uk street-level files ------------------------------------------------------------------

POLICE_UK_HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)
POLICE_UK_ROW = (
    "{id},2024-01,Lancashire Constabulary,Lancashire Constabulary,-2.63,53.65,On or near Market Street,"
    "E01024951,Chorley 001A,Burglary,Under investigation,"
)
# District names of the shipped 2011 lookup, for LSOA names that match by prefix.
DISTRICTS = ["Chorley", "Lancaster", "Preston", "Blackpool", "Wyre", "Fylde", "Pendle", "Burnley", "Hyndburn"]


def _write_to_size(path: Path, first: bytes, lines: Iterator[bytes], size: int) -> Path:
    """``first`` then ``lines`` in 1 MB writes until the file reaches ``size`` bytes (never beyond)."""
    with path.open("wb") as out:
        out.write(first)
        written, batch = len(first), []
        batch_size = 0
        for line in lines:
            if written + batch_size + len(line) > size:
                break
            batch.append(line)
            batch_size += len(line)
            if batch_size >= MEGABYTE:
                out.write(b"".join(batch))
                written, batch, batch_size = written + batch_size, [], 0
        out.write(b"".join(batch))
    return path


def police_uk_one_field_lines(path: Path, size: int) -> Path:
    """A good header, then one-field lines ('x') up to ``size`` bytes: millions of lines of the wrong
    length, each of which a reader that skips bad lines would keep."""
    header = (POLICE_UK_HEADER + "\r\n").encode()
    return _write_to_size(path, header, iter(lambda: b"x\r\n", None), size)


def police_uk_endless_line(path: Path, size: int) -> Path:
    """A good header, then one line of ``size`` bytes with no line break."""
    with path.open("wb") as out:
        out.write((POLICE_UK_HEADER + "\r\n").encode())
        chunk = b"x" * MEGABYTE
        left = size - out.tell()
        while left > 0:
            out.write(chunk[:left])
            left -= MEGABYTE
    return path


def police_uk_distinct_rows(path: Path, size: int, *, crime_types: int = 50, forces: int = 50) -> Path:
    """Well-formed rows up to ``size`` bytes in which everything a reader keeps per distinct value
    differs from row to row: 64-character Crime IDs, months (0001-01 on), LSOA codes and names (each
    matching a district by name), within ``crime_types`` and ``forces`` distinct values. Each row is
    its own monthly count: the worst case for the counting."""

    def lines() -> Iterator[bytes]:
        n = 0
        while True:
            month = f"{1 + n // 12 % 9999:04d}-{n % 12 + 1:02d}"
            force = f"Force {n % forces}"
            lsoa = f"X{n:09d},{DISTRICTS[n % len(DISTRICTS)]} {n % 1000:03d}{chr(65 + n // 1000 % 26)}"
            yield f"{n:064x},{month},{force},{force},,,L,{lsoa},Type {n % crime_types},,\r\n".encode()
            n += 1

    return _write_to_size(path, (POLICE_UK_HEADER + "\r\n").encode(), lines(), size)


def police_uk_rows(path: Path, size: int, *, last: str | None = None) -> Path:
    """Good rows up to ``size`` bytes (a real Lancashire row, with its own Crime ID), ending with the
    line ``last`` when given: a file that is read to its end before it is refused."""
    tail = (last + "\r\n").encode() if last else b""

    def lines() -> Iterator[bytes]:
        n = 0
        while True:
            yield (POLICE_UK_ROW.format(id=f"{n:064x}") + "\r\n").encode()
            n += 1

    _write_to_size(path, (POLICE_UK_HEADER + "\r\n").encode(), lines(), size - len(tail))
    with path.open("ab") as out:
        out.write(tail)
    return path


def zip_of_empty_members(count: int, name: str = "{n}-street.csv") -> bytes:
    """A zip archive listing ``count`` empty files: 200,000 take 17 MB, and Python's zipfile makes an
    object for each when it opens it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(count):
            archive.writestr(zipfile.ZipInfo(name.format(n=n)), b"")
    return buffer.getvalue()


def zip_of_files(target: Path, files: Iterable[tuple[str, Path | bytes]], *, compresslevel: int = 1) -> Path:
    """A zip archive at ``target`` of (name, file on disk or bytes), deflated, copied in 1 MB chunks."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        for name, source in files:
            if isinstance(source, bytes):
                archive.writestr(name, source)
                continue
            with source.open("rb") as handle, archive.open(name, "w", force_zip64=True) as member:
                while chunk := handle.read(MEGABYTE):
                    member.write(chunk)
    return target


def zip_bomb(members: dict[str, int], line: bytes = b"\r\n") -> bytes:
    """A real zip archive whose members (name: size) each unpack to their size in bytes of ``line``
    repeated: 2 GB take 2 MB. Written by hand in about a second: one deflated megabyte, flushed so
    that it stands alone, is repeated (zipfile itself takes 4 to 10 s a gigabyte). No zip64: each
    member is under 4 GB."""
    import struct
    import zlib

    chunk = line * (MEGABYTE // len(line))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    archive, directory = io.BytesIO(), io.BytesIO()
    for name, size in members.items():
        count, rest = divmod(size, len(chunk))
        last = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = block * count + last.compress(chunk[:rest]) + last.flush()
        crc = 0
        for _ in range(count):  # about 0.3 s a gigabyte
            crc = zlib.crc32(chunk, crc)
        crc = zlib.crc32(chunk[:rest], crc)
        encoded = name.encode()
        offset = archive.tell()
        # version 2.0, no flags, deflated, a DOS time and date, checksum, sizes, name length, no extra
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        archive.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded + data)
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + encoded)
    start, listing = archive.tell(), directory.getvalue()
    archive.write(listing)
    archive.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(listing), start, 0))
    return archive.getvalue()


# -- Images ----------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG of ``width`` × ``height`` transparent pixels (1 bit a pixel, one palette colour
    transparent) that compresses to a few kilobytes: 30,000 × 30,000 is about 110 KB, and decoding it
    as a renderer does (RGBA) takes 3.6 GB."""
    import struct
    import zlib

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    rows = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 3, 0, 0, 0)),
            _png_chunk(b"PLTE", b"\x00\x00\x00\xff\xff\xff"),
            _png_chunk(b"tRNS", b"\x00"),
            _png_chunk(b"IDAT", rows),
            _png_chunk(b"IEND", b""),
        ]
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is edited to claim ``width`` × ``height`` pixels."""
    import struct

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "navy").save(buffer, format="JPEG")
    data = bytearray(buffer.getvalue())
    at = data.index(b"\xff\xc0")  # SOF0: marker, length (2), precision (1), height (2), width (2)
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)
