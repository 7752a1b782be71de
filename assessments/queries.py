"""Reads of the evidence app that are more than a queryset."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from django.db.models import Sum

from csp_portal.exports import neutralise
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
        writer.writerow({key: neutralise(value) for key, value in row.items()})
        written += 1
    return written


# -- Assessments --------------------------------------------------------------------------------------


def assessments_for(partnership: Partnership):
    """The partnership's own assessments, then its county board's (which a district reads)."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from .models import StrategicAssessment

    owners = Q(partnership=partnership)
    if partnership.county_board_id:
        owners |= Q(partnership_id=partnership.county_board_id)
    return (
        StrategicAssessment.objects.filter(owners)
        .select_related("partnership", "authority", "parent")
        .annotate(own=Case(When(partnership=partnership, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("own", "-period_start_year", "authority__name", "title")
    )


def assessment_page(assessment_id: int):
    """An assessment with everything its page shows, in a fixed number of queries."""
    from django.db.models import Prefetch

    from .models import Consultation, DataTable, StrategicAssessment, Threat

    return (
        StrategicAssessment.objects.select_related("partnership", "authority", "parent", "parent__partnership")
        .prefetch_related(
            Prefetch("threats", queryset=Threat.objects.order_by("rank", "name").prefetch_related("indicators")),
            "recommendations",
            "sources",
            "reviews",
            "findings",
            "factors",
            Prefetch("consultations", queryset=Consultation.objects.prefetch_related("issues")),
            Prefetch("tables", queryset=DataTable.objects.prefetch_related("rows")),
            Prefetch("local_profiles", queryset=StrategicAssessment.objects.select_related("authority")),
        )
        .get(pk=assessment_id)
    )


# -- Crime and harm -----------------------------------------------------------------------------------


def crime_types() -> list[str]:
    return list(CrimeCount.objects.order_by().values_list("crime_type", flat=True).distinct().order_by("crime_type"))


def harm_weights(partnership: Partnership) -> dict[str, tuple]:
    """{crime type: (weight, source)} in force for the partnership: its own weights, else its county
    board's. Types with neither weigh 1 (plain volume)."""
    from .models import HarmWeight

    owners = [partnership.pk] + ([partnership.county_board_id] if partnership.county_board_id else [])
    found: dict[str, tuple] = {}
    rows = HarmWeight.objects.filter(partnership__in=owners).select_related("partnership")
    for weight in sorted(rows, key=lambda w: w.partnership_id != partnership.pk):
        found.setdefault(weight.crime_type, (weight.weight, weight.source, weight.partnership))
    return found


def latest_months(count: int = 12, authorities: Iterable[Authority] | None = None) -> list:
    """The last ``count`` months with imported data (for the authorities, if given), oldest first."""
    months = CrimeCount.objects.order_by()
    if authorities is not None:
        months = months.filter(authority__in=list(authorities))
    found = list(months.values_list("month", flat=True).distinct().order_by("-month")[:count])
    return sorted(found)


def crime_summary(partnership: Partnership, authorities: list[Authority], months: list) -> dict:
    """Crime and harm in ``months`` per authority and crime type: counts, each type's share of the
    crimes and of the harm (count x weight), for the share-of-harm chart and table."""
    from decimal import Decimal

    weights = harm_weights(partnership)
    rows = (
        CrimeCount.objects.filter(authority__in=authorities, month__in=months)
        .values("authority_id", "crime_type")
        .annotate(total=Sum("count"))
        .order_by()
    )
    by_type: dict[str, int] = {}
    by_authority: dict[int, int] = {}
    harm_by_authority: dict[int, Decimal] = {}
    for row in rows:
        weight = weights.get(row["crime_type"], (Decimal(1),))[0]
        by_type[row["crime_type"]] = by_type.get(row["crime_type"], 0) + row["total"]
        by_authority[row["authority_id"]] = by_authority.get(row["authority_id"], 0) + row["total"]
        harm_by_authority[row["authority_id"]] = harm_by_authority.get(row["authority_id"], 0) + row["total"] * weight
    total = sum(by_type.values())
    harm = {t: n * weights.get(t, (Decimal(1),))[0] for t, n in by_type.items()}
    total_harm = sum(harm.values()) or Decimal(0)
    types = sorted(by_type, key=lambda t: -harm[t])
    return {
        "months": months,
        "total": total,
        "total_harm": total_harm,
        "types": [
            {
                "crime_type": t,
                "count": by_type[t],
                "weight": weights.get(t, (Decimal(1), "Default: plain volume"))[0],
                "weighted": t in weights,
                "harm": harm[t],
                "volume_share": 100 * by_type[t] / total if total else 0,
                "harm_share": float(100 * harm[t] / total_harm) if total_harm else 0,
            }
            for t in types
        ],
        "by_authority": by_authority,
        "harm_by_authority": harm_by_authority,
        "any_weighted": any(t in weights for t in by_type),
    }


def monthly_series(authorities: list[Authority], crime_type: str) -> dict:
    """{month: count} of one crime type over the authorities, every month imported."""
    rows = (
        CrimeCount.objects.filter(authority__in=authorities, crime_type=crime_type)
        .values("month")
        .annotate(total=Sum("count"))
        .order_by("month")
    )
    return {row["month"]: row["total"] for row in rows}


def indicator_values(indicator, partnership: Partnership) -> dict:
    """{period start: value} for an indicator: from crime counts (summed into its periods) or as entered."""
    from decimal import Decimal

    import pandas as pd

    from .analysis import resample_months

    if not indicator.crime_type:
        return {v.period_start: v.value for v in indicator.values.all()}
    authorities = [indicator.authority] if indicator.authority_id else area_authorities(partnership)
    monthly = monthly_series(authorities, indicator.crime_type)
    if not monthly:
        return {}
    series = pd.Series({pd.Timestamp(m): n for m, n in monthly.items()}).sort_index()
    series = series.reindex(pd.date_range(series.index.min(), series.index.max(), freq="MS"))
    summed = resample_months(series.dropna(), indicator.frequency)
    return {stamp.date(): Decimal(int(value)) for stamp, value in summed.items()}
