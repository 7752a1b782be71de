"""Personal access tokens: how a person's spreadsheet or BI tool reads the API as them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csp_portal.organisations.models import User
from csp_portal.validators import single_line


class AccessToken(models.Model):
    """A secret a person made for a tool (Excel, Power BI) to read the API with their permissions,
    never more. Only the SHA-256 of the secret is kept, as for an invitation link; the secret is
    shown once when made. ``prefix`` (its first characters) tells one token from another on the
    page. A revoked token, or one of a switched-off person, signs nothing in."""

    PREFIX_LENGTH = 8

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(
        max_length=100, validators=[single_line], help_text="What it is for, such as 'Power BI dashboard'."
    )
    token_hash = models.CharField("SHA-256 of the secret", max_length=64, unique=True)
    prefix = models.CharField("first characters", max_length=PREFIX_LENGTH, validators=[single_line])
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField("last used", null=True, blank=True)
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-created"]
        verbose_name = "personal access token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.person}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
