"""Reads about action plans and progress returns that are more than a queryset. Each page's read
runs a fixed number of queries, however many actions and returns there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from csp_portal import history
from csp_portal.organisations.models import Partnership, User
from csp_portal.organisations.permissions import PSEUDO_ROLES, roles_by_partnership
from csp_portal.quarters import Quarter
from priorities.models import Plan, Priority

from .models import PLAN_ORDER, Action, FundingAllocation, ProgressReturn, QuarterClosure, ReminderSent

DONE = (ProgressReturn.Status.SUBMITTED, ProgressReturn.Status.ACCEPTED)
QUARTERS_SHOWN = 4  # the RAG history on the action plan page


def reporting_quarter(today: date | None = None) -> Quarter:
    """The quarter whose returns are due next: the quarter just ended until its deadline passes,
    then the quarter under way."""
    today = today or timezone.localdate()
    current = Quarter.of(today)
    previous = current.previous()
    return previous if today <= previous.deadline() else current


def quarters_shown(today: date | None = None) -> list[Quarter]:
    """The quarters whose RAG status the action plan page shows, oldest first, ending with the
    reporting quarter."""
    last = reporting_quarter(today)
    return [last - n for n in range(QUARTERS_SHOWN - 1, -1, -1)]


# -- Funding -----------------------------------------------------------------------------------------


def _committing(queryset: QuerySet) -> QuerySet:
    """Actions whose budget counts against their allocation: not archived, not cancelled."""
    return queryset.active().exclude(status=Action.Status.CANCELLED).exclude(budget=None)


def committed_from(allocation: FundingAllocation, exclude_pk: int | None = None) -> Decimal:
    actions = _committing(Action.objects.filter(funding=allocation))
    if exclude_pk is not None:
        actions = actions.exclude(pk=exclude_pk)
    return actions.aggregate(total=Sum("budget"))["total"] or Decimal("0")


def allocations_in(partnership: Partnership) -> QuerySet[FundingAllocation]:
    """The partnership's funding allocations, to find one by the address of its page."""
    return FundingAllocation.objects.select_related("partnership").filter(partnership=partnership)


def allocations_of(partnership: Partnership) -> list[FundingAllocation]:
    """The partnership's allocations, newest year first, each with ``committed`` and ``remaining``."""
    committed = (
        _committing(Action.objects.filter(funding=OuterRef("pk")))
        .order_by()
        .values("funding")
        .annotate(total=Sum("budget"))
        .values("total")
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    allocations = list(
        FundingAllocation.objects.filter(partnership=partnership)
        .annotate(committed=Coalesce(Subquery(committed, output_field=money), Value(Decimal("0")), output_field=money))
        .annotate(action_count=Count("actions", filter=Q(actions__archived_at__isnull=True)))
        .order_by("-year", "source")
    )
    for allocation in allocations:
        allocation.remaining = allocation.amount - allocation.committed
    return allocations


# -- The action plan of a priority -------------------------------------------------------------------


@dataclass
class ActionRow:
    """An action as its plan's table shows it, with its returns for the quarters shown, and whether
    it is the first or last of its plan (no 'Up' on the first, no 'Down' on the last)."""

    action: Action
    returns: list[tuple[Quarter, ProgressReturn | None]]
    latest: ProgressReturn | None
    first: bool = False
    last: bool = False

    @cached_property
    def not_yet_started(self) -> list[Quarter]:
        """The quarters shown that ended before the action was on the plan."""
        return [quarter for quarter, _ in self.returns if self.action.not_yet_started(quarter)]


def _action_queryset() -> QuerySet[Action]:
    return Action.objects.select_related(
        "outcome",
        "lead_agency",
        "lead_user",
        "funding",
        "indicator",
        "partnership",
        "priority__plan",
        "recommendation__review",
    ).prefetch_related("others_responsible")


def plans_in(partnership: Partnership) -> QuerySet[Plan]:
    """The partnership's plans, to find one by the address of its import or download."""
    return Plan.objects.select_related("partnership").filter(partnership=partnership)


def plans_with_priorities(partnership: Partnership) -> list[Plan]:
    """The partnership's plans, each with its priorities and their count of active actions."""
    priorities = Priority.objects.annotate(
        action_count=Count("actions", filter=Q(actions__archived_at__isnull=True))
    ).order_by("order", "id")
    return list(
        Plan.objects.filter(partnership=partnership)
        .prefetch_related(Prefetch("priorities", queryset=priorities))
        .order_by("-period_start", "title")
    )


def action_plan(priority: Priority, quarters: list[Quarter], archived: bool = False) -> list[ActionRow]:
    """The priority's actions in order, with their returns for ``quarters`` (oldest first): three
    queries whatever the number of actions and returns."""
    actions = _action_queryset().filter(priority=priority, archived_at__isnull=not archived)
    returns = ProgressReturn.objects.filter(_quarters_q(quarters))
    actions = actions.prefetch_related(
        Prefetch("returns", queryset=returns.order_by("year", "number"), to_attr="shown_returns")
    )
    rows = []
    for action in actions.order_by("order", "id"):
        action.priority = priority  # the page's priority, with its plan and partnership already loaded
        by_quarter = {r.quarter: r for r in action.shown_returns}
        shown = [(quarter, by_quarter.get(quarter)) for quarter in quarters]
        latest = next((r for _, r in reversed(shown) if r is not None), None)
        rows.append(ActionRow(action, shown, latest))
    if rows:
        rows[0].first = rows[-1].last = True
    return rows


def action_plan_row(action: Action, quarters: list[Quarter]) -> ActionRow:
    """One row of the table, after an edit, knowing its place among the plan's active actions."""
    returns = {r.quarter: r for r in action.returns.filter(_quarters_q(quarters))} if quarters else {}
    shown = [(quarter, returns.get(quarter)) for quarter in quarters]
    order = list(
        Action.objects.active()
        .filter(priority_id=action.priority_id)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )
    latest = next((r for _, r in reversed(shown) if r is not None), None)
    return ActionRow(action, shown, latest, first=order[:1] == [action.pk], last=order[-1:] == [action.pk])


def withhold_drafts(rows: list[ActionRow], viewer: User) -> list[ActionRow]:
    """The rows with every draft return blanked for anyone but its action's lead."""
    for row in rows:
        for _, progress in row.returns:
            if progress is not None:
                progress.withhold_from(viewer, row.action.lead_user_id)
    return rows


def _quarters_q(quarters: list[Quarter]) -> Q:
    wanted = Q(pk__in=[])
    for quarter in quarters:
        wanted |= Q(year=quarter.year, number=quarter.number)
    return wanted


def actions_in(partnership: Partnership) -> QuerySet[Action]:
    """The partnership's actions, archived ones too, with what their pages show (priority, plan,
    partnership, lead, funding, indicator, other agencies)."""
    return _action_queryset().in_partnership(partnership)


def priorities_in(partnership: Partnership, *, archived_too: bool = False) -> QuerySet[Priority]:
    """The partnership's priorities; archived ones only when ``archived_too`` (to read their action
    plans, never to change them)."""
    priorities = Priority.all_objects if archived_too else Priority.objects
    return priorities.select_related("plan__partnership", "lead_agency", "lead_user").filter(
        plan__partnership=partnership
    )


def returns_with_people(action: Action) -> QuerySet[ProgressReturn]:
    """The action's progress returns, with who submitted and who reviewed each."""
    return action.returns.select_related("submitted_by", "reviewed_by")


def return_for(action: Action, quarter: Quarter) -> ProgressReturn | None:
    """The action's return for ``quarter``, if its lead has started one."""
    return returns_with_people(action).filter(year=quarter.year, number=quarter.number).first()


def returns_of(action: Action, viewer: User) -> list[ProgressReturn]:
    """The action's returns, newest first, with drafts blanked for anyone but its lead."""
    returns = returns_with_people(action).order_by("-year", "-number")
    return [progress.withhold_from(viewer, action.lead_user_id) for progress in returns]


# -- Returns for a quarter ---------------------------------------------------------------------------


@dataclass
class StatusRow:
    action: Action
    progress: ProgressReturn | None
    expected: bool

    @property
    def outstanding(self) -> bool:
        return self.expected and (self.progress is None or self.progress.status not in DONE)


def _with_return(actions: QuerySet[Action], quarter: Quarter) -> QuerySet[Action]:
    returns = ProgressReturn.objects.filter(year=quarter.year, number=quarter.number).select_related(
        "submitted_by", "reviewed_by"
    )
    return actions.prefetch_related(Prefetch("returns", queryset=returns, to_attr="quarter_returns"))


def quarter_rows(partnership: Partnership, quarter: Quarter) -> list[StatusRow]:
    """Every action that owes or has a return for the quarter, in plan order."""
    actions = _with_return(_action_queryset().filter(partnership=partnership), quarter).order_by(*PLAN_ORDER)
    rows = []
    for action in actions:
        progress = action.quarter_returns[0] if action.quarter_returns else None
        expected = action.owes_return(quarter)
        if expected or progress is not None:
            rows.append(StatusRow(action, progress, expected))
    return rows


def outstanding_by_lead(partnership: Partnership, quarter: Quarter) -> dict[User, list[Action]]:
    """The leads who still owe a return for the quarter, each with the actions concerned."""
    owed: dict[User, list[Action]] = defaultdict(list)
    for row in quarter_rows(partnership, quarter):
        if row.outstanding and row.action.lead_user_id:
            owed[row.action.lead_user].append(row.action)
    return dict(owed)


def last_chased(partnership: Partnership, quarter: Quarter) -> ReminderSent | None:
    return (
        ReminderSent.objects.filter(partnership=partnership, year=quarter.year, number=quarter.number)
        .select_related("sent_by")
        .order_by("-sent_at")
        .first()
    )


def closure_of(partnership: Partnership, quarter: Quarter) -> QuarterClosure | None:
    """Who closed the quarter for the partnership, and when; None while it is open."""
    return (
        QuarterClosure.objects.filter(partnership=partnership, year=quarter.year, number=quarter.number)
        .select_related("closed_by")
        .first()
    )


@dataclass
class QuarterReturns:
    """A partnership's returns for one quarter, as its officer follows them up: who still owes
    one, how many wait for review, whether the quarter is closed and when leads were last chased."""

    rows: list[StatusRow]
    closure: QuarterClosure | None
    last_chased: ReminderSent | None

    @cached_property
    def outstanding(self) -> list[StatusRow]:
        return [row for row in self.rows if row.outstanding]

    @cached_property
    def counts(self) -> dict[str, int]:
        """How many returns stand at each status."""
        counts = dict.fromkeys(ProgressReturn.Status.values, 0)
        for row in self.rows:
            if row.progress is not None:
                counts[row.progress.status] += 1
        return counts

    @cached_property
    def leads_outstanding(self) -> list[User]:
        """The lead people who still owe a return, by name."""
        leads = {row.action.lead_user for row in self.outstanding if row.action.lead_user_id}
        return sorted(leads, key=lambda user: user.full_name)

    @cached_property
    def no_lead(self) -> list[StatusRow]:
        """Actions owing a return that nobody can be chased for."""
        return [row for row in self.outstanding if not row.action.lead_user_id]


def quarter_returns(partnership: Partnership, quarter: Quarter, viewer: User) -> QuarterReturns:
    """The quarter's returns page, with every draft blanked for anyone but its action's lead."""
    rows = quarter_rows(partnership, quarter)
    for row in rows:
        if row.progress is not None:
            row.progress.withhold_from(viewer, row.action.lead_user_id)
    return QuarterReturns(rows, closure_of(partnership, quarter), last_chased(partnership, quarter))


def escalations(partnership: Partnership, quarter: Quarter) -> list[ProgressReturn]:
    """Returns for the quarter that ask the board for support, submitted or accepted, by priority."""
    return list(
        ProgressReturn.objects.filter(
            action__partnership=partnership, year=quarter.year, number=quarter.number, status__in=DONE
        )
        .exclude(support_needed="")
        .select_related(
            "action__priority",
            "action__recommendation__review",
            "action__lead_user",
            "action__lead_agency",
            "submitted_by",
        )
        .order_by(
            F("action__priority__order").asc(nulls_last=True),
            "action__priority_id",
            "action__recommendation_id",
            "action__order",
            "action_id",
        )
    )


# -- My actions --------------------------------------------------------------------------------------


@dataclass
class MyAction:
    action: Action
    due: ProgressReturn | None  # this reporting quarter's return, if started
    due_expected: bool
    overdue: list[Quarter] = field(default_factory=list)
    may_write: bool = True

    @property
    def due_outstanding(self) -> bool:
        return self.due_expected and (self.due is None or self.due.status not in DONE)


OVERDUE_LOOKBACK = 4


@dataclass
class MyQuarter:
    """What a lead owes for a quarter: the returns due for it and those overdue from before."""

    rows: list[MyAction]

    @cached_property
    def due(self) -> list[MyAction]:
        """The actions with a return for the quarter, owed or started."""
        return [row for row in self.rows if row.due_expected or row.due is not None]

    @cached_property
    def to_do(self) -> int:
        return sum(1 for row in self.due if row.due_outstanding)

    @cached_property
    def overdue(self) -> list[tuple[MyAction, Quarter]]:
        return [(row, late) for row in self.rows for late in row.overdue]


def leads_any_action(user: User) -> bool:
    """Whether the user is named as the lead of an action still in a plan (read once per request)."""
    if not hasattr(user, "_leads_any_action"):
        user._leads_any_action = Action.objects.active().filter(lead_user=user).exists()
    return user._leads_any_action


def my_actions(user: User, quarter: Quarter, today: date | None = None) -> list[MyAction]:
    """Everything the user leads, in every partnership where they hold a role, with the return due
    for ``quarter`` and any earlier quarters (up to a year back) whose deadline passed without one."""
    today = today or timezone.localdate()
    partnership_ids = [pk for pk, roles in roles_by_partnership(user).items() if roles - PSEUDO_ROLES]
    earlier = [quarter - n for n in range(OVERDUE_LOOKBACK, 0, -1)]
    actions = (
        _action_queryset()
        .active()
        .filter(lead_user=user, partnership_id__in=partnership_ids)
        .prefetch_related(
            Prefetch(
                "returns",
                queryset=ProgressReturn.objects.filter(_quarters_q([*earlier, quarter])),
                to_attr="recent_returns",
            )
        )
        .order_by("partnership__name", *PLAN_ORDER)
    )
    actions = list(actions)
    closed: dict[int, set[Quarter]] = defaultdict(set)
    for pk, year, number in QuarterClosure.objects.filter(partnership_id__in=partnership_ids).values_list(
        "partnership_id", "year", "number"
    ):
        closed[pk].add(Quarter(year, number))
    rows = []
    for action in actions:
        by_quarter = {r.quarter: r for r in action.recent_returns}
        partnership_id = action.partnership_id
        overdue = [
            q
            for q in earlier
            if q not in closed[partnership_id]
            and q.deadline() < today
            and action.owes_return(q)
            and (q not in by_quarter or by_quarter[q].status not in DONE)
        ]
        due_expected = action.owes_return(quarter) and quarter not in closed[partnership_id]
        rows.append(MyAction(action, by_quarter.get(quarter), due_expected, overdue))
    return rows


# -- History -----------------------------------------------------------------------------------------


def action_changes(action: Action, viewer: User) -> list[history.Change]:
    """Every version of the action, with its other agencies, and of its progress returns, newest
    first. Draft versions of a return are its lead's own: others see it from its submission."""
    records = Action.history.filter(id=action.pk)
    entries = history.changes(records, subject=lambda r: "the action", exclude=("order", "created"))
    return_versions = ProgressReturn.history.filter(action_id=action.pk)
    if viewer.pk != action.lead_user_id:
        return_versions = return_versions.exclude(status=ProgressReturn.Status.DRAFT)
    returns = history.changes(
        return_versions,
        subject=lambda r: f"{Quarter(r.year, r.number).label} progress return",
        exclude=("action", "year", "number"),
    )
    return history.merged(entries, returns, limit=500)


# -- Export ------------------------------------------------------------------------------------------


def plan_actions(plan: Plan) -> list[Action]:
    """The plan's active actions in order, for export."""
    return list(
        _action_queryset()
        .active()
        .filter(priority__plan=plan)
        .order_by("priority__order", "priority_id", "order", "id")
    )
