"""What the action plans tell people, in their words: a return submitted (to the partnership's
officers), a return accepted or sent back (to its lead). Who is told is decided in
csp_portal.notifications.kinds; these say what, and link to the page that asks something of them."""

from __future__ import annotations

from django.urls import reverse

from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.services import Message, quoted, tell
from csp_portal.organisations.models import User

from .models import ProgressReturn


def return_submitted(progress: ProgressReturn, *, actor: User | None) -> None:
    action, quarter = progress.action, progress.quarter
    who = actor.full_name if actor else "The action's lead"
    message = Message(
        subject=f"{who} submitted the {quarter.label} return for {quoted(action.title)}",
        body=(
            f"{who} submitted the {quarter.label} progress return ({progress.get_rag_display()}) for "
            f"{quoted(action.title)}. Review it: accept it for the board's report, or send it back to the lead "
            "with a comment."
        ),
        path=reverse("actionplans:return_review", args=[action.partnership.slug, action.pk, quarter]),
    )
    tell(Kind.RETURN_SUBMITTED, message, partnership=action.partnership, actor=actor)


def return_reviewed(progress: ProgressReturn, *, actor: User | None) -> None:
    action, quarter = progress.action, progress.quarter
    accepted = progress.status == ProgressReturn.Status.ACCEPTED
    what = "accepted" if accepted else "sent back"
    comment = f" The officer's comment: {quoted(progress.officer_comment)}." if progress.officer_comment else ""
    ask = "It goes into the board's report." if accepted else "Change it as the comment asks, and submit it again."
    message = Message(
        subject=f"Your {quarter.label} return for {quoted(action.title)} was {what}",
        body=f"Your {quarter.label} progress return for {quoted(action.title)} was {what}.{comment} {ask}",
        path=reverse("actionplans:return_edit", args=[action.partnership.slug, action.pk, quarter]),
    )
    tell(
        Kind.RETURN_REVIEWED,
        message,
        partnership=action.partnership,
        people=[action.lead_user, progress.submitted_by],
        actor=actor,
    )
