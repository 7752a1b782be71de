"""Writes about recommendations, named for what the user does: add a review's recommendation,
receive one from the Police and Crime Commissioner, change one (for the PCC's: record that the
partnership considered it, its decision with the reasons, and the response sent), and turn one into
an action.

Each takes the acting user as keyword-only ``actor``, runs in one transaction, reports every broken
rule at once (a ValidationError by field) and writes nothing then; every change is in the history
with who made it (``csp_portal.writes``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actionplans import services as action_services
from actionplans.models import Action
from csp_portal import writes
from csp_portal.organisations.models import Agency, Partnership, User

from . import recommendation_queries as queries
from .models import Recommendation, Review

Decision, Level, Scope = Recommendation.Decision, Recommendation.Level, Recommendation.Scope

# What people type for each kind of recommendation, in the order the forms ask.
REVIEW_FIELDS = ("number", "text", "scope", "agency", "level", "sent_to", "sent_on", "due_date")
PCC_FIELDS = ("received_on", "number", "text", "due_date", "considered_on", "decision", "reasons", "response_sent_on")
# Decisions that let the partnership act on a PCC's recommendation, and those that need reasons.
ACTED_ON = (Decision.ACCEPTED, Decision.PARTLY)
NEED_REASONS = (Decision.PARTLY, Decision.NOT_ACCEPTED)


# -- Checks ------------------------------------------------------------------------------------------------


def _scope_and_level(rec: Recommendation, partnership: Partnership) -> dict[str, str]:
    problems = {}
    if rec.scope == Scope.SINGLE and rec.agency is None:
        problems["agency"] = "Choose the agency this single-agency recommendation is for"
    elif rec.scope == Scope.MULTI and rec.agency is not None:
        problems["agency"] = "A multi-agency recommendation is for no single agency: leave the agency empty"
    elif rec.agency is not None and not queries.agencies_of(partnership).filter(pk=rec.agency.pk).exists():
        problems["agency"] = f"Choose one of the agencies of {partnership.name}"
    if rec.level == Level.NATIONAL and not rec.sent_to:
        problems["sent_to"] = "Enter whom the national recommendation was sent to"
    elif rec.level == Level.LOCAL and (rec.sent_to or rec.sent_on):
        problems["sent_to"] = (
            "A local recommendation is not sent on nationally: choose National, or leave 'sent to' empty"
        )
    if rec.sent_on and not rec.sent_to and "sent_to" not in problems:
        problems["sent_to"] = "Enter whom it was sent to, or leave the date it was sent empty"
    return problems


def _not_after_today(rec: Recommendation, today: date, names: Iterable[str]) -> dict[str, str]:
    problems = {}
    for name in names:
        value = getattr(rec, name)
        if value and value > today:
            label = Recommendation._meta.get_field(name).verbose_name
            problems[name] = f"The date {label} cannot be in the future"
    return problems


def _consideration(rec: Recommendation, live_actions: int) -> dict[str, str]:
    """The PCC's recommendation: received, considered, decided with reasons, answered, in that order."""
    problems = {}
    if rec.received_on is None:
        problems["received_on"] = "Enter the date the recommendation was received"
    if rec.considered_on and rec.received_on and rec.considered_on < rec.received_on:
        problems["considered_on"] = "It cannot have been considered before it was received"
    if rec.decision and rec.considered_on is None:
        problems["considered_on"] = "Enter the date the partnership considered it, with its decision"
    elif rec.considered_on and not rec.decision:
        problems["decision"] = "Choose the decision the partnership made when it considered it"
    if rec.decision in NEED_REASONS and not rec.reasons.strip():
        problems["reasons"] = "Give the reasons the partnership will not act on it, or not in full"
    if rec.decision == Decision.NOT_ACCEPTED and live_actions:
        problems["decision"] = (
            f"It has {live_actions} action{'s' if live_actions != 1 else ''} under way: cancel or archive "
            "them before recording that it is not accepted"
        )
    if rec.response_sent_on and not rec.decision:
        problems["response_sent_on"] = "Record the partnership's decision before the response sent to the PCC"
    elif rec.response_sent_on and rec.considered_on and rec.response_sent_on < rec.considered_on:
        problems["response_sent_on"] = "The response cannot have been sent before the recommendation was considered"
    return problems


def _number(rec: Recommendation) -> dict[str, str]:
    if rec.number is None or rec.number < 1:
        return {"number": "The number must be 1 or more"}
    if rec.review_id is None:
        return {}
    taken = rec.review.recommendations.filter(number=rec.number).exclude(pk=rec.pk).exists()
    return {"number": f"{rec.review} already has a recommendation {rec.number}"} if taken else {}


def _check(rec: Recommendation, today: date) -> None:
    """Every rule the recommendation breaks, reported together."""
    if rec.is_from_pcc:
        dates = ("received_on", "considered_on", "response_sent_on")
        problems = _not_after_today(rec, today, dates) | _consideration(rec, queries.live_action_count(rec))
    else:
        problems = _scope_and_level(rec, rec.partnership) | _not_after_today(rec, today, ("sent_on",))
    problems = _number(rec) | problems
    if problems:
        raise ValidationError(problems)


def _cleaned(values: dict, names: Iterable[str]) -> dict:
    """The ``values`` the kind of recommendation takes, text without surrounding spaces."""
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items() if name in names}


def _write(rec: Recommendation, values: dict, *, actor: User | None, today: date | None) -> Recommendation:
    for name, value in values.items():
        setattr(rec, name, value)
    _check(rec, today or timezone.localdate())
    writes.save(rec, actor=actor)
    return rec


# -- Recommendations ---------------------------------------------------------------------------------------


@transaction.atomic
def add_recommendation(
    review: Review, *, actor: User | None, values: dict, today: date | None = None
) -> Recommendation:
    """Record one of a review's recommendations: single-agency (for its agency) or multi-agency,
    local or national (with whom it was sent to)."""
    Review.objects.select_for_update().filter(pk=review.pk).first()  # one number at a time per review
    rec = Recommendation(partnership=review.partnership, review=review)
    return _write(rec, _cleaned(values, REVIEW_FIELDS), actor=actor, today=today)


@transaction.atomic
def receive_pcc_recommendation(
    partnership: Partnership, *, actor: User | None, values: dict, today: date | None = None
) -> Recommendation:
    """Put a recommendation of the Police and Crime Commissioner on the partnership's register, to
    be considered."""
    rec = Recommendation(partnership=partnership, review=None)
    return _write(rec, _cleaned(values, PCC_FIELDS), actor=actor, today=today)


@transaction.atomic
def change_recommendation(
    recommendation: Recommendation, *, actor: User | None, values: dict, today: date | None = None
) -> bool:
    """Change a recommendation; for a PCC's, record its consideration, decision, reasons and the
    response sent. True if anything changed (and only then a new entry in its history)."""
    current = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("partnership", "review", "agency")
        .get(pk=recommendation.pk)
    )
    values = _cleaned(values, PCC_FIELDS if current.is_from_pcc else REVIEW_FIELDS)
    changed = {name: value for name, value in values.items() if getattr(current, name) != value}
    if not changed:
        return False
    _write(current, changed, actor=actor, today=today)
    return True


# -- Turning a recommendation into actions -----------------------------------------------------------------


def why_no_actions(recommendation: Recommendation) -> str:
    """Why the recommendation cannot be turned into actions, or '' when it can."""
    if not recommendation.is_from_pcc or recommendation.decision in ACTED_ON:
        return ""
    if recommendation.decision == Decision.NOT_ACCEPTED:
        return (
            "The partnership decided not to accept this recommendation of the PCC, and recorded its reasons: "
            "it is not turned into actions."
        )
    return (
        "The partnership has not yet recorded its decision on this recommendation of the PCC: only an "
        "accepted or partly accepted one is turned into actions."
    )


@transaction.atomic
def add_action(
    recommendation: Recommendation, *, actor: User | None, values: dict, others: Iterable[Agency] = ()
) -> Action:
    """Turn the recommendation into an action, with a lead, returns and sign-off like every other;
    the action rules apply (``actionplans.services``). A PCC's recommendation must be accepted first."""
    current = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    current.partnership = recommendation.partnership
    why = why_no_actions(current)
    if why:
        raise ValidationError(why)
    return action_services.add_recommendation_action(current, actor=actor, values=values, others=others)
