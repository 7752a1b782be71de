"""Action plans and quarterly progress returns.

A priority's **action plan** is a table of actions with the columns users know from their Word and
Excel plans (Lancaster District CSP's, seed 001): Action, Activity, Resources Required, Timescale,
Lead Agency and others responsible, Targets. Each quarter, every active action's lead writes a
**progress return** (RAG status, progress, risks, and support needed from the board); the partnership
officer accepts it or returns it with a comment, and closes the quarter when the board has met.

Every model has a ``partnership`` (field or property), which the permission rules read, and the
models people edit keep their change history with django-simple-history.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csp_portal.organisations.models import Agency, Partnership
from csp_portal.quarters import Quarter
from csp_portal.search_indexes import SearchIndex
from csp_portal.validators import single_line
from csp_portal.writes import Versioned

MONEY = {"max_digits": 12, "decimal_places": 2}


class QuarterFields(models.Model):
    """A financial-year quarter stored as two columns: ``year`` (2025 for 2025/26) and ``number``."""

    year = models.PositiveSmallIntegerField("financial year", help_text="The year it starts in: 2025 for 2025/26.")
    number = models.PositiveSmallIntegerField(
        "quarter",
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="1 (April-June) to 4 (January-March).",
    )

    class Meta:
        abstract = True

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.year, self.number)

    @quarter.setter
    def quarter(self, value: Quarter) -> None:
        self.year, self.number = value.year, value.number


class FundingAllocation(models.Model):
    """Money a partnership has to spend in one financial year from one source, e.g. the OPCC's
    grant of 10,000 pounds a year to each CSP. Actions commit budget from it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="funding_allocations")
    year = models.PositiveSmallIntegerField("financial year", help_text="The year it starts in: 2025 for 2025/26.")
    source = models.CharField(
        max_length=150, help_text="Where the money comes from, e.g. 'OPCC grant'.", validators=[single_line]
    )
    amount = models.DecimalField("amount (£)", validators=[MinValueValidator(Decimal("0"))], **MONEY)
    notes = models.CharField(max_length=300, blank=True, validators=[single_line])
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-year", "source"]
        constraints = [
            models.UniqueConstraint("partnership", "year", Lower("source"), name="one_allocation_per_source_and_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.financial_year}"

    @property
    def financial_year(self) -> str:
        return Quarter(self.year, 1).financial_year


# A partnership's actions in the order its lists show them: the plans' actions by plan and priority,
# then those of the recommendations, by recommendation.
PLAN_ORDER = (
    F("priority__plan__period_start").asc(nulls_last=True),
    F("priority__order").asc(nulls_last=True),
    "priority_id",
    "recommendation_id",
    "order",
    "id",
)


class ActionQuerySet(models.QuerySet):
    def active(self) -> ActionQuerySet:
        return self.filter(archived_at__isnull=True)

    def in_partnership(self, partnership: Partnership) -> ActionQuerySet:
        return self.filter(partnership=partnership)

    def of_priorities(self) -> ActionQuerySet:
        """Actions of a plan's priorities, not of recommendations."""
        return self.filter(priority__isnull=False)


class Action(Versioned):
    """One row of a priority's action plan: what will be done, by whom, with what, by when, and how
    success is measured. ``version`` goes up by one on every change (services save through
    ``csp_portal.writes``): an edit made from an older version is refused rather than overwriting
    someone else's (optimistic locking)."""

    class Status(models.TextChoices):
        # A draft action is still being worked out: it may leave its lead agency, lead person and
        # timescale to decide (the form asks for them otherwise), and owes no progress returns.
        DRAFT = "draft", "Draft"
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)

    # An action carries out either a priority of a plan or a statutory review's (or the PCC's)
    # recommendation; ``partnership`` is the one it belongs to either way, kept so that every list
    # of a partnership's actions (returns, reminders, My actions) is one plain filter.
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="actions", editable=False)
    priority = models.ForeignKey(
        "priorities.Priority", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    recommendation = models.ForeignKey(
        "reviews.Recommendation", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    outcome = models.ForeignKey(
        "priorities.Outcome",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        help_text="The outcome of the priority the action works towards, if one.",
    )
    order = models.PositiveIntegerField(default=0)
    title = models.CharField("action", max_length=500, validators=[single_line])
    activity = models.TextField(blank=True, help_text="What will be done.")
    resources = models.TextField("resources required", blank=True)
    budget = models.DecimalField(
        "budget (£)", null=True, blank=True, validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    funding = models.ForeignKey(
        FundingAllocation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name="funding source",
    )
    start_date = models.DateField("start date", null=True, blank=True)
    due_date = models.DateField("due date", null=True, blank=True)
    timescale = models.CharField(
        "timescale",
        max_length=200,
        blank=True,
        help_text="As the plan words it, e.g. 'To March 2012'.",
        validators=[single_line],
    )
    lead_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="led_actions")
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_actions",
        verbose_name="lead person",
        help_text="Writes the quarterly progress returns.",
    )
    others_responsible = models.ManyToManyField(
        Agency, blank=True, related_name="supported_actions", verbose_name="others responsible"
    )
    others_names = models.CharField(
        "others responsible",
        max_length=2000,
        blank=True,
        editable=False,
        help_text="The names of others_responsible, kept with each version so that the history shows them.",
    )
    other_partners = models.CharField(
        "other partners",
        max_length=500,
        blank=True,
        help_text="Groups and partners that are not listed agencies, e.g. 'DV Group; Students' Union'.",
        validators=[single_line],
    )
    targets = models.TextField(blank=True)
    indicator = models.ForeignKey(
        "assessments.Indicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    target_value = models.DecimalField("target value", null=True, blank=True, max_digits=14, decimal_places=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    archived_at = models.DateTimeField("archived", null=True, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "order", "id"]
        indexes = [
            models.Index(fields=["priority", "order"]),
            models.Index(fields=["lead_user", "archived_at"]),
            models.Index(fields=["partnership", "archived_at"]),
            SearchIndex(
                "title", "activity", "resources", "targets", "timescale", "other_partners", name="action_search"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__isnull=False, recommendation__isnull=True)
                | Q(priority__isnull=True, recommendation__isnull=False),
                name="action_of_a_priority_or_a_recommendation",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(start_date__isnull=True) | Q(due_date__gte=F("start_date")),
                name="action_due_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="action_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.partnership_id is None:
            self.partnership_id = (
                self.priority.plan.partnership_id if self.priority_id else self.recommendation.partnership_id
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("actionplans:action_detail", args=[self.partnership.slug, self.pk])

    @property
    def is_recommendation_action(self) -> bool:
        return self.recommendation_id is not None

    @property
    def carries_out(self) -> str:
        """What the action carries out, as lists name it: its priority, or the recommendation."""
        return self.priority.title if self.priority_id else str(self.recommendation)

    def in_plan_url(self) -> str:
        """The address of the action's row among its siblings: in its priority's action plan, or on its
        recommendation's page."""
        if self.priority_id:
            args = [self.partnership.slug, self.priority_id]
            return reverse("actionplans:priority_plan", args=args) + f"#action-{self.pk}"
        args = [self.partnership.slug, self.recommendation_id]
        return reverse("reviews:recommendation_detail", args=args) + f"#action-{self.pk}"

    @property
    def lead_name(self) -> str:
        """The lead person and agency, as the report and the home page name them."""
        parts = [
            self.lead_user.full_name if self.lead_user_id else "",
            self.lead_agency.name if self.lead_agency_id else "",
        ]
        return ", ".join(part for part in parts if part) or "No lead named"

    @property
    def others_label(self) -> str:
        """The other agencies and partners, as the plan's 'others responsible' lists them."""
        return "; ".join(part for part in (self.others_names, self.other_partners) if part)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES and not self.is_archived

    def owes_return(self, quarter: Quarter) -> bool:
        """Whether the lead owes a progress return for ``quarter``, the one rule the quarter page, My
        actions, reminders and the board's report share: the action is open (a draft is not), was on the plan
        before the quarter ended (one added later owes nothing for a quarter it never lived in),
        and is under way in the quarter, from its start date (without one, from when it was added)
        to its due date."""
        if not self.is_open or self.not_yet_started(quarter):
            return False
        return not (self.due_date and self.due_date < quarter.start)

    def not_yet_started(self, quarter: Quarter) -> bool:
        """Whether ``quarter`` ended before the action was on the plan (or before its start date): no
        return was ever due for it, so the plan shows 'Not yet started' there, not 'No return'."""
        added = timezone.localtime(self.created).date()
        return added > quarter.end or (self.start_date or added) > quarter.end


class ProgressReturn(QuarterFields, Versioned):
    """What an action's lead reports for one quarter: a RAG status, progress, percentage complete,
    risks and issues, and the support needed from the board (an escalation for its next meeting).

    Draft until the lead submits it; the partnership officer then accepts it or returns it with a
    comment, and the lead may edit and submit a returned one again."""

    class Rag(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"
        COMPLETE = "complete", "Complete"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for changes"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="returns")
    rag = models.CharField("RAG status", max_length=20, choices=Rag.choices, blank=True)
    narrative = models.TextField("progress", blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        "percentage complete", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    risks = models.TextField("risks and issues", blank=True)
    support_needed = models.TextField(
        "support needed from the board", blank=True, help_text="Anything the board should unblock: an escalation."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    officer_comment = models.TextField("officer's comment", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "year", "number"]
        verbose_name = "progress return"
        constraints = [
            models.UniqueConstraint(fields=["action", "year", "number"], name="one_return_per_action_and_quarter"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="return_quarter_1_to_4"),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100), name="percent_0_to_100"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "number", "status"]),
            SearchIndex("narrative", "risks", "support_needed", "officer_comment", name="return_search"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.quarter.label}"

    @property
    def partnership(self) -> Partnership:
        return self.action.partnership

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_escalation(self) -> bool:
        return bool(self.support_needed.strip())

    withheld = False

    def withhold_from(self, viewer, lead_user_id: int | None) -> ProgressReturn:
        """A draft is its lead's own work until submitted: for anyone else, blank what it says (in
        this copy only) and mark it ``withheld`` so that pages say a draft is being written."""
        if self.status == self.Status.DRAFT and viewer.pk != lead_user_id:
            self.rag = self.narrative = self.risks = self.support_needed = ""
            self.percent_complete = None
            self.withheld = True
        return self


class QuarterClosure(QuarterFields):
    """The officer closed the quarter (usually after the board meeting): its returns are read-only."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="closed_quarters")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField()

    class Meta:
        ordering = ["partnership", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year", "number"], name="close_a_quarter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.quarter.label} closed"


class ReminderSent(QuarterFields):
    """A lead told about a quarter's returns (a notification, e-mailed as they chose). The scheduled
    ones ('open' when the quarter ends, 'before' and 'after' the deadline) are claimed by inserting
    this row first, so each goes once however many runs overlap; a 'chase' from the officer's button
    may be sent any number of times."""

    class Kind(models.TextChoices):
        OPEN = "open", "Returns open"
        BEFORE = "before", "Reminder before the deadline"
        AFTER = "after", "Reminder after the deadline"
        CHASE = "chase", "Chased by the partnership officer"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reminders_sent")
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="return_reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actions = models.PositiveSmallIntegerField("returns outstanding", default=0)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "lead", "year", "number", "kind"],
                condition=~Q(kind="chase"),
                name="scheduled_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.lead}, {self.quarter.label}"
