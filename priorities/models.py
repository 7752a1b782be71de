"""Partnership plans, their priorities, and the priority-setting exercises that choose them.

A partnership commits, for a plan period, to a few priorities chosen from the evidence (the
strategic assessment). Each priority says what it wants to achieve (outcomes), what the partners
currently do and what they will do; at county level the plan is the Community Safety Agreement,
and a district priority may say which county priority it supports so that county progress can be
rolled up from the districts.

Every model here has a ``partnership`` (field or property), which is what the permission rules
read, and keeps its change history with django-simple-history.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from csp_portal.organisations.models import Agency, Partnership
from csp_portal.search_indexes import SearchIndex
from csp_portal.validators import single_line

from .scoring import SCORE_MAX, SCORE_MIN


class Plan(models.Model):
    """What a partnership commits to for a plan period: its partnership plan, or at county level
    its Community Safety Agreement. Three-year cycles on financial years are common; annual plans exist."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        ARCHIVED = "archived", "Archived"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200, validators=[single_line])
    period_start = models.DateField("period starts")
    period_end = models.DateField("period ends")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="An archived plan is kept, with its history, and left out of current work. Restoring it "
        "(the 'Restore' action of the list of plans) puts it back to draft, for the partnership to agree again.",
    )
    summary = models.TextField("foreword or summary", blank=True)
    related_strategies = models.TextField(
        "related strategies and plans",
        blank=True,
        help_text="The strategies and plans this plan has regard to, one per line.",
    )
    assessment = models.ForeignKey(
        "assessments.StrategicAssessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
        verbose_name="strategic assessment",
        help_text="The evidence base the priorities were chosen from.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "title"]
        constraints = [
            models.UniqueConstraint(Lower("title"), "partnership", name="unique_plan_title_per_partnership"),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")), name="plan_period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("priorities:plan_detail", args=[self.partnership.slug, self.pk])

    @property
    def is_agreement(self) -> bool:
        """A county board's plan is the Community Safety Agreement."""
        return self.partnership.kind == Partnership.Kind.COUNTY

    @property
    def kind_label(self) -> str:
        return "Community Safety Agreement" if self.is_agreement else "Partnership plan"

    @property
    def period_label(self) -> str:
        """'2022-2025' for a multi-year plan, '2011/12' for one financial year."""
        return period_label(self.period_start, self.period_end)

    @property
    def related_strategy_list(self) -> list[str]:
        return [line for line in self.related_strategies.splitlines() if line.strip()]


def period_label(start: date, end: date) -> str:
    if start.month == 4 and start.day == 1 and end == date(start.year + 1, 3, 31):
        return f"{start.year}/{str(end.year)[-2:]}"
    if start.year == end.year:
        return str(start.year)
    return f"{start.year}-{end.year}"


class ContributoryFactor(models.Model):
    """A 'cause of the causes' priorities address: alcohol, drugs, previous offending, deprivation,
    mental health. A shared vocabulary, so that the county can see which priorities tackle which."""

    name = models.CharField(max_length=100, unique=True, validators=[single_line])
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


# The Lancashire Community Safety Agreement's contributory factors and determinants (seed 000).
DEFAULT_FACTORS = [
    "Alcohol use or misuse",
    "Drug use or misuse",
    "Previous offending",
    "Deprivation",
    "Social inequality",
    "Poor mental health",
]


class CurrentPriorityManager(models.Manager):
    """Priorities on the plan: an archived priority is left out of every page, report, export and
    related list (``plan.priorities``) that shows current work. ``Priority.all_objects`` finds it."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(archived_at__isnull=True)


class Priority(models.Model):
    """A theme the partnership commits to for the plan period, with a lead person and lead agency.

    A watching brief is watched, not actively worked; a retired priority is kept for the record.
    A priority is never deleted: an officer archives one added by mistake, and may restore it."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WATCHING = "watching", "Watching brief"
        RETIRED = "retired", "Retired"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200, validators=[single_line])
    why = models.TextField("why it matters", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    order = models.PositiveSmallIntegerField(default=0)
    lead_role = models.CharField(
        "lead (role title)",
        max_length=200,
        blank=True,
        help_text="For example, Chief Inspector, South Division.",
        validators=[single_line],
    )
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_priorities",
        verbose_name="lead person",
    )
    lead_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="led_priorities"
    )
    owner = models.CharField(
        "board that owns delivery",
        max_length=200,
        blank=True,
        help_text="The board or Strategic Management Board that owns the delivery plan and reports each quarter.",
        validators=[single_line],
    )
    supports = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supported_by",
        verbose_name="supports county priority",
    )
    contributory_factors = models.ManyToManyField(
        ContributoryFactor, through="PriorityFactor", related_name="priorities", blank=True
    )
    evidence = models.ManyToManyField(
        "assessments.Threat", through="PriorityEvidence", related_name="priorities", blank=True
    )
    archived_at = models.DateTimeField("archived", null=True, blank=True)
    history = HistoricalRecords()

    # The default manager (``objects``) hides archived priorities. The base manager is unfiltered, so
    # whatever points at an archived priority (an action, a candidate, a district priority) reaches it.
    all_objects = models.Manager()
    objects = CurrentPriorityManager()

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name_plural = "priorities"
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(Lower("title"), "plan", name="unique_priority_title_per_plan"),
        ]
        indexes = [SearchIndex("title", "why", "lead_role", "owner", name="priority_search")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("priorities:priority_detail", args=[self.plan.partnership.slug, self.plan_id, self.pk])

    @property
    def partnership(self) -> Partnership:
        return self.plan.partnership

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def lead_label(self) -> str:
        """'Chief Inspector, Lancashire Constabulary', or the lead person's name when no role title is given."""
        who = self.lead_role or (self.lead_user.full_name if self.lead_user_id else "")
        if self.lead_agency_id and self.lead_agency.name not in who:
            return f"{who}, {self.lead_agency.name}" if who else self.lead_agency.name
        return who


class ListItem(models.Model):
    """One point under a priority heading. A point may carry sub-points (the forums partners
    attend, say), kept as lines of its text that start with '- '."""

    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["priority", "order", "id"]

    def __str__(self) -> str:
        return self.heading

    @property
    def partnership(self) -> Partnership:
        return self.priority.plan.partnership

    @property
    def heading(self) -> str:
        return self.text.split("\n", 1)[0]

    @property
    def sub_points(self) -> list[str]:
        return [line[2:] for line in self.text.split("\n")[1:]]


class Outcome(ListItem):
    """'What we want to achieve': a measurable change the priority aims for, e.g. 'Reduce repeat
    referrals to MARAC'. Actions and indicators hang off outcomes."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="outcomes")
    measure = models.CharField(
        "how it is measured",
        max_length=300,
        blank=True,
        help_text="The figure or evidence that shows progress, e.g. 'repeat referrals to MARAC each quarter'.",
        validators=[single_line],
    )
    history = HistoricalRecords()

    class Meta(ListItem.Meta):
        pass


class CurrentWork(ListItem):
    """'What we currently do': work already under way that the priority builds on."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="current_work")
    history = HistoricalRecords()

    class Meta(ListItem.Meta):
        verbose_name = "current work"
        verbose_name_plural = "current work"


class Commitment(ListItem):
    """'What we will do': a commitment for the plan period; the action plan turns these into actions."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="commitments")
    history = HistoricalRecords()

    class Meta(ListItem.Meta):
        pass


class PriorityFactor(models.Model):
    """A contributory factor a priority addresses (its own row, so that changes keep their history)."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="factor_links")
    factor = models.ForeignKey(ContributoryFactor, on_delete=models.PROTECT, related_name="priority_links")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "contributory factor"
        constraints = [models.UniqueConstraint(fields=["priority", "factor"], name="unique_priority_factor")]

    def __str__(self) -> str:
        return str(self.factor)

    @property
    def partnership(self) -> Partnership:
        return self.priority.plan.partnership


class PriorityEvidence(models.Model):
    """A threat of a strategic assessment that the priority came from."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="evidence_links")
    threat = models.ForeignKey("assessments.Threat", on_delete=models.CASCADE, related_name="priority_links")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "evidence"
        verbose_name_plural = "evidence"
        constraints = [models.UniqueConstraint(fields=["priority", "threat"], name="unique_priority_threat")]

    def __str__(self) -> str:
        return str(self.threat)

    @property
    def partnership(self) -> Partnership:
        return self.priority.plan.partnership


# -- Priority setting --------------------------------------------------------------------------------


class Exercise(models.Model):
    """A priority-setting exercise on a plan: participants score candidate issues against criteria,
    and the ranked result, with the scores kept, is the record of why the priorities were chosen."""

    class Status(models.TextChoices):
        OPEN = "open", "Open for scoring"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exercises")
    title = models.CharField(max_length=200, validators=[single_line])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="scoring_exercises", blank=True)
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("priorities:exercise_detail", args=[self.plan.partnership.slug, self.plan_id, self.pk])

    @property
    def partnership(self) -> Partnership:
        return self.plan.partnership

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


# Lincolnshire CSP's priority-setting criteria (seed 002, paragraph 1.2.2), as questions to score
# 1 (not at all) to 5 (very much). A single-agency issue is a reason *not* to make it a partnership
# priority, so that criterion counts inversely.
DEFAULT_CRITERIA: list[tuple[str, bool]] = [
    ("Do we add value as a partnership?", False),
    ("Do we together make a difference?", False),
    ("Do we recognise and tackle the emerging?", False),
    ("Do we tackle the cause and prevent more?", False),
    ("Do we increase effectiveness and efficiency?", False),
    ("Is this a single agency issue?", True),
    ("If we don't tackle it, who does?", False),
]


class Criterion(models.Model):
    """A question candidates are scored against, with its weight. An inverse criterion counts a high
    score against the candidate (scored 5 becomes 1)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField("question", max_length=200, validators=[single_line])
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(10)])
    inverse = models.BooleanField("scored inversely", default=False)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["exercise", "order", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=10), name="criterion_weight_1_to_10"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def partnership(self) -> Partnership:
        return self.exercise.plan.partnership


class Candidate(models.Model):
    """An issue put forward for scoring: typed in, or taken from the assessment's threat ranking.
    Once chosen it names the priority (or watching brief) it became."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="candidates")
    title = models.CharField(max_length=200, validators=[single_line])
    threat = models.ForeignKey(
        "assessments.Threat", null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    priority = models.OneToOneField(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidate", verbose_name="became"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["exercise", "title"]
        constraints = [models.UniqueConstraint(Lower("title"), "exercise", name="unique_candidate_per_exercise")]

    def __str__(self) -> str:
        return self.title

    @property
    def partnership(self) -> Partnership:
        return self.exercise.plan.partnership


class Score(models.Model):
    """One participant's score of one candidate against one criterion, 1 to 5."""

    participant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scores")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)])
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "candidate", "criterion"], name="one_score_per_question"),
            models.CheckConstraint(condition=Q(value__gte=SCORE_MIN, value__lte=SCORE_MAX), name="score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.candidate} / {self.criterion} = {self.value}"

    @property
    def partnership(self) -> Partnership:
        return self.candidate.exercise.plan.partnership


# -- Publication -------------------------------------------------------------------------------------


class PublishedPlan(models.Model):
    """The public version of a plan: what anyone, signed in or not, reads at /public/<partnership>/.

    ``snapshot`` holds the public content as plain JSON, taken when the officer published it, so a
    later edit stays private until the plan is published again (which replaces the snapshot; the
    history keeps every version, who published it and when). Withdrawing takes it down at once. A
    partnership has one public plan at a time: publishing another plan withdraws the previous one."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="published_plans", editable=False
    )
    snapshot = models.JSONField(editable=False)
    published_at = models.DateTimeField("published")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField("withdrawn", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_public_plan_per_partnership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} (public)"

    @property
    def is_public(self) -> bool:
        return self.withdrawn_at is None
