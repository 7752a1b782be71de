"""What the action plans tell people, in their words: a return submitted (to the partnership's
officers), a return accepted or sent back (to its lead), a quarter's returns open, due soon or
overdue (to the leads who owe them). Who is told is decided in
csp_portal.notifications.kinds; these say what, and link to the page that asks something of them."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from csp_portal import agenda
from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.services import Message, quoted, tell
from csp_portal.organisations.models import Partnership, User
from csp_portal.quarters import Quarter

from .models import Action, ProgressReturn, ReminderSent


def return_submitted(progress: ProgressReturn, *, actor: User | None) -> None:
    action, quarter = progress.action, progress.quarter
    who = actor.full_name if actor else "The action's lead"
    message = Message(
        subject=f"{who} submitted the {quarter.label} return for {quoted(action.title)}",
        body=(
            f"{who} submitted the {quarter.label} progress return ({progress.get_rag_display()}) for "
            f"{quoted(action.title)}. Review it: accept it for the board's report, or send it back to the lead "
            f"with a comment. {agenda.countdown(action.partnership)}"
        ).strip(),
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


def returns_reminder(
    partnership: Partnership, quarter: Quarter, lead: User, actions: list[Action], kind: str, *, actor: User | None
) -> None:
    """The returns a lead owes for ``quarter``: open now, due soon, overdue, or chased by an officer."""
    context = {
        "partnership": partnership,
        "quarter": quarter,
        "deadline": quarter.deadline(),
        "actions": actions,
        "kind": kind,
    }
    message = Message(
        subject=render_to_string("actionplans/email/reminder_subject.txt", context),
        body=_with_countdown(render_to_string("actionplans/email/reminder_body.txt", context), partnership),
        path=reverse("my_actions_quarter", args=[quarter]),
    )
    about = Kind.RETURNS_OPEN if kind == ReminderSent.Kind.OPEN else Kind.RETURNS_DUE
    tell(about, message, partnership=partnership, people=[lead], actor=actor)


def _with_countdown(body: str, partnership: Partnership) -> str:
    """The message, then the line counting down to the board's next meeting, when one is ahead."""
    line = agenda.countdown(partnership)
    return f"{body.rstrip()}\n\n{line}" if line else body
