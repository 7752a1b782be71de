"""The read API's endpoints: each finds the partnership the address names with the permission its
page needs (404 outside the caller's partnerships, as on the pages) and lists a query from
queries.py, paged and filtered. Read-only: only GET (and HEAD, OPTIONS) is answered."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics

from csp_portal.organisations.permissions import partnership_for

from . import queries
from .filters import ActionFilter, IndicatorFilter, ReturnFilter
from .serializers import ActionSerializer, IndicatorSerializer, PartnershipSerializer, ReturnSerializer

SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The partnership's slug, from the partnerships list."
)


def documented(summary: str, description: str, tag: str, parameters=(SLUG,)):
    """What the schema and the documentation page say of a list."""
    return extend_schema_view(
        get=extend_schema(summary=summary, description=description, parameters=list(parameters), tags=[tag])
    )


@documented(
    "Partnerships",
    "The partnerships your pages show you: those where you hold a role, the district CSPs "
    "under a county board where you hold one, and the county board above your CSP.",
    "Partnerships",
    parameters=(),
)
class PartnershipList(generics.ListAPIView):
    serializer_class = PartnershipSerializer

    def get_queryset(self):
        return queries.partnerships_seen_by(self.request.user)


class PartnershipScoped(generics.ListAPIView):
    """A list within one partnership, read with the permission its pages need."""

    permission = "actionplans.view_actions"

    def partnership(self):
        return partnership_for(self.request.user, self.kwargs["slug"], self.permission)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is drawn from the filters, with no request
            return queries.no_rows(self.filterset_class._meta.model)
        return self.rows(self.partnership())


@documented(
    "A partnership's actions",
    "The current actions of the partnership's plans in plan order, each with its priority, "
    "lead, due date, status and the RAG status of its latest accepted progress return.",
    "Action plans",
)
class ActionList(PartnershipScoped):
    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def rows(self, partnership):
        return queries.actions_with_latest_rag(partnership)


@documented(
    "A partnership's accepted progress returns",
    "Every progress return the partnership's officer has accepted, newest quarter first: "
    "its action, quarter, RAG status and commentary. Drafts, and returns awaiting review or "
    "sent back, are never listed.",
    "Action plans",
)
class ReturnList(PartnershipScoped):
    serializer_class = ReturnSerializer
    filterset_class = ReturnFilter

    def rows(self, partnership):
        return queries.accepted_returns(partnership)


@documented(
    "A partnership's indicators",
    "The partnership's indicators by name, as its indicator pages show them, each with its "
    "unit, source, desired direction, target, the council it measures and its figures (period_start, "
    "value, note), oldest first: typed in, or counted from imported police.uk crime data.",
    "Evidence",
)
class IndicatorList(PartnershipScoped):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    permission = "assessments.view_evidence"

    def rows(self, partnership):
        self.scope = partnership
        return queries.indicators_of(partnership)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if getattr(self, "swagger_fake_view", False):
            return page
        return queries.with_figures(page, self.scope)
