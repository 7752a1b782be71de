"""Reads of the read API: each a queryset with a fixed number of queries however much data, limited
to one partnership that the caller has already authorized (permissions.partnership_for)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum

from assessments.models import CrimeCount, Indicator, IndicatorValue
from assessments.queries import area_authorities, in_periods
from csp_portal.organisations.models import Partnership, User
from csp_portal.quarters import Quarter

from ..models import PLAN_ORDER, Action, ProgressReturn

ACCEPTED = ProgressReturn.Status.ACCEPTED


def partnerships_seen_by(user: User) -> QuerySet[Partnership]:
    """The partnerships the person's pages show them (Partnership.objects.for_user), with their
    county board and authorities."""
    return (
        Partnership.objects.for_user(user)
        .select_related("county_board")
        .prefetch_related("authorities")
        .order_by("name", "pk")
    )


def no_rows(model) -> QuerySet:
    """An empty queryset of ``model``: what a list shows while the schema is drawn, with no request."""
    return model._default_manager.none()


def accepted_returns(partnership: Partnership) -> QuerySet[ProgressReturn]:
    """The partnership's accepted progress returns, never a draft, a submitted or a returned one,
    each with its action; newest quarter first."""
    return (
        ProgressReturn.objects.filter(action__partnership=partnership, status=ACCEPTED)
        .select_related("action")
        .order_by("-year", "-number", "action__order", "action_id")
    )


def actions_with_latest_rag(partnership: Partnership, up_to: Quarter | None = None) -> QuerySet[Action]:
    """The partnership's current actions (archived ones left out) in plan order, each with its
    priority, lead and the RAG status of its latest accepted return (up to and including the
    quarter ``up_to``, when given): ``latest_rag``, ``latest_year`` and ``latest_number``."""
    return (
        Action.objects.active()
        .in_partnership(partnership)
        .select_related("priority__plan", "lead_user", "lead_agency")
        .annotate(**latest_rag(up_to))
        .order_by(*PLAN_ORDER)
    )


def latest_rag(up_to: Quarter | None = None) -> dict[str, Subquery]:
    """Annotations for an action's latest accepted return (up to and including ``up_to``): its RAG
    status and quarter. Annotating again with another quarter replaces them."""
    latest = ProgressReturn.objects.filter(action=OuterRef("pk"), status=ACCEPTED)
    if up_to is not None:
        latest = latest.filter(Q(year__lt=up_to.year) | Q(year=up_to.year, number__lte=up_to.number))
    latest = latest.order_by("-year", "-number")
    return {name: Subquery(latest.values(field)[:1]) for name, field in LATEST.items()}


LATEST = {"latest_rag": "rag", "latest_year": "year", "latest_number": "number"}


# -- Indicators --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One period's figure of an indicator: typed in (with its note) or summed from crime counts."""

    period_start: date
    value: Decimal
    note: str = ""


def indicators_of(partnership: Partnership) -> QuerySet[Indicator]:
    """The partnership's indicators by name, each with the authority it measures (if one); their
    figures are read for a page of them at a time (``with_figures``)."""
    return Indicator.objects.filter(partnership=partnership).select_related("authority").order_by("name", "pk")


def with_figures(indicators: list[Indicator], partnership: Partnership) -> list[Indicator]:
    """Give each indicator its ``figures``, oldest first, in a fixed number of queries however many
    indicators and figures: one for the typed-in figures and two for the crime counts of those fed
    by police.uk data (summed into their periods as the indicator pages sum them). The dates of the
    list's ``since`` and ``until`` filters, if given, ride on the rows as annotations."""
    since = getattr(indicators[0], "figures_since", None) if indicators else None
    until = getattr(indicators[0], "figures_until", None) if indicators else None
    figures = _typed_figures([i for i in indicators if not i.crime_type])
    figures.update(_crime_figures([i for i in indicators if i.crime_type], partnership))
    for indicator in indicators:
        indicator.figures = [
            f
            for f in figures.get(indicator.pk, [])
            if (since is None or f.period_start >= since) and (until is None or f.period_start <= until)
        ]
    return indicators


def _typed_figures(indicators: list[Indicator]) -> dict[int, list[Figure]]:
    found: dict[int, list[Figure]] = defaultdict(list)
    if indicators:
        rows = IndicatorValue.objects.filter(indicator__in=indicators).order_by("indicator_id", "period_start")
        for row in rows.values_list("indicator_id", "period_start", "value", "note"):
            found[row[0]].append(Figure(*row[1:]))
    return found


def _crime_figures(indicators: list[Indicator], partnership: Partnership) -> dict[int, list[Figure]]:
    """Crime-fed indicators' figures: an indicator naming an authority counts its crimes, one naming
    none those of the partnership's whole area (assessments.queries.indicator_values)."""
    if not indicators:
        return {}
    area = {a.pk for a in area_authorities(partnership)}
    counts: dict[tuple[int, str], dict[date, int]] = defaultdict(dict)
    rows = (
        CrimeCount.objects.filter(
            authority__in=area | {i.authority_id for i in indicators if i.authority_id},
            crime_type__in={i.crime_type for i in indicators},
        )
        .values_list("authority_id", "crime_type", "month")
        .annotate(total=Sum("count"))
        .order_by()
    )
    for authority, crime_type, month, total in rows:
        counts[authority, crime_type][month] = total
    found = {}
    for indicator in indicators:
        monthly: dict[date, int] = defaultdict(int)
        for authority in [indicator.authority_id] if indicator.authority_id else area:
            for month, total in counts[authority, indicator.crime_type].items():
                monthly[month] += total
        if indicator.frequency == Indicator.Frequency.MONTH:  # what in_periods gives, without pandas's cost
            periods = {month: Decimal(total) for month, total in monthly.items()}
        else:
            periods = in_periods(dict(monthly), indicator.frequency)
        found[indicator.pk] = [Figure(start, value) for start, value in sorted(periods.items())]
    return found
