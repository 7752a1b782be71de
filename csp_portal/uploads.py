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
from typing import IO

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


# A zip archive's central directory: Python's zipfile reads it whole and makes an object for every
# entry before anyone can count them, so a few megabytes listing millions of empty files cost
# gigabytes. Its end record states the directory's size and entry count: both are checked first.
# An entry takes 46 bytes plus its name and extra fields: a kilobyte each on average is generous
# (police.uk's names are about 40 characters).
ZIP_DIRECTORY_BYTES_PER_ENTRY = 1024


class UnreadableArchive(Exception):
    """The file is not a zip archive that can be read within its limits; the message completes
    'The selected file ...' and 'download.zip: ...' alike ('must be a .zip file...')."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def zip_members(file: IO[bytes], *, max_members: int) -> list[zipfile.ZipInfo]:
    """The entries (files and folders) of the zip archive in ``file``, read from its central directory
    only after its end record shows at most ``max_members`` entries in a directory of proportionate
    size. Nothing is unpacked. Raises ``UnreadableArchive``."""
    file.seek(0)
    try:
        # zipfile's own reading of the end record (private, stable since Python 2): the directory
        # bounded here is exactly the one ZipFile then reads.
        end = zipfile._EndRecData(file)
    except OSError:
        end = None
    if not end:
        raise UnreadableArchive("must be a .zip file: this one is damaged or is not a zip")
    stated, directory_bytes = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if stated > max_members:
        raise UnreadableArchive(f"must hold at most {max_members:,} files and folders: this one holds {stated:,}")
    if directory_bytes > max_members * ZIP_DIRECTORY_BYTES_PER_ENTRY:
        raise UnreadableArchive(
            f"is damaged: its list of contents takes {size_label(directory_bytes)}, more than "
            f"{max_members:,} files and folders need"
        )
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise UnreadableArchive("must be a .zip file: this one is damaged or is not a zip") from None
    finally:
        file.seek(0)
    if len(members) > max_members:  # the end record understated them
        raise UnreadableArchive(f"must hold at most {max_members:,} files and folders: this one holds {len(members):,}")
    return members
