"""Financial-year quarters, the rhythm of CSP monitoring.

The UK public-sector financial year runs from 1 April to 31 March: Q1 is April-June, Q2 July-September,
Q3 October-December and Q4 January-March of the next calendar year. '2025/26 Q3' is October-December
2025; '2025/26 Q4' is January-March 2026.

Progress returns for a quarter are due a number of days after it ends: the **return deadline**,
``RETURN_DEADLINE_DAYS`` after the quarter's last day (15 by default, so 15 January for Q3). A
deployment changes it with the ``ACTIONPLANS_RETURN_DEADLINE_DAYS`` setting (environment variable of
the same name); callers may also pass ``days`` for one partnership's own arrangement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

DEFAULT_RETURN_DEADLINE_DAYS = 15

_PATTERN = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*[-\s]?\s*Q([1-4])\s*$", re.IGNORECASE)


def return_deadline_days() -> int:
    return int(getattr(settings, "ACTIONPLANS_RETURN_DEADLINE_DAYS", DEFAULT_RETURN_DEADLINE_DAYS))


@dataclass(frozen=True, order=True)
class Quarter:
    """One quarter of a financial year. ``year`` is the calendar year the financial year starts in
    (2025 for 2025/26); ``number`` is 1 to 4. Ordered in time."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")
        if not 1900 <= self.year <= 9998:
            raise ValueError(f"financial year {self.year} is out of range")

    # -- Making quarters ---------------------------------------------------------------------------

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a date falls in: 31 March 2026 is 2025/26 Q4, 1 April 2026 is 2026/27 Q1."""
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def current(cls) -> Quarter:
        """The quarter of today's date in the site's time zone."""
        return cls.of(timezone.localdate())

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read '2025/26 Q3', '2025/26-Q3' or '2025-26-q3' (the form used in URLs). The second year
        must follow the first: '2025/27 Q1' is refused."""
        match = _PATTERN.match(text or "")
        if not match:
            raise ValueError(f"{text!r} is not a quarter such as '2025/26 Q3'")
        first, second, number = int(match[1]), match[2], int(match[3])
        expected = str(first + 1)
        if second != expected[-len(second) :]:
            raise ValueError(f"{text!r}: the financial year {first} is followed by {first + 1}, not {second}")
        return cls(first, number)

    @classmethod
    def between(cls, first: Quarter, last: Quarter) -> list[Quarter]:
        """Every quarter from ``first`` to ``last``, both included."""
        quarters = []
        quarter = first
        while quarter <= last:
            quarters.append(quarter)
            quarter = quarter.next()
        return quarters

    # -- Reading them ------------------------------------------------------------------------------

    @property
    def financial_year(self) -> str:
        """'2025/26'."""
        return f"{self.year}/{str(self.year + 1)[-2:]}"

    @property
    def label(self) -> str:
        """'2025/26 Q3', as reports and board papers write it."""
        return f"{self.financial_year} Q{self.number}"

    @property
    def slug(self) -> str:
        """'2025-26-Q3', for URLs; ``parse`` reads it back."""
        return f"{self.year}-{str(self.year + 1)[-2:]}-Q{self.number}"

    @property
    def months(self) -> str:
        """'October to December 2025'."""
        start, end = self.start, self.end
        return f"{start:%B} to {end:%B} {end.year}"

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.number - 1)
        if month > 12:
            return date(self.year + 1, month - 12, 1)
        return date(self.year, month, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def deadline(self, days: int | None = None) -> date:
        """When progress returns for this quarter are due: ``days`` (by default the
        ``ACTIONPLANS_RETURN_DEADLINE_DAYS`` setting, 15) after the quarter's last day."""
        return self.end + timedelta(days=return_deadline_days() if days is None else days)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def __add__(self, quarters: int) -> Quarter:
        index = self.year * 4 + (self.number - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)

    def __sub__(self, other: int | Quarter):
        if isinstance(other, Quarter):
            return (self.year * 4 + self.number) - (other.year * 4 + other.number)
        return self + (-other)

    def __str__(self) -> str:
        return self.label


# Financial years a page may be asked for. Pages reach a quarter's neighbours and its deadline, so
# the range keeps well inside the years a Quarter (and a date) can hold.
URL_YEARS = range(2000, 2100)


class QuarterConverter:
    """URL converter: '2025-26-Q3' in a path is a ``Quarter``; one outside ``URL_YEARS`` is no
    address at all (404)."""

    regex = r"[0-9]{4}-[0-9]{2}-[qQ][1-4]"

    def to_python(self, value: str) -> Quarter:
        quarter = Quarter.parse(value)
        if quarter.year not in URL_YEARS:
            raise ValueError(f"{value!r}: quarters from {URL_YEARS[0]} to {URL_YEARS[-1]} are supported")
        return quarter

    def to_url(self, value: Quarter | str) -> str:
        if isinstance(value, str):
            value = Quarter.parse(value)
        return value.slug
