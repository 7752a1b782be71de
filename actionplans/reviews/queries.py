"""Reads of the review register and case files. Each page's read runs a fixed number of queries,
however many reviews, rounds, people and documents there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from csp_portal import pages
from csp_portal.organisations.identity import normalise_email
from csp_portal.organisations.models import Partnership, User
from csp_portal.organisations.permissions import is_site_admin

from . import clocks
from .clocks import Clock
from .models import QualityAssuranceRound, Review, ReviewDocument, ReviewRole, ReviewTimescales
from .permissions import review_roles_of


def partnership_named(slug: str) -> Partnership:
    """The partnership a case file's address names, or 404; the review's own roles decide the rest."""
    return pages.one_or_404(Partnership.objects.select_related("county_board"), "partnership", slug=slug)


def reviews_in(partnership: Partnership) -> QuerySet[Review]:
    """The partnership's reviews, to find one by the address of its page."""
    return Review.objects.filter(partnership=partnership).select_related("partnership")


def rounds_of(review: Review) -> QuerySet[QualityAssuranceRound]:
    return QualityAssuranceRound.objects.filter(review=review).order_by("submitted_on", "id")


def roles_on(review: Review) -> QuerySet[ReviewRole]:
    return ReviewRole.objects.filter(review=review).select_related("user", "review__partnership")


def people_on(review: Review) -> list[ReviewRole]:
    """The review's people, officers first, then chairs and panel members, by name."""
    return list(roles_on(review).order_by("role", "user__full_name", "id"))


def documents_of(review: Review) -> QuerySet[ReviewDocument]:
    return ReviewDocument.objects.filter(review=review).select_related("uploaded_by")


def timescales_of(partnership: Partnership) -> ReviewTimescales | None:
    """The partnership's own timescales, or None where the statutory guidance's apply."""
    return ReviewTimescales.objects.filter(partnership=partnership).first()


def person_with_email(email: str) -> User | None:
    """Someone who signs in to the portal with this address."""
    return User.objects.filter(email=normalise_email(email), is_active=True).first()


# -- The register ------------------------------------------------------------------------------------


@dataclass
class RegisterRow:
    review: Review
    stage: str
    next_clock: Clock | None


def register(partnership: Partnership, user, today: date | None = None) -> list[RegisterRow]:
    """The partnership's reviews this person has a role on (a site administrator: all), newest first,
    each with its stage and what is owed next. Three queries."""
    today = today or timezone.localdate()
    reviews = reviews_in(partnership).prefetch_related(
        Prefetch("qa_rounds", queryset=QualityAssuranceRound.objects.order_by("submitted_on", "id"))
    )
    if not is_site_admin(user):
        reviews = reviews.filter(pk__in=list(review_roles_of(user)))
    timescales = timescales_of(partnership)
    rows = []
    for review in reviews.order_by("-created", "reference"):
        rounds = list(review.qa_rounds.all())
        found = clocks.clocks_of(review, rounds, timescales, today)
        rows.append(RegisterRow(review, clocks.stage_of(review, rounds), clocks.next_clock(found)))
    return rows


# -- A case file --------------------------------------------------------------------------------------


@dataclass
class CaseFile:
    review: Review
    stage: str
    clocks: list[Clock]
    rounds: list[QualityAssuranceRound]
    roles: list[ReviewRole]
    documents: list[ReviewDocument]
    local_timescales: bool

    @property
    def running(self) -> list[Clock]:
        return [clock for clock in self.clocks if clock.is_running]

    @property
    def working_days(self) -> bool:
        return any(clock.working_days for clock in self.clocks)


def case_file(review: Review, today: date | None = None) -> CaseFile:
    """Everything the case file page shows: four queries."""
    today = today or timezone.localdate()
    rounds = list(rounds_of(review))
    timescales = timescales_of(review.partnership)
    return CaseFile(
        review=review,
        stage=clocks.stage_of(review, rounds),
        clocks=clocks.clocks_of(review, rounds, timescales, today),
        rounds=rounds,
        roles=people_on(review),
        documents=list(documents_of(review)),
        local_timescales=timescales is not None,
    )
