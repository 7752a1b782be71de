"""The open data's rows, read from what is public and nothing else, and the state of each dataset
that names its cached files.

The published plans and quarters come from their snapshots alone (``PublishedPlan``,
``PublishedQuarter``), never the live tables.
Indicators and crime counts are those of the partnerships with a public plan: the authorities of a
partnership that publishes nothing stay out. Each reader is one query, streamed from a server-side
cursor in chunks, so memory stays bounded however many rows there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet, Sum

from assessments.models import CrimeCount, Indicator, IndicatorValue
from csp_portal.organisations.models import Partnership
from priorities.models import PublishedPlan

from ..models import PublishedQuarter

CHUNK = 2000  # rows read from the database at a time


@dataclass(frozen=True)
class State:
    """What a dataset's cached file is named by (``key``: it changes whenever the file would), when
    it last changed where the portal knows (``last_modified``), and whether it exists at all."""

    key: str
    last_modified: datetime | None = None
    found: bool = True


def _stamp(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _latest(*times: datetime | None) -> datetime | None:
    known = [time for time in times if time is not None]
    return max(known) if known else None


def _public_plans(slug: str | None = None) -> QuerySet[PublishedPlan]:
    public = PublishedPlan.objects.filter(withdrawn_at__isnull=True)
    return public.filter(partnership__slug=slug) if slug else public


def _publications(slug: str | None = None) -> dict:
    """How many plans are public, the latest publication and the latest withdrawal: one query."""
    publications = PublishedPlan.objects.filter(partnership__slug=slug) if slug else PublishedPlan.objects.all()
    return publications.aggregate(
        public=Count("pk", filter=Q(withdrawn_at__isnull=True)),
        published=Max("published_at"),
        withdrawn=Max("withdrawn_at"),
    )


def _publishing_partnerships() -> QuerySet:
    return _public_plans().values("partnership_id")


def _published_actions(publications: QuerySet, *order: str) -> Iterator[tuple[dict, dict, dict, datetime]]:
    """(snapshot, priority, action, publication time) for each action in the publications' snapshots."""
    # A snapshot holds a whole plan: a few at a time.
    rows = publications.order_by(*order).values_list("snapshot", "published_at").iterator(chunk_size=20)
    for snapshot, published_at in rows:
        for priority in snapshot["priorities"]:
            for action in priority["actions"]:
                yield snapshot, priority, action, published_at


# -- Plans -------------------------------------------------------------------------------------------


def plans_state(slug: str | None = None) -> State:
    """One query. With ``slug``, the partnership's own file, not found unless its plan is public."""
    state = _publications(slug)
    return State(
        key=":".join(_stamp(value) for value in state.values()),
        last_modified=_latest(state["published"], state["withdrawn"]),
        found=slug is None or state["public"] > 0,
    )


def plan_rows(slug: str | None = None) -> Iterator[dict]:
    """One row per public action of every public plan (or the partnership's), from the snapshots."""
    for snapshot, priority, action, published_at in _published_actions(_public_plans(slug), "partnership__name", "pk"):
        partnership, plan = snapshot["partnership"], snapshot["plan"]
        yield {
            "partnership_slug": partnership["slug"],
            "partnership_name": partnership["name"],
            "plan_title": plan["title"],
            "plan_period_start": plan["period_start"],
            "plan_period_end": plan["period_end"],
            "priority_title": priority["title"],
            "watching_brief": priority["watching_brief"],
            "action_title": action["title"],
            "lead_agency": action["lead_agency"],
            "due_date": action["due_date"],
            "timescale": action["timescale"],
            "status": action["status"],
            "published_at": published_at,
        }


# -- Quarterly status -------------------------------------------------------------------------------


def _public_quarters() -> QuerySet[PublishedQuarter]:
    # A quarter's summary is of the public plan: while the plan is withdrawn, so is the summary.
    return PublishedQuarter.objects.filter(withdrawn_at__isnull=True, partnership_id__in=_publishing_partnerships())


def quarters_state(slug: str | None = None) -> State:
    """Two queries: the plans' publications and the quarters'."""
    plans = _publications()
    quarters = PublishedQuarter.objects.aggregate(
        public=Count("pk", filter=Q(withdrawn_at__isnull=True)),
        published=Max("published_at"),
        withdrawn=Max("withdrawn_at"),
    )
    return State(
        key=":".join(_stamp(value) for value in [*plans.values(), *quarters.values()]),
        last_modified=_latest(plans["published"], plans["withdrawn"], quarters["published"], quarters["withdrawn"]),
    )


def quarter_rows(slug: str | None = None) -> Iterator[dict]:
    """One row per public action and published quarter, from the quarters' snapshots."""
    published = _published_actions(_public_quarters(), "partnership__name", "year", "number")
    for snapshot, priority, action, published_at in published:
        partnership, quarter = snapshot["partnership"], snapshot["quarter"]
        yield {
            "partnership_slug": partnership["slug"],
            "partnership_name": partnership["name"],
            "plan_title": snapshot["plan"]["title"],
            "quarter": quarter["slug"],
            "quarter_label": quarter["label"],
            "quarter_year": quarter["year"],
            "quarter_number": quarter["number"],
            "priority_title": priority["title"],
            "action_title": action["title"],
            "lead_agency": action["lead_agency"],
            "rag": action["rag"],
            "rag_label": action["rag_label"],
            "percent_complete": action["percent_complete"],
            "published_at": published_at,
        }


# -- Indicators --------------------------------------------------------------------------------------


def _public_values() -> QuerySet[IndicatorValue]:
    # An indicator with a police.uk crime type counts crime data (the crime-counts dataset): the
    # figures stored for it are set aside, as on its own page.
    return IndicatorValue.objects.filter(
        indicator__partnership__in=_publishing_partnerships(), indicator__crime_type=""
    )


def indicators_state(slug: str | None = None) -> State:
    """Three queries: the publications, the values and the indicators' latest changes."""
    publications = _publications()
    values = IndicatorValue.objects.aggregate(rows=Count("pk"), last=Max("pk"))
    changed = {
        "values": IndicatorValue.history.aggregate(at=Max("history_date"))["at"],
        "indicators": Indicator.history.aggregate(at=Max("history_date"))["at"],
    }
    parts = [*publications.values(), *values.values(), *changed.values()]
    return State(
        key=":".join(_stamp(value) for value in parts),
        last_modified=_latest(publications["published"], publications["withdrawn"], *changed.values()),
    )


def indicator_rows(slug: str | None = None) -> Iterator[dict]:
    """Every figure entered for an indicator of a partnership with a public plan, by period."""
    rows = (
        _public_values()
        .order_by("indicator__partnership__slug", "indicator__name", "period_start")
        .values_list(
            "indicator__partnership__slug",
            "indicator__name",
            "indicator__unit",
            "indicator__source",
            "indicator__authority__ons_code",
            "indicator__authority__name",
            "period_start",
            "indicator__frequency",
            "value",
        )
        .iterator(chunk_size=CHUNK)
    )
    for slug_, name, unit, source, code, authority, period_start, frequency, value in rows:
        yield {
            "partnership_slug": slug_,
            "indicator": name,
            "unit": unit,
            "source": source,
            "authority_code": code or "",
            "authority_name": authority or "",
            "period_start": period_start,
            "frequency": frequency,
            "value": value,
        }


# -- Crime counts ------------------------------------------------------------------------------------


def _public_counts() -> QuerySet[CrimeCount]:
    areas = Partnership.authorities.through.objects.filter(partnership_id__in=_publishing_partnerships())
    return CrimeCount.objects.filter(area=CrimeCount.Area.AUTHORITY, authority_id__in=areas.values("authority_id"))


def crime_counts_state(slug: str | None = None) -> State:
    """Two queries: the publications, and the counts (an import replaces a month's rows, so their
    number, last key and total change with it)."""
    publications = _publications()
    counts = CrimeCount.objects.aggregate(rows=Count("pk"), last=Max("pk"), total=Sum("count"))
    return State(key=":".join(_stamp(value) for value in [*publications.values(), *counts.values()]))


def crime_count_rows(slug: str | None = None) -> Iterator[dict]:
    """Each force's monthly count of each crime type in each authority of a partnership with a
    public plan."""
    rows = (
        _public_counts()
        .order_by("authority__name", "month", "crime_type", "force")
        .values_list("authority__ons_code", "authority__name", "month", "crime_type", "count", "force")
        .iterator(chunk_size=CHUNK)
    )
    for code, name, month, crime_type, count, force in rows:
        yield {
            "authority_code": code,
            "authority_name": name,
            "month": month,
            "crime_type": crime_type,
            "count": count,
            "force": force,
        }
