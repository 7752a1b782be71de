"""Defining indicators and entering their figures by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from csp_portal import tables, writes
from csp_portal.validators import has_line_break

from ..analysis import parse_period
from ..models import Indicator, IndicatorValue


def save_indicator(*, actor, indicator: Indicator, threats) -> Indicator:
    with transaction.atomic():
        writes.save(indicator, actor=actor)
        indicator.threats.set(threats)
        return indicator


def set_value(*, actor, indicator: Indicator, period_start: date, value: Decimal, note: str = "") -> IndicatorValue:
    """Record (or correct) the figure for one period."""
    with transaction.atomic():
        found = IndicatorValue.objects.filter(indicator=indicator, period_start=period_start).first()
        found = found or IndicatorValue(indicator=indicator, period_start=period_start)
        found.value, found.note = value, note
        writes.save(found, actor=actor)
        return found


# IndicatorValue.value holds 14 digits, 3 of them after the point.
MAX_VALUE = Decimal("100000000000")
# An upload holds a row per period: a monthly indicator over a century is 1,200 rows, more than any
# partnership keeps. Reading stops there (and at ten times that counting blank lines), so a file of
# millions of empty lines costs no more than a real one.
MAX_FIGURE_ROWS = 1200
# period, value and note, with room for the few more columns a spreadsheet may add.
MAX_FIGURE_COLUMNS = 10


def _refuse_nul(text: str) -> None:
    """PostgreSQL text cannot hold NUL: a file with one is damaged (or not a CSV file at all)."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(f"Line {line} contains a NUL character: the file is damaged or is not a CSV file.")


def read_csv(content: bytes, *, max_rows: int, max_columns: int) -> tables.Table:
    """An uploaded CSV file's headings and rows with values, read a row at a time within bounds
    (``csp_portal.tables``), or ValidationError naming the line (and column) at fault."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text: save it from your spreadsheet as 'CSV UTF-8'.") from None
    _refuse_nul(text)
    try:
        # A CSV whatever its name: the forms accept .csv files only.
        return tables.read_table(content, "upload.csv", max_rows=max_rows, max_columns=max_columns, max_unzipped=0)
    except tables.UnreadableTable as error:
        if error.row and error.column:
            message = f"Line {error.row:,}, column {error.column}: {error.message}."
        elif error.row:
            message = f"Line {error.row:,}: {error.message}."
        else:
            message = f"{error.message[0].upper()}{error.message[1:]}."
        raise ValidationError(message) from None


def parse_values(content: bytes, frequency: str) -> list[tuple[date, Decimal, str]]:
    """Rows of an uploaded figures CSV (period, value[, note]), or ValidationError naming the line."""
    table = read_csv(content, max_rows=MAX_FIGURE_ROWS, max_columns=MAX_FIGURE_COLUMNS)
    header = [h.lower() for h in table.headings]
    if header[:2] != ["period", "value"]:
        raise ValidationError(f"Line {table.heading_row} must be the header: period,value (and optionally note).")
    rows, seen = [], set()
    for line, fields in table.rows:
        try:
            start = parse_period(fields[0], frequency)
        except (ValueError, IndexError) as exc:
            raise ValidationError(f"Line {line}, column 1: {exc}") from None
        try:
            value = Decimal(fields[1].strip().replace(",", ""))
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, IndexError):
            raise ValidationError(f"Line {line}, column 2: the value must be a number.") from None
        if abs(value) >= MAX_VALUE:
            raise ValidationError(f"Line {line}, column 2: the value must be less than {MAX_VALUE:,}.")
        if start in seen:
            raise ValidationError(f"Line {line}: the period {fields[0].strip()} appears twice.")
        seen.add(start)
        note = fields[2].strip() if len(fields) > 2 else ""
        if has_line_break(note):
            raise ValidationError(f"Line {line}, column 3: write the note on one line, without a line break.")
        rows.append((start, round(value, 3), note[:300]))
    if not rows:
        raise ValidationError("The file has no figures.")
    return rows


def upload_values(*, actor, indicator: Indicator, rows: list[tuple[date, Decimal, str]]) -> int:
    with transaction.atomic():
        for start, value, note in rows:
            set_value(actor=actor, indicator=indicator, period_start=start, value=value, note=note)
    return len(rows)
