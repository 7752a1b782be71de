"""Reads about recommendations (the reviews' and the PCC's) and the actions that carry them out.
Each page's read runs a fixed number of queries however many recommendations, actions and returns
there are; every state comes from ``progress.py``, the one rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import django_filters as filters
from django.db.models import F, Max, Prefetch, QuerySet
from django.utils import timezone

from actionplans.models import Action, ProgressReturn
from csp_portal.filtering import Filters
from csp_portal.organisations.models import Agency, Partnership, User

from .models import Recommendation, Review
from .progress import ActionProgress, RecommendationProgress, State, action_progress, progress_of

PCC = "pcc"
SOURCE_CHOICES = [(PCC, "The PCC"), *Review.Kind.choices]
# Reviews by case reference, their recommendations by number; the PCC's after them, in the order received.
ORDER = (F("review__reference").asc(nulls_last=True), F("received_on").asc(nulls_last=True), "number", "id")


def recommendations_in(partnership: Partnership) -> QuerySet[Recommendation]:
    """The partnership's recommendations, with their review and agency: to find one by its address."""
    return Recommendation.objects.select_related("partnership", "review__partnership", "agency").filter(
        partnership=partnership
    )


def reviews_in(partnership: Partnership) -> QuerySet[Review]:
    """The partnership's reviews, to find the one a recommendation is added to."""
    return Review.objects.select_related("partnership").filter(partnership=partnership)


def next_number(review: Review) -> int:
    """The number a new recommendation of the review takes: one after its highest."""
    return (review.recommendations.aggregate(top=Max("number"))["top"] or 0) + 1


def agencies_of(partnership: Partnership, also: Agency | None = None) -> QuerySet[Agency]:
    """The agencies sitting on the partnership (and ``also``, one chosen before), by name."""
    agencies = Agency.objects.filter(memberships__partnership=partnership)
    if also is not None:
        agencies = agencies | Agency.objects.filter(pk=also.pk)
    return agencies.distinct().order_by("name")


def people_of(partnership: Partnership) -> QuerySet[User]:
    """The people with a role in the partnership, who may lead its actions."""
    return User.objects.filter(roles__partnership=partnership, is_active=True).distinct().order_by("full_name")


def live_action_count(recommendation: Recommendation) -> int:
    """How many of the recommendation's actions are still to count (not cancelled, not archived)."""
    return (
        recommendation.actions.filter(archived_at__isnull=True).exclude(status=Action.Status.CANCELLED).count()
        if recommendation.pk
        else 0
    )


# -- Progress --------------------------------------------------------------------------------------------


@dataclass
class ActionLine:
    """An action of a recommendation as its page shows it: its progress (done, the evidence and who
    signed it off) and its latest RAG from a return that is not a draft."""

    progress: ActionProgress
    latest: ProgressReturn | None

    @property
    def action(self) -> Action:
        return self.progress.action


def _with_actions(recommendations: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """Two more queries, whatever the count: the actions, with their lead, and their returns that
    are not drafts (a draft is its lead's own), with who reviewed each."""
    returns = (
        ProgressReturn.objects.exclude(status=ProgressReturn.Status.DRAFT)
        .select_related("reviewed_by")
        .order_by("year", "number")
    )
    actions = (
        Action.objects.select_related("lead_user", "lead_agency", "partnership")
        .prefetch_related(Prefetch("returns", queryset=returns, to_attr="shown_returns"))
        .order_by("order", "id")
    )
    return recommendations.prefetch_related(Prefetch("actions", queryset=actions, to_attr="all_actions"))


def _progress(recommendation: Recommendation, today: date) -> RecommendationProgress:
    items = [action_progress(action, action.shown_returns) for action in recommendation.all_actions]
    return progress_of(recommendation, items, today)


def progress_rows(recommendations: QuerySet[Recommendation], today: date | None = None) -> list[RecommendationProgress]:
    """Each recommendation with its state and its live actions' progress: three queries."""
    today = today or timezone.localdate()
    return [_progress(recommendation, today) for recommendation in _with_actions(recommendations)]


def action_lines(progress: RecommendationProgress) -> list[ActionLine]:
    """The recommendation's live actions, each with its latest RAG (no query: read with the progress)."""
    return [ActionLine(item, (item.action.shown_returns or [None])[-1]) for item in progress.actions]


def recommendation_progress(recommendation: Recommendation, today: date | None = None) -> RecommendationProgress:
    """One recommendation's progress, for its page: three queries."""
    found = recommendations_in(recommendation.partnership).filter(pk=recommendation.pk)
    return progress_rows(found, today)[0]


def review_rows(review: Review, today: date | None = None) -> list[RecommendationProgress]:
    """The review's recommendations with their state, for its case file."""
    found = recommendations_in(review.partnership).filter(review=review).order_by("number", "id")
    return progress_rows(found, today)


def pcc_rows(partnership: Partnership, today: date | None = None) -> list[RecommendationProgress]:
    """The PCC's recommendations to the partnership, the latest received first."""
    found = (
        recommendations_in(partnership)
        .filter(review__isnull=True)
        .order_by(F("received_on").desc(nulls_last=True), "-number", "-id")
    )
    return progress_rows(found, today)


# -- The list and its filters ----------------------------------------------------------------------------


class RecommendationFilter(Filters):
    """A recommendation's state is worked out from its actions (``progress.py``), not stored: the
    state filter is checked here and applied to the rows once their state is known."""

    state = filters.ChoiceFilter(choices=State.choices, method="by_state", label="State", empty_label="Any state")
    source = filters.ChoiceFilter(
        choices=SOURCE_CHOICES, method="by_source", label="Made by", empty_label="Any review or the PCC"
    )
    level = filters.ChoiceFilter(
        choices=Recommendation.Level.choices, label="Local or national", empty_label="Local or national"
    )
    scope = filters.ChoiceFilter(
        choices=Recommendation.Scope.choices, label="Single or multi-agency", empty_label="Single or multi-agency"
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def by_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied to the rows: see ``recommendation_table``

    def by_source(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(review__isnull=True) if value == PCC else queryset.filter(review__kind=value)

    @property
    def chosen_state(self) -> str:
        return self.form.cleaned_data.get("state") or ""


def recommendation_table(partnership: Partnership, data, today: date | None = None):
    """The partnership's recommendations filtered as ``data`` asks, and the rows with their state
    (those of the state asked for): three queries."""
    table = RecommendationFilter(data, queryset=recommendations_in(partnership).order_by(*ORDER)).limited()
    rows = progress_rows(table.qs, today)
    if table.chosen_state:
        rows = [row for row in rows if row.state == table.chosen_state]
    return table, rows
