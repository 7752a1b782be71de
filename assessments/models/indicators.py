"""Indicators: named figures tracked over time, fed by crime data or entered by hand."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from csp_portal.organisations.models import Authority, Partnership
from csp_portal.validators import single_line

from .evidence import Threat


class Indicator(models.Model):
    """A named series such as 'Vehicle offences, South Ribble', with the direction the partnership
    wants it to move and, optionally, a target for the latest period.

    With a ``crime_type`` the values come from imported police.uk counts for the indicator's
    authority (or all the partnership's authorities); without, they are entered or uploaded by hand."""

    class Direction(models.TextChoices):
        DOWN = "down", "Down is better"
        UP = "up", "Up is better"

    class Frequency(models.TextChoices):
        MONTH = "month", "Monthly"
        QUARTER = "quarter", "Quarterly (financial year quarters)"
        YEAR = "year", "Yearly (financial years, April to March)"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField(max_length=200, validators=[single_line])
    unit = models.CharField(
        max_length=50,
        default="offences",
        help_text="e.g. offences, incidents, %, per 1,000 people.",
        validators=[single_line],
    )
    source = models.CharField(
        max_length=300, help_text="Where the figures come from, e.g. 'MADE', 'police.uk'.", validators=[single_line]
    )
    desired_direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.DOWN)
    target = models.DecimalField(
        max_digits=14, decimal_places=3, null=True, blank=True, help_text="For each period; leave empty for none."
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.YEAR)
    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text="The authority it measures; empty for the partnership's whole area.",
    )
    crime_type = models.CharField(
        "police.uk crime type",
        max_length=60,
        blank=True,
        help_text="Fill the values from imported police.uk data; leave empty to enter them by hand.",
        validators=[single_line],
    )
    threats = models.ManyToManyField(Threat, related_name="indicators", blank=True)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="unique_indicator_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_from_crime_data(self) -> bool:
        return bool(self.crime_type)


class IndicatorValue(models.Model):
    """The figure for one period (month, financial quarter or financial year, by its first day)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=3)
    note = models.CharField(max_length=300, blank=True, validators=[single_line])
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period_start"], name="one_value_per_period")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} from {self.period_start}"

    @property
    def partnership(self) -> Partnership:
        return self.indicator.partnership
