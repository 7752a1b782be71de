"""Reviews for the tests of the register and case files: a DHR and an ASB Case Review in Lancaster,
each with the cast's Lancaster officer as its review officer, and people to give review roles."""

from __future__ import annotations

from datetime import date

import pytest

from actionplans.reviews.models import QualityAssuranceRound, Review, ReviewRole
from tests.factories import UserFactory


def make_review(partnership, officer, kind: str = Review.Kind.DHR, reference: str = "DHR 2025/01", **fields) -> Review:
    """A review with ``officer`` as its review officer."""
    review = Review.objects.create(partnership=partnership, kind=kind, reference=reference, **fields)
    if officer is not None:
        ReviewRole.objects.create(review=review, user=officer, role=ReviewRole.Kind.OFFICER)
    return review


def give_role(review: Review, user, role: str) -> ReviewRole:
    return ReviewRole.objects.create(review=review, user=user, role=role)


def qa_round(review: Review, sent: date, outcome: str = "", outcome_on: date | None = None) -> QualityAssuranceRound:
    return QualityAssuranceRound.objects.create(
        review=review, submitted_on=sent, outcome=outcome, outcome_on=outcome_on
    )


@pytest.fixture
def dhr(cast) -> Review:
    return make_review(cast.lancaster, cast.officer, notified_on=date(2025, 1, 6))


@pytest.fixture
def asb(cast) -> Review:
    return make_review(cast.lancaster, cast.officer, Review.Kind.ASB, "ASB 2025/01", applied_on=date(2025, 3, 3))


@pytest.fixture
def chair(dhr):
    person = UserFactory(email="chair@reviews.example", full_name="Chris Chair")
    give_role(dhr, person, ReviewRole.Kind.CHAIR)
    return person


@pytest.fixture
def panel_member(dhr):
    person = UserFactory(email="panel@reviews.example", full_name="Pat Panel")
    give_role(dhr, person, ReviewRole.Kind.PANEL)
    return person
