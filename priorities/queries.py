"""Reads about plans, priorities and priority setting that are more than a queryset. Each runs in a
fixed number of queries, however many priorities, points or scores there are."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from assessments.models import StrategicAssessment, Threat
from csp_portal import history
from csp_portal.organisations.models import Partnership, User
from csp_portal.organisations.permissions import roles_by_partnership

from . import scoring
from .models import (
    Candidate,
    Commitment,
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

# -- What a partnership may link to ------------------------------------------------------------------


def visible_partnership_ids(partnership: Partnership) -> list[int]:
    """The partnership and the county board above it: whose evidence and priorities it builds on."""
    return [partnership.pk] + ([partnership.county_board_id] if partnership.county_board_id else [])


def assessments_for(partnership: Partnership) -> QuerySet[StrategicAssessment]:
    """Strategic assessments a partnership's plan may be based on: its own and its county board's."""
    return (
        StrategicAssessment.objects.filter(partnership_id__in=visible_partnership_ids(partnership))
        .select_related("partnership")
        .order_by("-period_start_year", "title")
    )


def threats_for(plan: Plan, keep: list[int] | None = None) -> QuerySet[Threat]:
    """Threats a plan's priorities and candidates may cite: those of the plan's assessment (with the
    county-wide assessment a local profile accompanies), or, when the plan names none, of every
    assessment the partnership can see. ``keep`` adds threats already cited."""
    if plan.assessment_id:
        assessment = plan.assessment
        wanted = Q(assessment_id__in=[assessment.pk] + ([assessment.parent_id] if assessment.parent_id else []))
    else:
        wanted = Q(assessment__partnership_id__in=visible_partnership_ids(plan.partnership))
    if keep:
        wanted |= Q(pk__in=keep)
    return Threat.objects.filter(wanted).select_related("assessment")


def may_cite(partnership: Partnership, threats: list[Threat]) -> bool:
    """Whether every threat is in an assessment the partnership can see: its own or its county board's."""
    allowed = set(visible_partnership_ids(partnership))
    return all(threat.assessment.partnership_id in allowed for threat in threats)


def people_in(partnership: Partnership) -> QuerySet[User]:
    """People holding a role in the partnership: who may lead a priority or score in an exercise."""
    return User.objects.filter(roles__partnership=partnership, is_active=True).distinct().order_by("full_name")


def county_priorities_for(partnership: Partnership, keep: int | None = None) -> list[Priority]:
    """Priorities of the county board's current plans (not archived, not retired) a district
    priority may support; ``keep`` adds the one it supports already."""
    if not partnership.county_board_id:
        return []
    current = Q(plan__partnership_id=partnership.county_board_id) & ~Q(plan__status=Plan.Status.ARCHIVED)
    current &= ~Q(status=Priority.Status.RETIRED)
    if keep:
        current |= Q(pk=keep)
    return list(
        Priority.objects.filter(current).select_related("plan").order_by("-plan__period_start", "plan", "order")
    )


# -- Plans -------------------------------------------------------------------------------------------

_STATUS_ORDER = Case(
    When(status=Plan.Status.AGREED, then=Value(0)),
    When(status=Plan.Status.DRAFT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def plans_of(partnership: Partnership) -> QuerySet[Plan]:
    """The partnership's plans: agreed first, then drafts, then archived; newest first within each."""
    return (
        Plan.objects.filter(partnership=partnership)
        .annotate(
            priority_count=Count("priorities", filter=Q(priorities__archived_at__isnull=True)),
            status_rank=_STATUS_ORDER,
        )
        .order_by("status_rank", "-period_start", "title")
    )


def plans_in(partnership: Partnership) -> QuerySet[Plan]:
    """The partnership's plans, each knowing the partnership already loaded (with its county board)."""
    return partnership.plans.select_related("assessment")


def plan_overview(plan: Plan) -> tuple[list[Priority], list[Exercise]]:
    """The plan's priorities in order, with their lead, outcome count and (for a county plan) how many
    district priorities support each; and the plan's priority-setting exercises. Archived priorities
    are left out (``plan.priorities`` uses the default manager)."""
    # The order is explicit: Django leaves Meta.ordering out of queries that group rows.
    priorities = list(
        plan.priorities.select_related("lead_agency", "lead_user", "supports__plan")
        .annotate(
            outcome_count=Count("outcomes", distinct=True),
            supporter_count=Count("supported_by", filter=Q(supported_by__archived_at__isnull=True), distinct=True),
        )
        .order_by("order", "id")
    )
    for priority in priorities:
        priority.plan = plan
    exercises = list(plan.exercises.annotate(candidate_count=Count("candidates")).order_by("-created", "title"))
    return priorities, exercises


def priorities_in(plan: Plan) -> QuerySet[Priority]:
    """The plan's priorities, archived or not (an archived one stays readable, with its history),
    each knowing the plan already loaded."""
    return plan.priorities(manager="all_objects").all()


def outcomes_in(priority: Priority) -> QuerySet[Outcome]:
    """The priority's outcomes in order: the list its outcomes page edits."""
    return priority.outcomes.all()


def archived_priorities(plan: Plan) -> list[Priority]:
    """The plan's archived priorities, most recently archived first, with who archived each."""
    priorities = list(
        Priority.all_objects.filter(plan=plan, archived_at__isnull=False)
        .select_related("lead_agency", "lead_user")
        .order_by("-archived_at", "title")
    )
    archived_by = {}
    records = (
        Priority.history.filter(id__in=[p.pk for p in priorities], archived_at__isnull=False)
        .select_related("history_user")
        .order_by("history_date")
    )
    for record in records:
        # The earliest version with the current archived_at is the one that archived it.
        archived_by.setdefault((record.id, record.archived_at), record.history_user)
    for priority in priorities:
        priority.plan = plan
        priority.archived_by = archived_by.get((priority.pk, priority.archived_at))
    return priorities


def _can_see(user, partnership_id: int) -> bool:
    return user.is_superuser or partnership_id in roles_by_partnership(user)


@dataclass
class PriorityPage:
    priority: Priority
    outcomes: list[Outcome]
    current_work: list[CurrentWork]
    commitments: list[Commitment]
    factors: list[str]
    evidence: list[Threat]
    supported_by: list[Priority] = field(default_factory=list)
    candidate: Candidate | None = None


def priority_page(priority: Priority, user) -> PriorityPage:
    """Everything the priority's page shows. Of the district priorities supporting a county
    priority, only those in partnerships the user can see are listed."""
    loaded = (
        Priority.all_objects.select_related("lead_agency", "lead_user", "supports__plan__partnership")
        .prefetch_related(
            "outcomes",
            "current_work",
            "commitments",
            Prefetch("factor_links", queryset=PriorityFactor.objects.select_related("factor")),
            Prefetch("evidence_links", queryset=PriorityEvidence.objects.select_related("threat__assessment")),
            Prefetch(
                "supported_by",
                queryset=Priority.objects.select_related("plan__partnership").order_by(
                    "plan__partnership__name", "order"
                ),
            ),
        )
        .get(pk=priority.pk)
    )
    loaded.plan = priority.plan
    candidate = Candidate.objects.filter(priority=loaded).select_related("exercise").first()
    return PriorityPage(
        priority=loaded,
        outcomes=list(loaded.outcomes.all()),
        current_work=list(loaded.current_work.all()),
        commitments=list(loaded.commitments.all()),
        factors=[link.factor.name for link in sorted(loaded.factor_links.all(), key=lambda x: x.factor.order)],
        evidence=[link.threat for link in loaded.evidence_links.all()],
        supported_by=[p for p in loaded.supported_by.all() if _can_see(user, p.plan.partnership_id)],
        candidate=candidate,
    )


# -- Change history ----------------------------------------------------------------------------------

ITEM_HISTORIES = [
    (Outcome, "Outcome"),
    (CurrentWork, "What we currently do"),
    (Commitment, "What we will do"),
    (PriorityFactor, "Contributory factor"),
    (PriorityEvidence, "Evidence"),
]


def _priority_changes(priority_ids: list[int]) -> list[list[history.Change]]:
    if not priority_ids:
        return []
    titles: dict[int, str] = {}
    # Newest version last, so the title a priority has now (or had when deleted) wins.
    for pk, title in Priority.history.filter(id__in=priority_ids).order_by("history_date").values_list("id", "title"):
        titles[pk] = title
    lists = [
        history.changes(
            Priority.history.filter(id__in=priority_ids),
            subject=lambda r: f"priority “{r.title}”",
            exclude=("plan",),
        )
    ]
    for model, label in ITEM_HISTORIES:
        lists.append(
            history.changes(
                model.history.filter(priority_id__in=priority_ids),
                subject=lambda r, label=label: f"{label}, “{titles.get(r.priority_id, 'a deleted priority')}”",
                exclude=("priority",),
            )
        )
    return lists


def plan_changes(plan: Plan) -> list[history.Change]:
    """Every change to the plan and to its priorities and their points, newest first, including
    priorities since deleted."""
    ever = list(Priority.history.filter(plan_id=plan.pk).values_list("id", flat=True).distinct())
    plan_entries = history.changes(
        Plan.history.filter(id=plan.pk), subject=lambda r: f"plan “{r.title}”", exclude=("partnership",)
    )
    return history.merged(plan_entries, *_priority_changes(ever))


def priority_changes(priority: Priority) -> list[history.Change]:
    return history.merged(*_priority_changes([priority.pk]))


# -- Export ------------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "Plan",
    "Period",
    "Order",
    "Priority",
    "Status",
    "Why it matters",
    "Lead",
    "Lead agency",
    "Board that owns delivery",
    "Supports county priority",
    "What we want to achieve",
    "What we currently do",
    "What we will do",
    "Contributory factors",
    "Evidence",
]


def _points(items) -> str:
    lines = []
    for item in items:
        head = item.heading
        if getattr(item, "measure", ""):
            head = f"{head} (measured by: {item.measure})"
        lines.append(head)
        lines.extend(f"  - {sub}" for sub in item.sub_points)
    return "\n".join(lines)


def plan_export_rows(plan: Plan) -> list[dict]:
    """One row per priority, in the plan's order; each list's points are separate lines of one cell,
    sub-points indented with a dash, and an outcome's measure follows it in brackets."""
    priorities = plan.priorities.select_related("lead_agency", "lead_user", "supports").prefetch_related(
        "outcomes",
        "current_work",
        "commitments",
        Prefetch("factor_links", queryset=PriorityFactor.objects.select_related("factor")),
        Prefetch("evidence_links", queryset=PriorityEvidence.objects.select_related("threat")),
    )
    rows = []
    for priority in priorities:
        rows.append(
            {
                "Plan": plan.title,
                "Period": plan.period_label,
                "Order": priority.order,
                "Priority": priority.title,
                "Status": priority.get_status_display(),
                "Why it matters": priority.why,
                "Lead": priority.lead_role or (priority.lead_user.full_name if priority.lead_user else ""),
                "Lead agency": priority.lead_agency.name if priority.lead_agency else "",
                "Board that owns delivery": priority.owner,
                "Supports county priority": priority.supports.title if priority.supports else "",
                "What we want to achieve": _points(priority.outcomes.all()),
                "What we currently do": _points(priority.current_work.all()),
                "What we will do": _points(priority.commitments.all()),
                "Contributory factors": "\n".join(link.factor.name for link in priority.factor_links.all()),
                "Evidence": "\n".join(link.threat.name for link in priority.evidence_links.all()),
            }
        )
    return rows


# -- Priority setting --------------------------------------------------------------------------------


def exercises_in(plan: Plan) -> QuerySet[Exercise]:
    return plan.exercises.all()


def candidates_in(exercise: Exercise) -> QuerySet[Candidate]:
    return exercise.candidates.select_related("threat", "priority")


def candidates_of(exercise: Exercise) -> list[Candidate]:
    """The exercise's candidates by title, each with the assessment its threat is from."""
    return list(candidates_in(exercise).select_related("threat__assessment").order_by("title"))


def criteria_in(exercise: Exercise) -> QuerySet[Criterion]:
    """The exercise's criteria in the order it asks them: the list its criteria page edits."""
    return exercise.criteria.order_by("order", "id")


def criteria_of(exercise: Exercise) -> list[Criterion]:
    return list(criteria_in(exercise))


def participants_of(exercise: Exercise) -> list[User]:
    """The participants, each with ``scored``: how many questions they have scored."""
    return list(
        exercise.participants.annotate(scored=Count("scores", filter=Q(scores__candidate__exercise=exercise))).order_by(
            "full_name"
        )
    )


def scores_given(exercise: Exercise, participant: User) -> dict[tuple[int, int], int]:
    return {
        (candidate, criterion): value
        for candidate, criterion, value in Score.objects.filter(
            participant=participant, candidate__exercise=exercise
        ).values_list("candidate_id", "criterion_id", "value")
    }


@dataclass
class Result:
    """The ranked result: rows best first, each with its candidate; and each participant's own
    scores of each candidate (the same formula over their scores alone), the record of why."""

    rows: list[scoring.Ranked]
    criteria: list[Criterion]
    participants: list[User]
    by_participant: dict[int, dict[int, scoring.Ranked]]


def exercise_result(exercise: Exercise) -> Result:
    candidates = {candidate.pk: candidate for candidate in candidates_of(exercise)}
    criteria = criteria_of(exercise)
    weights = [scoring.CriterionWeight(c.pk, c.weight, c.inverse) for c in criteria]
    votes = [
        scoring.Vote(*row)
        for row in Score.objects.filter(candidate__exercise=exercise).values_list(
            "participant_id", "candidate_id", "criterion_id", "value"
        )
    ]
    titles = [(pk, candidate.title) for pk, candidate in candidates.items()]
    rows = scoring.rank(titles, weights, votes)
    for row in rows:
        row.object = candidates[row.candidate]
        row.means = [row.criterion_means.get(criterion.pk) for criterion in criteria]
    participants = list(exercise.participants.order_by("full_name"))
    voters = {vote.participant for vote in votes}
    by_participant = {}
    for person in participants:
        if person.pk in voters:
            own = scoring.rank(titles, weights, [vote for vote in votes if vote.participant == person.pk])
            by_participant[person.pk] = {entry.candidate: entry for entry in own}
    for row in rows:
        row.participant_scores = [
            by_participant[person.pk][row.candidate] if person.pk in by_participant else None for person in participants
        ]
    return Result(rows=rows, criteria=criteria, participants=participants, by_participant=by_participant)
