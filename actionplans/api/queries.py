"""Reads of the read API: each a queryset with a fixed number of queries however much data, limited
to one partnership that the caller has already authorized (permissions.partnership_for)."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

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
