"""Quarterly monitoring reports, the jobs that render them, and the board's decisions.

The **quarterly monitoring report** is the core of a partnership's board pack: a PDF of its
priorities, action plans, escalations, indicators and funding for one financial-year quarter.

- A ``ReportJob`` is one request to render it, which the requester watches: queued, rendering,
  ready or failed (with the reason). A *draft* job leaves a PDF on the job; an *issue* job leaves
  an immutable ``ReportVersion``.
- A ``ReportVersion`` is an issued report: the snapshot of the data it shows (plain JSON), its PDF,
  the PDF's SHA-256 checksum, who issued it and when. Rendering the snapshot again gives the same
  document, however the plan has changed since.
- A ``Decision`` is what the board decided about an escalation (the support a progress return asked
  for); it shows on the action and in the next report.
- ``ReportSettings`` holds a partnership's logo, colour and protective marking, and which quarter
  its report was last drafted for by the scheduled job.
- A ``Meeting`` is one board meeting: when and where, the quarter it reviews (the report issued for
  it is that quarter's newest version), who attended and the decisions recorded at it.
- A ``CalendarFeed`` is a person's secret address for the iCalendar feed of their board meetings.
- A ``PublishedQuarter`` is a quarter's public progress summary: the RAG counts and each public
  action's RAG of the partnership's public plan, with the officer's commentary, for anyone to read.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actionplans.models import ProgressReturn, QuarterFields
from csp_portal.organisations.models import Partnership, User
from csp_portal.quarters import Quarter
from csp_portal.validators import single_line

# \A and \Z, not ^ and $: $ also matches before a final line break.
HEX_COLOUR = RegexValidator(r"\A#[0-9a-fA-F]{6}\Z", "Enter a colour as # and six hexadecimal digits, like #1d70b8.")


class ReportSettings(models.Model):
    """How a partnership's reports look (logo, colour, protective marking), and the last quarter
    whose draft the scheduled job made for it: the job claims a quarter by moving that mark with a
    conditional UPDATE, so two runs never draft the same quarter twice."""

    class Marking(models.TextChoices):
        OFFICIAL = "OFFICIAL", "OFFICIAL"
        OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="report_settings")
    logo = models.ImageField(
        upload_to="reports/logos/",
        blank=True,
        help_text="A PNG or JPEG image, at most 500 KB. It is shown on the report's cover.",
    )
    logo_alt = models.CharField(
        "logo description",
        max_length=200,
        blank=True,
        help_text="What the logo says, for people who cannot see it, e.g. 'Lancaster District CSP'.",
        validators=[single_line],
    )
    colour = models.CharField(
        "accent colour",
        max_length=7,
        blank=True,
        validators=[HEX_COLOUR],
        help_text="Used for headings and rules, e.g. #1d70b8. It must be dark enough to read on white.",
    )
    protective_marking = models.CharField(max_length=30, choices=Marking.choices, default=Marking.OFFICIAL)
    drafted_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    drafted_number = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["drafted_year", "drafted_number"])

    class Meta:
        verbose_name = "report settings"
        verbose_name_plural = "report settings"

    def __str__(self) -> str:
        return f"Report settings of {self.partnership}"


class ReportVersion(QuarterFields):
    """An issued quarterly report: immutable once written. Every issue of a quarter's report is
    kept as the next version number; the board downloads them."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="report_versions")
    version = models.PositiveSmallIntegerField()
    snapshot = models.JSONField(help_text="The data the report shows, frozen when it was issued.")
    pdf = models.FileField(upload_to="reports/issued/%Y/")
    checksum = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("size in bytes")
    pages = models.PositiveSmallIntegerField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["partnership", "-year", "-number", "-version"]
        get_latest_by = "issued_at"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year", "number", "version"], name="one_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="report_version_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.quarter.label} report, version {self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("An issued report cannot be changed: issue a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Issued reports are kept: they cannot be deleted.")

    @property
    def filename(self) -> str:
        return f"{self.partnership.slug}-{self.quarter.slug}-v{self.version}.pdf"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_download", args=[self.partnership.slug, self.pk])

    def get_page_url(self) -> str:
        """The web page that shows the report as the PDF does, for phones and screen readers."""
        return reverse("reports:report_page", args=[self.partnership.slug, self.pk])


class ReportJob(QuarterFields):
    """One request to render a partnership's quarterly report, which the requester can watch.

    Created in the request and queued after the transaction commits (kept, and sent later, when the
    queue is unreachable); the worker claims it (rendering), and marks it ready only in the
    transaction that records the stored PDF, so a worker killed mid-render leaves it rendering, never
    ready without a file, for the redelivered task or the stalled-job sweep to render again."""

    class Kind(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUE = "issue", "Issue"
        # Not a quarterly report: the recommendations status report of the statutory reviews and the
        # PCC, as of the day it is rendered (its quarter is the one it was asked for in).
        RECOMMENDATIONS = "recommendations", "Recommendations status report"

    QUARTERLY = (Kind.DRAFT, Kind.ISSUE)

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    FINISHED = (Status.READY, Status.FAILED)

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="report_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DRAFT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_jobs",
        help_text="Empty when the scheduled quarter-end job asked for it.",
    )
    scheduled = models.BooleanField(default=False, help_text="Drafted by the quarter-end schedule.")
    stage = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="The worker process that last claimed it.")
    created = models.DateTimeField(auto_now_add=True)
    sent = models.DateTimeField(
        null=True, blank=True, help_text="When it was handed to the workers; empty while the queue is unreachable."
    )
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="reports/drafts/%Y/", blank=True)
    checksum = models.CharField("SHA-256", max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    result = models.ForeignKey(
        ReportVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="jobs", verbose_name="issued"
    )

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["partnership", "year", "number"])]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="report_job_quarter_1_to_4"),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(pdf="") | Q(result__isnull=False), name="ready_job_has_a_pdf"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.RECOMMENDATIONS:
            return f"{self.get_kind_display()} for {self.partnership} ({self.status})"
        return f"{self.get_kind_display()} {self.quarter.label} report for {self.partnership} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_job", args=[self.partnership.slug, self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def download_url(self) -> str | None:
        if self.status != self.Status.READY:
            return None
        if self.result_id:
            return self.result.get_absolute_url()
        return reverse("reports:report_job_download", args=[self.partnership.slug, self.pk])


class Decision(models.Model):
    """What the board decided about an escalation: the support a progress return asked of it.

    Recorded by the partnership officer after the meeting; shown on the action and in the next
    quarter's report. A deferred escalation stays among the decisions the board is asked to make."""

    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreed"
        AGREED_WITH_CHANGES = "amended", "Agreed with changes"
        DEFERRED = "deferred", "Deferred to a later meeting"
        NOT_AGREED = "declined", "Not agreed"
        NOTED = "noted", "Noted, no action"

    progress_return = models.ForeignKey(ProgressReturn, on_delete=models.CASCADE, related_name="board_decisions")
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.PROTECT, related_name="decisions", verbose_name="board meeting"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    decision = models.TextField("what the board decided")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["progress_return", "meeting__starts", "id"]
        constraints = [
            models.UniqueConstraint(fields=["progress_return", "meeting"], name="one_decision_per_return_and_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.meeting_date:%d %B %Y}: {self.progress_return}"

    @property
    def meeting_date(self) -> date:
        """The day of the meeting it was decided at, in the site's time zone."""
        return timezone.localtime(self.meeting.starts).date()

    @property
    def partnership(self) -> Partnership:
        return self.progress_return.action.partnership


class Meeting(QuarterFields):
    """One meeting of a partnership's board: when and where it meets, and the quarter it reviews
    (``year`` and ``number``): the report issued for it is that quarter's newest issued version.
    The decisions on escalations are recorded at a meeting, and so is who attended."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="meetings")
    starts = models.DateTimeField("starts at")
    ends = models.DateTimeField("ends at", null=True, blank=True)
    place = models.CharField(
        max_length=200,
        blank=True,
        help_text="For example, 'Town Hall, Lancaster' or 'Online'.",
        validators=[single_line],
    )
    notes = models.TextField(blank=True, help_text="Anything members should know: the agenda, how to join online.")
    updated = models.DateTimeField(auto_now=True, help_text="When it was last changed, for calendars.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "starts", "id"]
        indexes = [models.Index(fields=["partnership", "starts"])]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="meeting_quarter_1_to_4"),
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gt=F("starts")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} board, {timezone.localtime(self.starts):%-d %B %Y}"

    @property
    def reviews(self) -> Quarter:
        return self.quarter

    @property
    def finishes(self):
        """When it ends: as recorded, or two hours after it starts."""
        return self.ends or self.starts + DEFAULT_LENGTH

    def get_absolute_url(self) -> str:
        return reverse("reports:meeting_detail", args=[self.partnership.slug, self.pk])


DEFAULT_LENGTH = timedelta(hours=2)


class Attendance(models.Model):
    """Whether one board member attended a meeting, sent apologies or was absent, and whether they
    held a vote at it (Lincolnshire's board has voting and non-voting members)."""

    class Presence(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="attendance")
    voting = models.BooleanField("voting member", default=True)
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.ABSENT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "-voting", "person__full_name", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="one_attendance_per_person")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_presence_display()}, {self.meeting}"


class CalendarFeed(models.Model):
    """A person's secret address for the iCalendar feed of their partnerships' board meetings.
    Calendar apps cannot sign in, so the address itself is the key: only its SHA-256 is kept, and a
    new address replaces the old one."""

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField("SHA-256 of the secret", max_length=64, unique=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used"])

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"


class PublishedQuarter(QuarterFields):
    """A quarter's public progress summary: what anyone, signed in or not, reads at
    /public/<partnership>/progress/<quarter>/.

    ``snapshot`` holds it as plain JSON, taken when the officer published it from the partnership's
    public plan: per current priority and in total the RAG counts of its public actions by their
    latest accepted returns (the board report's rule), and each action's title, lead agency, RAG
    and percentage complete. Never a return's narrative, risks or escalation, nor anyone's name.
    ``commentary`` is the officer's own words for the public, approved by publishing. Publishing
    again replaces both (the history keeps every version, who published it and when); withdrawing
    takes the page down at once."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="published_quarters")
    snapshot = models.JSONField(editable=False)
    commentary = models.TextField(
        blank=True, help_text="Shown to the public as written, above the figures, once the quarter is published."
    )
    published_at = models.DateTimeField("published")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField("withdrawn", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year", "number"], name="one_public_summary_per_quarter"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=4), name="published_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.quarter.label} progress summary (public)"

    @property
    def is_public(self) -> bool:
        return self.withdrawn_at is None
