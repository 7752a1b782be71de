"""Reads of the evidence app that are more than a queryset."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from django.db.models import Sum

from csp_portal.organisations.models import Authority, Partnership

from .models import CrimeCount

CRIME_COUNT_COLUMNS = ("authority ONS code", "authority name", "month", "crime type", "count")
AREA_NAMES = {
    CrimeCount.Area.UNKNOWN: "Unknown area (no location)",
    CrimeCount.Area.OUTSIDE: "Outside the area",
}


def area_authorities(partnership: Partnership) -> list[Authority]:
    """The authorities whose crime a partnership's evidence pages show: its own (a county board's
    are all its districts')."""
    return list(partnership.authorities.order_by("name"))


def crime_count_rows(authorities: Iterable[Authority] | None = None) -> Iterator[dict]:
    """Monthly counts per authority and crime type, summed over the forces that recorded them.
    With ``authorities=None``, everything, including the 'unknown' and 'outside' areas."""
    counts = CrimeCount.objects.all()
    if authorities is not None:
        counts = counts.filter(authority__in=list(authorities))
    grouped = (
        counts.values("area", "authority__ons_code", "authority__name", "month", "crime_type")
        .annotate(total=Sum("count"))
        .order_by("authority__name", "area", "month", "crime_type")
    )
    for row in grouped.iterator(chunk_size=5000):
        yield {
            "authority ONS code": row["authority__ons_code"] or "",
            "authority name": row["authority__name"] or AREA_NAMES.get(row["area"], ""),
            "month": f"{row['month']:%Y-%m}",
            "crime type": row["crime_type"],
            "count": row["total"],
        }


def write_crime_counts_csv(handle: TextIO, rows: Iterable[dict]) -> int:
    writer = csv.DictWriter(handle, fieldnames=CRIME_COUNT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    written = 0
    for row in rows:
        writer.writerow(row)
        written += 1
    return written
