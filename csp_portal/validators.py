"""Validators shared by the apps' models and forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible


def has_line_break(text: str) -> bool:
    """Whether ``text`` holds any of the characters Python counts as ending a line (\\n, \\r, the
    Unicode line and paragraph separators, form feed and the rest)."""
    return bool(text) and text.splitlines() != [text]


@deconstructible
class SingleLine:
    """A one-line value (a title, a name, a short label) holds no line break of any kind: one would
    be copied into e-mail subjects and plain-text lines, where it can pass for a line of its own
    (a fake link), and into tables and PDF headings that expect one line."""

    message = "Enter this on one line: remove the line break"
    code = "line_break"

    def __call__(self, value) -> None:
        if isinstance(value, str) and has_line_break(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLine)

    def __hash__(self) -> int:
        return hash(SingleLine)


single_line = SingleLine()
