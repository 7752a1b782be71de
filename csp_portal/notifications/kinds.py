"""The one place that decides who is told of what.

Each kind of notification names its audience: people holding a role in the partnership concerned
(its officers, its board), people the event names (the lead of a return, whoever started an
import), or both. The person whose action caused the event is never told of it, and nobody
inactive is told anything. Whether a kind may be turned off or sent in the weekly digest is decided
here too: invitations and changes to someone's access always arrive at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Kind(models.TextChoices):
    RETURN_SUBMITTED = "return_submitted", "A progress return is submitted for review"
    RETURN_REVIEWED = "return_reviewed", "Your progress return is accepted or sent back"
    DECISION_RECORDED = "decision_recorded", "The board records a decision on an escalation"
    REPORT_ISSUED = "report_issued", "A quarterly monitoring report is issued"
    REPORT_READY = "report_ready", "A report you asked for is ready, or could not be made"
    DRAFT_MADE = "draft_made", "A quarter ends and its draft report is made for the officers"
    RETURNS_OPEN = "returns_open", "A quarter's progress returns open"
    RETURNS_DUE = "returns_due", "Your progress returns are due soon or overdue"
    IMPORT_FINISHED = "import_finished", "An import you started finishes or is refused"
    INVITATION = "invitation", "You are invited to the portal"
    ROLE_CHANGED = "role_changed", "You are given a role, or a role of yours ends"
    ROLE_REQUESTED = "role_requested", "Someone asks for a role in your partnership"
    ROLE_DECLINED = "role_declined", "Your request for a role is declined"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "An e-mail for each, straight away"
    WEEKLY = "weekly", "One e-mail a week listing them"
    NONE = "none", "No e-mail (they still show in the portal)"


@dataclass(frozen=True)
class Audience:
    """Who is told: holders of ``roles`` in the partnership, and/or the people the event names."""

    roles: tuple[str, ...] = ()
    named: bool = False
    # Why the person received it, completed with the partnership's name: shown in every e-mail.
    reason_for_role: str = ""
    reason_if_named: str = ""
    # Invitations and changes to someone's access are never held back or turned off.
    optional: bool = True


OFFICER, BOARD = "officer", "board"  # organisations.Role.Kind values; that module builds on this one

AUDIENCES: dict[str, Audience] = {
    Kind.RETURN_SUBMITTED: Audience(
        roles=(OFFICER,), reason_for_role="you are a partnership officer of {partnership}, who reviews its returns"
    ),
    Kind.RETURN_REVIEWED: Audience(named=True, reason_if_named="you lead the action this return is for"),
    Kind.DECISION_RECORDED: Audience(
        roles=(OFFICER,),
        named=True,
        reason_for_role="you are a partnership officer of {partnership}",
        reason_if_named="you lead the action whose escalation the board decided on",
    ),
    Kind.REPORT_ISSUED: Audience(roles=(BOARD,), reason_for_role="you are a board member of {partnership}"),
    Kind.REPORT_READY: Audience(named=True, reason_if_named="you asked for this report"),
    Kind.DRAFT_MADE: Audience(
        roles=(OFFICER,),
        reason_for_role="you are a partnership officer of {partnership}, whose report is drafted when a quarter ends",
    ),
    Kind.RETURNS_OPEN: Audience(named=True, reason_if_named="you lead actions that owe a return this quarter"),
    Kind.RETURNS_DUE: Audience(named=True, reason_if_named="you lead actions whose returns are not yet submitted"),
    Kind.IMPORT_FINISHED: Audience(named=True, reason_if_named="you started this import"),
    Kind.INVITATION: Audience(named=True, reason_if_named="someone invited you to the portal", optional=False),
    Kind.ROLE_CHANGED: Audience(named=True, reason_if_named="your access to {partnership} changed", optional=False),
    Kind.ROLE_REQUESTED: Audience(
        roles=(OFFICER,),
        reason_for_role="you are a partnership officer of {partnership}, who gives its people their roles",
    ),
    Kind.ROLE_DECLINED: Audience(named=True, reason_if_named="you asked {partnership} for a role", optional=False),
}
