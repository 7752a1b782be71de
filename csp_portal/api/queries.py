"""Reads about personal access tokens."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from csp_portal.organisations.models import User

from .models import AccessToken


def secret_hash(secret: str) -> str:
    """What is kept of a token's secret: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(person: User) -> QuerySet[AccessToken]:
    """The person's own tokens, newest first, revoked ones too: nobody sees another's."""
    return AccessToken.objects.filter(person=person).order_by("-created", "-pk")


def live_token(secret: str) -> AccessToken | None:
    """The unrevoked token whose secret this is, with its owner, in one query; or None."""
    return (
        AccessToken.objects.select_related("person")
        .filter(token_hash=secret_hash(secret), revoked_at__isnull=True)
        .first()
    )
