"""Statutory reviews a partnership carries beside its plan, and the recommendations they make.

A **review** is a Domestic Homicide Review (becoming a Domestic Abuse Related Death Review), an
Offensive Weapons Homicide Review or an ASB Case Review (the former Community Trigger). Its case
file (dates, decisions, panel, quality-assurance rounds, documents) is the most sensitive record
the portal holds: it is identified by a case reference that names no one, and only the people
given a role on that review (and site administrators) open it.

A **recommendation** comes from a review, or from the Police and Crime Commissioner (``review`` is
empty), and is turned into actions (``Action.recommendation``) that live in the same machinery as
the plan's: a lead, quarterly returns, RAG, the officer's acceptance, chasing and history. Its
progress is shown to the partnership's people; the case file behind it is not.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csp_portal.organisations.models import Agency, Partnership
from csp_portal.validators import single_line

NO_NAMES = (
    "Never write the name of a victim, a family member or a perpetrator here, nor anything that "
    "would identify them: use the case reference."
)


class Review(models.Model):
    class Kind(models.TextChoices):
        DHR = "dhr", "Domestic Homicide Review (DARDR)"
        OWHR = "owhr", "Offensive Weapons Homicide Review"
        ASB = "asb", "ASB Case Review"

    HOMICIDE_KINDS = (Kind.DHR, Kind.OWHR)

    class Decision(models.TextChoices):
        HOLD = "hold", "Hold a review"
        NOT_HOLD = "not_hold", "Not to hold a review"

    class Threshold(models.TextChoices):
        MET = "met", "Threshold met"
        NOT_MET = "not_met", "Threshold not met"

    class AppealOutcome(models.TextChoices):
        UPHELD = "upheld", "Appeal upheld: the review is held again"
        NOT_UPHELD = "not_upheld", "Appeal not upheld"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reference = models.CharField(
        "case reference",
        max_length=60,
        validators=[single_line],
        help_text="The partnership's own reference, e.g. 'DHR 2025/01'. " + NO_NAMES,
    )
    summary = models.TextField(
        "summary", blank=True, help_text="What the review is about, in general terms. " + NO_NAMES
    )

    # Domestic Homicide and Offensive Weapons Homicide Reviews
    notified_on = models.DateField("partnership notified of the death", null=True, blank=True)
    decision = models.CharField("decision", max_length=10, choices=Decision.choices, blank=True)
    decided_on = models.DateField("decision made", null=True, blank=True)
    decision_reasons = models.TextField("reasons for the decision", blank=True, help_text=NO_NAMES)
    home_office_notified_on = models.DateField("Home Office told of the decision", null=True, blank=True)
    chair = models.CharField(
        "independent chair",
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text="The chair's name or organisation: a professional, never a family member.",
    )
    chair_appointed_on = models.DateField("chair appointed", null=True, blank=True)
    panel = models.TextField("panel", blank=True, help_text="The agencies on the panel, one a line.")
    draft_report_on = models.DateField("draft report ready", null=True, blank=True)
    final_report_on = models.DateField("final report agreed by the partnership", null=True, blank=True)
    published_on = models.DateField("report published", null=True, blank=True)
    removed_on = models.DateField("report removed from the website", null=True, blank=True)

    # ASB Case Reviews
    applied_on = models.DateField("application received", null=True, blank=True)
    threshold = models.CharField("threshold decision", max_length=10, choices=Threshold.choices, blank=True)
    threshold_decided_on = models.DateField("threshold decided", null=True, blank=True)
    threshold_reasons = models.TextField("reasons for the threshold decision", blank=True, help_text=NO_NAMES)
    meeting_on = models.DateField("review meeting held", null=True, blank=True)
    outcome = models.TextField("outcome", blank=True, help_text="What the review concluded. " + NO_NAMES)
    outcome_sent_on = models.DateField("outcome sent to the applicant", null=True, blank=True)
    appeal_received_on = models.DateField("appeal received", null=True, blank=True)
    appeal_outcome = models.CharField("appeal outcome", max_length=12, choices=AppealOutcome.choices, blank=True)
    appeal_decided_on = models.DateField("appeal decided", null=True, blank=True)

    closed_on = models.DateField(
        "closed", null=True, blank=True, help_text="The case file is finished with; its recommendations go on."
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-created", "reference"]
        constraints = [
            models.UniqueConstraint("partnership", "reference", name="one_review_per_reference"),
        ]
        indexes = [models.Index(fields=["partnership", "kind"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("reviews:review_detail", args=[self.partnership.slug, self.pk])

    @property
    def is_homicide_review(self) -> bool:
        return self.kind in self.HOMICIDE_KINDS


class ReviewRole(models.Model):
    """Who may open a review's case file: its chair, its panel members and its officers. A
    partnership role alone opens none."""

    class Kind(models.TextChoices):
        OFFICER = "officer", "Review officer"
        CHAIR = "chair", "Chair"
        PANEL = "panel", "Panel member"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_roles")
    role = models.CharField(max_length=10, choices=Kind.choices)
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "role", "user"]
        constraints = [models.UniqueConstraint("review", "user", name="one_review_role_per_person")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} on {self.review}"

    @property
    def partnership(self) -> Partnership:
        return self.review.partnership


class QualityAssuranceRound(models.Model):
    """One submission of a homicide review's report to the Home Office quality-assurance panel and
    its answer; 'resubmit' starts another round."""

    class Outcome(models.TextChoices):
        AWAITING = "", "Awaiting the panel"
        APPROVED = "approved", "Approved for publication"
        RESUBMIT = "resubmit", "Resubmit"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="qa_rounds")
    submitted_on = models.DateField("sent to the Home Office")
    outcome = models.CharField("panel's outcome", max_length=10, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField("outcome received", null=True, blank=True)
    feedback = models.TextField("panel's feedback", blank=True, help_text=NO_NAMES)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "submitted_on", "id"]
        verbose_name = "quality-assurance round"

    def __str__(self) -> str:
        return f"{self.review}: sent {self.submitted_on:%d %b %Y}"

    @property
    def partnership(self) -> Partnership:
        return self.review.partnership


def _document_path(document: ReviewDocument, filename: str) -> str:
    return f"reviews/{document.review.partnership_id}/{document.review_id}/{filename}"


class ReviewDocument(models.Model):
    """A file of the case file (terms of reference, the draft or final report, the Home Office's
    letter), kept as the portal keeps every upload and served only to the review's people."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200, validators=[single_line], help_text=NO_NAMES)
    file = models.FileField(upload_to=_document_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def partnership(self) -> Partnership:
        return self.review.partnership


class ReviewTimescales(models.Model):
    """A partnership's own timescales where it sets them locally; the statutory guidance's apply
    otherwise (``clocks.DEFAULTS``). ASB Case Review timescales are in working days."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="review_timescales")
    dhr_decision_days = models.PositiveSmallIntegerField(
        "decide whether to hold a homicide review (days from notification)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    dhr_home_office_days = models.PositiveSmallIntegerField(
        "tell the Home Office of the decision (days from the decision)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    dhr_report_days = models.PositiveSmallIntegerField(
        "send the final report to the Home Office (days from the decision)",
        default=183,
        validators=[MinValueValidator(1), MaxValueValidator(1500)],
    )
    dhr_resubmit_days = models.PositiveSmallIntegerField(
        "resubmit after the panel asks (days from its outcome)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    dhr_publish_days = models.PositiveSmallIntegerField(
        "publish after approval (days from the panel's approval)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    dhr_published_days = models.PositiveSmallIntegerField(
        "keep the report published for at least (days)",
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    asb_threshold_days = models.PositiveSmallIntegerField(
        "decide the ASB threshold (working days from the application)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    asb_meeting_days = models.PositiveSmallIntegerField(
        "hold the review meeting (working days from the threshold decision)",
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    asb_outcome_days = models.PositiveSmallIntegerField(
        "send the outcome to the applicant (working days from the meeting)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    asb_appeal_days = models.PositiveSmallIntegerField(
        "decide an appeal (working days from receiving it)",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "review timescales"
        verbose_name_plural = "review timescales"

    def __str__(self) -> str:
        return f"Review timescales of {self.partnership}"


class Recommendation(models.Model):
    """What a review (or the Police and Crime Commissioner, when ``review`` is empty) asks the
    partnership's agencies to do; its actions (``actions``) carry it to done."""

    class Scope(models.TextChoices):
        SINGLE = "single", "Single-agency"
        MULTI = "multi", "Multi-agency"

    class Level(models.TextChoices):
        LOCAL = "local", "Local"
        NATIONAL = "national", "National"

    class Decision(models.TextChoices):
        PENDING = "", "Not yet considered"
        ACCEPTED = "accepted", "Accepted"
        PARTLY = "partly", "Partly accepted"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="recommendations")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations")
    number = models.PositiveSmallIntegerField("number", default=1, help_text="Its number in the report.")
    text = models.TextField("recommendation", help_text=NO_NAMES)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.MULTI)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.LOCAL)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name="agency",
        help_text="The agency a single-agency recommendation is for.",
    )
    sent_to = models.CharField(
        "sent to",
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text="Whom a national recommendation was sent to, e.g. 'Home Office' or 'NHS England'.",
    )
    sent_on = models.DateField("sent on", null=True, blank=True)
    due_date = models.DateField("to be done by", null=True, blank=True)

    # A PCC's recommendation: the partnership must consider it and give reasons where it does not act.
    received_on = models.DateField("received", null=True, blank=True)
    considered_on = models.DateField("considered", null=True, blank=True)
    decision = models.CharField(max_length=15, choices=Decision.choices, blank=True)
    reasons = models.TextField("reasons", blank=True, help_text="Why the partnership will not act, or not in full.")
    response_sent_on = models.DateField("response sent to the PCC", null=True, blank=True)

    created = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "review", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                "review", "number", condition=Q(review__isnull=False), name="one_recommendation_number_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_label} {self.number}"

    @property
    def is_from_pcc(self) -> bool:
        return self.review_id is None

    @property
    def source_label(self) -> str:
        return "PCC recommendation" if self.is_from_pcc else f"{self.review.reference} recommendation"
