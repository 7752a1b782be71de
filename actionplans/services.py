"""Writes about action plans and progress returns, named for what the user does.

Each takes the acting user as keyword-only ``actor``, runs in one transaction, checks the rules that
hold whoever calls it (the views check who may call it), and records the actor on every version it
writes to the change history, in the same transaction.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from csp_portal import writes
from csp_portal.notifications.services import quoted
from csp_portal.organisations.models import Agency, Partnership, Role, User
from csp_portal.quarters import Quarter
from priorities.models import Priority

from . import notices, queries
from .models import Action, FundingAllocation, ProgressReturn, QuarterClosure, ReminderSent

log = logging.getLogger(__name__)

# The columns of the action plan that the edit form carries, in the order people read them.
ACTION_FIELDS = (
    "title",
    "outcome",
    "activity",
    "resources",
    "budget",
    "funding",
    "timescale",
    "start_date",
    "due_date",
    "lead_agency",
    "lead_user",
    "other_partners",
    "targets",
    "indicator",
    "target_value",
    "status",
)
RETURN_FIELDS = ("rag", "narrative", "percent_complete", "risks", "support_needed")
CHASE_NOTE_LENGTH = 1000  # the officer's own message in a chase: a few short paragraphs


def _money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


# -- Checks ------------------------------------------------------------------------------------------


class Broken(StrEnum):
    """A rule of an action's values that they break, whoever writes them. Each caller words it for
    its own page: the action form below (``_check_action``), a spreadsheet's cell in the importer."""

    OUTCOME_OF_ANOTHER_PRIORITY = "outcome_of_another_priority"
    LEAD_WITHOUT_ROLE = "lead_without_role"
    INDICATOR_OF_ANOTHER_PARTNERSHIP = "indicator_of_another_partnership"
    TARGET_WITHOUT_INDICATOR = "target_without_indicator"
    DUE_BEFORE_START = "due_before_start"
    FUNDING_OF_ANOTHER_PARTNERSHIP = "funding_of_another_partnership"
    FUNDING_WITHOUT_BUDGET = "funding_without_budget"
    OVER_ALLOCATION = "over_allocation"


def action_problems(
    values: dict,
    *,
    partnership: Partnership,
    priority: Priority | None,
    holds_role: Callable[[User], bool],
    left_in: Callable[[FundingAllocation], Decimal],
) -> dict[str, Broken]:
    """The rules the action's ``values`` break, by the field at fault; empty when they break none.

    ``priority`` is None when it is not known (an imported row naming none of the plan's); the
    outcome is then not checked. ``holds_role(user)`` says whether the lead person holds a role in
    the partnership; ``left_in(allocation)`` how much of the allocation this action's budget may use."""
    broken: dict[str, Broken] = {}
    outcome = values.get("outcome")
    if outcome is not None and priority is not None and outcome.priority_id != priority.pk:
        broken["outcome"] = Broken.OUTCOME_OF_ANOTHER_PRIORITY
    lead = values.get("lead_user")
    if lead is not None and not holds_role(lead):
        broken["lead_user"] = Broken.LEAD_WITHOUT_ROLE
    indicator = values.get("indicator")
    if indicator is not None and indicator.partnership_id != partnership.pk:
        broken["indicator"] = Broken.INDICATOR_OF_ANOTHER_PARTNERSHIP
    if values.get("target_value") is not None and indicator is None:
        broken["target_value"] = Broken.TARGET_WITHOUT_INDICATOR
    start, due = values.get("start_date"), values.get("due_date")
    if start and due and due < start:
        broken["due_date"] = Broken.DUE_BEFORE_START
    funding, budget = values.get("funding"), values.get("budget")
    if funding is None:
        return broken
    if funding.partnership_id != partnership.pk:
        broken["funding"] = Broken.FUNDING_OF_ANOTHER_PARTNERSHIP
    elif budget is None:
        broken["budget"] = Broken.FUNDING_WITHOUT_BUDGET
    elif budget > left_in(funding):
        broken["budget"] = Broken.OVER_ALLOCATION
    return broken


# The rules as the action form words them, from the partnership's name and the action's funding.
ACTION_RULE_MESSAGES = {
    Broken.OUTCOME_OF_ANOTHER_PRIORITY: "Choose an outcome of this action's priority.",
    Broken.LEAD_WITHOUT_ROLE: "The lead person must hold a role in {partnership}.",
    Broken.INDICATOR_OF_ANOTHER_PARTNERSHIP: "Choose one of the partnership's indicators.",
    Broken.TARGET_WITHOUT_INDICATOR: "A target value needs an indicator to measure it against.",
    Broken.DUE_BEFORE_START: "The due date must be on or after the start date.",
    Broken.FUNDING_OF_ANOTHER_PARTNERSHIP: "Choose one of the partnership's own funding allocations.",
    Broken.FUNDING_WITHOUT_BUDGET: "Enter the budget this action commits from the {funding}.",
}


def _check_action(partnership: Partnership, priority: Priority | None, values: dict, exclude_pk: int | None = None):
    """The rules an action obeys whoever writes it; all problems are reported together. ``priority``
    is None for an action of a recommendation."""
    # Looked up once: the rule reads what is left and the message says it, under the same lock.
    funds = functools.cache(functools.partial(_locked_left, exclude_pk=exclude_pk))
    broken = action_problems(
        values,
        partnership=partnership,
        priority=priority,
        holds_role=lambda user: Role.objects.filter(user=user, partnership=partnership).exists(),
        left_in=lambda funding: funds(funding)[1],
    )
    errors = {}
    for name, rule in broken.items():
        if rule == Broken.OVER_ALLOCATION:
            errors[name] = _overspent(*funds(values["funding"]), values["budget"])
        else:
            errors[name] = ACTION_RULE_MESSAGES[rule].format(
                partnership=partnership.name, funding=values.get("funding")
            )
    if errors:
        raise ValidationError(errors)


def _locked_left(funding: FundingAllocation, exclude_pk: int | None) -> tuple[FundingAllocation, Decimal]:
    """The allocation, locked so that two officers committing the last pounds at once cannot both
    succeed, and what it has left beside the action ``exclude_pk``."""
    allocation = FundingAllocation.objects.select_for_update().get(pk=funding.pk)
    return allocation, allocation.amount - queries.committed_from(allocation, exclude_pk=exclude_pk)


def _overspent(allocation: FundingAllocation, remaining: Decimal, budget: Decimal) -> str:
    return (
        f"The {allocation} has {_money(remaining)} left of {_money(allocation.amount)}: a budget of "
        f"{_money(budget)} is {_money(budget - remaining)} more than remains. Lower the budget or choose "
        "another funding source."
    )


def _over_allocation(funding: FundingAllocation, budget: Decimal, exclude_pk: int | None) -> str | None:
    """Why ``budget`` cannot be committed from ``funding``, or None (the allocation is locked)."""
    allocation, remaining = _locked_left(funding, exclude_pk)
    return _overspent(allocation, remaining, budget) if budget > remaining else None


# -- Actions -----------------------------------------------------------------------------------------


class ActionConflict(writes.EditConflict):
    noun = "action"

    @property
    def action(self) -> Action:
        return self.object


class ReturnConflict(writes.EditConflict):
    noun = "return"


def _conflicts(action: Action, loaded_version: int, values: dict, others: set[Agency]) -> list[writes.FieldConflict]:
    """The action's fields changed since ``loaded_version``, its other agencies among them."""
    values = {**values, "others_names": names_of(others)}
    return writes.changed_since(action, loaded_version, (*ACTION_FIELDS, "others_names"), values)


def names_of(agencies: Iterable[Agency]) -> str:
    return "; ".join(sorted((agency.name for agency in agencies), key=str.casefold))


def _next_order(priority: Priority | None = None, recommendation=None) -> int:
    siblings = (
        Action.objects.filter(priority=priority) if priority else Action.objects.filter(recommendation=recommendation)
    )
    return (siblings.aggregate(top=Max("order"))["top"] or 0) + 1


def _set_others(action: Action, others: Iterable[Agency]) -> None:
    others = list(others)
    action.others_responsible.set(others)
    action.others_names = names_of(others)


@transaction.atomic
def add_action(priority: Priority, *, actor: User | None, values: dict, others: Iterable[Agency] = ()) -> Action:
    """Add an action at the end of the priority's action plan."""
    return _add(
        Action(priority=priority, partnership=priority.plan.partnership), actor=actor, values=values, others=others
    )


@transaction.atomic
def add_recommendation_action(
    recommendation, *, actor: User | None, values: dict, others: Iterable[Agency] = ()
) -> Action:
    """Turn a statutory review's (or the PCC's) recommendation into an action: one more row in the
    same machinery as the plan's (a lead, quarterly returns, the officer's acceptance)."""
    action = Action(recommendation=recommendation, partnership=recommendation.partnership)
    return _add(action, actor=actor, values=values, others=others)


def _add(action: Action, *, actor: User | None, values: dict, others: Iterable[Agency]) -> Action:
    values = {name: values.get(name) for name in ACTION_FIELDS if name in values}
    others = list(others)
    _check_action(action.partnership, action.priority, values)
    action.order = _next_order(action.priority, action.recommendation)
    for name, value in values.items():
        setattr(action, name, value)
    for name in ("activity", "resources", "timescale", "other_partners", "targets"):
        if getattr(action, name) is None:
            setattr(action, name, "")
    action.status = action.status or Action.Status.NOT_STARTED
    action.others_names = names_of(others)
    return writes.create(action, actor=actor, then=lambda created: created.others_responsible.set(others))


@transaction.atomic
def edit_action(action: Action, *, actor: User | None, version: int, values: dict, others: Iterable[Agency]) -> bool:
    """Save the officer's edit of an action, made from the form they loaded at ``version``.

    The row is locked and its version compared: if someone saved it since, nothing is written and
    ``ActionConflict`` says what they changed. Returns whether anything changed."""
    current = Action.objects.select_for_update(of=("self",)).select_related("partnership", "priority").get(pk=action.pk)
    others = set(others)
    values = {name: values.get(name) for name in ACTION_FIELDS if name in values}
    for name in ("activity", "resources", "timescale", "other_partners", "targets"):
        if values.get(name) is None and name in values:
            values[name] = ""
    if current.version != version:
        raise ActionConflict(current, _conflicts(current, version, values, others), writes.last_saved_by(current))
    _check_action(current.partnership, current.priority, values, exclude_pk=current.pk)
    changed = {name: value for name, value in values.items() if getattr(current, name) != value}
    others_changed = others != set(current.others_responsible.all())
    if not changed and not others_changed:
        return False
    for name, value in changed.items():
        setattr(current, name, value)
    if others_changed:
        _set_others(current, others)
    writes.save(current, actor=actor)
    action.version = current.version
    return True


def _siblings(action: Action) -> list[Action]:
    return list(
        Action.objects.select_for_update().filter(priority_id=action.priority_id).active().order_by("order", "id")
    )


@transaction.atomic
def move_action(action: Action, *, actor: User | None, direction: str) -> bool:
    """Move the action one place 'up' or 'down' its priority's action plan. False at either end."""
    if direction not in {"up", "down"}:
        raise ValidationError("Move an action up or down.")
    siblings = _siblings(action)
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == action.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            sibling.order = order
            writes.save(sibling, actor=actor, update_fields=["order"])
    action.order = next(s.order for s in siblings if s.pk == action.pk)
    return True


@transaction.atomic
def move_action_to_priority(action: Action, *, actor: User | None, priority: Priority) -> None:
    """Move the action to the end of another priority's action plan in the same partnership. Its
    outcome is cleared, since outcomes belong to a priority."""
    if action.priority_id is None:
        raise ValidationError({"priority": "An action of a recommendation stays with its recommendation."})
    if priority.plan.partnership_id != action.partnership_id:
        raise ValidationError({"priority": "An action can only move to a priority of the same partnership."})
    if priority.pk == action.priority_id:
        raise ValidationError({"priority": "The action is already under that priority."})
    current = Action.objects.select_for_update().get(pk=action.pk)
    current.priority = priority
    current.outcome = None
    current.order = _next_order(priority)
    writes.save(current, actor=actor, update_fields=["priority", "outcome", "order"])
    action.priority, action.outcome, action.order, action.version = priority, None, current.order, current.version


@transaction.atomic
def archive_action(action: Action, *, actor: User | None) -> None:
    """Take the action off the plan: it keeps its returns and history and no longer asks for returns.
    Its budget is no longer committed."""
    current = Action.objects.select_for_update().get(pk=action.pk)
    if current.archived_at is not None:
        raise ValidationError("The action is already archived.")
    current.archived_at = timezone.now()
    writes.save(current, actor=actor, update_fields=["archived_at"])
    action.archived_at, action.version = current.archived_at, current.version


@transaction.atomic
def restore_action(action: Action, *, actor: User | None) -> None:
    """Put an archived action back at the end of its priority's plan, if its budget still fits."""
    current = Action.objects.select_for_update(of=("self",)).select_related("priority__plan").get(pk=action.pk)
    if current.archived_at is None:
        raise ValidationError("The action is not archived.")
    if current.priority_id and current.priority.is_archived:
        raise ValidationError(
            f"Its priority, “{current.priority.title}”, is archived: restore the priority, which brings back "
            "the actions archived with it, or move this action to another priority first."
        )
    if current.funding_id and current.budget is not None:
        problem = _over_allocation(current.funding, current.budget, current.pk)
        if problem:
            raise ValidationError(problem)
    current.archived_at = None
    current.order = _next_order(current.priority, current.recommendation)
    writes.save(current, actor=actor, update_fields=["archived_at", "order"])
    action.archived_at, action.order, action.version = None, current.order, current.version


def archive_with_priority(priority: Priority, *, actor: User | None, archived_at) -> None:
    """Archive the priority's actions on the plan at the moment the priority was archived, which
    marks them as archived with it."""
    for action in Action.objects.select_for_update().active().filter(priority=priority).order_by("order", "id"):
        action.archived_at = archived_at
        writes.save(action, actor=actor, update_fields=["archived_at"])


def restore_with_priority(priority: Priority, *, actor: User | None, archived_at) -> None:
    """Restore the actions archived with the priority (each must still fit its funding allocation)."""
    for action in Action.objects.filter(priority=priority, archived_at=archived_at).order_by("order", "id"):
        restore_action(action, actor=actor)


# -- Funding -----------------------------------------------------------------------------------------


@transaction.atomic
def add_allocation(
    partnership: Partnership, *, actor: User | None, year: int, source: str, amount: Decimal, notes: str = ""
) -> FundingAllocation:
    """Record money the partnership has to spend in a financial year from one source."""
    source = source.strip()
    if FundingAllocation.objects.filter(partnership=partnership, year=year, source__iexact=source).exists():
        raise ValidationError(
            f"{partnership.name} already has a {source} allocation for {Quarter(year, 1).financial_year}: "
            "change that one."
        )
    allocation = FundingAllocation(partnership=partnership, year=year, source=source, amount=amount, notes=notes)
    writes.save(allocation, actor=actor)
    return allocation


@transaction.atomic
def change_allocation(allocation: FundingAllocation, *, actor: User | None, amount: Decimal, notes: str) -> None:
    """Change the amount of an allocation; it cannot fall below what actions already commit from it."""
    locked = FundingAllocation.objects.select_for_update().get(pk=allocation.pk)
    committed = queries.committed_from(locked)
    if amount < committed:
        raise ValidationError(
            {
                "amount": f"Actions already commit {_money(committed)} from the {locked}: "
                "the amount cannot be less than that."
            }
        )
    locked.amount, locked.notes = amount, notes
    writes.save(locked, actor=actor)
    allocation.amount, allocation.notes = amount, notes


# -- Progress returns --------------------------------------------------------------------------------


def is_closed(partnership: Partnership, quarter: Quarter) -> bool:
    return QuarterClosure.objects.filter(partnership=partnership, year=quarter.year, number=quarter.number).exists()


def _editable_return(action: Action, quarter: Quarter, version: int | None) -> ProgressReturn:
    """The return, locked for the lead to change; ``version`` is the one their form was loaded at
    (0 when no return existed yet), or None to skip the check."""
    if is_closed(action.partnership, quarter):
        raise ValidationError(f"{quarter.label} is closed: its returns can no longer be changed.")
    if not action.is_open and not action.returns.filter(year=quarter.year, number=quarter.number).exists():
        raise ValidationError("This action is not active, so no return is due for it.")
    progress, created = ProgressReturn.objects.select_for_update().get_or_create(
        action=action, year=quarter.year, number=quarter.number
    )
    if not created and version is not None and progress.version != version:
        raise ReturnConflict(progress, [], writes.last_saved_by(progress))
    if not progress.is_editable:
        raise ValidationError(
            f"The {quarter.label} return has been {progress.get_status_display().lower()}: it can no longer be changed."
        )
    return progress


# Words in a return saying its activity has stopped, which a finished action's return cannot say.
PAUSED_WORDS = ("paused", "on hold", "suspended")


def return_problems(values: dict, *, submitting: bool) -> dict[str, str]:
    """What is wrong with a progress return's ``values``, by field, all at once: what a submitted
    return needs (a RAG status, the progress, the risks behind red or amber), and what no return may
    say together (100% complete but red, amber, green or not started: a finished action is
    Complete; Complete with less than 100%; not started with some done; an activity said to be
    paused, on hold or suspended, yet complete). Empty when nothing is wrong."""
    rag, percent = values.get("rag") or "", values.get("percent_complete")
    narrative, risks = (values.get("narrative") or "").strip(), (values.get("risks") or "").strip()
    Rag = ProgressReturn.Rag
    errors = {}
    if submitting and not rag:
        errors["rag"] = "Choose a RAG status"
    if submitting and not narrative:
        errors["narrative"] = "Describe the progress made this quarter"
    if submitting and rag in {Rag.RED, Rag.AMBER} and not risks:
        errors["risks"] = "Describe the risks and issues behind a red or amber status"
    if percent == 100 and rag and rag != Rag.COMPLETE:
        label = Rag(rag).label.lower()
        errors["percent_complete"] = (
            f"An action that is 100% complete cannot be {label}: choose Complete, or enter how much is done"
        )
    elif rag == Rag.COMPLETE and percent is not None and percent < 100:
        errors["percent_complete"] = (
            f"A complete action is 100% complete, not {percent}%: enter 100, or choose another RAG status"
        )
    elif rag == Rag.NOT_STARTED and percent:
        errors["percent_complete"] = (
            f"An action that has not started cannot be {percent}% complete: enter 0, or choose another RAG status"
        )
    if (percent == 100 or rag == Rag.COMPLETE) and any(word in narrative.casefold() for word in PAUSED_WORDS):
        errors["narrative"] = (
            "The progress says the activity is paused, on hold or suspended, but the return says it is complete: "
            "say how much is done, or describe the finished work"
        )
    return errors


@transaction.atomic
def save_return(
    action: Action, quarter: Quarter, *, actor: User | None, values: dict, version: int | None = None
) -> ProgressReturn:
    """Save the lead's progress return for ``quarter`` as a draft (or keep it returned). With
    ``version``, a return someone else saved since the form was loaded is refused (ReturnConflict)."""
    try:
        progress = _editable_return(action, quarter, version)
    except ReturnConflict as conflict:
        conflict.conflicts = writes.changed_since(conflict.object, version, RETURN_FIELDS, values)
        raise
    for name in RETURN_FIELDS:
        if name in values:
            setattr(progress, name, values[name] if values[name] is not None or name == "percent_complete" else "")
    contradictions = return_problems({name: getattr(progress, name) for name in RETURN_FIELDS}, submitting=False)
    if contradictions:
        raise ValidationError(contradictions)
    writes.save(progress, actor=actor)
    return progress


@transaction.atomic
def submit_return(
    action: Action, quarter: Quarter, *, actor: User | None, values: dict, version: int | None = None
) -> ProgressReturn:
    """Save and submit the lead's return to the partnership officer. A submitted return needs a RAG
    status and a progress narrative; a red or amber one says what the risks are."""
    progress = save_return(action, quarter, actor=actor, values=values, version=version)
    errors = return_problems({name: getattr(progress, name) for name in RETURN_FIELDS}, submitting=True)
    if errors:
        raise ValidationError(errors)
    progress.status = ProgressReturn.Status.SUBMITTED
    progress.submitted_by, progress.submitted_at = actor, timezone.now()
    writes.save(progress, actor=actor)
    notices.return_submitted(progress, actor=actor)
    return progress


def _reviewable(progress: ProgressReturn) -> ProgressReturn:
    locked = ProgressReturn.objects.select_for_update().select_related("action__partnership").get(pk=progress.pk)
    if is_closed(locked.partnership, locked.quarter):
        raise ValidationError(f"{locked.quarter.label} is closed: its returns can no longer be reviewed.")
    if locked.status != ProgressReturn.Status.SUBMITTED:
        raise ValidationError(
            f"Only a submitted return can be reviewed; this one is {locked.get_status_display().lower()}."
        )
    return locked


@transaction.atomic
def accept_return(progress: ProgressReturn, *, actor: User | None, comment: str = "") -> ProgressReturn:
    """The partnership officer accepts a submitted return for the board's report."""
    locked = _reviewable(progress)
    locked.status = ProgressReturn.Status.ACCEPTED
    locked.officer_comment = comment.strip()
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    writes.save(locked, actor=actor)
    notices.return_reviewed(locked, actor=actor)
    return locked


@transaction.atomic
def accept_returns(
    partnership: Partnership, quarter: Quarter, return_ids: Iterable[int], *, actor: User | None
) -> list[ProgressReturn]:
    """The officer accepts several submitted returns of the quarter at once: all of them or, if one
    is not waiting for review (or not the partnership's), none, with a refusal naming each such."""
    wanted = set(return_ids)
    if not wanted:
        raise ValidationError("Choose the returns to accept.")
    if is_closed(partnership, quarter):
        raise ValidationError(f"{quarter.label} is closed: its returns can no longer be reviewed.")
    found = list(
        ProgressReturn.objects.select_for_update(of=("self",))
        .select_related("action__partnership", "action__lead_user", "submitted_by")
        .filter(pk__in=wanted, year=quarter.year, number=quarter.number)
        .filter(action__partnership=partnership)
        .order_by("action__priority_id", "action__recommendation_id", "action__order", "action_id")
    )
    refused = [
        f"{quoted(progress.action.title)} ({progress.get_status_display().lower()})"
        for progress in found
        if progress.status != ProgressReturn.Status.SUBMITTED
    ]
    unknown = len(wanted) - len(found)
    if unknown:
        refused.append(f"{unknown} return{'s' if unknown != 1 else ''} not of {quarter.label} here")
    if refused:
        raise ValidationError(
            f"Only submitted returns can be accepted, so none was: {'; '.join(refused)}. Untick them and try again."
        )
    now = timezone.now()
    for progress in found:
        progress.status, progress.officer_comment = ProgressReturn.Status.ACCEPTED, ""
        progress.reviewed_by, progress.reviewed_at = actor, now
        writes.save(progress, actor=actor)
        notices.return_reviewed(progress, actor=actor)
    return found


@transaction.atomic
def withdraw_return(progress: ProgressReturn, *, actor: User | None) -> ProgressReturn:
    """The lead takes back a submitted return before an officer reviews it: it is a draft again, to
    change and submit once more. Once accepted or returned it stays with the officer's decision."""
    locked = ProgressReturn.objects.select_for_update().select_related("action__partnership").get(pk=progress.pk)
    label = locked.quarter.label
    if is_closed(locked.partnership, locked.quarter):
        raise ValidationError(f"{label} is closed: its returns can no longer be changed.")
    if locked.status in (ProgressReturn.Status.ACCEPTED, ProgressReturn.Status.RETURNED):
        raise ValidationError(
            f"The {label} return has already been {locked.get_status_display().lower()} by the partnership "
            "officer, so it cannot be withdrawn."
        )
    if locked.status != ProgressReturn.Status.SUBMITTED:
        raise ValidationError(f"The {label} return has not been submitted, so there is nothing to withdraw.")
    locked.status = ProgressReturn.Status.DRAFT
    locked.submitted_by, locked.submitted_at = None, None
    writes.save(locked, actor=actor)
    return locked


@transaction.atomic
def send_back_return(progress: ProgressReturn, *, actor: User | None, comment: str) -> ProgressReturn:
    """The partnership officer returns a submitted return to its lead, saying what to change."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what the lead should change"})
    locked = _reviewable(progress)
    locked.status = ProgressReturn.Status.RETURNED
    locked.officer_comment = comment.strip()
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    writes.save(locked, actor=actor)
    notices.return_reviewed(locked, actor=actor)
    return locked


@transaction.atomic
def close_quarter(partnership: Partnership, quarter: Quarter, *, actor: User | None) -> QuarterClosure:
    """Close the quarter for the partnership: its returns become read-only."""
    if quarter > Quarter.current():
        raise ValidationError(f"{quarter.label} has not started yet.")
    closure, created = QuarterClosure.objects.get_or_create(
        partnership=partnership,
        year=quarter.year,
        number=quarter.number,
        defaults={"closed_by": actor, "closed_at": timezone.now()},
    )
    if not created:
        raise ValidationError(f"{quarter.label} is already closed.")
    return closure


@transaction.atomic
def reopen_quarter(partnership: Partnership, quarter: Quarter, *, actor: User | None) -> None:
    """Open a closed quarter again, e.g. when it was closed by mistake."""
    deleted, _ = QuarterClosure.objects.filter(
        partnership=partnership, year=quarter.year, number=quarter.number
    ).delete()
    if not deleted:
        raise ValidationError(f"{quarter.label} is not closed.")
    log.info("%s reopened %s for %s", actor, quarter.label, partnership)


# -- Reminders ---------------------------------------------------------------------------------------


@transaction.atomic
def chase_leads(
    partnership: Partnership,
    quarter: Quarter,
    *,
    actor: User | None,
    leads: Iterable[int] | None = None,
    note: str = "",
) -> int:
    """E-mail the leads who still owe a return for ``quarter`` (all of them, or those of ``leads``,
    by id), with the officer's own ``note`` quoted as theirs; returns how many were chased. A lead
    chosen who no longer owes anything (they submitted meanwhile) is not chased."""
    if is_closed(partnership, quarter):
        raise ValidationError(f"{quarter.label} is closed.")
    note = note.strip()
    if len(note) > CHASE_NOTE_LENGTH:
        raise ValidationError({"message": f"Your message must be {CHASE_NOTE_LENGTH:,} characters or fewer"})
    outstanding = queries.outstanding_by_lead(partnership, quarter)
    if leads is not None:
        chosen = set(leads)
        outstanding = {lead: actions for lead, actions in outstanding.items() if lead.pk in chosen}
    now = timezone.now()
    for message, lead, actions in notices.chase_messages(partnership, quarter, outstanding, note=note, actor=actor):
        notices.tell_reminder(partnership, lead, message, ReminderSent.Kind.CHASE, actor=actor)
        ReminderSent.objects.create(
            partnership=partnership,
            lead=lead,
            year=quarter.year,
            number=quarter.number,
            kind=ReminderSent.Kind.CHASE,
            sent_at=now,
            sent_by=actor,
            actions=len(actions),
        )
    return len(outstanding)


def due_reminders(today: date) -> list[tuple[Quarter, str]]:
    """Which scheduled reminders fall due on ``today``: (quarter, 'open', 'before' or 'after'). The
    returns 'open' from the day after the quarter ends until the 'before' reminder; a reminder is
    due from its day until the next one takes over, so a missed day catches up."""
    before = settings.ACTIONPLANS_REMINDER_DAYS_BEFORE
    after = settings.ACTIONPLANS_REMINDER_DAYS_AFTER
    due = []
    current = Quarter.of(today)
    for quarter in (current - 2, current - 1, current):
        deadline = quarter.deadline()
        if quarter.end < today < deadline - timedelta(days=before):
            due.append((quarter, ReminderSent.Kind.OPEN))
        if deadline - timedelta(days=before) <= today < deadline:
            due.append((quarter, ReminderSent.Kind.BEFORE))
        if deadline + timedelta(days=after) <= today <= quarter.next().deadline():
            due.append((quarter, ReminderSent.Kind.AFTER))
    return due


def send_scheduled_reminders(today: date | None = None) -> int:
    """The daily job: remind each lead who owes returns, N days before the deadline and N days
    after it, once each. Each (partnership, lead, quarter, kind) is claimed by inserting its
    ReminderSent row in the transaction that sends the e-mail: a second run, even at the same
    moment, finds the row and sends nothing; a failed send rolls the claim back for the next run."""
    today = today or timezone.localdate()
    sent = 0
    for quarter, kind in due_reminders(today):
        closed = set(
            QuarterClosure.objects.filter(year=quarter.year, number=quarter.number).values_list(
                "partnership_id", flat=True
            )
        )
        for partnership in Partnership.objects.exclude(pk__in=closed).order_by("pk"):
            for lead, actions in queries.outstanding_by_lead(partnership, quarter).items():
                sent += _claim_and_send(partnership, quarter, lead, actions, kind)
    return sent


def _claim_and_send(partnership: Partnership, quarter: Quarter, lead: User, actions: list[Action], kind: str) -> int:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                partnership=partnership,
                lead=lead,
                year=quarter.year,
                number=quarter.number,
                kind=kind,
                sent_at=timezone.now(),
                actions=len(actions),
            )
            notices.returns_reminder(partnership, quarter, lead, actions, kind, actor=None)
    except IntegrityError:
        return 0  # claimed by another run
    return 1
