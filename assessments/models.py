"""The evidence: strategic assessments and the threats they rank."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from csp_portal.organisations.models import Authority, Partnership


class StrategicAssessment(models.Model):
    """A strategic assessment (SA): the statutory evidence base a partnership's priorities come from.

    A county-wide SA belongs to the county board; a local profile covers one authority and names
    the county-wide assessment it accompanies."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200)
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
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start_year", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.period_start_year}-{self.period_end_year}"


class Threat(models.Model):
    """A crime or issue the assessment ranks, e.g. 'Gun & Knife Crime'. Threats feed priority setting."""

    class Theme(models.TextChoices):
        VULNERABILITY = "vulnerability", "Vulnerability and victims"
        JUSTICE = "justice", "Justice and reoffending"
        PUBLIC_SAFETY = "public_safety", "Public safety"
        VIOLENCE = "violence", "Violence"
        SERIOUS_ORGANISED_CRIME = "soc", "Serious organised crime"
        ROAD_SAFETY = "road_safety", "Road safety"
        OTHER = "other", "Other"

    assessment = models.ForeignKey(StrategicAssessment, on_delete=models.CASCADE, related_name="threats")
    name = models.CharField("crime or issue", max_length=150)
    theme = models.CharField(max_length=30, choices=Theme.choices, default=Theme.OTHER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "name"]
        constraints = [models.UniqueConstraint(fields=["assessment", "name"], name="unique_threat_per_assessment")]

    def __str__(self) -> str:
        return self.name

    @property
    def partnership(self) -> Partnership:
        return self.assessment.partnership
