"""Every clock of a review in every state, and the review's stage, from the pure functions of
actionplans/reviews/clocks.py (unsaved rows: no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from actionplans.reviews.clocks import DEFAULTS, State, add_working_days, clocks_of, next_clock, stage_of
from actionplans.reviews.models import QualityAssuranceRound, Review, ReviewTimescales

DHR = Review.Kind.DHR
ASB = Review.Kind.ASB
HOLD = Review.Decision.HOLD
RESUBMIT = QualityAssuranceRound.Outcome.RESUBMIT
APPROVED = QualityAssuranceRound.Outcome.APPROVED
NOTIFIED = date(2026, 1, 5)


def review(kind=DHR, **fields) -> Review:
    return Review(kind=kind, reference="R 1", **fields)


def qa(sent: date, outcome: str = "", outcome_on: date | None = None) -> QualityAssuranceRound:
    return QualityAssuranceRound(submitted_on=sent, outcome=outcome, outcome_on=outcome_on)


def clock(clocks, label_start: str):
    found = [c for c in clocks if c.label.startswith(label_start)]
    assert len(found) == 1, [c.label for c in clocks]
    return found[0]


def one(label: str, the_review: Review, today: date, rounds=(), timescales=None):
    return clock(clocks_of(the_review, list(rounds), timescales, today), label)


# -- Homicide reviews -----------------------------------------------------------------------------------


def test_the_defaults_are_the_models_field_defaults():
    assert DEFAULTS.dhr_decision_days == ReviewTimescales._meta.get_field("dhr_decision_days").default == 30
    assert DEFAULTS.asb_threshold_days == 10


@pytest.mark.parametrize(
    ("fields", "today", "state", "due", "met"),
    [
        ({}, NOTIFIED, State.WAITING, None, None),
        ({"notified_on": NOTIFIED}, NOTIFIED + timedelta(days=30), State.DUE, NOTIFIED + timedelta(days=30), None),
        ({"notified_on": NOTIFIED}, NOTIFIED + timedelta(days=31), State.OVERDUE, NOTIFIED + timedelta(days=30), None),
        (
            {"notified_on": NOTIFIED, "decision": HOLD, "decided_on": date(2026, 2, 4)},
            date(2026, 6, 1),
            State.MET,
            date(2026, 2, 4),
            date(2026, 2, 4),
        ),
        (
            {"notified_on": NOTIFIED, "decision": HOLD, "decided_on": date(2026, 2, 5)},
            date(2026, 6, 1),
            State.MET_LATE,
            date(2026, 2, 4),
            date(2026, 2, 5),
        ),
    ],
)
def test_deciding_whether_to_hold_a_review_counts_from_the_notification(fields, today, state, due, met):
    found = one("Decide whether to hold", review(**fields), today)
    assert (found.state, found.due_on, found.met_on) == (state, due, met)
    assert found.started_on == fields.get("notified_on")


def test_telling_the_home_office_counts_from_the_decision():
    decided = date(2026, 2, 1)
    waiting = one("Tell the Home Office", review(notified_on=NOTIFIED), decided)
    assert waiting.state is State.WAITING and waiting.due_on is None
    held = review(notified_on=NOTIFIED, decision=HOLD, decided_on=decided)
    assert one("Tell the Home Office", held, date(2026, 3, 3)).state is State.DUE
    assert one("Tell the Home Office", held, date(2026, 3, 4)).state is State.OVERDUE
    held.home_office_notified_on = date(2026, 3, 3)
    assert one("Tell the Home Office", held, date(2026, 9, 1)).state is State.MET
    held.home_office_notified_on = date(2026, 3, 4)
    assert one("Tell the Home Office", held, date(2026, 9, 1)).state is State.MET_LATE


def test_the_final_report_is_counted_from_a_decision_to_hold_and_met_by_the_first_round():
    decided = date(2026, 2, 1)
    due = decided + timedelta(days=183)
    undecided = one("Send the final report", review(notified_on=NOTIFIED), decided)
    assert undecided.state is State.WAITING
    held = review(notified_on=NOTIFIED, decision=HOLD, decided_on=decided)
    running = one("Send the final report", held, due)
    assert (running.state, running.due_on) == (State.DUE, due)
    assert one("Send the final report", held, due + timedelta(days=1)).state is State.OVERDUE
    rounds = [qa(due, RESUBMIT, due + timedelta(days=40)), qa(due + timedelta(days=200))]
    met = one("Send the final report", held, due + timedelta(days=300), rounds)
    assert (met.state, met.met_on) == (State.MET, due)  # the first round stops it, not the last
    late = one("Send the final report", held, due + timedelta(days=300), [qa(due + timedelta(days=1))])
    assert late.state is State.MET_LATE


def test_a_decision_not_to_hold_a_review_stops_every_later_clock():
    not_held = review(notified_on=NOTIFIED, decision=Review.Decision.NOT_HOLD, decided_on=date(2026, 1, 20))
    labels = [c.label for c in clocks_of(not_held, [], None, date(2026, 6, 1))]
    assert labels == ["Decide whether to hold a review", "Tell the Home Office of the decision"]


def test_each_resubmit_round_starts_a_resubmission_clock_met_by_the_next_round():
    held = review(notified_on=NOTIFIED, decision=HOLD, decided_on=date(2026, 1, 20), final_report_on=date(2026, 5, 1))
    asked = date(2026, 6, 1)
    first = [qa(date(2026, 5, 2), RESUBMIT, asked)]
    due = asked + timedelta(days=90)
    running = one("Resubmit the report", held, due, first)
    assert (running.started_on, running.due_on, running.state) == (asked, due, State.DUE)
    assert one("Resubmit the report", held, due + timedelta(days=1), first).state is State.OVERDUE
    on_time = [*first, qa(due)]
    assert one("Resubmit the report", held, due + timedelta(days=5), on_time).state is State.MET
    late = [*first, qa(due + timedelta(days=1), RESUBMIT, due + timedelta(days=30)), qa(due + timedelta(days=60))]
    found = clocks_of(held, late, None, due + timedelta(days=70))
    resubmissions = [c for c in found if c.label.startswith("Resubmit")]
    assert [(c.label, c.state) for c in resubmissions] == [
        ("Resubmit the report to the Home Office (after round 1)", State.MET_LATE),
        ("Resubmit the report to the Home Office (after round 2)", State.MET),
    ]


def test_publication_is_counted_from_the_panels_approval():
    held = review(notified_on=NOTIFIED, decision=HOLD, decided_on=date(2026, 1, 20))
    assert one("Publish the report", held, date(2026, 6, 1)).state is State.WAITING
    approved_on = date(2026, 6, 1)
    rounds = [qa(date(2026, 5, 1), APPROVED, approved_on)]
    assert one("Publish the report", held, approved_on + timedelta(days=30), rounds).state is State.DUE
    assert one("Publish the report", held, approved_on + timedelta(days=31), rounds).state is State.OVERDUE
    held.published_on = approved_on + timedelta(days=30)
    assert one("Publish the report", held, date(2027, 1, 1), rounds).state is State.MET
    held.published_on = approved_on + timedelta(days=31)
    assert one("Publish the report", held, date(2027, 1, 1), rounds).state is State.MET_LATE


def test_the_report_stays_published_for_the_minimum_period_and_the_date_is_the_earliest_removal():
    held = review(notified_on=NOTIFIED, decision=HOLD, decided_on=date(2026, 1, 20))
    waiting = one("Keep the report published", held, date(2026, 6, 1))
    assert waiting.state is State.WAITING and waiting.not_before
    held.published_on = date(2026, 7, 1)
    earliest = date(2027, 7, 1)
    kept = one("Keep the report published", held, date(2027, 6, 30))
    assert (kept.state, kept.due_on, kept.tag, kept.due_label) == (
        State.DUE,
        earliest,
        "Keep published",
        "Not to be removed before",
    )
    assert not kept.is_running  # nothing is owed: it must only not be removed yet
    may = one("Keep the report published", held, earliest)
    assert (may.state, may.tag) == (State.MET, "May be removed")
    held.removed_on = earliest - timedelta(days=1)
    early = one("Keep the report published", held, earliest)
    assert (early.state, early.tag) == (State.EARLY, "Removed too early")
    held.removed_on = earliest
    assert one("Keep the report published", held, earliest).state is State.MET


def test_a_local_timescale_overrides_the_default():
    local = ReviewTimescales(dhr_decision_days=14, asb_threshold_days=15)
    notified = review(notified_on=NOTIFIED)
    assert one("Decide whether", notified, NOTIFIED, timescales=local).due_on == NOTIFIED + timedelta(days=14)
    assert one("Decide whether", notified, NOTIFIED).due_on == NOTIFIED + timedelta(days=30)
    applied = review(ASB, applied_on=date(2026, 3, 2))  # a Monday
    assert one("Decide whether the threshold", applied, date(2026, 3, 2), timescales=local).due_on == date(2026, 3, 23)
    assert one("Decide whether the threshold", applied, date(2026, 3, 2)).due_on == date(2026, 3, 16)


# -- ASB Case Reviews: working days -----------------------------------------------------------------------


def test_working_days_skip_weekends_and_bank_holidays():
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday to Monday
    assert add_working_days(date(2026, 3, 6), 10) == date(2026, 3, 20)  # two weekends skipped
    # Good Friday (3 April 2026) and Easter Monday (6 April) are bank holidays in England and Wales.
    assert add_working_days(date(2026, 4, 1), 3) == date(2026, 4, 8)
    # Christmas Day (Friday) and Boxing Day's substitute (Monday 28 December).
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_the_threshold_decision_is_counted_in_working_days_from_the_application():
    applied = review(ASB, applied_on=date(2026, 3, 6))  # a Friday
    due = date(2026, 3, 20)
    running = one("Decide whether the threshold", applied, due)
    assert (running.state, running.due_on, running.working_days) == (State.DUE, due, True)
    assert one("Decide whether the threshold", applied, date(2026, 3, 21)).state is State.OVERDUE
    applied.threshold, applied.threshold_decided_on = Review.Threshold.MET, due
    assert one("Decide whether the threshold", applied, date(2026, 5, 1)).state is State.MET
    applied.threshold_decided_on = date(2026, 3, 23)
    assert one("Decide whether the threshold", applied, date(2026, 5, 1)).state is State.MET_LATE
    assert one("Decide whether the threshold", review(ASB), date(2026, 5, 1)).state is State.WAITING


def test_the_meeting_is_counted_from_a_met_threshold_only():
    pending = review(ASB, applied_on=date(2026, 3, 2))
    assert one("Hold the review meeting", pending, date(2026, 3, 2)).state is State.WAITING
    met = review(
        ASB, applied_on=date(2026, 3, 2), threshold=Review.Threshold.MET, threshold_decided_on=date(2026, 3, 9)
    )
    due = add_working_days(date(2026, 3, 9), 25)
    assert due == date(2026, 4, 15)  # five weekends and Good Friday and Easter Monday skipped
    assert one("Hold the review meeting", met, due).state is State.DUE
    assert one("Hold the review meeting", met, due + timedelta(days=1)).state is State.OVERDUE
    met.meeting_on = due
    assert one("Hold the review meeting", met, date(2026, 6, 1)).state is State.MET
    met.meeting_on = due + timedelta(days=1)
    assert one("Hold the review meeting", met, date(2026, 6, 1)).state is State.MET_LATE
    not_met = review(
        ASB, applied_on=date(2026, 3, 2), threshold=Review.Threshold.NOT_MET, threshold_decided_on=date(2026, 3, 9)
    )
    assert [c.label for c in clocks_of(not_met, [], None, date(2026, 6, 1))] == ["Decide whether the threshold is met"]


def test_the_outcome_is_counted_from_the_meeting_and_an_appeal_from_its_receipt():
    held = review(
        ASB,
        applied_on=date(2026, 3, 2),
        threshold=Review.Threshold.MET,
        threshold_decided_on=date(2026, 3, 9),
        meeting_on=date(2026, 3, 20),  # a Friday
    )
    assert "Decide the appeal" not in [c.label for c in clocks_of(held, [], None, date(2026, 3, 20))]
    outcome = one("Send the outcome", held, date(2026, 3, 27))
    assert (outcome.due_on, outcome.state) == (date(2026, 3, 27), State.DUE)
    assert one("Send the outcome", held, date(2026, 3, 30)).state is State.OVERDUE
    held.outcome_sent_on = date(2026, 3, 30)
    assert one("Send the outcome", held, date(2026, 4, 30)).state is State.MET_LATE
    held.appeal_received_on = date(2026, 4, 13)
    appeal = one("Decide the appeal", held, date(2026, 5, 12))
    assert (appeal.due_on, appeal.state) == (date(2026, 5, 12), State.DUE)  # the May bank holiday (4th) skipped
    assert one("Decide the appeal", held, date(2026, 5, 13)).state is State.OVERDUE
    held.appeal_decided_on = date(2026, 5, 12)
    assert one("Decide the appeal", held, date(2026, 6, 1)).state is State.MET


def test_what_is_owed_next_is_the_longest_overdue_then_the_soonest_due():
    held = review(notified_on=NOTIFIED, decision=HOLD, decided_on=date(2026, 1, 20))
    found = clocks_of(held, [], None, date(2026, 3, 1))  # telling the Home Office is overdue
    assert next_clock(found).label == "Tell the Home Office of the decision"
    held.home_office_notified_on = date(2026, 2, 1)
    found = clocks_of(held, [], None, date(2026, 3, 1))
    assert next_clock(found).label == "Send the final report to the Home Office"
    assert next_clock(clocks_of(review(), [], None, date(2026, 3, 1))) is None


# -- Stages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "rounds", "stage"),
    [
        ({"notified_on": NOTIFIED}, [], "Awaiting decision"),
        ({"decision": Review.Decision.NOT_HOLD}, [], "Not held"),
        ({"decision": HOLD}, [], "Review under way"),
        ({"decision": HOLD}, [qa(NOTIFIED)], "With the Home Office"),
        ({"decision": HOLD}, [qa(NOTIFIED, RESUBMIT, NOTIFIED)], "Resubmission asked"),
        ({"decision": HOLD}, [qa(NOTIFIED, RESUBMIT, NOTIFIED), qa(NOTIFIED, APPROVED, NOTIFIED)], "Approved"),
        ({"decision": HOLD, "published_on": NOTIFIED}, [], "Published"),
        ({"decision": HOLD, "published_on": NOTIFIED, "removed_on": NOTIFIED}, [], "Removed from the website"),
    ],
)
def test_the_stage_of_a_homicide_review(fields, rounds, stage):
    assert stage_of(review(**fields), rounds) == stage
    assert stage_of(review(Review.Kind.OWHR, **fields), rounds) == stage


@pytest.mark.parametrize(
    ("fields", "stage"),
    [
        ({"applied_on": NOTIFIED}, "Awaiting threshold decision"),
        ({"threshold": Review.Threshold.NOT_MET}, "Threshold not met"),
        ({"threshold": Review.Threshold.MET}, "Awaiting review meeting"),
        ({"threshold": Review.Threshold.MET, "meeting_on": NOTIFIED}, "Outcome to be sent"),
        ({"threshold": Review.Threshold.MET, "meeting_on": NOTIFIED, "outcome_sent_on": NOTIFIED}, "Outcome sent"),
        ({"threshold": Review.Threshold.MET, "outcome_sent_on": NOTIFIED, "appeal_received_on": NOTIFIED}, "Appeal"),
        ({"threshold": Review.Threshold.MET, "closed_on": NOTIFIED}, "Closed"),
    ],
)
def test_the_stage_of_an_asb_case_review(fields, stage):
    assert stage_of(review(ASB, **fields), []) == stage
