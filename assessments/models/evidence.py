"""Strategic assessments: the document, its threat ranking and its findings."""

from __future__ import annotations

from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from csp_portal.organisations.models import Authority, Partnership
from csp_portal.validators import single_line

from .. import scoring

ONE_TO_FIVE = [MinValueValidator(scoring.MIN_SCORE), MaxValueValidator(scoring.MAX_SCORE)]


class Theme(models.TextChoices):
    """The headings a Lancashire-style assessment groups its threats and findings under."""

    VULNERABILITY = "vulnerability", "Vulnerability and victims"
    JUSTICE = "justice", "Justice and reoffending"
    PUBLIC_SAFETY = "public_safety", "Public safety"
    VIOLENCE = "violence", "Violence"
    SERIOUS_ORGANISED_CRIME = "soc", "Serious organised crime"
    ROAD_SAFETY = "road_safety", "Road safety"
    OTHER = "other", "Other"


class StrategicAssessment(models.Model):
    """A strategic assessment (SA): the statutory evidence base a partnership's priorities come from.

    A county-wide SA belongs to the county board; a local profile covers one authority and names
    the county-wide assessment it accompanies."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200, validators=[single_line])
    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_profiles",
        help_text="For a local profile, the authority it covers; empty for the partnership's whole area.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="local_profiles",
        help_text="For a local profile, the county-wide assessment it accompanies.",
    )
    period_start_year = models.PositiveSmallIntegerField("period starts (year)")
    period_end_year = models.PositiveSmallIntegerField("period ends (year)")
    trend_start = models.DateField(
        "trend window starts", null=True, blank=True, help_text="First month of the data analysed for trends."
    )
    trend_end = models.DateField(
        "trend window ends", null=True, blank=True, help_text="Last month of the data analysed for trends."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    aim = models.TextField(blank=True)
    method = models.TextField(blank=True, help_text="How the evidence was gathered: research, workshops, surveys.")
    executive_summary = models.TextField(blank=True)
    document = models.FileField(
        "original document",
        upload_to="assessments/documents/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
        help_text="The assessment as published, as a PDF.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start_year", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.period_start_year}-{self.period_end_year}"

    @property
    def trend_window_label(self) -> str:
        if not (self.trend_start and self.trend_end):
            return ""
        return f"{self.trend_start:%B %Y} to {self.trend_end:%B %Y}"

    @property
    def is_local_profile(self) -> bool:
        return self.authority_id is not None


class Threat(models.Model):
    """A crime or issue the assessment ranks, e.g. 'Gun & Knife Crime'. Threats feed priority setting.

    The component scores, the organisational risk indicator (ORI) and the rank follow
    ``assessments.scoring``; ``risk_score``, ``ori`` and ``rank`` are stored so that lists and other
    apps can read them, and are recomputed by the services whenever a threat changes."""

    Theme = Theme

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="threats")
    name = models.CharField("crime or issue", max_length=150, validators=[single_line])
    theme = models.CharField(max_length=30, choices=Theme.choices, default=Theme.OTHER)
    description = models.TextField(blank=True)
    harm = models.PositiveSmallIntegerField(default=3, validators=ONE_TO_FIVE)
    likelihood = models.PositiveSmallIntegerField("likelihood or frequency", default=3, validators=ONE_TO_FIVE)
    trend = models.PositiveSmallIntegerField(default=3, validators=ONE_TO_FIVE)
    public_concern = models.PositiveSmallIntegerField(default=3, validators=ONE_TO_FIVE)
    capacity = models.PositiveSmallIntegerField(default=3, validators=ONE_TO_FIVE)
    capability = models.PositiveSmallIntegerField(default=3, validators=ONE_TO_FIVE)
    ori = models.PositiveSmallIntegerField("organisational risk indicator", default=3, editable=False)
    risk_score = models.PositiveSmallIntegerField(default=0, editable=False)
    rank = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    manual_rank = models.PositiveSmallIntegerField(
        "rank set by hand", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    override_reason = models.TextField("reason for setting the rank by hand", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "name"], name="unique_threat_per_assessment"),
            models.CheckConstraint(
                condition=models.Q(manual_rank__isnull=True) | ~models.Q(override_reason=""),
                name="manual_rank_needs_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def partnership(self) -> Partnership:
        return self.assessment.partnership

    @property
    def threat_score(self) -> int:
        return scoring.threat_score(self.harm, self.likelihood)

    def compute_scores(self) -> None:
        """Set ``ori`` and ``risk_score`` from the components (the rank needs all the threats)."""
        self.ori = scoring.organisational_risk_indicator(self.capacity, self.capability)
        self.risk_score = scoring.risk_score(self.harm, self.likelihood, self.trend, self.public_concern, self.ori)


class _Part(models.Model):
    """Something that belongs to one assessment and is edited with it."""

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @property
    def partnership(self) -> Partnership:
        return self.assessment.partnership


class Recommendation(_Part):
    """One numbered recommendation of the assessment."""

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "number"], name="unique_recommendation_number")]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


class Source(_Part):
    """An entry in the bibliography: a document the assessment draws on."""

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="sources")
    citation = models.CharField(max_length=400, validators=[single_line])
    url = models.URLField("web address", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "citation"]

    def __str__(self) -> str:
        return self.citation


class AnnualReview(_Part):
    """The yearly refresh of a three-year assessment: when it was reviewed and what changed."""

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("date of review")
    changes = models.TextField("what changed")
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "-reviewed_on"]

    def __str__(self) -> str:
        return f"Review of {self.reviewed_on:%-d %B %Y}"


class KeyFinding(_Part):
    """A key finding under one theme, e.g. 'Knife crimes account for less than 1% of serious violence'."""

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="findings")
    theme = models.CharField(max_length=30, choices=Theme.choices)
    text = models.TextField("finding")
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "theme", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ContributoryFactor(_Part):
    """A 'cause of the causes' (alcohol, drugs, deprivation, mental health) the assessment names."""

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="factors")
    name = models.CharField(max_length=150, validators=[single_line])
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "id"]

    def __str__(self) -> str:
        return self.name


class Consultation(_Part):
    """A survey or consultation of residents or partners, with the issues it ranked."""

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="consultations")
    title = models.CharField(max_length=200, validators=[single_line])
    method = models.TextField(blank=True, help_text="Who was asked, how and when.")
    sample_size = models.PositiveIntegerField(
        "number of responses", null=True, blank=True, help_text="Leave empty if not known."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "id"]

    def __str__(self) -> str:
        return self.title


class CommunityIssue(models.Model):
    """One ranked issue from a consultation, e.g. 1. 'Anti-Social Behaviour (noise nuisance, neighbours)'."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="issues")
    rank = models.PositiveSmallIntegerField()
    issue = models.CharField(max_length=300, validators=[single_line])
    history = HistoricalRecords()

    class Meta:
        ordering = ["consultation", "rank"]
        constraints = [models.UniqueConstraint(fields=["consultation", "rank"], name="unique_issue_rank")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.issue}"


class DataTable(_Part):
    """A small table of figures from the assessment, e.g. 'Table 2: Proportion of reoffenders per age group'."""

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="tables")
    title = models.CharField(max_length=200, validators=[single_line])
    label_heading = models.CharField("first column heading", max_length=100, validators=[single_line])
    value_heading = models.CharField("second column heading", max_length=100, validators=[single_line])
    unit = models.CharField(
        max_length=20, blank=True, help_text="Shown after each figure, e.g. %.", validators=[single_line]
    )
    source = models.CharField(max_length=300, blank=True, validators=[single_line])
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "id"]

    def __str__(self) -> str:
        return self.title


class DataRow(models.Model):
    table = models.ForeignKey(DataTable, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=200, validators=[single_line])
    value = models.DecimalField(max_digits=14, decimal_places=3)
    history = HistoricalRecords()

    class Meta:
        ordering = ["table", "position"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"
