"""load_demo: Lancaster's fictional statutory reviews, their recommendations at each stage (counted
with the ORM and the one progress rule), who may open which case file, and loading twice changing
nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from actionplans.models import Action, ProgressReturn
from actionplans.reviews import clocks, progress
from actionplans.reviews.models import QualityAssuranceRound, Recommendation, Review, ReviewRole
from csp_portal.organisations.models import User
from tests.demo_copy import load_demo, load_demo_again

pytestmark = pytest.mark.django_db

DHR, ASB_NOT_MET, ASB_MET = "LAN-DHR-2024-01", "LAN-ASB-2026-01", "LAN-ASB-2026-02"


def person(email: str) -> User:
    return User.objects.get(email=email)


def state_of(recommendation: Recommendation) -> str:
    actions = [progress.action_progress(a, list(a.returns.all())) for a in recommendation.actions.all()]
    return progress.progress_of(recommendation, actions, timezone.localdate()).state


def returns_of(recommendation: Recommendation) -> list[tuple[str, str]]:
    returns = ProgressReturn.objects.filter(action__recommendation=recommendation).order_by("year", "number")
    return [(r.rag, r.status) for r in returns]


def check_the_homicide_review_runs_from_notification_to_publication(today):
    dhr = Review.objects.get(reference=DHR)
    assert (dhr.partnership.slug, dhr.kind, dhr.decision) == ("lancaster", Review.Kind.DHR, Review.Decision.HOLD)
    assert dhr.chair == "Independent chair (fictional)"
    chain = [
        dhr.notified_on,
        dhr.decided_on,
        dhr.home_office_notified_on,
        dhr.chair_appointed_on,
        dhr.draft_report_on,
        dhr.final_report_on,
    ]
    rounds = list(dhr.qa_rounds.all())
    assert [(r.outcome, r.submitted_on < r.outcome_on) for r in rounds] == [("resubmit", True), ("approved", True)]
    chain += [rounds[0].submitted_on, rounds[0].outcome_on, rounds[1].submitted_on, rounds[1].outcome_on]
    chain.append(dhr.published_on)
    assert chain == sorted(chain) and len(set(chain)) == len(chain)
    # Published within the year it must stay up: the clock of its publication is still running.
    assert today - timedelta(days=365) < dhr.published_on < today and dhr.removed_on is None
    assert dhr.decision_reasons and dhr.panel.count("\n") == 3


def check_the_asb_case_reviews(today):
    not_met, met = Review.objects.get(reference=ASB_NOT_MET), Review.objects.get(reference=ASB_MET)
    assert (not_met.kind, not_met.threshold, met.kind, met.threshold) == ("asb", "not_met", "asb", "met")
    assert not_met.threshold_reasons and met.threshold_reasons and met.outcome
    assert not_met.applied_on < not_met.threshold_decided_on < not_met.appeal_received_on <= today
    assert not_met.appeal_outcome == "" and not_met.appeal_decided_on is None  # an appeal still to decide
    assert not_met.meeting_on is None and not not_met.recommendations.exists()
    assert met.applied_on < met.threshold_decided_on < met.meeting_on < met.outcome_sent_on < today
    assert [r.number for r in met.recommendations.all()] == [1]


def check_the_recommendations_stand_at_each_stage():
    dhr = Review.objects.get(reference=DHR)
    states = {r.number: state_of(r) for r in dhr.recommendations.all()}
    assert states == {1: "implemented", 2: "overdue", 3: "open", 4: "awaiting", 5: "awaiting"}
    by_number = {r.number: r for r in dhr.recommendations.all()}
    assert returns_of(by_number[1]) == [("green", "accepted"), ("complete", "accepted")]
    assert by_number[1].actions.get().status == Action.Status.COMPLETE
    overdue = by_number[2].actions.get()
    assert returns_of(by_number[2]) == [("amber", "accepted")]
    assert overdue.status == Action.Status.IN_PROGRESS and overdue.due_date < timezone.localdate()
    assert (by_number[2].scope, by_number[2].agency.name) == ("single", "Lancaster City Council")
    assert returns_of(by_number[3]) == [("green", "submitted")]
    assert not by_number[4].actions.exists() and not by_number[5].actions.exists()
    national = by_number[5]
    assert (national.level, national.sent_to, national.sent_on is not None) == ("national", "Home Office", True)
    assert [r.level for r in dhr.recommendations.all()].count("national") == 1

    asb = Recommendation.objects.get(review__reference=ASB_MET)
    assert state_of(asb) == "awaiting"
    pcc = Recommendation.objects.get(review=None)
    assert pcc.decision == Recommendation.Decision.ACCEPTED
    assert pcc.received_on < pcc.considered_on < pcc.response_sent_on
    assert (pcc.actions.count(), state_of(pcc)) == (1, "open")
    # Every action in the plan's machinery, with a lead who holds a role in the partnership.
    actions = Action.objects.filter(recommendation__isnull=False)
    assert actions.count() == 4 and {a.partnership.slug for a in actions} == {"lancaster"}
    assert all(a.lead_user.roles.filter(partnership__slug="lancaster").exists() for a in actions)


def clock_states(reference: str, today) -> list[tuple[str, str]]:
    review = Review.objects.get(reference=reference)
    return [(clock.label, clock.state.code) for clock in clocks.clocks_of(review, review.qa_rounds.all(), None, today)]


def check_the_clocks_show_something_met_something_late_and_something_due(today):
    assert clock_states(DHR, today) == [
        ("Decide whether to hold a review", "met"),
        ("Tell the Home Office of the decision", "met"),
        ("Send the final report to the Home Office", "met_late"),
        ("Resubmit the report to the Home Office (after round 1)", "met"),
        ("Publish the report", "met"),
        ("Keep the report published", "due"),
    ]
    assert clock_states(ASB_NOT_MET, today) == [
        ("Decide whether the threshold is met", "met"),
        ("Decide the appeal", "due"),
    ]
    assert {state for _, state in clock_states(ASB_MET, today)} == {"met"}


def check_only_the_reviews_people_open_the_case_files():
    officer, lead, board = person("officer@demo.example"), person("lead@demo.example"), person("board@demo.example")
    roles = {(r.review.reference, r.user.email, r.role) for r in ReviewRole.objects.all()}
    assert roles == {
        (DHR, "officer@demo.example", "officer"),
        (DHR, "lead@demo.example", "panel"),
        (ASB_NOT_MET, "officer@demo.example", "officer"),
        (ASB_MET, "officer@demo.example", "officer"),
    }
    dhr, asb = Review.objects.get(reference=DHR), Review.objects.get(reference=ASB_MET)
    lancaster = dhr.partnership
    assert officer.has_perm("reviews.open_case_file", dhr) and officer.has_perm("reviews.change_review", asb)
    assert lead.has_perm("reviews.open_case_file", dhr) and not lead.has_perm("reviews.change_review", dhr)
    assert not lead.has_perm("reviews.open_case_file", asb)
    # The board member sees the recommendations' progress, not the case file.
    assert board.has_perm("reviews.view_recommendations", lancaster)
    assert not any(board.has_perm("reviews.open_case_file", review) for review in Review.objects.all())


def check_it_is_fictional_and_names_no_one():
    reviews, recommendations = list(Review.objects.all()), list(Recommendation.objects.all())
    assert all("fictional" in review.summary for review in reviews)
    assert all("fictional" in recommendation.text for recommendation in recommendations)
    names = [name for user in User.objects.all() for name in user.full_name.split()]
    words = " ".join(
        [r.summary + r.decision_reasons + r.chair + r.threshold_reasons + r.outcome for r in reviews]
        + [r.text for r in recommendations]
        + [q.feedback for q in QualityAssuranceRound.objects.all()]
    )
    assert names and not [name for name in names if name in words]


def test_the_demo_has_one_homicide_review_two_asb_case_reviews_and_a_pcc_recommendation():
    output = load_demo()
    today = timezone.localdate()
    assert sorted(Review.objects.values_list("partnership__slug", "reference")) == [
        ("lancaster", ASB_NOT_MET),
        ("lancaster", ASB_MET),
        ("lancaster", DHR),
    ]
    assert (Recommendation.objects.count(), QualityAssuranceRound.objects.count()) == (7, 2)
    check_the_homicide_review_runs_from_notification_to_publication(today)
    check_the_asb_case_reviews(today)
    check_the_clocks_show_something_met_something_late_and_something_due(today)
    check_the_recommendations_stand_at_each_stage()
    check_only_the_reviews_people_open_the_case_files()
    check_it_is_fictional_and_names_no_one()
    assert "Statutory reviews (fictional): 3 for Lancaster District CSP (3 created)" in output


def row_counts() -> dict[str, int]:
    models = [Review, ReviewRole, QualityAssuranceRound, Recommendation, Action, ProgressReturn]
    counts = {model.__name__: model.objects.count() for model in models}
    counts |= {f"{model.__name__} history": model.history.count() for model in models}
    return counts


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    counts = row_counts()
    states = {r.pk: state_of(r) for r in Recommendation.objects.all()}
    output = load_demo_again()
    assert row_counts() == counts
    assert {r.pk: state_of(r) for r in Recommendation.objects.all()} == states
    assert "(0 created); recommendations, the PCC's included: 0 created; 0 actions and 0 progress returns" in output
