"""The clocks of a review: each statutory (or locally set) timescale, counted from the step that
starts it to the step that stops it, and where it stands today. Pure functions over a review, its
quality-assurance rounds and its partnership's timescales: no database here.

Homicide reviews (DHR, OWHR) count calendar days: deciding whether to hold a review from the
notification of the death, telling the Home Office from the decision, the final report to the Home
Office from a decision to hold (stopped by the first quality-assurance round), each resubmission
from the panel's 'resubmit', publication from its approval, and the minimum time the report stays
published (a clock whose date is the earliest removal, not a deadline).

ASB Case Reviews count working days: weekends and the bank holidays of England and Wales (which
are the same) are skipped, from the ``holidays`` package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache

import holidays

from .models import QualityAssuranceRound, Review, ReviewTimescales

# The statutory guidance's timescales, where a partnership has set none of its own: the model's
# field defaults, so that they are written in one place.
DEFAULTS = ReviewTimescales()

WORKING_DAYS_HINT = (
    "ASB Case Review timescales count working days: weekends and bank holidays in England and Wales are skipped."
)


class State(Enum):
    WAITING = ("waiting", "Not started", "govuk-tag--grey")
    DUE = ("due", "Due", "govuk-tag--blue")
    OVERDUE = ("overdue", "Overdue", "govuk-tag--red")
    MET = ("met", "Met", "govuk-tag--green")
    MET_LATE = ("met_late", "Met late", "govuk-tag--orange")
    EARLY = ("early", "Removed too early", "govuk-tag--red")

    def __init__(self, code: str, label: str, tag_class: str):
        self.code = code
        self.label = label
        self.tag_class = tag_class


@dataclass(frozen=True)
class Clock:
    """One timescale of a review. ``due_on`` is a deadline, except for a ``not_before`` clock, where
    it is the earliest date the step may happen (the report's removal from the website)."""

    label: str
    started_on: date | None
    due_on: date | None
    met_on: date | None
    state: State
    working_days: bool = False
    not_before: bool = False

    @property
    def is_running(self) -> bool:
        """Something is owed now: due or overdue (a minimum period is owed nothing)."""
        return not self.not_before and self.state in (State.DUE, State.OVERDUE)

    @property
    def tag(self) -> str:
        if self.not_before and self.state is State.DUE:
            return "Keep published"
        if self.not_before and self.state is State.MET and self.met_on is None:
            return "May be removed"
        return self.state.label

    @property
    def due_label(self) -> str:
        """What the date means, said plainly."""
        return "Not to be removed before" if self.not_before else "Due by"


# -- Counting days ------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The working day ``days`` working days after ``start`` (which itself does not count)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def _state(started_on: date | None, due_on: date | None, met_on: date | None, today: date) -> State:
    if started_on is None:
        return State.WAITING
    if met_on is not None:
        return State.MET if met_on <= due_on else State.MET_LATE
    return State.DUE if today <= due_on else State.OVERDUE


def _clock(label: str, started_on: date | None, days: int, met_on: date | None, today: date, *, working=False) -> Clock:
    due_on = None
    if started_on is not None:
        due_on = add_working_days(started_on, days) if working else started_on + timedelta(days=days)
    return Clock(label, started_on, due_on, met_on, _state(started_on, due_on, met_on, today), working_days=working)


def _keep_published(review: Review, days: int, today: date) -> Clock:
    label = "Keep the report published"
    start = review.published_on
    if start is None:
        return Clock(label, None, None, review.removed_on, State.WAITING, not_before=True)
    earliest = start + timedelta(days=days)
    removed = review.removed_on
    if removed is not None:
        state = State.MET if removed >= earliest else State.EARLY
    else:
        state = State.MET if today >= earliest else State.DUE
    return Clock(label, start, earliest, removed, state, not_before=True)


# -- The clocks of each kind ------------------------------------------------------------------------------


def _homicide_clocks(review: Review, rounds: Sequence[QualityAssuranceRound], t: ReviewTimescales, today: date):
    clocks = [
        _clock("Decide whether to hold a review", review.notified_on, t.dhr_decision_days, review.decided_on, today),
        _clock(
            "Tell the Home Office of the decision",
            review.decided_on,
            t.dhr_home_office_days,
            review.home_office_notified_on,
            today,
        ),
    ]
    if review.decision == Review.Decision.NOT_HOLD:
        return clocks
    held_on = review.decided_on if review.decision == Review.Decision.HOLD else None
    first_sent = rounds[0].submitted_on if rounds else None
    clocks.append(_clock("Send the final report to the Home Office", held_on, t.dhr_report_days, first_sent, today))
    for number, qa_round in enumerate(rounds, start=1):
        if qa_round.outcome == QualityAssuranceRound.Outcome.RESUBMIT:
            again = rounds[number].submitted_on if number < len(rounds) else None
            label = f"Resubmit the report to the Home Office (after round {number})"
            clocks.append(_clock(label, qa_round.outcome_on, t.dhr_resubmit_days, again, today))
    approved = next((r for r in rounds if r.outcome == QualityAssuranceRound.Outcome.APPROVED), None)
    approved_on = approved.outcome_on if approved else None
    clocks.append(_clock("Publish the report", approved_on, t.dhr_publish_days, review.published_on, today))
    clocks.append(_keep_published(review, t.dhr_published_days, today))
    return clocks


def _asb_clocks(review: Review, t: ReviewTimescales, today: date) -> list[Clock]:
    clocks = [
        _clock(
            "Decide whether the threshold is met",
            review.applied_on,
            t.asb_threshold_days,
            review.threshold_decided_on,
            today,
            working=True,
        )
    ]
    if review.threshold != Review.Threshold.NOT_MET:
        met_on = review.threshold_decided_on if review.threshold == Review.Threshold.MET else None
        clocks += [
            _clock("Hold the review meeting", met_on, t.asb_meeting_days, review.meeting_on, today, working=True),
            _clock(
                "Send the outcome to the applicant",
                review.meeting_on,
                t.asb_outcome_days,
                review.outcome_sent_on,
                today,
                working=True,
            ),
        ]
    if review.appeal_received_on is not None:
        clocks.append(
            _clock(
                "Decide the appeal",
                review.appeal_received_on,
                t.asb_appeal_days,
                review.appeal_decided_on,
                today,
                working=True,
            )
        )
    return clocks


def clocks_of(
    review: Review,
    qa_rounds: Sequence[QualityAssuranceRound],
    timescales: ReviewTimescales | None,
    today: date,
) -> list[Clock]:
    """Every clock of the review in the order its steps come; ``qa_rounds`` in the order they were
    sent; ``timescales`` the partnership's own, or None for the defaults."""
    timescales = timescales or DEFAULTS
    if review.is_homicide_review:
        return _homicide_clocks(review, list(qa_rounds), timescales, today)
    return _asb_clocks(review, timescales, today)


def next_clock(clocks: Sequence[Clock]) -> Clock | None:
    """What is owed next: the overdue clock due longest ago, else the due clock due soonest."""
    running = [clock for clock in clocks if clock.is_running]
    return min(running, key=lambda clock: (clock.state is not State.OVERDUE, clock.due_on), default=None)


# -- The stage --------------------------------------------------------------------------------------------


def _homicide_stage(review: Review, rounds: Sequence[QualityAssuranceRound]) -> str:
    if review.removed_on:
        return "Removed from the website"
    if review.published_on:
        return "Published"
    if review.decision == Review.Decision.NOT_HOLD:
        return "Not held"
    if review.decision != Review.Decision.HOLD:
        return "Awaiting decision"
    if not rounds:
        return "Review under way"
    last = rounds[-1].outcome
    if last == QualityAssuranceRound.Outcome.APPROVED:
        return "Approved"
    if last == QualityAssuranceRound.Outcome.RESUBMIT:
        return "Resubmission asked"
    return "With the Home Office"


def _asb_stage(review: Review) -> str:
    if review.closed_on:
        return "Closed"
    if review.appeal_received_on and not review.appeal_decided_on:
        return "Appeal"
    if not review.threshold:
        return "Awaiting threshold decision"
    if review.threshold == Review.Threshold.NOT_MET:
        return "Threshold not met"
    if not review.meeting_on:
        return "Awaiting review meeting"
    if not review.outcome_sent_on:
        return "Outcome to be sent"
    return "Outcome sent"


def stage_of(review: Review, qa_rounds: Sequence[QualityAssuranceRound]) -> str:
    """Where the review is, in plain words."""
    if review.is_homicide_review:
        return _homicide_stage(review, list(qa_rounds))
    return _asb_stage(review)
