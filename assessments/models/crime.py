"""Police-recorded crime from data.police.uk, kept as monthly counts per authority and crime type."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from csp_portal.organisations.models import Authority, Partnership
from csp_portal.validators import single_line


class CrimeCount(models.Model):
    """How many crimes of one type a force recorded in one area in one month.

    The raw street-level rows are not kept: a force publishes ~20,000 a month, every page here reads
    counts per authority, month and crime type, and the published files can be imported again at
    any time. Re-importing a force's month replaces its counts for that month.

    ``area`` says what the row counts: crimes in an ``authority`` held in the database; crimes with
    no location (``unknown``: police.uk gives no LSOA, e.g. 'No Location'); and crimes in an
    authority the database does not hold (``outside``: recorded by this force in an area outside
    the ones set up here)."""

    class Area(models.TextChoices):
        AUTHORITY = "authority", "Authority"
        UNKNOWN = "unknown", "Unknown area (no location)"
        OUTSIDE = "outside", "Outside the area"

    force = models.CharField("falls within", max_length=100, help_text="The police force that published the row.")
    month = models.DateField(help_text="The first day of the month.")
    area = models.CharField(max_length=10, choices=Area.choices, default=Area.AUTHORITY)
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.CASCADE, related_name="crime_counts"
    )
    crime_type = models.CharField(max_length=60)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["month", "authority", "crime_type"]
        indexes = [
            models.Index(fields=["authority", "month"]),
            models.Index(fields=["force", "month"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area="authority", authority__isnull=False)
                | (~models.Q(area="authority") & models.Q(authority__isnull=True)),
                name="crime_count_authority_matches_area",
            ),
        ]

    def __str__(self) -> str:
        where = self.authority or self.get_area_display()
        return f"{where}, {self.month:%Y-%m}, {self.crime_type}: {self.count}"


class CrimeImport(models.Model):
    """One import of police.uk street-level files: from the command line, or uploaded by an analyst
    and run as a background job whose progress the browser shows.

    ``summary`` records what the files held and how their quirks were handled (rows, months, rows
    with no location, rows outside the force area, repeated Crime IDs, codes matched by name)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        READY = "ready", "Imported"
        FAILED = "failed", "Refused"

    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crime_imports",
        help_text="The partnership whose analyst uploaded the files; empty for the command line.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="assessments/crime-imports/%Y/%m/", blank=True)
    file_names = models.TextField(blank=True, help_text="The files imported, one a line.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent = models.DateTimeField(
        null=True, blank=True, help_text="When it was handed to the workers; empty while the queue is unreachable."
    )
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}


class HarmWeight(models.Model):
    """How much harm one crime of a type does, relative to others: the partnership's crime-severity
    weight for a police.uk crime type. With no weight set, a type weighs 1, so 'harm' is plain
    volume; an analyst sets weights from the ONS Crime Severity Score (see the upload page)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="harm_weights")
    crime_type = models.CharField(max_length=60, validators=[single_line])
    weight = models.DecimalField(max_digits=10, decimal_places=3, validators=[MinValueValidator(Decimal(0))])
    source = models.CharField(
        max_length=300,
        help_text="Where the weight comes from, e.g. 'ONS CSS, year to March 2024'.",
        validators=[single_line],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "crime_type"]
        constraints = [models.UniqueConstraint(fields=["partnership", "crime_type"], name="one_weight_per_crime_type")]

    def __str__(self) -> str:
        return f"{self.crime_type}: {self.weight}"
