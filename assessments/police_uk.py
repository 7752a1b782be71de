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

A file with a structural problem is refused with the line and column of the first problems, and
nothing from it is used: a missing column, a line with the wrong number of fields (a truncated
line), a month that is not YYYY-MM, an empty crime type or force, or an LSOA whose code and name
match no district. Line numbers count the header as line 1 and assume, as in every police.uk file,
that no field spans two lines.

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
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd  # noqa: F401 - pyarrow's to_numpy imports it; load it with the module, not mid-import
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

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
MAX_PROBLEMS = 10
# The longest values CrimeCount stores; police.uk's own are far shorter.
MAX_LENGTH = {CRIME_TYPE: 60, FORCE: 100}

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

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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
    matched_by_name: list[str] = field(default_factory=list)  # LSOA codes
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


def _parse(path: Path, header: list[str], threads: bool, bad_rows: list) -> pa.Table:
    def on_bad_row(row) -> str:
        bad_rows.append(row)
        return "skip"

    # A plain file stream: a memory-mapped file would count the whole file in resident memory.
    return pcsv.read_csv(
        pa.OSFile(str(path)),
        read_options=pcsv.ReadOptions(use_threads=threads, block_size=1 << 20),
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
    with contextlib.suppress(pa.ArrowInvalid, OSError):
        _parse(path, header, threads=False, bad_rows=bad_rows)
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


def _first_rows(mask: np.ndarray, limit: int = MAX_PROBLEMS) -> np.ndarray:
    return np.flatnonzero(mask)[:limit]


def read_file(
    path: Path | str, lookup: Lookup | None = None, name: str | None = None, on_stage: Callable[[str], None] = None
) -> FileCounts:
    """Count one police.uk street-level file. Raises ``Refused`` with its first problems."""
    path = Path(path)
    name = name or path.name
    lookup = lookup or shipped_lookup()
    header = _read_header(path, name)
    position = {column: header.index(column) + 1 for column in NEEDED}
    bad_rows: list = []
    try:
        table = _parse(path, header, threads=True, bad_rows=bad_rows)
    except pa.ArrowInvalid as exc:
        raise Refused([Problem(name, f"cannot be read as CSV: {exc}")]) from None
    if bad_rows:
        raise Refused(_field_count_problems(path, name, header) or [Problem(name, "has lines of the wrong length.")])
    if on_stage:
        on_stage("checking")

    result = FileCounts(name=name, rows=table.num_rows)
    if table.num_rows == 0:
        raise Refused([Problem(name, "has a header but no rows of crimes.", line=2)])
    codes = {column: _codes(table, column) for column in CODED}
    problems: list[Problem] = []

    def refuse_values(column: str, bad_values: np.ndarray, message: Callable[[str], str]) -> None:
        """Report the first rows whose value (by code) is flagged in ``bad_values``."""
        row_codes, values = codes[column]
        for row in _first_rows(bad_values[row_codes]):
            problems.append(
                Problem(
                    name,
                    message(values[row_codes[row]]),
                    line=int(row) + 2,
                    column=column,
                    column_number=position[column],
                )
            )

    _, months = codes[MONTH]
    refuse_values(
        MONTH,
        np.array([not _MONTH.fullmatch(value) for value in months], dtype=bool),
        lambda value: (
            f"'{value}' is not a month: police.uk gives months as YYYY-MM, e.g. 2022-05."
            if value
            else "the month is missing."
        ),
    )
    for column, what in ((CRIME_TYPE, "crime type"), (FORCE, "force ('Falls within')")):
        _, values = codes[column]
        refuse_values(
            column, np.array([not v.strip() for v in values], dtype=bool), lambda _v, w=what: f"the {w} is missing."
        )
        longest = MAX_LENGTH[column]
        refuse_values(
            column,
            np.array([len(v) > longest for v in values], dtype=bool),
            lambda _v, w=what, n=longest: f"the {w} is longer than {n} characters: is this a police.uk file?",
        )
    for column in CODED:
        _, values = codes[column]
        refuse_values(
            column,
            np.array(["\x00" in v for v in values], dtype=bool),
            lambda _v: "the field contains a NUL character: the file is damaged.",
        )

    # Districts: by LSOA code in the shipped lookup, else by the LSOA name's prefix.
    lsoa_codes, lsoa_code_values = codes[LSOA_CODE]
    lsoa_names, lsoa_name_values = codes[LSOA_NAME]
    districts: list[str] = [UNKNOWN_AREA]
    district_index = {UNKNOWN_AREA: 0}

    def index_of(district: str) -> int:
        if district not in district_index:
            district_index[district] = len(districts)
            districts.append(district)
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
    row_by_name = by_name[lsoa_names]
    code_is_empty = np.array([not c.strip() for c in lsoa_code_values] or [True], dtype=bool)[lsoa_codes]
    row_district = np.where(row_by_code >= 0, row_by_code, row_by_name)
    unmatched = row_district < 0
    for row in _first_rows(unmatched):
        code, lsoa_name = lsoa_code_values[lsoa_codes[row]], lsoa_name_values[lsoa_names[row]]
        problems.append(
            Problem(
                name,
                f"unknown LSOA: the code '{code}' is not in the ONS lookup and the name '{lsoa_name}' "
                "does not start with the name of a local authority.",
                line=int(row) + 2,
                column=LSOA_CODE,
                column_number=position[LSOA_CODE],
            )
        )
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column_number or 0))
        raise Refused(problems[:MAX_PROBLEMS])

    # Quirks, reported.
    result.no_location = int(np.count_nonzero(row_district == 0))
    name_only = (row_by_code < 0) & ~code_is_empty
    if name_only.any():
        result.matched_by_name = sorted({lsoa_code_values[c] for c in np.unique(lsoa_codes[name_only])})
    lengths, result.repeated_ids = _id_lengths_and_repeats(table[CRIME_ID])
    type_codes, type_values = codes[CRIME_TYPE]
    asb_code = type_values.index(ASB) if ASB in type_values else -1
    no_id = lengths == 0
    is_asb = type_codes == asb_code
    result.asb_without_id = int(np.count_nonzero(no_id & is_asb))
    result.other_without_id = int(np.count_nonzero(no_id & ~is_asb))

    # Count rows per (force, month, district, crime type) with one bincount over combined codes.
    force_codes, force_values = codes[FORCE]
    month_codes = codes[MONTH][0]
    sizes = (len(force_values), len(months), len(districts), len(type_values))
    key = ((force_codes.astype(np.int64) * sizes[1] + month_codes) * sizes[2] + row_district) * sizes[3] + type_codes
    totals = np.bincount(key, minlength=int(np.prod(sizes))).reshape(sizes)
    for f, m, d, t in zip(*np.nonzero(totals), strict=True):
        result.counts[(force_values[f], months[m], districts[d], type_values[t])] = int(totals[f, m, d, t])

    # Rows outside the force area: the force area is the one most of the located rows fall in.
    per_district = totals.sum(axis=(0, 1, 3))
    force_rows: Counter = Counter()
    for d, rows in enumerate(per_district):
        if d and rows:
            force_rows[lookup.district_force.get(districts[d], "")] += int(rows)
    if force_rows:
        result.home_force = force_rows.most_common(1)[0][0]
        for d, rows in enumerate(per_district):
            if d and rows and lookup.district_force.get(districts[d], "") != result.home_force:
                result.outside_force[lookup.district_name.get(districts[d], districts[d])] += int(rows)
    return result
