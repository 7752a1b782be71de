"""Writes about organisations, named for what the user does."""

from __future__ import annotations

from .models import Partnership
from .queries import SESSION_KEY


def switch_partnership(request, *, actor, partnership: Partnership) -> None:
    """Make ``partnership`` the one the actor works in for the rest of the session.

    The caller has already checked that the actor may see it; this only records the choice."""
    request.session[SESSION_KEY] = partnership.pk
    request.partnership = partnership
