"""What the action plans tell people, in their words: a return submitted (to the partnership's
officers), a return accepted or sent back (to its lead), a quarter's returns open, due soon or
overdue (to the leads who owe them). Who is told is decided in
csp_portal.notifications.kinds; these say what, and link to the page that asks something of them."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from csp_portal import agenda
from csp_portal.notifications.kinds import AUDIENCES, Kind
from csp_portal.notifications.models import Notification
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
    message = reminder_message(partnership, quarter, actions, kind, countdown=agenda.countdown(partnership))
    tell_reminder(partnership, lead, message, kind, actor=actor)


def tell_reminder(partnership: Partnership, lead: User, message: Message, kind: str, *, actor: User | None) -> None:
    about = Kind.RETURNS_OPEN if kind == ReminderSent.Kind.OPEN else Kind.RETURNS_DUE
    tell(about, message, partnership=partnership, people=[lead], actor=actor)


def reminder_message(
    partnership: Partnership,
    quarter: Quarter,
    actions: list[Action],
    kind: str,
    *,
    countdown: str,
    note: str = "",
    sender: User | None = None,
) -> Message:
    """The reminder's words; an officer's chase carries their own ``note``, plain text, quoted as
    theirs and kept to its own lines."""
    context = {
        "partnership": partnership,
        "quarter": quarter,
        "deadline": quarter.deadline(),
        "actions": actions,
        "kind": kind,
        "note": note,
        "sender": sender,
    }
    body = render_to_string("actionplans/email/reminder_body.txt", context).rstrip()
    return Message(
        subject=render_to_string("actionplans/email/reminder_subject.txt", context),
        body=f"{body}\n\n{countdown}" if countdown else body,
        path=reverse("my_actions_quarter", args=[quarter]),
    )


def chase_messages(
    partnership: Partnership, quarter: Quarter, owing: dict[User, list[Action]], *, note: str, actor: User | None
) -> list[tuple[Message, User, list[Action]]]:
    """The e-mail each lead in ``owing`` gets when the officer ``actor`` chases them, in the order of
    their names: what the preview shows and what is sent."""
    countdown = agenda.countdown(partnership)
    return [
        (
            reminder_message(
                partnership, quarter, actions, ReminderSent.Kind.CHASE, countdown=countdown, note=note, sender=actor
            ),
            lead,
            actions,
        )
        for lead, actions in sorted(owing.items(), key=lambda item: (item[0].full_name.casefold(), item[0].pk))
    ]


def as_emailed(message: Message, lead: User) -> str:
    """The plain-text e-mail ``lead`` receives for ``message``, word for word, for a preview."""
    notification = Notification(
        recipient=lead,
        kind=Kind.RETURNS_DUE,
        subject=message.subject,
        body=message.body,
        path=message.path,
        reason=AUDIENCES[Kind.RETURNS_DUE].reason_if_named,
    )
    context = {"notification": notification, "person": lead, "site_url": settings.SITE_URL.rstrip("/")}
    # Plain text, not markup: a page showing it escapes it (the officer's message is theirs, as typed).
    return str.__str__(render_to_string("notifications/email/notification.txt", context))
