"""What changes to someone's access tell them: an invitation, a role given, a role ended.
Who is told is decided in csp_portal.notifications.kinds (the person, always, at once)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.services import Message, tell

from .models import Invitation, Role, User

WHAT_A_ROLE_DOES = {
    Role.Kind.OFFICER: "edit its plan, priorities and actions, review progress returns and issue the board's report",
    Role.Kind.LEAD: "write the quarterly progress returns of the actions you lead",
    Role.Kind.BOARD: "read its plan and dashboard and download the quarterly reports issued for the board",
    Role.Kind.ANALYST: "maintain its evidence: strategic assessments, crime data and indicators",
}


def _role_name(role: Role) -> str:
    return _role_name_of(role.role)


def _role_name_of(kind: str) -> str:
    """'an action lead', 'a board member'..."""
    name = Role.Kind(kind).label.lower()
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def invited(invitation: Invitation, token: str, *, actor: User | None) -> None:
    """The person is invited: the e-mail carries the one-time link (``token`` is its secret, of
    which only the hash is kept) where they choose their own password, and says until when it works."""
    by = actor.full_name if actor is not None and actor.full_name else "A site administrator"
    expires = timezone.localtime(invitation.expires)
    where = (
        f"{by} has invited you to CSP Portal as {_role_name_of(invitation.role)} of {invitation.partnership.name}"
        if invitation.partnership is not None and invitation.role
        else f"{by} has made you an account in CSP Portal"
    )
    does = f" There you will {WHAT_A_ROLE_DOES[invitation.role]}." if invitation.role else ""
    message = Message(
        subject="You are invited to CSP Portal",
        body=(
            f"{where}, where Community Safety Partnerships plan their work and report on it each quarter.{does}\n\n"
            "To sign in, choose your own password: open the link at the end of this e-mail. It works once, "
            f"until {expires:%-d %B %Y at %H:%M}. If it has expired, ask {by} to send you a new invitation. "
            f"Your e-mail address for signing in is {invitation.person.email}.\n\n"
            "If you did not expect this invitation, you can ignore this e-mail."
        ),
        path=reverse("accept_invitation", args=[token]),
    )
    tell(Kind.INVITATION, message, people=[invitation.person], actor=actor)


def role_given(role: Role, *, actor: User | None) -> None:
    partnership = role.partnership
    message = Message(
        subject=f"You are now {_role_name(role)} of {partnership.name}",
        body=(
            f"You have been made {_role_name(role)} of {partnership.name} in CSP Portal. You can now "
            f"{WHAT_A_ROLE_DOES[role.role]}. If you did not expect this, tell your partnership officer."
        ),
        path=partnership.get_absolute_url(),
    )
    tell(Kind.ROLE_CHANGED, message, partnership=partnership, people=[role.user], actor=actor)


def role_ended(role: Role, *, actor: User | None) -> None:
    partnership = role.partnership
    message = Message(
        subject=f"You are no longer {_role_name(role)} of {partnership.name}",
        body=(
            f"Your role as {_role_name(role)} of {partnership.name} in CSP Portal has ended. Your account page "
            "lists the roles you still hold. If you did not expect this, tell your partnership officer."
        ),
        path=reverse("account"),
    )
    tell(Kind.ROLE_CHANGED, message, partnership=partnership, people=[role.user], actor=actor)
