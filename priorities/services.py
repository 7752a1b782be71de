"""Writes about plans, priorities and priority setting, named for what the user does.

Each takes the acting user as keyword-only ``actor``, runs in one transaction, checks the rules that
hold whoever calls it (the views check who may call it), and records the actor on every version it
writes to the change history. Unchanged rows are not saved, so the history shows real changes only.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assessments.models import Threat
from csp_portal import writes
from csp_portal.organisations.models import Partnership, User

from . import queries, signals
from .models import (
    DEFAULT_CRITERIA,
    DEFAULT_FACTORS,
    Candidate,
    Commitment,
    ContributoryFactor,
    Criterion,
    CurrentWork,
    Exercise,
    Outcome,
    Plan,
    Priority,
    PriorityEvidence,
    PriorityFactor,
    Score,
)
from .scoring import SCORE_MAX, SCORE_MIN

# -- Plans -------------------------------------------------------------------------------------------

PLAN_FIELDS = ("title", "period_start", "period_end", "status", "summary", "related_strategies", "assessment")


def _check_plan(partnership: Partnership, values: dict, exclude_pk: int | None = None) -> None:
    assessment = values.get("assessment")
    if assessment is not None and assessment.partnership_id not in queries.visible_partnership_ids(partnership):
        raise ValidationError("A plan can only be based on the partnership's or its county board's assessment.")
    if values["period_end"] <= values["period_start"]:
        raise ValidationError("The plan period must end after it starts.")
    clash = Plan.objects.filter(partnership=partnership, title__iexact=values["title"]).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(f"{partnership.name} already has a plan called “{values['title']}”.")


@transaction.atomic
def create_plan(*, actor: User | None, partnership: Partnership, **values) -> Plan:
    """Start a partnership plan (for a county board, its Community Safety Agreement)."""
    values = {name: values.get(name, "") for name in PLAN_FIELDS} | {"assessment": values.get("assessment")}
    values["status"] = values["status"] or Plan.Status.DRAFT
    _check_plan(partnership, values)
    plan = Plan(partnership=partnership, **values)
    writes.save(plan, actor=actor)
    return plan


@transaction.atomic
def update_plan(plan: Plan, *, actor: User | None, **values) -> bool:
    """Change the plan's details; True if anything changed."""
    values = {name: values[name] for name in PLAN_FIELDS if name in values}
    _check_plan(plan.partnership, {name: getattr(plan, name) for name in PLAN_FIELDS} | values, exclude_pk=plan.pk)
    return writes.update(plan, values, actor=actor)


# -- Priorities --------------------------------------------------------------------------------------

PRIORITY_FIELDS = ("title", "status", "why", "lead_role", "lead_user", "lead_agency", "owner")


def _check_supports(plan: Plan, supports: Priority | None) -> None:
    if supports is None:
        return
    county = plan.partnership.county_board_id
    if county is None or supports.plan.partnership_id != county:
        raise ValidationError("A priority can only support a priority of its county board's plan.")


def _check_evidence(plan: Plan, threats: Sequence[Threat]) -> None:
    if not queries.may_cite(plan.partnership, list(threats)):
        raise ValidationError(
            "Evidence must come from the partnership's own strategic assessment or its county board's."
        )


def _check_lead(plan: Plan, lead_user: User | None) -> None:
    if lead_user is not None and not lead_user.roles.filter(partnership=plan.partnership).exists():
        raise ValidationError("The lead person must hold a role in the partnership.")


def _check_title(plan: Plan, title: str, exclude_pk: int | None = None) -> None:
    if not title.strip():
        raise ValidationError("A priority needs a title.")
    clash = Priority.all_objects.filter(plan=plan, title__iexact=title).exclude(pk=exclude_pk).first()
    if clash is not None and clash.is_archived:
        raise ValidationError(
            f"An archived priority of the plan is called “{title}”: restore it, or choose another title."
        )
    if clash is not None:
        raise ValidationError(f"The plan already has a priority called “{title}”.")


def sync_points(model: type, priority: Priority, texts: Sequence[str], *, actor: User | None) -> None:
    """Make the priority's points of ``model`` (outcomes, current work or commitments) read ``texts``,
    in that order. Later work (actions, indicators) hangs off these rows, so a point keeps its row
    when it is unchanged, moved, or edited: an edited point is matched to the removed point it
    most resembles (at least half the same), and only what is left over is deleted or created."""
    existing = list(model.objects.filter(priority=priority).order_by("order", "id"))
    old = [item.text for item in existing]
    new = list(texts)
    kept: dict[int, models.Model] = {}  # new position -> existing row
    free_old: list[int] = []
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            kept.update({j1 + k: existing[i1 + k] for k in range(i2 - i1)})
        else:
            free_old.extend(range(i1, i2))
    free_new = [j for j in range(len(new)) if j not in kept]
    # Moved unchanged.
    for j in list(free_new):
        match = next((i for i in free_old if old[i] == new[j]), None)
        if match is not None:
            kept[j] = existing[match]
            free_old.remove(match)
            free_new.remove(j)
    # Edited: the most alike pairs first.
    pairs = sorted(
        (
            (difflib.SequenceMatcher(a=old[i], b=new[j], autojunk=False).ratio(), i, j)
            for i in free_old
            for j in free_new
        ),
        reverse=True,
    )
    for ratio, i, j in pairs:
        if ratio < 0.5:
            break
        if i in free_old and j in free_new:
            kept[j] = existing[i]
            free_old.remove(i)
            free_new.remove(j)
    for i in free_old:
        writes.delete(existing[i], actor=actor)
    for position, text in enumerate(new, start=1):
        item = kept.get(position - 1)
        if item is None:
            writes.save(model(priority=priority, text=text, order=position), actor=actor)
        else:
            writes.update(item, {"text": text, "order": position}, actor=actor)


def sync_links(priority: Priority, model: type, field: str, wanted: Iterable, actor: User | None) -> None:
    """Make the priority's link rows of ``model`` (factors or evidence) point at exactly ``wanted``."""
    wanted_ids = {obj.pk for obj in wanted}
    current = {getattr(link, f"{field}_id"): link for link in model.objects.filter(priority=priority)}
    for pk, link in current.items():
        if pk not in wanted_ids:
            writes.delete(link, actor=actor)
    for pk in wanted_ids - current.keys():
        writes.save(model(priority=priority, **{f"{field}_id": pk}), actor=actor)


def _write_content(
    priority: Priority,
    actor: User | None,
    outcomes: Sequence[str] | None,
    current_work: Sequence[str] | None,
    commitments: Sequence[str] | None,
    factors: Iterable[ContributoryFactor] | None,
    evidence: Sequence[Threat] | None,
) -> None:
    for model, texts in ((Outcome, outcomes), (CurrentWork, current_work), (Commitment, commitments)):
        if texts is not None:
            sync_points(model, priority, texts, actor=actor)
    if factors is not None:
        sync_links(priority, PriorityFactor, "factor", factors, actor)
    if evidence is not None:
        sync_links(priority, PriorityEvidence, "threat", evidence, actor)


@transaction.atomic
def create_priority(
    plan: Plan,
    *,
    actor: User | None,
    fields: dict,
    supports: Priority | None = None,
    outcomes: Sequence[str] = (),
    current_work: Sequence[str] = (),
    commitments: Sequence[str] = (),
    factors: Iterable[ContributoryFactor] = (),
    evidence: Sequence[Threat] = (),
) -> Priority:
    """Add a priority at the end of the plan, with what it wants to achieve, currently does and will do."""
    values = {name: fields.get(name) for name in PRIORITY_FIELDS if name in fields}
    for text_field in ("why", "lead_role", "owner"):
        values[text_field] = values.get(text_field) or ""
    _check_title(plan, values.get("title") or "")
    _check_supports(plan, supports)
    _check_evidence(plan, evidence)
    _check_lead(plan, values.get("lead_user"))
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one writer at a time numbers priorities
    last = plan.priorities.aggregate(last=models.Max("order"))["last"] or 0
    priority = Priority(plan=plan, supports=supports, order=last + 1, **values)
    writes.save(priority, actor=actor)
    _write_content(priority, actor, outcomes, current_work, commitments, factors, evidence)
    return priority


@transaction.atomic
def update_priority(
    priority: Priority,
    *,
    actor: User | None,
    fields: dict,
    supports: Priority | None = None,
    outcomes: Sequence[str] | None = None,
    current_work: Sequence[str] | None = None,
    commitments: Sequence[str] | None = None,
    factors: Iterable[ContributoryFactor] | None = None,
    evidence: Sequence[Threat] | None = None,
) -> None:
    """Change a priority and its lists together: all of it is saved, or none. A list left as None
    is not touched."""
    plan = priority.plan
    values = {name: fields[name] for name in PRIORITY_FIELDS if name in fields}
    if "title" in values:
        _check_title(plan, values["title"], exclude_pk=priority.pk)
    _check_supports(plan, supports)
    if evidence is not None:
        _check_evidence(plan, evidence)
    _check_lead(plan, values.get("lead_user"))
    writes.update(priority, values | {"supports": supports}, actor=actor)
    _write_content(priority, actor, outcomes, current_work, commitments, factors, evidence)


@transaction.atomic
def archive_priority(priority: Priority, *, actor: User | None) -> None:
    """Take a priority off the plan (one added by mistake, or no longer wanted there). It is kept,
    with its points, its actions and their returns, and its history; it leaves the plan, reports
    and exports, and the others close up the order. Its actions on the plan are archived with it,
    at the same moment (``signals.priority_archived``), so that restoring the priority brings back
    exactly those."""
    current = Priority.all_objects.select_for_update().get(pk=priority.pk)
    if current.archived_at is not None:
        raise ValidationError("The priority is already archived.")
    Plan.objects.select_for_update().filter(pk=current.plan_id).first()  # one writer at a time numbers priorities
    current.archived_at = timezone.now()
    writes.save(current, actor=actor)
    signals.priority_archived.send(Priority, priority=current, archived_at=current.archived_at, actor=actor)
    priority.archived_at = current.archived_at
    _renumber(priority.plan, actor)


@transaction.atomic
def restore_priority(priority: Priority, *, actor: User | None) -> None:
    """Put an archived priority back at the end of its plan, with the actions archived with it
    (``signals.priority_restored``; each must still fit its funding allocation)."""
    current = Priority.all_objects.select_for_update().get(pk=priority.pk)
    if current.archived_at is None:
        raise ValidationError("The priority is not archived.")
    Plan.objects.select_for_update().filter(pk=current.plan_id).first()
    archived_at = current.archived_at
    last = Priority.objects.filter(plan_id=current.plan_id).aggregate(last=models.Max("order"))["last"] or 0
    current.archived_at = None
    current.order = last + 1
    writes.save(current, actor=actor)
    signals.priority_restored.send(Priority, priority=current, archived_at=archived_at, actor=actor)
    priority.archived_at, priority.order = None, current.order


def _renumber(plan: Plan, actor: User | None, ordered: list[Priority] | None = None) -> None:
    for position, priority in enumerate(ordered or list(plan.priorities.order_by("order", "id")), start=1):
        writes.update(priority, {"order": position}, actor=actor)


@transaction.atomic
def move_priority(priority: Priority, *, actor: User | None, direction: str) -> bool:
    """Move a priority one place up or down the plan; False if it is already first or last.
    ``priority`` is given its new place in the order."""
    if direction not in {"up", "down"}:
        raise ValidationError("Move a priority up or down.")
    plan = priority.plan
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    ordered = list(plan.priorities.order_by("order", "id"))
    index = next(i for i, p in enumerate(ordered) if p.pk == priority.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        return False
    mine, theirs = ordered[index], ordered[target]
    if mine.order != theirs.order:
        # Swap the two places: nothing else moves.
        mine_order, theirs_order = mine.order, theirs.order
        writes.update(mine, {"order": theirs_order}, actor=actor)
        writes.update(theirs, {"order": mine_order}, actor=actor)
    else:
        ordered[index], ordered[target] = theirs, mine
        _renumber(plan, actor, ordered)
    priority.order = mine.order
    return True


def _write_list(
    rows: Sequence[dict],
    existing: dict[int, models.Model],
    *,
    actor: User | None,
    new: Callable[..., models.Model],
    values: Callable[[dict], dict],
    foreign: str,
    repeated: str,
) -> int:
    """Write a list edited a row at a time (an exercise's criteria, a priority's outcomes) in the
    order given: each row {'id': one of ``existing`` or None for a new row, 'text', its own values,
    'delete'}. ``values`` checks and returns a row's own values; ``new`` makes a new row from them.
    A row naming another list's row is refused with ``foreign``, an empty or repeated text with
    ``repeated`` (formatted with the text). Returns how many rows the list keeps."""
    position = 0
    seen: set[str] = set()
    for row in rows:
        item = None
        if row.get("id") is not None:
            item = existing.get(row["id"])
            if item is None:
                raise ValidationError(foreign)
        if row.get("delete"):
            if item is not None:
                writes.delete(item, actor=actor)
            continue
        text = row["text"].strip()
        if not text or text.casefold() in seen:
            raise ValidationError(repeated.format(text=text))
        seen.add(text.casefold())
        position += 1
        fields = {"text": text, **values(row), "order": position}
        if item is None:
            writes.save(new(**fields), actor=actor)
        else:
            writes.update(item, fields, actor=actor)
    return position


@transaction.atomic
def update_outcomes(priority: Priority, *, actor: User | None, rows: Sequence[dict]) -> None:
    """Edit the priority's outcomes and how each is measured, in the order given. Each row is
    {'id': an existing outcome's id or None, 'text', 'measure', 'delete'}."""
    _write_list(
        rows,
        {outcome.pk: outcome for outcome in priority.outcomes.all()},
        actor=actor,
        new=lambda **fields: Outcome(priority=priority, **fields),
        values=lambda row: {"measure": row.get("measure", "").strip()},
        foreign="That outcome belongs to another priority.",
        repeated="Each outcome needs its own text (“{text}”).",
    )


def ensure_default_factors() -> None:
    """The Lancashire Community Safety Agreement's contributory factors, for a new database."""
    for order, name in enumerate(DEFAULT_FACTORS, start=1):
        ContributoryFactor.objects.get_or_create(name=name, defaults={"order": order})


# -- Priority setting --------------------------------------------------------------------------------


def _check_participants(plan: Plan, participants: Iterable[User]) -> list[User]:
    participants = list(participants)
    allowed = set(queries.people_in(plan.partnership).values_list("pk", flat=True))
    if any(person.pk not in allowed for person in participants):
        raise ValidationError("Participants must hold a role in the partnership.")
    return participants


def _add_candidates(exercise: Exercise, threats: Sequence[Threat], titles: Sequence[str], actor: User | None) -> int:
    _check_evidence(exercise.plan, threats)
    taken = {title.casefold() for title in exercise.candidates.values_list("title", flat=True)}
    wanted = [(threat.name, threat) for threat in threats] + [(title.strip(), None) for title in titles]
    for title, threat in wanted:
        if not title or title.casefold() in taken:
            raise ValidationError(f"“{title}” is already a candidate.")
        taken.add(title.casefold())
        writes.save(Candidate(exercise=exercise, title=title, threat=threat), actor=actor)
    return len(wanted)


@transaction.atomic
def start_exercise(
    plan: Plan,
    *,
    actor: User | None,
    title: str,
    participants: Iterable[User],
    threats: Sequence[Threat] = (),
    titles: Sequence[str] = (),
) -> Exercise:
    """Open a priority-setting exercise on the plan with Lincolnshire's seven criteria (editable),
    the chosen participants, and candidates from the threat ranking or typed in."""
    participants = _check_participants(plan, participants)
    if not participants:
        raise ValidationError("An exercise needs at least one participant.")
    if not threats and not titles:
        raise ValidationError("An exercise needs at least one candidate.")
    exercise = Exercise(plan=plan, title=title.strip())
    writes.save(exercise, actor=actor)
    exercise.participants.set(participants)
    for order, (text, inverse) in enumerate(DEFAULT_CRITERIA, start=1):
        writes.save(Criterion(exercise=exercise, text=text, inverse=inverse, weight=1, order=order), actor=actor)
    _add_candidates(exercise, threats, titles, actor)
    return exercise


@transaction.atomic
def update_exercise(
    exercise: Exercise, *, actor: User | None, title: str, status: str, participants: Iterable[User]
) -> None:
    """Rename the exercise, open or close it for scoring, and change who scores. Scores already given
    by someone no longer taking part are kept."""
    participants = _check_participants(exercise.plan, participants)
    if not participants:
        raise ValidationError("An exercise needs at least one participant.")
    if status not in Exercise.Status.values:
        raise ValidationError("Choose whether the exercise is open or closed.")
    writes.update(exercise, {"title": title.strip(), "status": status}, actor=actor)
    exercise.participants.set(participants)


def _criterion_values(row: dict) -> dict:
    weight = row.get("weight")
    if not isinstance(weight, int) or not 1 <= weight <= 10:
        raise ValidationError("A criterion's weight must be a whole number from 1 to 10.")
    return {"weight": weight, "inverse": bool(row.get("inverse"))}


@transaction.atomic
def update_criteria(exercise: Exercise, *, actor: User | None, rows: Sequence[dict]) -> None:
    """Edit the criteria, their weights and which count inversely, in the order given. Removing a
    criterion removes the scores given against it. Rows are
    {'id': an existing criterion's id or None, 'text', 'weight', 'inverse', 'delete'}."""
    kept = _write_list(
        rows,
        {criterion.pk: criterion for criterion in exercise.criteria.all()},
        actor=actor,
        new=lambda **fields: Criterion(exercise=exercise, **fields),
        values=_criterion_values,
        foreign="That criterion belongs to another exercise.",
        repeated="Each criterion must ask its own question (“{text}”).",
    )
    if not kept:
        raise ValidationError("An exercise needs at least one criterion.")


@transaction.atomic
def add_candidates(
    exercise: Exercise, *, actor: User | None, threats: Sequence[Threat] = (), titles: Sequence[str] = ()
) -> int:
    """Put more issues forward for scoring; returns how many were added."""
    if not threats and not titles:
        raise ValidationError("Choose or type at least one candidate.")
    return _add_candidates(exercise, threats, titles, actor)


@transaction.atomic
def remove_candidate(candidate: Candidate, *, actor: User | None) -> None:
    """Withdraw a candidate, with the scores given to it. One that became a priority stays, as the
    record of why."""
    if candidate.priority_id is not None:
        raise ValidationError(f"“{candidate.title}” became a priority, so its scores are kept.")
    writes.delete(candidate, actor=actor)


@transaction.atomic
def record_scores(exercise: Exercise, *, actor: User, scores: dict[tuple[int, int], int | None]) -> int:
    """Save the actor's scores in an open exercise: {(candidate id, criterion id): 1-5, or None to
    withdraw a score}. Returns how many questions the actor has now scored."""
    if not exercise.is_open:
        raise ValidationError("This exercise is closed: scores can no longer change.")
    if not exercise.participants.filter(pk=actor.pk).exists():
        raise ValidationError("Only the exercise's participants score it.")
    candidates = set(exercise.candidates.values_list("pk", flat=True))
    criteria = set(exercise.criteria.values_list("pk", flat=True))
    for (candidate_id, criterion_id), value in scores.items():
        if candidate_id not in candidates or criterion_id not in criteria:
            raise ValidationError("A score was given for a question that is not in this exercise.")
        if value is not None and not (isinstance(value, int) and SCORE_MIN <= value <= SCORE_MAX):
            raise ValidationError(f"Scores must be whole numbers from {SCORE_MIN} to {SCORE_MAX}.")
    current = {
        (score.candidate_id, score.criterion_id): score
        for score in Score.objects.filter(participant=actor, candidate__exercise=exercise)
    }
    new, changed, gone = [], [], []
    for key, value in scores.items():
        score = current.get(key)
        if value is None:
            if score is not None:
                gone.append(score)
        elif score is None:
            new.append(Score(participant=actor, candidate_id=key[0], criterion_id=key[1], value=value))
        elif score.value != value:
            score.value = value
            changed.append(score)
    # A score sheet is many rows: written in bulk, each with its version in the history.
    for score in gone:
        writes.delete(score, actor=actor)
    if new:
        bulk_create_with_history(new, Score, default_user=actor)
    if changed:
        now = timezone.now()
        for score in changed:
            score.updated = now
        bulk_update_with_history(changed, Score, ["value", "updated"], default_user=actor)
    return Score.objects.filter(participant=actor, candidate__exercise=exercise).count()


@transaction.atomic
def convert_candidate(candidate: Candidate, *, actor: User | None, title: str, status: str) -> Priority:
    """Make a scored candidate a priority (or a watching brief) of the exercise's plan, citing the
    candidate's threat as its evidence. The candidate and its scores are kept and name the priority."""
    candidate = Candidate.objects.select_for_update().select_related("exercise__plan__partnership").get(pk=candidate.pk)
    if candidate.priority_id is not None:
        raise ValidationError(f"“{candidate.title}” is already a priority.")
    if status not in {Priority.Status.ACTIVE, Priority.Status.WATCHING}:
        raise ValidationError("A candidate becomes an active priority or a watching brief.")
    plan = candidate.exercise.plan
    evidence = [candidate.threat] if candidate.threat_id else []
    try:
        priority = create_priority(
            plan, actor=actor, fields={"title": title.strip(), "status": status}, evidence=evidence
        )
    except IntegrityError as exc:  # a concurrent save took the title
        raise ValidationError(f"The plan already has a priority called “{title}”.") from exc
    candidate.priority = priority
    writes.save(candidate, actor=actor)
    return priority
