"""Where a recommendation stands: the one rule its page, the partnership's list, the status report
and the county roll-up share.

An action of a recommendation is **done** when its officer has signed it off: the action's status
is Complete, or its latest accepted progress return says Complete (the return's words are the
evidence of completion, and whoever accepted it signed it off). A recommendation is **implemented**
when it has actions and every one not cancelled is done; **overdue** when it is not and its own
date, or an open action's due date, has passed; **open** otherwise. A recommendation the partnership
has not turned into actions yet **awaits actions**; one it decided not to accept (a PCC's, with its
reasons) is **not accepted** and owes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import models

from actionplans.models import Action, ProgressReturn

from .models import Recommendation


class State(models.TextChoices):
    AWAITING_ACTIONS = "awaiting", "Awaiting actions"
    OPEN = "open", "Open"
    OVERDUE = "overdue", "Overdue"
    IMPLEMENTED = "implemented", "Implemented"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


@dataclass
class ActionProgress:
    action: Action
    sign_off: ProgressReturn | None  # the accepted return that says Complete, if any

    @property
    def is_done(self) -> bool:
        return self.action.status == Action.Status.COMPLETE or self.sign_off is not None

    @property
    def evidence(self) -> str:
        return self.sign_off.narrative if self.sign_off else ""


@dataclass
class RecommendationProgress:
    recommendation: Recommendation
    actions: list[ActionProgress] = field(default_factory=list)
    state: str = State.AWAITING_ACTIONS

    @property
    def state_label(self) -> str:
        return State(self.state).label

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.actions if item.is_done)


def latest_accepted(returns) -> ProgressReturn | None:
    """The latest of an action's accepted returns (``returns`` in any order), or None."""
    accepted = [r for r in returns if r.status == ProgressReturn.Status.ACCEPTED]
    return max(accepted, key=lambda r: (r.year, r.number), default=None)


def action_progress(action: Action, returns) -> ActionProgress:
    latest = latest_accepted(returns)
    signed_off = latest if latest is not None and latest.rag == ProgressReturn.Rag.COMPLETE else None
    return ActionProgress(action, signed_off)


def progress_of(recommendation: Recommendation, actions: list[ActionProgress], today: date) -> RecommendationProgress:
    """The recommendation's state from its actions' progress (cancelled and archived ones left out)."""
    live = [
        item for item in actions if item.action.status != Action.Status.CANCELLED and item.action.archived_at is None
    ]
    if recommendation.decision == Recommendation.Decision.NOT_ACCEPTED:
        state = State.NOT_ACCEPTED
    elif not live:
        state = State.AWAITING_ACTIONS
    elif all(item.is_done for item in live):
        state = State.IMPLEMENTED
    elif (recommendation.due_date and recommendation.due_date < today) or any(
        not item.is_done and item.action.due_date and item.action.due_date < today for item in live
    ):
        state = State.OVERDUE
    else:
        state = State.OPEN
    return RecommendationProgress(recommendation, live, state)
