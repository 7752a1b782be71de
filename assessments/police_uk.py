"""Reading data.police.uk street-level crime files into monthly counts per local authority.

One file per force and month, header::

    Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,
    Crime type,Last outcome category,Context

The reader counts rows per (force, month, local authority district, crime type) and reports the
quirks real files have, without failing on them:

- CRLF line endings and a UTF-8 byte-order mark are accepted.
- Anti-social behaviour rows have no Crime ID; rows of other types with none are counted too.
- Rows with no location (no LSOA) count towards an 'unknown area'.
- Rows whose LSOA lies outside the force's area are counted against their own district, and
  reported.
- Crime IDs repeat (police.uk publishes some crimes twice); every row is counted, as police.uk's
  own totals do, and the repeats are reported. The count is made with a 64-bit hash of each ID.
- LSOA codes are 2011 codes up to 2022 and 2021 codes after. Codes found in the shipped ONS 2011
  lookup map to their district; others map by the LSOA name's district prefix ('Chorley 001A' is in
  Chorley), and are reported as matched by name.

A file with a structural problem is refused with the line and column of its first twenty problems
and a count of the others, and
nothing from it is used: a missing column, a line with the wrong number of fields (a truncated
line), a month that is not YYYY-MM, an empty crime type or force, or an LSOA whose code and name
match no district. Line numbers count the header as line 1 and assume, as in every police.uk file,
that no field spans two lines.

Bounds: a line longer than a parse block (1 MB; police.uk lines are a few hundred characters) is
refused, and reading stops at the first line of the wrong length (the first twenty are then found in
a second pass), so a file of millions of bad lines costs no more than a good one. What an upload may
hold (one file's size, a .zip's files and unpacked size, the counts of one import) is set below and
checked from the zip's own directory, in the upload form and again before the import unpacks it.

Speed: the file is parsed by pyarrow's multi-threaded CSV reader (the engine behind
``pandas.read_csv(engine="pyarrow")``) straight into dictionary-encoded columns, so every check and
the counting work on small integer codes and the few distinct values, never on Python objects per
row. pandas' own read would turn those columns into Python-level categoricals first, which costs
three times as long (see docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import csv
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd  # noqa: F401 - pyarrow's to_numpy imports it; load it with the module, not mid-import
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from csp_portal.uploads import UnreadableArchive, size_label, zip_members

DATA_DIR = Path(__file__).resolve().parent / "data"
LSOA_LOOKUP = DATA_DIR / "lsoa11_ward19_lad19.csv"
FORCE_LOOKUP = (
    Path(__file__).resolve().parent.parent / "csp_portal" / "organisations" / "data" / "ons_lad_csp_pfa_2019.csv"
)

HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
CRIME_ID, MONTH, FORCE, LSOA_CODE, LSOA_NAME, CRIME_TYPE = (
    "Crime ID",
    "Month",
    "Falls within",
    "LSOA code",
    "LSOA name",
    "Crime type",
)
NEEDED = (CRIME_ID, MONTH, FORCE, LSOA_CODE, LSOA_NAME, CRIME_TYPE)
CODED = (MONTH, FORCE, LSOA_CODE, LSOA_NAME, CRIME_TYPE)
ASB = "Anti-social behaviour"
UNKNOWN_AREA = ""  # the district code of rows with no location
MAX_PROBLEMS = 20  # a refusal lists this many problems, then says how many more it found
# The longest values CrimeCount stores; police.uk's own are far shorter.
MAX_LENGTH = {CRIME_TYPE: 60, FORCE: 100}

# pyarrow parses 1 MB at a time (smaller blocks peak lower at the same speed) and cannot read a line
# longer than a block.
BLOCK_SIZE = 1 << 20

# -- What one upload may hold ---------------------------------------------------------------------
# A police.uk street file is one force's month. Lancashire's run to 3.3-4.0 MB (15,500 to 18,200
# rows); the largest force, the Met, records five to six times Lancashire's crime: about 25 MB.
# 64 MB is two and a half Met months; reading one takes well under a second and its peak memory
# stays near 250 MB, whatever the file holds (benchmarks/upload_bounds.py).
MAX_FILE_BYTES = 64 * 1024 * 1024
# A partnership uploads a year or three of its force's files: three years of the Met's street
# files come to about 900 MB unpacked. Only the street files are ever unpacked.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
# A police.uk download holds a folder a month, each with the street, outcomes and stop-and-search
# files of the forces chosen: three years of one force are 144 entries.
MAX_ARCHIVE_MEMBERS = 1000
# Monthly counts (force, month, area, crime type) one upload may make: a force's month makes a few
# hundred (Lancashire's 2022 months: 234 to 241), three years of the Met about 20,000 (33 boroughs,
# 14 types, and areas outside it). Each is kept in memory until the import is stored, so a file of
# made-up months or areas is refused here.
MAX_UPLOAD_COUNTS = 250_000
# Different values a file may hold, checked before any is made a Python string: police.uk has used
# 16 crime types since 2010 (14 today), and 45 forces publish (a file holds one).
MAX_DISTINCT = {CRIME_TYPE: 50, FORCE: 50}
# Compression methods Python's zipfile reads (police.uk's downloads are deflated).
_READABLE_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_LSOA_NAME = re.compile(r"(.+?) \d{3}[A-Z]")
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


@dataclass(frozen=True)
class Problem:
    """Why a file was refused: where, as precisely as can be said, and what is wrong."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    column_number: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line:,}"
        if self.column_number:
            where += f", column {self.column_number}" + (f" ({self.column})" if self.column else "")
        elif self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


class Refused(Exception):
    """The files cannot be imported; nothing has been stored."""

    def __init__(self, problems: list[Problem], more: int = 0):
        self.problems = problems[:MAX_PROBLEMS]
        self.more = more + max(0, len(problems) - MAX_PROBLEMS)  # found and not listed
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """Each problem listed, then how many more there are."""
        lines = [str(p) for p in self.problems]
        if self.more:
            lines.append(f"And {self.more:,} more problem{'s' if self.more != 1 else ''} like these.")
        return lines


class TooManyCounts(Refused):
    """A file makes more monthly counts than the upload has left: reading further files is pointless."""


@dataclass
class Lookup:
    """What the shipped ONS files say about LSOAs and districts."""

    lsoa_district: dict[str, str]  # LSOA 2011 code -> district code
    district_by_name: dict[str, str]  # district name, lower case -> district code
    district_name: dict[str, str]  # district code -> name
    district_force: dict[str, str]  # district code -> police force area name

    def with_authorities(self, authorities: Iterable[tuple[str, str]]) -> Lookup:
        """The lookup, also knowing authorities from the database by name (e.g. ones made after 2019)."""
        by_name = dict(self.district_by_name)
        names = dict(self.district_name)
        for code, name in authorities:
            by_name.setdefault(name.lower(), code)
            names.setdefault(code, name)
        return Lookup(self.lsoa_district, by_name, names, self.district_force)


@lru_cache(maxsize=1)
def shipped_lookup() -> Lookup:
    lsoas = pcsv.read_csv(
        LSOA_LOOKUP, convert_options=pcsv.ConvertOptions(include_columns=["LSOA11CD", "LAD19CD", "LAD19NM"])
    )
    districts = lsoas["LAD19CD"].to_pylist()
    lsoa_district = dict(zip(lsoas["LSOA11CD"].to_pylist(), districts, strict=True))
    district_name = dict(zip(districts, lsoas["LAD19NM"].to_pylist(), strict=True))
    district_force: dict[str, str] = {}
    with FORCE_LOOKUP.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            district_force[row["LAD19CD"]] = row["PFA19NM"]
            district_name.setdefault(row["LAD19CD"], row["LAD19NM"])
    by_name = {name.lower(): code for code, name in district_name.items()}
    return Lookup(lsoa_district, by_name, district_name, district_force)


@dataclass
class FileCounts:
    """One file, read: its counts and what was noticed in it."""

    name: str
    rows: int = 0
    # (force, month 'YYYY-MM', district code or UNKNOWN_AREA, crime type) -> rows
    counts: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    asb_without_id: int = 0
    other_without_id: int = 0
    no_location: int = 0
    outside_force: Counter = field(default_factory=Counter)  # district name -> rows
    repeated_ids: int = 0
    matched_by_name: list[str] = field(default_factory=list)  # the first LSOA codes, as examples
    matched_by_name_count: int = 0
    home_force: str = ""

    @property
    def months(self) -> list[str]:
        return sorted({month for _, month, _, _ in self.counts})

    @property
    def forces(self) -> list[str]:
        return sorted({force for force, _, _, _ in self.counts})


def _read_header(path: Path, name: str) -> list[str]:
    with path.open("rb") as handle:
        first = handle.readline(65_536)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused([Problem(name, "is not a UTF-8 text file; police.uk files are CSV.", line=1)]) from None
    try:
        header = next(csv.reader([text.rstrip("\r\n")]), [])
    except csv.Error:  # a NUL byte or a stray line break: not a police.uk header
        header = []
    missing = [column for column in NEEDED if column not in header]
    if missing:
        names = ", ".join(f"'{column}'" for column in missing)
        raise Refused(
            [
                Problem(
                    name,
                    f"the header has no {names} column{'s' if len(missing) > 1 else ''}. "
                    f"A police.uk street-level file starts: {','.join(HEADER)}",
                    line=1,
                )
            ]
        )
    return header


def _parse(path: Path, threads: bool, bad_rows: list, keep: int) -> pa.Table:
    """The needed columns; stops (ArrowInvalid) once ``keep`` lines of the wrong length are found:
    skipping them all would keep an object per line (16 MB of one-field lines took 2 minutes and
    1 GB)."""

    def on_bad_row(row) -> str:
        bad_rows.append(row)
        return "error" if len(bad_rows) >= keep else "skip"

    # A plain file stream: a memory-mapped file would count the whole file in resident memory.
    return pcsv.read_csv(
        pa.OSFile(str(path)),
        read_options=pcsv.ReadOptions(use_threads=threads, block_size=BLOCK_SIZE),
        parse_options=pcsv.ParseOptions(invalid_row_handler=on_bad_row),
        convert_options=pcsv.ConvertOptions(
            include_columns=list(NEEDED),
            column_types={column: (pa.string() if column == CRIME_ID else _DICTIONARY) for column in NEEDED},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _field_count_problems(path: Path, name: str, header: list[str]) -> list[Problem]:
    """Line numbers of rows with the wrong number of fields: a second, single-threaded pass (the
    threaded reader does not know line numbers), made only for a file already known to be bad."""
    bad_rows: list = []
    with contextlib.suppress(pa.ArrowException, OSError):
        _parse(path, threads=False, bad_rows=bad_rows, keep=MAX_PROBLEMS)
    problems = []
    for row in bad_rows[:MAX_PROBLEMS]:
        expected, actual = row.expected_columns, row.actual_columns
        where = actual + 1 if actual < expected else expected + 1
        column = header[where - 1] if where - 1 < len(header) else None
        reason = "the line is cut short" if actual < expected else "there are more fields than columns"
        problems.append(
            Problem(
                name,
                f"has {actual} field{'s' if actual != 1 else ''} where the header has {expected}: {reason}.",
                line=row.number,
                column=column,
                column_number=where,
            )
        )
    return problems


def _has_undecodable(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _unreadable(path: Path, name: str, header: list[str]) -> Problem:
    """Why pyarrow could not read the file, in our words and with the line: a line longer than a
    parse block, or a needed column that is not UTF-8 text. Read a line at a time, never more than a
    block of one line, and only for a file already refused."""
    needed = sorted(header.index(column) for column in NEEDED)
    with path.open("rb") as handle:
        number = 0
        while line := handle.readline(BLOCK_SIZE + 1):
            number += 1
            if len(line) > BLOCK_SIZE:
                return Problem(
                    name,
                    f"the line is longer than {size_label(BLOCK_SIZE)}: police.uk lines are a few hundred "
                    "characters. Is this a police.uk street-level file?",
                    line=number,
                )
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                text = line.decode("utf-8", "surrogateescape").rstrip("\r\n")
                fields = next(csv.reader([text.replace("\x00", "")]), [])
                for index in needed:
                    if index < len(fields) and _has_undecodable(fields[index]):
                        return Problem(
                            name,
                            "the field is not UTF-8 text: police.uk files are UTF-8. Download the file again.",
                            line=number,
                            column=header[index],
                            column_number=index + 1,
                        )
    return Problem(name, "cannot be read as a police.uk street-level file: it is damaged, or is another kind of file.")


def _codes(table: pa.Table, column: str) -> tuple[np.ndarray, list[str]]:
    """Row codes and the distinct values of a dictionary-encoded column."""
    chunked = table[column].unify_dictionaries()
    if chunked.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), []
    indices = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunked.chunks])
    return indices, chunked.chunks[0].dictionary.to_pylist()


def _id_lengths_and_repeats(ids: pa.ChunkedArray) -> tuple[np.ndarray, int]:
    """Each row's Crime ID length, and how many non-empty IDs repeat one seen before.

    police.uk IDs are 64 hex characters: their bytes are hashed to 64 bits in numpy, without making
    a Python string per row. Other shapes fall back to pandas."""
    lengths, keys = [], []
    uniform = True
    width = 0
    for chunk in ids.chunks:
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
        chunk_lengths = np.diff(offsets)
        lengths.append(chunk_lengths)
        present = chunk_lengths[chunk_lengths > 0]
        if not len(present):
            continue
        if width == 0:
            width = int(present[0])
        if width % 8 or (present != width).any():
            uniform = False
            continue
        if uniform:
            data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
            words = data.reshape(-1, width).view(np.uint64)
            key = words[:, 0].copy()
            for column in range(1, width // 8):
                key *= np.uint64(0x9E3779B97F4A7C15)
                key ^= words[:, column]
            keys.append(key)
    all_lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int32)
    if uniform:
        if not keys:
            return all_lengths, 0
        key = np.sort(np.concatenate(keys))
        return all_lengths, int(np.count_nonzero(key[1:] == key[:-1]))
    present = ids.filter(pc.not_equal(ids, "")).to_pandas()
    return all_lengths, int(pd.Series(present).duplicated().sum())


def _count_keys(key: np.ndarray, sizes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct combined codes and their rows. One bincount over every possible combination is
    fastest, but made-up forces, months and crime types make that array as large as their product
    (petabytes): past a few times the rows, the codes are sorted instead."""
    cells = 1
    for size in sizes:
        cells *= size
    if cells <= max(1 << 20, 4 * len(key)):
        totals = np.bincount(key, minlength=cells)
        keys = np.flatnonzero(totals)
        return keys, totals[keys]
    return np.unique(key, return_counts=True)


def _first_rows(mask: np.ndarray, limit: int = MAX_PROBLEMS) -> np.ndarray:
    return np.flatnonzero(mask)[:limit]


def _parse_file(path: Path, name: str, header: list[str]) -> pa.Table:
    """The file's needed columns, or ``Refused`` saying where it cannot be read."""
    bad_rows: list = []
    try:
        return _parse(path, threads=True, bad_rows=bad_rows, keep=1)
    except pa.ArrowException:
        if bad_rows:
            problems = _field_count_problems(path, name, header)
            raise Refused(problems or [Problem(name, "has lines of the wrong length.")]) from None
        raise Refused([_unreadable(path, name, header)]) from None


@dataclass
class _Columns:
    """A parsed file's coded columns: each row's code and the distinct values (``_codes``), where
    each column is in the header, and the problems found in their values so far."""

    name: str
    position: dict[str, int]
    codes: dict[str, tuple[np.ndarray, list[str]]]
    problems: list[Problem] = field(default_factory=list)
    more: int = 0  # problems found beyond those listed

    def refuse_values(self, column: str, bad_values: np.ndarray, message: Callable[[str], str]) -> None:
        """Report the first rows whose value (by code) is flagged in ``bad_values``, and count the rest."""
        row_codes, values = self.codes[column]
        flagged = bad_values[row_codes]
        rows = self.first_rows(flagged)
        for row in rows:
            self.problems.append(self.problem(column, message(values[row_codes[row]]), int(row) + 2))

    def first_rows(self, flagged: np.ndarray) -> np.ndarray:
        """The first flagged rows, to be listed; the others are counted in ``more``."""
        rows = _first_rows(flagged)
        self.more += int(np.count_nonzero(flagged)) - len(rows)
        return rows

    def problem(self, column: str, message: str, line: int | None = None) -> Problem:
        return Problem(self.name, message, line=line, column=column, column_number=self.position[column])


def _coded_columns(table: pa.Table, name: str, header: list[str]) -> _Columns:
    """The coded columns of a file with rows, refused when one holds more different values than a
    police.uk file can (checked before any value is made a Python string)."""
    position = {column: header.index(column) + 1 for column in NEEDED}
    if table.num_rows == 0:
        raise Refused([Problem(name, "has a header but no rows of crimes.", line=2)])
    for column, most in MAX_DISTINCT.items():
        chunks = table[column].unify_dictionaries().chunks
        distinct = len(chunks[0].dictionary) if chunks else 0
        if distinct > most:
            what = "crime types" if column == CRIME_TYPE else "forces ('Falls within')"
            message = (
                f"holds {distinct:,} different {what}, more than {most}: police.uk has 14 crime types and one "
                "force a file. Is this a police.uk street-level file?"
            )
            raise Refused([Problem(name, message, column=column, column_number=position[column])])
    return _Columns(name, position, {column: _codes(table, column) for column in CODED})


def _check_values(columns: _Columns) -> None:
    """Months as YYYY-MM; a crime type and a force in every row, no longer than they are stored; no
    NUL character anywhere."""
    _, months = columns.codes[MONTH]
    columns.refuse_values(
        MONTH,
        np.array([not _MONTH.fullmatch(value) for value in months], dtype=bool),
        lambda value: (
            f"'{value}' is not a month: police.uk gives months as YYYY-MM, e.g. 2022-05."
            if value
            else "the month is missing."
        ),
    )
    for column, what in ((CRIME_TYPE, "crime type"), (FORCE, "force ('Falls within')")):
        _, values = columns.codes[column]
        columns.refuse_values(
            column, np.array([not v.strip() for v in values], dtype=bool), lambda _v, w=what: f"the {w} is missing."
        )
        longest = MAX_LENGTH[column]
        columns.refuse_values(
            column,
            np.array([len(v) > longest for v in values], dtype=bool),
            lambda _v, w=what, n=longest: f"the {w} is longer than {n} characters: is this a police.uk file?",
        )
    for column in CODED:
        _, values = columns.codes[column]
        columns.refuse_values(
            column,
            np.array(["\x00" in v for v in values], dtype=bool),
            lambda _v: "the field contains a NUL character: the file is damaged.",
        )


@dataclass
class _Districts:
    """Each row's district, as an index into ``names`` (0 is UNKNOWN_AREA; -1 where none matched)."""

    names: list[str]  # district codes
    of_row: np.ndarray
    by_code: np.ndarray  # each row's district by its LSOA code alone (-1: not in the lookup)
    code_is_empty: np.ndarray  # each row's: no LSOA code at all


def _districts(columns: _Columns, lookup: Lookup) -> _Districts:
    """Districts: by LSOA code in the shipped lookup, else by the LSOA name's prefix ('Chorley 001A')."""
    lsoa_codes, lsoa_code_values = columns.codes[LSOA_CODE]
    lsoa_names, lsoa_name_values = columns.codes[LSOA_NAME]
    names: list[str] = [UNKNOWN_AREA]
    district_index = {UNKNOWN_AREA: 0}

    def index_of(district: str) -> int:
        if district not in district_index:
            district_index[district] = len(names)
            names.append(district)
        return district_index[district]

    by_code = np.array(
        [index_of(lookup.lsoa_district[c]) if c in lookup.lsoa_district else -1 for c in lsoa_code_values] or [0],
        dtype=np.int32,
    )
    by_name = np.full(max(len(lsoa_name_values), 1), -1, dtype=np.int32)
    for i, lsoa_name in enumerate(lsoa_name_values):
        if not lsoa_name.strip():
            by_name[i] = 0
            continue
        prefix = _LSOA_NAME.fullmatch(lsoa_name.strip())
        district = lookup.district_by_name.get((prefix.group(1) if prefix else lsoa_name.strip()).lower())
        if district:
            by_name[i] = index_of(district)
    row_by_code = by_code[lsoa_codes]
    code_is_empty = np.array([not c.strip() for c in lsoa_code_values] or [True], dtype=bool)[lsoa_codes]
    row_district = np.where(row_by_code >= 0, row_by_code, by_name[lsoa_names])
    return _Districts(names, row_district, row_by_code, code_is_empty)


def _check_districts(columns: _Columns, districts: _Districts) -> None:
    """Every row's LSOA matched to a district (or to none, for a row with no location)."""
    lsoa_codes, lsoa_code_values = columns.codes[LSOA_CODE]
    lsoa_names, lsoa_name_values = columns.codes[LSOA_NAME]
    for row in columns.first_rows(districts.of_row < 0):
        code, lsoa_name = lsoa_code_values[lsoa_codes[row]], lsoa_name_values[lsoa_names[row]]
        message = (
            f"unknown LSOA: the code '{code}' is not in the ONS lookup and the name '{lsoa_name}' does not start "
            "with the name of a local authority."
        )
        columns.problems.append(columns.problem(LSOA_CODE, message, int(row) + 2))


def _note_quirks(result: FileCounts, table: pa.Table, columns: _Columns, districts: _Districts) -> None:
    """What the file does that police.uk files do: rows with no location, LSOAs matched by name,
    repeated Crime IDs, rows with no Crime ID."""
    result.no_location = int(np.count_nonzero(districts.of_row == 0))
    lsoa_codes, lsoa_code_values = columns.codes[LSOA_CODE]
    name_only = (districts.by_code < 0) & ~districts.code_is_empty
    if name_only.any():
        matched = sorted(lsoa_code_values[c] for c in np.unique(lsoa_codes[name_only]))
        result.matched_by_name, result.matched_by_name_count = matched[:10], len(matched)
    lengths, result.repeated_ids = _id_lengths_and_repeats(table[CRIME_ID])
    type_codes, type_values = columns.codes[CRIME_TYPE]
    asb_code = type_values.index(ASB) if ASB in type_values else -1
    no_id = lengths == 0
    is_asb = type_codes == asb_code
    result.asb_without_id = int(np.count_nonzero(no_id & is_asb))
    result.other_without_id = int(np.count_nonzero(no_id & ~is_asb))


def _count(result: FileCounts, columns: _Columns, districts: _Districts, max_counts: int | None) -> np.ndarray:
    """Count rows per (force, month, district, crime type) over combined codes into ``result``;
    returns the rows in each district. Raises ``TooManyCounts`` past ``max_counts``."""
    force_codes, force_values = columns.codes[FORCE]
    month_codes, months = columns.codes[MONTH]
    type_codes, type_values = columns.codes[CRIME_TYPE]
    sizes = (len(force_values), len(months), len(districts.names), len(type_values))
    force_and_month = force_codes.astype(np.int64) * sizes[1] + month_codes
    key = (force_and_month * sizes[2] + districts.of_row) * sizes[3] + type_codes
    keys, key_counts = _count_keys(key, sizes)
    if max_counts is not None and len(keys) > max_counts:
        message = (
            f"makes {len(keys):,} monthly counts (one for each force, month, area and crime type), more than the "
            f"{max_counts:,} left for this upload: a police.uk file makes a few hundred. Is this a police.uk "
            "street-level file? If so, upload fewer files at a time."
        )
        raise TooManyCounts([Problem(result.name, message)])
    f_at, m_at, d_at, t_at = np.unravel_index(keys, sizes)
    for f, m, d, t, count in zip(f_at, m_at, d_at, t_at, key_counts, strict=True):
        result.counts[(force_values[f], months[m], districts.names[d], type_values[t])] = int(count)
    return np.bincount(d_at, weights=key_counts, minlength=sizes[2]).astype(np.int64)


def _note_outside_force(result: FileCounts, lookup: Lookup, districts: list[str], per_district: np.ndarray) -> None:
    """Rows outside the force area: the force area is the one most of the located rows fall in."""
    force_rows: Counter = Counter()
    for d, rows in enumerate(per_district):
        if d and rows:
            force_rows[lookup.district_force.get(districts[d], "")] += int(rows)
    if force_rows:
        result.home_force = force_rows.most_common(1)[0][0]
        for d, rows in enumerate(per_district):
            if d and rows and lookup.district_force.get(districts[d], "") != result.home_force:
                result.outside_force[lookup.district_name.get(districts[d], districts[d])] += int(rows)


def read_file(
    path: Path | str,
    lookup: Lookup | None = None,
    name: str | None = None,
    on_stage: Callable[[str], None] = None,
    max_counts: int | None = None,
) -> FileCounts:
    """Count one police.uk street-level file. Raises ``Refused`` with its first problems, or when it
    makes more than ``max_counts`` monthly counts (what an upload may still hold)."""
    path = Path(path)
    name = name or path.name
    lookup = lookup or shipped_lookup()
    header = _read_header(path, name)
    table = _parse_file(path, name, header)
    if on_stage:
        on_stage("checking")
    columns = _coded_columns(table, name, header)
    _check_values(columns)
    districts = _districts(columns, lookup)
    _check_districts(columns, districts)
    if columns.problems:
        columns.problems.sort(key=lambda p: (p.line or 0, p.column_number or 0))
        raise Refused(columns.problems, more=columns.more)
    result = FileCounts(name=name, rows=table.num_rows)
    _note_quirks(result, table, columns, districts)
    per_district = _count(result, columns, districts, max_counts)
    _note_outside_force(result, lookup, districts.names, per_district)
    return result


# -- Uploads: a police.uk file, or a .zip of them --------------------------------------------------


def is_street_file(member: zipfile.ZipInfo) -> bool:
    return member.filename.endswith("-street.csv") and not member.is_dir()


def street_members(file: IO[bytes]) -> list[zipfile.ZipInfo]:
    """The street files of an uploaded .zip, checked against the limits from the sizes its central
    directory declares (Python's zipfile never unpacks a member past its declared size), before
    anything is unpacked. Raises ``UnreadableArchive`` with a message that completes 'The selected
    file ...' or 'download.zip: ...'."""
    members = zip_members(file, max_members=MAX_ARCHIVE_MEMBERS)
    street = [member for member in members if is_street_file(member)]
    if not street:
        raise UnreadableArchive("must hold police.uk street-level files ('…-street.csv'): this .zip holds none")
    for member in street:
        if member.flag_bits & 0x1:
            raise UnreadableArchive(f"must not be password-protected: {member.filename} is")
        if member.compress_type not in _READABLE_COMPRESSION:
            raise UnreadableArchive(
                f"is compressed in a way the portal cannot read ({member.filename}): make the .zip again with "
                "your computer's own 'compress' or 'send to compressed folder'"
            )
        if member.file_size > MAX_FILE_BYTES:
            raise UnreadableArchive(
                f"must hold street files smaller than {size_label(MAX_FILE_BYTES)} each: {member.filename} unpacks "
                f"to {size_label(member.file_size)}. A police.uk street file is one force's month"
            )
    unpacked = sum(member.file_size for member in street)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableArchive(
            f"must hold street files that unpack to less than {size_label(MAX_UNPACKED_BYTES)} in all: these unpack "
            f"to {size_label(unpacked)}. Upload fewer months at a time"
        )
    return street


def check_upload(file: IO[bytes], filename: str, size: int) -> list[zipfile.ZipInfo]:
    """An uploaded police.uk file within the limits: a street file (.csv) no larger than one may be,
    or a .zip whose street files are (returned). Raises ``UnreadableArchive``."""
    if filename.lower().endswith(".zip"):
        return street_members(file)
    if size > MAX_FILE_BYTES:
        raise UnreadableArchive(
            f"must be smaller than {size_label(MAX_FILE_BYTES)}: a police.uk street file is one force's month, "
            "the Met's about 25 MB. Upload several months as a .zip"
        )
    return []
