"""What changes to someone's access tell them: an account made for them, a role given, a role ended.
Who is told is decided in csp_portal.notifications.kinds (the person, always, at once)."""

from __future__ import annotations

from django.urls import reverse

from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.services import Message, tell

from .models import Role, User

WHAT_A_ROLE_DOES = {
    Role.Kind.OFFICER: "edit its plan, priorities and actions, review progress returns and issue the board's report",
    Role.Kind.LEAD: "write the quarterly progress returns of the actions you lead",
    Role.Kind.BOARD: "read its plan and dashboard and download the quarterly reports issued for the board",
    Role.Kind.ANALYST: "maintain its evidence: strategic assessments, crime data and indicators",
}


def _role_name(role: Role) -> str:
    name = role.get_role_display().lower()
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def invited(person: User, *, actor: User | None) -> None:
    """An account was made for the person: they choose their own password from the link (the
    e-mail carries no password and no token; the reset page sends one to this address)."""
    by = f"{actor.full_name} has" if actor is not None and actor.full_name else "An administrator has"
    message = Message(
        subject="You have an account in CSP Portal",
        body=(
            f"{by} made you an account in CSP Portal, where Community Safety Partnerships plan their work and "
            f"report on it each quarter. To sign in, first choose your password: open the link, enter this "
            f"e-mail address ({person.email}), and you will be sent a link to set it. After signing in you "
            "will see what your roles ask of you."
        ),
        path=reverse("password_reset"),
    )
    tell(Kind.INVITATION, message, people=[person], actor=actor)


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
