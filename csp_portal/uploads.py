"""Checks on uploaded files: not too big, not empty, and of the type their name claims, judged by
their content and not only their extension. Messages follow the GOV.UK file upload pattern ('The
selected file must be ...') and go on the form's file field.

Limits per kind of upload are in the MAX_UPLOAD_SIZE setting. A report's logo is an ImageField, which
Pillow must open; reports.forms accepts PNG and JPEG only (never SVG, which can carry script and
references to other files).
"""

from __future__ import annotations

import codecs
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

SNIFF_BYTES = 64 * 1024  # enough of a text file to tell text from binary


def size_label(size: int) -> str:
    """'5 MB', '1.5 GB', '500 KB': a size as a person reads it."""
    megabytes = size / (1024 * 1024)
    if megabytes >= 1024:
        return f"{megabytes / 1024:.1f} GB".replace(".0 ", " ")
    if megabytes >= 1:
        return f"{megabytes:.1f} MB".replace(".0 ", " ")
    return f"{size // 1024} KB"


def check_size(upload, kind: str) -> None:
    """The file is not empty and no larger than the MAX_UPLOAD_SIZE of its kind."""
    limit = settings.MAX_UPLOAD_SIZE[kind]
    if upload.size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if upload.size > limit:
        raise ValidationError(f"The selected file must be smaller than {size_label(limit)}", code="too_big")


def extension(upload) -> str:
    """The file name's extension, lower case, without the dot ('' for none)."""
    name = upload.name.lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def _head(upload, size: int = SNIFF_BYTES) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def is_text(upload) -> bool:
    """The start of the file is UTF-8 text (a byte-order mark allowed) with no NUL bytes."""
    head = _head(upload)
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)  # a character may be cut at the end
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def is_zip(upload, member: str | None = None) -> bool:
    """A readable zip archive, holding ``member`` when one is named (an .xlsx holds xl/workbook.xml)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return member is None or member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)


def is_pdf(upload) -> bool:
    return _head(upload, 5) == b"%PDF-"


def check_csv(upload, kind: str = "table") -> None:
    """A CSV file: the right extension, size and text content."""
    if extension(upload) != "csv":
        raise ValidationError("The selected file must be a CSV", code="type")
    check_size(upload, kind)
    if not is_text(upload):
        raise ValidationError(
            "The selected file must be a CSV: this one is not text. Save it from your spreadsheet as 'CSV UTF-8'",
            code="content",
        )
