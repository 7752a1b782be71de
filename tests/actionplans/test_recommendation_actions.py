"""An action that carries out a statutory review's recommendation lives in the same machinery as a
plan's: it owes quarterly returns, appears on the quarter's returns page, in My actions and in the
chase, its lead writes and submits its return, the officer accepts it, and its history is kept.
Only what belongs to a plan (reordering, moving to another priority) is not offered for it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from actionplans import queries, services
from actionplans.models import Action, ProgressReturn
from actionplans.reviews.models import Recommendation, Review
from actionplans.reviews.progress import State, action_progress, progress_of
from csp_portal.quarters import Quarter

pytestmark = pytest.mark.django_db

Q2 = Quarter(2025, 2)  # July-September 2025: its returns are late on the tests' fixed day


@pytest.fixture
def recommendation(cast) -> Recommendation:
    review = Review.objects.create(partnership=cast.lancaster, kind=Review.Kind.DHR, reference="LAN-DHR-2024-01")
    return Recommendation.objects.create(
        partnership=cast.lancaster, review=review, number=1, text="Train front-line staff to ask about coercive control"
    )


@pytest.fixture
def action(cast, lancaster, recommendation) -> Action:
    made = services.add_recommendation_action(
        recommendation,
        actor=cast.officer,
        values={
            "title": "Coercive control training for housing officers",
            "lead_agency": lancaster.police,
            "lead_user": cast.lead,
            "timescale": "By March 2026",
            "status": Action.Status.IN_PROGRESS,
        },
    )
    Action.objects.filter(pk=made.pk).update(created=datetime(2025, 4, 2, 9, tzinfo=UTC))
    made.refresh_from_db()
    return made


def test_it_belongs_to_the_recommendations_partnership_and_owes_returns(cast, action, recommendation):
    assert action.partnership == cast.lancaster
    assert action.priority is None and action.recommendation == recommendation
    assert action.carries_out == "LAN-DHR-2024-01 recommendation 1"
    assert action.owes_return(Q2)
    assert action in [row.action for row in queries.quarter_rows(cast.lancaster, Q2)]
    assert cast.lead in queries.outstanding_by_lead(cast.lancaster, Q2)
    mine = {row.action: row for row in queries.my_actions(cast.lead, Q2, today=date(2025, 11, 20))}
    assert mine[action].due_expected


def test_an_action_needs_a_priority_or_a_recommendation_and_never_both(cast, lancaster, recommendation):
    for kwargs in ({}, {"priority": lancaster.dv, "recommendation": recommendation}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Action.objects.create(partnership=cast.lancaster, title="Neither or both", **kwargs)


def test_its_lead_reports_and_the_officer_signs_it_off(cast, action, recommendation):
    done = {"rag": ProgressReturn.Rag.COMPLETE, "percent_complete": 100, "narrative": "All 40 officers trained."}
    progress = services.submit_return(action, Q2, actor=cast.lead, values=done)
    before = progress_of(recommendation, [action_progress(action, [progress])], date(2025, 11, 20))
    assert before.state == State.OPEN  # submitted, not yet signed off
    accepted = services.accept_return(progress, actor=cast.officer)
    after = progress_of(recommendation, [action_progress(action, [accepted])], date(2025, 11, 20))
    assert after.state == State.IMPLEMENTED
    assert after.actions[0].evidence == "All 40 officers trained."
    assert [entry.history_user for entry in accepted.history.all()][0] == cast.officer


def test_its_pages_name_the_recommendation_and_offer_nothing_of_a_plan(client, login, cast, action):
    login(cast.officer)
    page = client.get(reverse("actionplans:action_detail", args=[cast.lancaster.slug, action.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "LAN-DHR-2024-01 recommendation 1" in text
    assert reverse("reviews:recommendation_detail", args=[cast.lancaster.slug, action.recommendation_id]) in text
    assert "Move to another priority" not in text
    assert client.get(reverse("actionplans:action_move", args=[cast.lancaster.slug, action.pk])).status_code == 404
    reorder = reverse("actionplans:action_reorder", args=[cast.lancaster.slug, action.pk])
    assert client.post(reorder, {"direction": "up"}).status_code == 404
    quarter_page = client.get(reverse("actionplans:quarter_status", args=[cast.lancaster.slug, Q2]))
    assert "Coercive control training for housing officers" in quarter_page.content.decode()


def test_its_lead_writes_the_return_from_the_page(client, login, cast, action):
    login(cast.lead)
    url = reverse("actionplans:return_edit", args=[cast.lancaster.slug, action.pk, Q2])
    page = client.get(url)
    assert page.status_code == 200
    assert "LAN-DHR-2024-01 recommendation 1" in page.content.decode()


def test_archiving_it_returns_to_its_recommendation(client, login, cast, action):
    login(cast.officer)
    answer = client.post(reverse("actionplans:action_archive", args=[cast.lancaster.slug, action.pk]))
    assert answer.status_code == 302
    assert answer["Location"] == reverse(
        "reviews:recommendation_detail", args=[cast.lancaster.slug, action.recommendation_id]
    )
    action.refresh_from_db()
    assert action.archived_at is not None
    services.restore_action(action, actor=cast.officer)
    action.refresh_from_db()
    assert action.archived_at is None
    assert action in [row.action for row in queries.quarter_rows(cast.lancaster, Q2)]
