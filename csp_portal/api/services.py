"""Writes about personal access tokens, named for what the person does."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from csp_portal import writes
from csp_portal.organisations.models import User

from .models import AccessToken
from .queries import secret_hash

# A tool reads many pages a minute; recording each use would write a row per request.
LAST_USED_EVERY = timedelta(minutes=1)


@transaction.atomic
def create_token(*, actor: User, name: str) -> tuple[AccessToken, str]:
    """Make a token named ``name`` for the actor. Returns it and its secret, which is shown once and
    kept nowhere: only its hash is stored."""
    secret = secrets.token_urlsafe(32)
    token = AccessToken(
        person=actor, name=name, token_hash=secret_hash(secret), prefix=secret[: AccessToken.PREFIX_LENGTH]
    )
    writes.save(token, actor=actor)
    return token, secret


@transaction.atomic
def revoke_token(token: AccessToken, *, actor: User) -> None:
    """The token's owner stops it: from now on it signs nothing in. Revoking twice changes nothing."""
    if token.revoked_at is None:
        writes.update(token, {"revoked_at": timezone.now()}, actor=actor)


def record_use(token: AccessToken) -> None:
    """Note when the token was last used, at most once a minute, by a conditional update that
    leaves no history entry (a use is not a change anyone made to the token)."""
    now = timezone.now()
    stale = Q(last_used__isnull=True) | Q(last_used__lt=now - LAST_USED_EVERY)
    if token.last_used is None or token.last_used < now - LAST_USED_EVERY:
        AccessToken.objects.filter(stale, pk=token.pk).update(last_used=now)
        token.last_used = now
