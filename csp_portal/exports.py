"""Tables downloaded as CSV or as an Excel workbook, from the same rows."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import pandas as pd
from django.http import HttpResponse

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets, which could
# fetch URLs or run commands when the file is opened ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(value):
    """Text that a spreadsheet would take for a formula, prefixed with an apostrophe so that it stays
    text; numbers (negative ones too) and everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def table_response(
    rows: Sequence[dict], columns: Sequence[str], filename: str, file_format: str, sheet: str = "Sheet1"
) -> HttpResponse:
    """``rows`` are dicts keyed by the column headings users know; ``filename`` has no extension."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    frame = pd.DataFrame(list(rows), columns=list(columns))
    if file_format == "csv":
        frame = frame.map(neutralise)
        # A byte-order mark so that Excel opens UTF-8 (pound signs, accents) correctly.
        content = frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    else:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=sheet[:31])
            worksheet = writer.sheets[sheet[:31]]
            for column_cells in worksheet.columns:
                for cell in column_cells:
                    if cell.data_type == "f":  # openpyxl takes text starting '=' for a formula; it is text
                        cell.data_type = "s"
                longest = max(len(str(cell.value or "")) for cell in column_cells)
                worksheet.column_dimensions[column_cells[0].column_letter].width = min(max(longest, 10), 80)
        content = buffer.getvalue()
    response = HttpResponse(content, content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response
