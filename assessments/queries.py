"""Reads of the evidence app: what each evidence page shows, and where a page's address finds its
object. Each page's read runs a fixed number of queries, however much evidence there is."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TextIO

import pandas as pd
from django.db.models import Case, Count, IntegerField, Model, Prefetch, Q, QuerySet, Sum, Value, When

from csp_portal import history
from csp_portal.exports import neutralise
from csp_portal.organisations.models import Authority, Partnership

from .analysis import Analysis, analyse, resample_months
from .models import (
    Consultation,
    CrimeCount,
    CrimeImport,
    DataTable,
    HarmWeight,
    Indicator,
    KeyFinding,
    Recommendation,
    StrategicAssessment,
    Threat,
)

CRIME_COUNT_COLUMNS = ("authority ONS code", "authority name", "month", "crime type", "count")
AREA_NAMES = {
    CrimeCount.Area.UNKNOWN: "Unknown area (no location)",
    CrimeCount.Area.OUTSIDE: "Outside the area",
}
RECENT_IMPORTS = 5
CHANGES_SHOWN = 50


# -- Where a page's address finds its object ----------------------------------------------------------
# Looked for by the slug in the address, with the partnership the permission check reads, so that
# finding the object and its partnership is one query.


def assessments_at(slug: str) -> QuerySet[StrategicAssessment]:
    """The assessments of the partnership the address names."""
    return StrategicAssessment.objects.select_related("partnership", "partnership__county_board").filter(
        partnership__slug=slug
    )


def indicators_at(slug: str) -> QuerySet[Indicator]:
    """The indicators of the partnership the address names."""
    return Indicator.objects.select_related("partnership", "authority").filter(partnership__slug=slug)


def imports_at(slug: str) -> QuerySet[CrimeImport]:
    """The police.uk uploads of the partnership the address names (command-line imports have no page)."""
    return CrimeImport.objects.select_related("partnership", "requested_by").filter(partnership__slug=slug)


def threats_in(assessment: StrategicAssessment) -> QuerySet[Threat]:
    return Threat.objects.filter(assessment=assessment)


def parts_in(model: type[Model], assessment: StrategicAssessment) -> QuerySet:
    """The assessment's recommendations, findings, sources... (``model`` says which)."""
    return model.objects.filter(assessment=assessment)


def authorities_in(partnership: Partnership) -> QuerySet[Authority]:
    """The authorities of the partnership's area, to find one by its ONS code."""
    return partnership.authorities.all()


# -- Crime counts ----------------------------------------------------------------------------------


def area_authorities(partnership: Partnership) -> list[Authority]:
    """The authorities whose crime a partnership's evidence pages show: its own (a county board's
    are all its districts')."""
    return list(partnership.authorities.order_by("name"))


def county_area(partnership: Partnership) -> list[Authority]:
    """The authorities a local profile compares with: the county board's area."""
    county = partnership if partnership.kind == Partnership.Kind.COUNTY else partnership.county_board
    return area_authorities(county or partnership)


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


def recent_imports(partnership: Partnership) -> list[CrimeImport]:
    """The latest imports a partnership's analysts follow: its own uploads and the command-line
    imports every partnership's counts come from. Another partnership's uploads (who sent which
    files) are theirs."""
    return list(
        CrimeImport.objects.filter(Q(partnership=partnership) | Q(partnership=None))
        .select_related("requested_by")
        .order_by("-created")[:RECENT_IMPORTS]
    )


# -- Assessments --------------------------------------------------------------------------------------


def assessments_for(partnership: Partnership) -> QuerySet[StrategicAssessment]:
    """The partnership's own assessments, then its county board's (which a district reads)."""
    owners = Q(partnership=partnership)
    if partnership.county_board_id:
        owners |= Q(partnership_id=partnership.county_board_id)
    return (
        StrategicAssessment.objects.filter(owners)
        .select_related("partnership", "authority", "parent")
        .annotate(own=Case(When(partnership=partnership, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("own", "-period_start_year", "authority__name", "title")
    )


@dataclass
class AssessmentPage:
    """A strategic assessment as its page shows it: the ranked threats, the key findings by theme
    and who changed the assessment, its threats and its recommendations."""

    assessment: StrategicAssessment
    threats: list[Threat]
    findings_by_theme: dict[str, list[KeyFinding]]
    changes: list[history.Change]


def assessment_page(assessment_id: int) -> AssessmentPage:
    """An assessment with everything its page shows, in a fixed number of queries."""
    assessment = (
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
    findings_by_theme: dict[str, list[KeyFinding]] = {}
    for finding in assessment.findings.all():
        findings_by_theme.setdefault(finding.get_theme_display(), []).append(finding)
    return AssessmentPage(
        assessment=assessment,
        threats=list(assessment.threats.all()),
        findings_by_theme=findings_by_theme,
        changes=_assessment_changes(assessment),
    )


def _assessment_changes(assessment: StrategicAssessment) -> list[history.Change]:
    return history.merged(
        history.changes(StrategicAssessment.history.filter(id=assessment.pk), subject=lambda r: "The assessment"),
        history.changes(Threat.history.filter(assessment_id=assessment.pk), subject=lambda r: f"Threat: {r.name}"),
        history.changes(
            Recommendation.history.filter(assessment_id=assessment.pk),
            subject=lambda r: f"Recommendation {r.number}",
        ),
        limit=CHANGES_SHOWN,
    )


def next_recommendation_number(assessment: StrategicAssessment) -> int:
    """The number a new recommendation is offered: one after those the assessment has."""
    return assessment.recommendations.count() + 1


# -- A local profile ----------------------------------------------------------------------------------


@dataclass
class LocalProfilePage:
    """One authority of a partnership's area: the local profiles written about it (the
    partnership's own or its county board's) and their threats, the indicators that measure it
    alone, and its share of the crime and harm of the county area."""

    authority: Authority
    profiles: list[StrategicAssessment]
    threats: list[Threat]
    indicator_rows: list[dict]
    scope_size: int  # how many authorities the county area has
    county: dict  # crime_summary of the county area
    local: dict  # crime_summary of the authority alone

    @property
    def months(self) -> list[date]:
        return self.county["months"]

    @property
    def count(self) -> int:
        return self.county["by_authority"].get(self.authority.pk, 0)

    @property
    def harm(self) -> Decimal:
        return self.county["harm_by_authority"].get(self.authority.pk, 0)

    @property
    def crime_share(self) -> float | None:
        return 100 * self.count / self.county["total"] if self.county["total"] else None

    @property
    def harm_share(self) -> float | None:
        return float(100 * self.harm / self.county["total_harm"]) if self.county["total_harm"] else None


def measuring_alone(partnership: Partnership, authority: Authority) -> QuerySet[Indicator]:
    """The indicators that measure ``authority`` alone, of every partnership whose work
    ``partnership`` reads: its own, its county board's and, for a county board, its districts'.
    One rule with the dashboard's (reports/snapshot.py sums an indicator over its authority, else
    over its partnership's area): an indicator measures one authority alone when it names it, or
    names none and its partnership's area is that authority alone."""
    readers = Q(partnership=partnership) | Q(partnership__county_board=partnership)
    if partnership.county_board_id:
        readers |= Q(partnership_id=partnership.county_board_id)
    only_this = (
        Partnership.objects.annotate(size=Count("authorities", distinct=True))
        .filter(size=1, authorities=authority)
        .values("pk")
    )
    return Indicator.objects.filter(readers).filter(
        Q(authority=authority) | Q(authority__isnull=True, partnership__in=only_this)
    )


def local_profile(partnership: Partnership, authority: Authority) -> LocalProfilePage:
    owners = [partnership.pk] + ([partnership.county_board_id] if partnership.county_board_id else [])
    profiles = list(
        StrategicAssessment.objects.filter(partnership__in=owners, authority=authority).select_related("partnership")
    )
    threats = list(
        Threat.objects.filter(assessment__in=profiles).select_related("assessment").order_by("assessment", "rank")
    )
    indicators = (
        measuring_alone(partnership, authority).select_related("partnership", "authority").prefetch_related("values")
    )
    scope = county_area(partnership)
    months = latest_months(12, scope)
    return LocalProfilePage(
        authority=authority,
        profiles=profiles,
        threats=threats,
        indicator_rows=[{"indicator": i, "analysis": analysed(i, i.partnership)} for i in indicators],
        scope_size=len(scope),
        county=crime_summary(partnership, scope, months),
        local=crime_summary(partnership, [authority], months),
    )


# -- Crime and harm -----------------------------------------------------------------------------------


def crime_types() -> list[str]:
    return list(CrimeCount.objects.order_by().values_list("crime_type", flat=True).distinct().order_by("crime_type"))


def harm_weights(partnership: Partnership) -> dict[str, tuple]:
    """{crime type: (weight, source)} in force for the partnership: its own weights, else its county
    board's. Types with neither weigh 1 (plain volume)."""
    owners = [partnership.pk] + ([partnership.county_board_id] if partnership.county_board_id else [])
    found: dict[str, tuple] = {}
    rows = HarmWeight.objects.filter(partnership__in=owners).select_related("partnership")
    for weight in sorted(rows, key=lambda w: w.partnership_id != partnership.pk):
        found.setdefault(weight.crime_type, (weight.weight, weight.source, weight.partnership))
    return found


def weight_rows(partnership: Partnership) -> list[dict]:
    """Every crime type imported or weighed, with the weight in force for the partnership (None for
    plain volume)."""
    weights = harm_weights(partnership)
    types = sorted(set(crime_types()) | set(weights))
    return [{"crime_type": t, "weight": weights.get(t)} for t in types]


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


def authority_rows(summary: dict, authorities: list[Authority]) -> list[dict]:
    """Each authority's crimes and harm in a ``crime_summary``, with its share of the crimes."""
    return [
        {
            "authority": a,
            "count": summary["by_authority"].get(a.pk, 0),
            "harm": summary["harm_by_authority"].get(a.pk, 0),
            "share": 100 * summary["by_authority"].get(a.pk, 0) / summary["total"] if summary["total"] else 0,
        }
        for a in authorities
    ]


def monthly_series(authorities: list[Authority], crime_type: str) -> dict:
    """{month: count} of one crime type over the authorities, every month imported."""
    rows = (
        CrimeCount.objects.filter(authority__in=authorities, crime_type=crime_type)
        .values("month")
        .annotate(total=Sum("count"))
        .order_by("month")
    )
    return {row["month"]: row["total"] for row in rows}


def in_periods(monthly: dict[date, int], frequency: str) -> dict[date, Decimal]:
    """Monthly crime counts summed into an indicator's periods (months with no count count 0)."""
    if not monthly:
        return {}
    series = pd.Series({pd.Timestamp(m): n for m, n in monthly.items()}).sort_index()
    series = series.reindex(pd.date_range(series.index.min(), series.index.max(), freq="MS"))
    summed = resample_months(series.dropna(), frequency)
    return {stamp.date(): Decimal(int(value)) for stamp, value in summed.items()}


# -- Indicators ---------------------------------------------------------------------------------------


def indicator_values(indicator: Indicator, partnership: Partnership) -> dict:
    """{period start: value} for an indicator: from crime counts (summed into its periods) or as entered."""
    if not indicator.crime_type:
        return {v.period_start: v.value for v in indicator.values.all()}
    authorities = [indicator.authority] if indicator.authority_id else area_authorities(partnership)
    return in_periods(monthly_series(authorities, indicator.crime_type), indicator.frequency)


def analysed(indicator: Indicator, partnership: Partnership) -> Analysis:
    """The trend, direction of travel and RAG of an indicator's figures (a figure from crime counts
    sums those of the partnership's area when the indicator names no authority)."""
    values = indicator_values(indicator, partnership)
    return analyse(values, indicator.frequency, indicator.desired_direction, indicator.target)


def indicator_rows(partnership: Partnership) -> list[dict]:
    """The partnership's indicators, each with its figures analysed."""
    indicators = (
        Indicator.objects.filter(partnership=partnership).select_related("authority").prefetch_related("values")
    )
    return [{"indicator": i, "analysis": analysed(i, partnership)} for i in indicators]


def indicator_analysis(indicator: Indicator) -> Analysis:
    """An indicator's figures analysed, each with the note typed with it."""
    analysis = analysed(indicator, indicator.partnership)
    if not indicator.is_from_crime_data:
        analysis.add_notes(dict(indicator.values.exclude(note="").values_list("period_start", "note")))
    return analysis


def threats_measured_by(indicator: Indicator) -> QuerySet[Threat]:
    return indicator.threats.select_related("assessment")
