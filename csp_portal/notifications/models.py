"""Notifications: one message to one person about one event, and each person's choice of how
their e-mail comes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .kinds import Delivery, Kind


class Notification(models.Model):
    """One message to one person about one event: listed for them in the portal (counted in the
    header until they open it) and e-mailed as they chose, at once or in the weekly digest.

    ``status``, ``sent`` and ``stage`` follow csp_portal.queueing: the e-mail is queued with the row,
    handed to the workers once the request commits, and handed again by the sweep if the queue was
    unreachable or lost it."""

    class Email(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        DIGEST = "digest", "Waiting for the weekly digest"
        IN_DIGEST = "in_digest", "Sent in a weekly digest"
        NOT_SENT = "not_sent", "Not e-mailed: the person turned these e-mails off"
        FAILED = "failed", "Could not be sent"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    partnership = models.ForeignKey(
        "organisations.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text: what happened and what is asked of the person.")
    path = models.CharField(max_length=500, help_text="The page it is about, within the portal.")
    reason = models.CharField(max_length=300, help_text="Why this person was told, completing 'because ...'.")
    created = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField("e-mail", max_length=20, choices=Email.choices, default=Email.QUEUED)
    sent = models.DateTimeField(null=True, blank=True, help_text="When the e-mail was handed to the workers.")
    stage = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["status", "sent"], name="notification_email_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} (to {self.recipient})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How one person wants one kind of notification e-mailed. Without a row: at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_choice_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}, {self.get_delivery_display()}"
