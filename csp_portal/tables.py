"""Reading an uploaded table (a CSV file or the first sheet of an .xlsx workbook) within set bounds.

Every limit is checked from the file's own structure before, or while, it is read, never after:

- a workbook is a zip archive: the sizes its members declare (which Python's zipfile never reads
  past) must add up to no more than ``max_unzipped`` bytes, so a few kilobytes that unpack to
  gigabytes are refused before any XML is parsed;
- a workbook states its sheet's used range (``<dimension ref="A1:P2001">``); a range wider than
  ``max_columns`` is refused at once;
- rows are then read one at a time, at most ``max_columns + 1`` cells wide whatever a row or the
  stated range claims. Reading stops at the first row with values beyond ``max_rows``, and at row
  ``10 × max_rows`` counting blank ones (blank rows between sections are fine; a million are not).
  Blank rows are never kept.

A workbook that states no used range is scanned once by openpyxl to look for it, so its reading
time grows with its unpacked size, which ``max_unzipped`` bounds.

Rows are numbered as the spreadsheet numbers them (the first row is 1), blank rows included, so a
problem's row is the one the person sees. Values come as the file holds them: text from a CSV;
text, numbers, dates and booleans from a workbook (formulas as their last calculated value).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from csp_portal.uploads import UnreadableArchive, size_label, zip_members

# Blank rows are allowed between sections, but reading stops at this many rows per row allowed.
ROWS_READ_PER_ROW_ALLOWED = 10
MAX_ZIP_MEMBERS = 1000  # a workbook holds a few dozen parts; a thousand is already absurd
CSV_FIELD_LIMIT = 131_072  # the csv module's own default, made explicit: characters in one cell


class UnreadableTable(Exception):
    """The file cannot be read as a table within its limits. ``row`` and ``column`` (1-based) say
    where, when the problem has a place; the message says what is wrong in the user's words."""

    def __init__(self, message: str, row: int | None = None, column: int | None = None):
        self.message = message
        self.row = row
        self.column = column
        super().__init__(message)


@dataclass(frozen=True)
class Table:
    """A table's headings (trimmed text) and its non-blank rows, each with its row number."""

    heading_row: int
    headings: list[str]
    rows: list[tuple[int, tuple[Any, ...]]]


def column_letter(number: int) -> str:
    """'A' for column 1, 'AA' for 27, as spreadsheets name columns."""
    return get_column_letter(number)


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def read_table(data: bytes, filename: str, *, max_rows: int, max_columns: int, max_unzipped: int) -> Table:
    """The table in ``data``: a workbook when ``filename`` ends in .xlsx, otherwise CSV text.

    Raises ``UnreadableTable`` for a file that is not a table, is larger than its limits once
    unpacked, is wider than ``max_columns`` or has more than ``max_rows`` rows with values."""
    if filename.lower().endswith(".xlsx"):
        rows = _workbook_rows(data, max_columns=max_columns, max_unzipped=max_unzipped)
    else:
        rows = _csv_rows(data)
    return _collect(rows, max_rows=max_rows, max_columns=max_columns)


def _collect(rows: Iterator[tuple[int, tuple[Any, ...]]], *, max_rows: int, max_columns: int) -> Table:
    heading_row, headings = 0, None
    kept: list[tuple[int, tuple[Any, ...]]] = []
    last_row = ROWS_READ_PER_ROW_ALLOWED * max_rows
    for number, cells in rows:
        if number > last_row:
            raise UnreadableTable(
                f"the table runs past row {last_row:,}, counting empty rows: delete the rows below the table",
                row=number,
            )
        if _is_blank(cells):
            continue
        if len(cells) > max_columns and not _is_blank(cells[max_columns:]):
            first = max_columns + next(i for i, cell in enumerate(cells[max_columns:]) if not _is_blank([cell]))
            raise UnreadableTable(
                f"there is a value in column {column_letter(first + 1)}: the table must fit in "
                f"{max_columns} columns (A to {column_letter(max_columns)})",
                row=number,
                column=first + 1,
            )
        if headings is None:
            heading_row = number
            headings = ["" if cell is None else str(cell).strip() for cell in cells[:max_columns]]
            while headings and not headings[-1]:
                headings.pop()
            continue
        if len(kept) == max_rows:
            raise UnreadableTable(
                f"there are more than {max_rows:,} rows below the headings: import at most {max_rows:,} at a time",
                row=number,
            )
        kept.append((number, tuple(cells[:max_columns])))
    if headings is None:
        raise UnreadableTable("the file is empty: it has no headings and no rows")
    return Table(heading_row, headings, kept)


# -- CSV -------------------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[tuple[int, tuple[str, ...]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableTable("the CSV file must be saved as UTF-8 text ('CSV UTF-8' in Excel)") from None
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, record in enumerate(reader, start=1):  # noqa: B007 - read after the loop for the message
            yield number, tuple(record)
    except csv.Error:
        raise UnreadableTable(
            f"a cell is longer than {CSV_FIELD_LIMIT:,} characters, or a quotation mark is not closed",
            row=number + 1,
        ) from None


# -- Excel workbooks -------------------------------------------------------------------------------


def _check_archive(data: bytes, max_unzipped: int) -> None:
    try:
        members = zip_members(io.BytesIO(data), max_members=MAX_ZIP_MEMBERS)
    except UnreadableArchive:
        raise UnreadableTable(
            "it could not be read as a table: it is not an Excel workbook that can be read. Save it from Excel as "
            f".xlsx (a workbook holds at most {MAX_ZIP_MEMBERS:,} parts), or as CSV UTF-8"
        ) from None
    unzipped = sum(member.file_size for member in members)
    if unzipped > max_unzipped:
        raise UnreadableTable(
            f"the workbook unpacks to {size_label(unzipped)}, more than the {size_label(max_unzipped)} allowed: "
            "save the sheet as CSV UTF-8, or split it"
        )


def _workbook_rows(data: bytes, *, max_columns: int, max_unzipped: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    _check_archive(data, max_unzipped)
    try:
        # read_only streams the sheet's XML; data_only gives formulas' last calculated values.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged workbook; none says more to the user
        raise UnreadableTable(
            "it could not be read as a table: the workbook is damaged. Open it in Excel and save it again as .xlsx"
        ) from None
    try:
        if not book.worksheets:
            raise UnreadableTable("the workbook has no sheets")
        sheet = book.worksheets[0]
        if getattr(sheet, "max_column", None) and sheet.max_column > max_columns:
            raise UnreadableTable(
                f"the first sheet's used range is {sheet.max_column:,} columns wide (to column "
                f"{column_letter(sheet.max_column)}): the table must fit in {max_columns} columns "
                f"(A to {column_letter(max_columns)}). Delete the columns to the right of the table"
            )
        # The stated range is a claim, not a limit: read every row there is, never more than one
        # column beyond the limit (openpyxl pads each row to exactly max_col cells).
        sheet.reset_dimensions()
        try:
            yield from enumerate(sheet.iter_rows(max_col=max_columns + 1, values_only=True), start=1)
        except UnreadableTable:
            raise
        except Exception:
            raise UnreadableTable(
                "it could not be read as a table: the first sheet is damaged. Open the workbook in Excel and save it "
                "again as .xlsx"
            ) from None
    finally:
        book.close()
