"""Crime-severity weights: how much harm a crime of each type does, for share-of-harm analysis."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from csp_portal import writes
from csp_portal.organisations.models import Partnership
from csp_portal.validators import has_line_break

from ..models import HarmWeight
from .indicators import read_csv

# An upload's rows: police.uk has 14 crime types, and the ONS Crime Severity Score weighs about 250
# offences, should an analyst upload all of them. Reading stops past 1,000 rows (and at ten times
# that counting blank lines), so a file of millions of empty lines costs no more than a real one.
MAX_WEIGHT_ROWS = 1000
# crime_type, weight and source, with room for the other columns of a published weights table
# (offence code, category, notes...).
MAX_WEIGHT_COLUMNS = 20
# Column names accepted in an uploaded weights file (compared ignoring case, spaces and underscores).
CRIME_TYPE_COLUMNS = {"crimetype", "policeukcrimetype", "category"}
WEIGHT_COLUMNS = {"weight", "severityweight", "crimeseverityweight", "cssweight"}
SOURCE_COLUMNS = {"source"}


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def set_weight(*, actor, partnership: Partnership, crime_type: str, weight: Decimal, source: str) -> HarmWeight:
    with transaction.atomic():
        found = HarmWeight.objects.filter(partnership=partnership, crime_type=crime_type).first()
        found = found or HarmWeight(partnership=partnership, crime_type=crime_type)
        found.weight, found.source = weight, source
        writes.save(found, actor=actor)
        return found


def reset_weights(*, actor, partnership: Partnership) -> int:
    """Back to weight 1 for every type (plain volume)."""
    with transaction.atomic():
        weights = list(HarmWeight.objects.filter(partnership=partnership))
        for weight in weights:
            writes.delete(weight, actor=actor)
        return len(weights)


def parse_weights(content: bytes, default_source: str) -> list[tuple[str, Decimal, str]]:
    """Rows of an uploaded weights CSV, or ValidationError naming the line and column at fault."""
    table = read_csv(content, max_rows=MAX_WEIGHT_ROWS, max_columns=MAX_WEIGHT_COLUMNS)
    header = [_key(h) for h in table.headings]
    try:
        type_at = next(i for i, h in enumerate(header) if h in CRIME_TYPE_COLUMNS)
        weight_at = next(i for i, h in enumerate(header) if h in WEIGHT_COLUMNS)
    except StopIteration:
        raise ValidationError(
            f"Line {table.heading_row} must name the columns crime_type and weight (and optionally source)."
        ) from None
    source_at = next((i for i, h in enumerate(header) if h in SOURCE_COLUMNS), None)
    rows, seen = [], set()
    for line, fields in table.rows:
        if len(fields) <= max(type_at, weight_at):
            raise ValidationError(f"Line {line} has {len(fields)} columns; it needs a crime type and a weight.")
        crime_type = fields[type_at].strip()
        try:
            weight = Decimal(fields[weight_at].strip().replace(",", ""))
        except InvalidOperation:
            weight = Decimal(-1)
        if not weight.is_finite() or weight < 0 or weight >= 10**7:
            raise ValidationError(f"Line {line}, column {weight_at + 1}: '{fields[weight_at]}' is not a weight.")
        if not crime_type or crime_type.lower() in seen:
            raise ValidationError(f"Line {line}, column {type_at + 1}: the crime type is empty or repeated.")
        seen.add(crime_type.lower())
        source = fields[source_at].strip() if source_at is not None and source_at < len(fields) else ""
        for text, at in ((crime_type, type_at), (source, source_at)):
            if has_line_break(text):
                raise ValidationError(f"Line {line}, column {at + 1}: write it on one line, without a line break.")
        rows.append((crime_type[:60], round(weight, 3), (source or default_source)[:300]))
    if not rows:
        raise ValidationError("The file has no weights.")
    return rows


def upload_weights(*, actor, partnership: Partnership, rows: list[tuple[str, Decimal, str]]) -> int:
    """Set the weights of the types in ``rows``; types not in the file keep theirs."""
    with transaction.atomic():
        for crime_type, weight, source in rows:
            set_weight(actor=actor, partnership=partnership, crime_type=crime_type, weight=weight, source=source)
    return len(rows)
