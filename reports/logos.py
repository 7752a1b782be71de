"""A report's logo: small on disk, and small once decoded.

A PNG or JPEG states its width and height in its header, and Pillow reads only the header until it
is asked for the pixels. A renderer decodes every pixel: WeasyPrint turns a palette or transparent
PNG into RGB(A), 3 or 4 bytes a pixel. So a 100 KB file stating 30,000 × 30,000 pixels is 3.6 GB to
the renderer (a 12,000-pixel square took 19 s and 1.2 GB to render before this check). The
dimensions are checked from the header when the logo is uploaded, when a report embeds the stored
logo, and when the PDF renderer is handed any image as a ``data:`` URI.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import IO

from PIL import JpegImagePlugin, PngImagePlugin

# The report reads the logo into every snapshot: a logo is a few tens of kilobytes.
MAX_LOGO_BYTES = 500 * 1024
# A logo prints a few centimetres wide on the cover: 5 cm at 600 dots an inch is 1,181 pixels.
# 4,000 a side leaves room for a logo exported large, and decodes to at most 64 MB (4 bytes a pixel).
MAX_LOGO_SIDE = 4000

# Opened by the format's own class, not Image.open: Image.open refuses a huge image (Pillow's
# decompression-bomb check) before anyone can say how large it is, and tries every other format.
_OPENERS = {"PNG": PngImagePlugin.PngImageFile, "JPEG": JpegImagePlugin.JpegImageFile}


@dataclass(frozen=True)
class Header:
    """What an image states about itself, read without decoding a pixel."""

    format: str  # "PNG" or "JPEG"
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return f"image/{self.format.lower()}"

    @property
    def too_large(self) -> bool:
        return self.width > MAX_LOGO_SIDE or self.height > MAX_LOGO_SIDE


def header(file: IO[bytes]) -> Header | None:
    """The format and dimensions a PNG or JPEG states; None for anything else (or a damaged file)."""
    for name, opener in _OPENERS.items():
        file.seek(0)
        try:
            image = opener(file)  # reads the header only, and leaves the file open
            return Header(name, image.width, image.height)
        except (SyntaxError, OSError, ValueError, IndexError, TypeError, KeyError, EOFError, struct.error):
            continue
        finally:
            file.seek(0)
    return None


def too_large_message(found: Header) -> str:
    return (
        f"The logo must be at most {MAX_LOGO_SIDE:,} pixels wide and {MAX_LOGO_SIDE:,} pixels high: this one is "
        f"{found.width:,} by {found.height:,}. Save it smaller"
    )
