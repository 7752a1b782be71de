"""Indicator figures over time, worked out with pandas: year-on-year change, rolling twelve-month
totals, direction of travel against the direction wanted, and RAG against the target.

Periods are kept as their first day: a month; a financial quarter (Q1 April-June, Q2 July-September,
Q3 October-December, Q4 January-March; '2025/26 Q3' starts 1 October 2025); a financial year
('2022/23' starts 1 April 2022).

- **Year-on-year change** compares a period with the same period a year before (12 months, 4
  quarters or 1 year back), as a number and a percentage: South Ribble's vehicle offences rising
  from 255 to 302 is +47, +18.4%.
- **Rolling twelve-month total** (monthly and quarterly figures): the sum of the latest twelve
  months, shown only when all of them are known.
- **Direction of travel**: the latest year-on-year change, read against the direction wanted:
  'improving', 'worsening' or 'no change'.
- **RAG against the target**: green when the latest figure meets the target; amber when it misses by
  no more than 5% of the target; red otherwise. No target, no RAG.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIODS_PER_YEAR = {MONTH: 12, QUARTER: 4, YEAR: 1}
PANDAS_FREQUENCY = {MONTH: "MS", QUARTER: "QS-APR", YEAR: "YS-APR"}
AMBER_TOLERANCE = Decimal("0.05")

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})/(\d{2})\s*Q([1-4])", re.IGNORECASE)
_YEAR = re.compile(r"(\d{4})/(\d{2})")


def parse_period(text: str, frequency: str) -> date:
    """The first day of the period written as users write it, for an indicator of ``frequency``."""
    text = text.strip()
    if frequency == MONTH:
        match = _MONTH.fullmatch(text)
        if match and 1 <= int(match.group(2)) <= 12:
            return date(int(match.group(1)), int(match.group(2)), 1)
        raise ValueError("Enter a month as year and month, for example 2024-05.")
    if frequency == QUARTER:
        match = _QUARTER.fullmatch(text)
        if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
            start, quarter = int(match.group(1)), int(match.group(3))
            return date(start + 1, 1, 1) if quarter == 4 else date(start, 1 + 3 * quarter, 1)
        raise ValueError("Enter a quarter as financial year and quarter, for example 2025/26 Q3.")
    match = _YEAR.fullmatch(text)
    if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
        return date(int(match.group(1)), 4, 1)
    raise ValueError("Enter a financial year as, for example, 2022/23 (April 2022 to March 2023).")


def period_label(start: date, frequency: str) -> str:
    if frequency == MONTH:
        return f"{start:%b %Y}"
    year = start.year if start.month >= 4 else start.year - 1
    financial = f"{year}/{(year + 1) % 100:02d}"
    if frequency == YEAR:
        return financial
    return f"{financial} Q{(start.month - 4) % 12 // 3 + 1}"


def period_code(start: date, frequency: str) -> str:
    """The period as typed in forms and uploads (2024-05, 2025/26 Q3, 2022/23)."""
    return f"{start:%Y-%m}" if frequency == MONTH else period_label(start, frequency)


def resample_months(monthly: pd.Series, frequency: str) -> pd.Series:
    """Monthly counts summed into quarters or financial years; periods with a month missing are left out."""
    if frequency == MONTH or monthly.empty:
        return monthly
    grouped = monthly.groupby(pd.Grouper(freq=PANDAS_FREQUENCY[frequency]))
    months_needed = 3 if frequency == QUARTER else 12
    sums, counts = grouped.sum(), grouped.count()
    return sums[counts == months_needed]


@dataclass
class Row:
    start: date
    label: str
    value: Decimal
    change: Decimal | None = None
    change_percent: Decimal | None = None
    rolling_12_months: Decimal | None = None
    note: str = ""  # what the analyst wrote beside a typed-in figure


@dataclass
class Analysis:
    """What an indicator page, chart and report show about one series."""

    frequency: str
    rows: list[Row] = field(default_factory=list)
    direction: str = "not enough data"  # improving, worsening, no change
    rag: str | None = None  # green, amber, red
    latest: Row | None = None

    @property
    def has_rolling(self) -> bool:
        return any(r.rolling_12_months is not None for r in self.rows)

    @property
    def has_notes(self) -> bool:
        return any(r.note for r in self.rows)

    def add_notes(self, notes: dict[date, str]) -> None:
        for row in self.rows:
            row.note = notes.get(row.start, "")


def _decimal(value, places: int = 3) -> Decimal | None:
    if value is None or pd.isna(value):
        return None
    return round(Decimal(str(value)), places)


def analyse(values: dict[date, Decimal], frequency: str, desired: str, target: Decimal | None) -> Analysis:
    """Year-on-year change, rolling totals, direction of travel and RAG for one series."""
    result = Analysis(frequency=frequency)
    if not values:
        return result
    series = pd.Series({pd.Timestamp(k): float(v) for k, v in values.items()}).sort_index()
    full = series.reindex(pd.date_range(series.index.min(), series.index.max(), freq=PANDAS_FREQUENCY[frequency]))
    back = PERIODS_PER_YEAR[frequency]
    previous = full.shift(back)
    change = full - previous
    percent = (change / previous.where(previous != 0)) * 100
    rolling = None
    if frequency == MONTH:
        rolling = full.rolling(12, min_periods=12).sum()
    elif frequency == QUARTER:
        rolling = full.rolling(4, min_periods=4).sum()
    for stamp in series.index:
        result.rows.append(
            Row(
                start=stamp.date(),
                label=period_label(stamp.date(), frequency),
                value=values[stamp.date()],
                change=_decimal(change[stamp]),
                change_percent=_decimal(percent[stamp], 1),
                rolling_12_months=_decimal(rolling[stamp]) if rolling is not None else None,
            )
        )
    result.latest = result.rows[-1]
    latest_change = result.latest.change
    if latest_change is not None:
        if latest_change == 0:
            result.direction = "no change"
        elif (latest_change < 0) == (desired == "down"):
            result.direction = "improving"
        else:
            result.direction = "worsening"
    result.rag = rag(result.latest.value, target, desired)
    return result


def rag(value: Decimal, target: Decimal | None, desired: str) -> str | None:
    if target is None:
        return None
    slack = abs(target) * AMBER_TOLERANCE
    if desired == "down":
        return "green" if value <= target else "amber" if value <= target + slack else "red"
    return "green" if value >= target else "amber" if value >= target - slack else "red"
