"""Defining indicators and entering their figures by hand."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from ..analysis import parse_period
from ..models import Indicator, IndicatorValue


def save_indicator(*, actor, indicator: Indicator, threats) -> Indicator:
    with transaction.atomic():
        indicator._history_user = actor
        indicator.save()
        indicator.threats.set(threats)
        return indicator


def set_value(*, actor, indicator: Indicator, period_start: date, value: Decimal, note: str = "") -> IndicatorValue:
    """Record (or correct) the figure for one period."""
    with transaction.atomic():
        found = IndicatorValue.objects.filter(indicator=indicator, period_start=period_start).first()
        found = found or IndicatorValue(indicator=indicator, period_start=period_start)
        found.value, found.note = value, note
        found._history_user = actor
        found.save()
        return found


# IndicatorValue.value holds 14 digits, 3 of them after the point.
MAX_VALUE = Decimal("100000000000")


def refuse_nul(text: str) -> None:
    """PostgreSQL text cannot hold NUL: a file with one is damaged (or not a CSV file at all)."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(f"Line {line} contains a NUL character: the file is damaged or is not a CSV file.")


def read_csv(text: str) -> list[list[str]]:
    """Every line of an uploaded CSV file, or ValidationError when it is not one."""
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:  # e.g. a field longer than the csv module's limit
        raise ValidationError(f"The file cannot be read as CSV ({exc}).") from None


def parse_values(content: bytes, frequency: str) -> list[tuple[date, Decimal, str]]:
    """Rows of an uploaded figures CSV (period, value[, note]), or ValidationError naming the line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text: save it as 'CSV UTF-8'.") from None
    refuse_nul(text)
    reader = iter(read_csv(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:2] != ["period", "value"]:
        raise ValidationError("Line 1 must be the header: period,value (and optionally note).")
    rows, seen = [], set()
    for line, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
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
        rows.append((start, round(value, 3), (fields[2].strip() if len(fields) > 2 else "")[:300]))
    if not rows:
        raise ValidationError("The file has no figures.")
    return rows


def upload_values(*, actor, indicator: Indicator, rows: list[tuple[date, Decimal, str]]) -> int:
    with transaction.atomic():
        for start, value, note in rows:
            set_value(actor=actor, indicator=indicator, period_start=start, value=value, note=note)
    return len(rows)
