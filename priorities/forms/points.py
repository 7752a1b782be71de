"""Lists of points typed or pasted one per line: what a priority wants to achieve, currently does
and will do, as people write them in their Word plans."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

# A point pasted from a Word or PDF list keeps its bullet or number; these are taken off.
_BULLET = re.compile(r"^(?:[-*•–—·‣◦▪]\s*|\d{1,2}[.)]\s+)")
MAX_POINTS = 60
MAX_POINT_LENGTH = 1000


def parse_points(text: str, *, label: str) -> list[str]:
    """Lines of a textarea as points. A line that starts with a space is a sub-point of the point
    above it (as in 'partners attend these forums:' followed by the forums); sub-points are kept in
    the point's text as lines starting with '- '. Blank lines are ignored."""
    points: list[list[str]] = []
    for raw in text.splitlines():
        line = _BULLET.sub("", raw.strip()).strip()
        if not line:
            continue
        if raw[:1] in (" ", "\t") and points:
            points[-1].append(line)
        else:
            points.append([line])
    errors = []
    if len(points) > MAX_POINTS:
        errors.append(f"{label}: list no more than {MAX_POINTS} points (there are {len(points)})")
    seen: set[str] = set()
    for number, (head, *subs) in enumerate(points, start=1):
        length = len(head) + sum(len(sub) + 3 for sub in subs)
        if length > MAX_POINT_LENGTH:
            errors.append(f"{label}: point {number} is too long; keep each point under {MAX_POINT_LENGTH} characters")
        if head.casefold() in seen:
            errors.append(f"{label}: “{head}” is listed twice")
        seen.add(head.casefold())
    if errors:
        raise ValidationError(errors)
    return ["\n".join([head, *(f"- {sub}" for sub in subs)]) for head, *subs in points]


def format_points(texts: list[str]) -> str:
    """The inverse of ``parse_points``: a point per line, its sub-points indented under it."""
    lines = []
    for text in texts:
        head, *subs = text.split("\n")
        lines.append(head)
        lines.extend(f"  {sub}" for sub in subs)
    return "\n".join(lines)


class PointsField(forms.CharField):
    """A textarea holding a list of points, cleaned to a list of texts."""

    def __init__(self, *, rows: int = 8, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows, "spellcheck": "true"}))
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return format_points(list(value))
        return value

    def clean(self, value) -> list[str]:
        text = super().clean(value) or ""
        return parse_points(text, label=str(self.label))


POINTS_HINT = (
    "One per line. To list things under a point, start their lines with a space, "
    "for example the forums partners attend."
)
