"""Filters and sort orders of the long tables of action plans: every action of the partnership, and
a quarter's returns. Declared with django-filter; a value the form does not accept (a priority of
another partnership, a RAG status that does not exist, a sort order not offered) is left out of the
filtering and shown as an error on its field, never a failure.

A draft return's RAG is its lead's own until submitted: no filter or sort order here reads it, so
neither can tell anyone else what a draft says."""

from __future__ import annotations

from datetime import date

import django_filters as filters
from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from csp_portal.filtering import Filters, SortBy
from csp_portal.organisations.models import Agency, Partnership, User
from csp_portal.quarters import Quarter
from priorities.models import Priority

from .models import PLAN_ORDER, Action, ProgressReturn

Rag, Status = ProgressReturn.Rag, ProgressReturn.Status
NO_RETURN = "none"
RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_STARTED, Rag.COMPLETE]


def _people_leading(actions: QuerySet[Action]) -> QuerySet[User]:
    return User.objects.filter(pk__in=actions.values("lead_user_id")).order_by("full_name", "pk")


def _agencies_leading(actions: QuerySet[Action]) -> QuerySet[Agency]:
    return Agency.objects.filter(pk__in=actions.values("lead_agency_id")).order_by("name")


def _priorities_of(partnership: Partnership) -> QuerySet[Priority]:
    """The partnership's current priorities, in plan order."""
    return Priority.objects.filter(plan__partnership=partnership).order_by("plan__period_start", "order", "id")


# -- Every action of the partnership ------------------------------------------------------------------


def _rag_rank() -> Case:
    return Case(
        *[When(rag=rag, then=Value(n)) for n, rag in enumerate(RAG_ORDER)],
        default=Value(len(RAG_ORDER)),
        output_field=IntegerField(),
    )


class ActionFilter(Filters):
    priority = filters.ModelChoiceFilter(queryset=Priority.objects.none(), empty_label="Any priority")
    lead = filters.ModelChoiceFilter(
        field_name="lead_user", queryset=User.objects.none(), label="Lead person", empty_label="Anyone"
    )
    agency = filters.ModelChoiceFilter(
        field_name="lead_agency", queryset=Agency.objects.none(), label="Lead agency", empty_label="Any agency"
    )
    rag = filters.ChoiceFilter(
        choices=[*Rag.choices, (NO_RETURN, "No return submitted")],
        method="by_rag",
        label="RAG status",
        empty_label="Any RAG status",
    )
    due = filters.ChoiceFilter(
        choices=[
            ("overdue", "Overdue (past its due date, still open)"),
            ("quarter", "Due this quarter"),
            ("later", "Due after this quarter"),
            ("none", "No due date"),
        ],
        method="by_due",
        label="Due",
        empty_label="Any due date",
    )
    status = filters.ChoiceFilter(choices=Action.Status.choices, label="Status", empty_label="Any status")
    sort = SortBy(
        then=PLAN_ORDER,
        fields=(
            ("title", "action"),
            ("lead_user__full_name", "lead"),
            ("lead_agency__name", "agency"),
            ("due_date", "due"),
            ("rag_rank", "rag"),
        ),
        field_labels={
            "action": "Action",
            "lead": "Lead person",
            "agency": "Lead agency",
            "due": "Due date",
            "rag": "RAG status, red first",
        },
        label="Sort by",
        empty_label="Plan order",
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def __init__(self, data=None, *args, today: date | None = None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(data, *args, **kwargs)

    def by_rag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(rag__isnull=True) if value == NO_RETURN else queryset.filter(rag=value)

    def by_due(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        quarter = Quarter.of(self.today)
        return {
            "overdue": lambda: queryset.filter(due_date__lt=self.today, status__in=Action.OPEN_STATUSES),
            "quarter": lambda: queryset.filter(due_date__gte=quarter.start, due_date__lte=quarter.end),
            "later": lambda: queryset.filter(due_date__gt=quarter.end),
            "none": lambda: queryset.filter(due_date__isnull=True),
        }[value]()


def action_table(partnership: Partnership, data, quarter: Quarter, today: date | None = None) -> ActionFilter:
    """The partnership's current actions with their RAG for ``quarter`` (a submitted, accepted or
    returned return's; never a draft's), filtered and sorted as ``data`` asks: ``.qs`` is one query,
    and the form's choices three more."""
    actions = Action.objects.active().filter(
        priority__plan__partnership=partnership, priority__archived_at__isnull=True
    )
    reported = ProgressReturn.objects.filter(action=OuterRef("pk"), year=quarter.year, number=quarter.number)
    rows = (
        actions.select_related("priority", "lead_user", "lead_agency")
        .annotate(
            rag=Subquery(reported.exclude(status=Status.DRAFT).values("rag")[:1]),
            return_status=Subquery(reported.values("status")[:1]),
        )
        .annotate(rag_rank=_rag_rank())
        .order_by(*PLAN_ORDER)
    )
    return ActionFilter(data, queryset=rows, today=today).limited(
        priority=_priorities_of(partnership), lead=_people_leading(actions), agency=_agencies_leading(actions)
    )


# -- A quarter's returns ------------------------------------------------------------------------------


class ReturnFilter(Filters):
    state = filters.ChoiceFilter(
        choices=[(NO_RETURN, "No return started"), *Status.choices],
        method="by_state",
        label="Return",
        empty_label="Any state",
    )
    priority = filters.ModelChoiceFilter(queryset=Priority.objects.none(), empty_label="Any priority")
    lead = filters.ModelChoiceFilter(
        field_name="lead_user", queryset=User.objects.none(), label="Lead person", empty_label="Anyone"
    )
    sort = SortBy(
        then=PLAN_ORDER,
        fields=(("title", "action"), ("lead_user__full_name", "lead"), ("state_rank", "state")),
        field_labels={"action": "Action", "lead": "Lead person", "state": "Return, waiting for review first"},
        label="Sort by",
        empty_label="Plan order",
    )

    class Meta:
        model = Action
        fields: list[str] = []

    def by_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(state__isnull=True) if value == NO_RETURN else queryset.filter(state=value)


STATE_ORDER = [Status.SUBMITTED, Status.RETURNED, Status.DRAFT, None, Status.ACCEPTED]


def return_table(partnership: Partnership, data, quarter: Quarter) -> ReturnFilter:
    """The partnership's actions with the state of their return for ``quarter``, filtered and sorted
    as ``data`` asks. The quarter page shows, in this order, those of its rows (the actions that owe
    or have a return) that ``.qs`` keeps."""
    actions = Action.objects.filter(partnership=partnership)
    reported = ProgressReturn.objects.filter(action=OuterRef("pk"), year=quarter.year, number=quarter.number)
    state_rank = Case(
        When(state__isnull=True, then=Value(STATE_ORDER.index(None))),
        *[When(state=state, then=Value(n)) for n, state in enumerate(STATE_ORDER) if state],
        output_field=IntegerField(),
    )
    rows = (
        actions.annotate(state=Subquery(reported.values("status")[:1]))
        .annotate(state_rank=state_rank)
        .order_by(*PLAN_ORDER)
    )
    return ReturnFilter(data, queryset=rows).limited(
        priority=_priorities_of(partnership), lead=_people_leading(actions)
    )


def in_table_order(rows: list, table: Filters) -> list:
    """The ``rows`` (each with an ``action``) that the table keeps, in its order: one query."""
    by_action = {row.action.pk: row for row in rows}
    return [by_action[pk] for pk in table.qs.values_list("pk", flat=True) if pk in by_action]
