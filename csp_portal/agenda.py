"""The partnership's next board meeting, in one line, for the messages lower layers write (the action
plans' notices to officers count down to it). The board's meetings belong to the reports app, a
higher layer, which registers the lookup when it starts (reports/apps.py); until then, and for a
partnership with no meeting ahead, the line is empty."""

from __future__ import annotations

from collections.abc import Callable

from csp_portal.organisations.models import Partnership

_countdown: Callable[[Partnership], str] | None = None


def register(countdown: Callable[[Partnership], str]) -> None:
    global _countdown
    _countdown = countdown


def countdown(partnership: Partnership) -> str:
    """'The board meets on 14 January 2027, in 12 days.', or '' when no meeting is ahead."""
    return _countdown(partnership) if _countdown is not None else ""
