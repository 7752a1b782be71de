"""Telling people: one row per person told, their e-mail sent after the change commits (at once, in
the weekly digest, or not at all, as they chose), and the sweep that sends what the queue missed."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from csp_portal import queueing
from csp_portal.organisations.models import Partnership, Role, User

from .kinds import AUDIENCES, Delivery, Kind
from .models import Notification, Preference

log = logging.getLogger(__name__)

_WITHOUT_EMAILS = contextvars.ContextVar("notifications_without_emails", default=False)

SEND_TASK = "notifications.send_emails"  # sent by name: the tasks module imports this one
WAITING = "Waiting for a worker"
DELAYED = "The e-mail is delayed: the background service is unavailable. It will be sent when it is back."
LOST_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 5
DIGEST_EVERY = timedelta(days=7)


@dataclass(frozen=True)
class Message:
    """What happened, in the words every person told reads: the subject, a few plain-text lines
    saying what is asked of them, and the page it is about."""

    subject: str
    body: str
    path: str


@contextmanager
def without_emails() -> Iterator[None]:
    """Within the block, people are told in the portal only: for loading the demonstration data,
    whose people are not real and whose events did not just happen."""
    token = _WITHOUT_EMAILS.set(True)
    try:
        yield
    finally:
        _WITHOUT_EMAILS.reset(token)


def quoted(text: str) -> str:
    """Text a person typed, inside a message: on one line and in quotation marks."""
    return "“" + " ".join(str(text).split()) + "”"


def tell(
    kind: Kind,
    message: Message,
    *,
    partnership: Partnership | None = None,
    people: Iterable[User | None] = (),
    actor: User | None = None,
) -> list[Notification]:
    """Notify the audience ``kinds.AUDIENCES`` gives ``kind``: the holders of its roles in
    ``partnership`` and/or ``people``, never ``actor``, never anyone inactive. Costs the same few
    queries however many are told; their e-mails go once the caller's transaction commits."""
    recipients = _audience(kind, partnership, people, actor)
    if not recipients:
        return []
    deliveries = dict(
        Preference.objects.filter(user__in=list(recipients), kind=kind).values_list("user_id", "delivery")
    )
    optional = AUDIENCES[kind].optional
    quiet = _WITHOUT_EMAILS.get()
    rows = [
        Notification(
            recipient=person,
            partnership=partnership,
            kind=kind,
            subject=message.subject[:200],
            body=message.body,
            path=message.path,
            reason=reason.format(partnership=partnership.name if partnership else "")[:300],
            status=_status(_delivery(deliveries.get(person.pk), optional=optional, quiet=quiet)),
            stage=WAITING,
        )
        for person, reason in recipients.items()
    ]
    created = Notification.objects.bulk_create(rows)
    User.objects.filter(pk__in=[person.pk for person in recipients]).update(
        unread_notifications=F("unread_notifications") + 1
    )
    queued = [row.pk for row in created if row.status == Notification.Email.QUEUED]
    if queued:
        transaction.on_commit(lambda: dispatch(queued))
    return created


def _audience(kind: Kind, partnership, people, actor) -> dict[User, str]:
    audience = AUDIENCES[kind]
    told: dict[User, str] = {}
    if audience.roles and partnership is not None:
        holders = Role.objects.filter(partnership=partnership, role__in=audience.roles, user__is_active=True)
        for role in holders.select_related("user").order_by("user_id"):
            told.setdefault(role.user, audience.reason_for_role)
    if audience.named:
        for person in people:
            if person is not None and person.is_active:
                told[person] = audience.reason_if_named  # the more particular reason wins
    if actor is not None:
        told.pop(actor, None)
    return told


def _delivery(chosen: str | None, *, optional: bool, quiet: bool) -> str:
    if quiet:
        return Delivery.NONE
    if not optional:
        return Delivery.IMMEDIATE
    return chosen or Delivery.IMMEDIATE


def _status(delivery: str) -> str:
    return {
        Delivery.IMMEDIATE: Notification.Email.QUEUED,
        Delivery.WEEKLY: Notification.Email.DIGEST,
        Delivery.NONE: Notification.Email.NOT_SENT,
    }[delivery]


# -- Sending ---------------------------------------------------------------------------------------


def dispatch(ids: list[int]) -> bool:
    """Hand the queued e-mails ``ids`` to the workers in one message; while the queue is unreachable
    they wait, and the sweep sends them later."""
    now = timezone.now()
    claimed = Notification.objects.filter(pk__in=ids, status=Notification.Email.QUEUED, sent__isnull=True)
    if not claimed.update(sent=now):
        return False
    if queueing.send(SEND_TASK, list(ids)):
        return True
    Notification.objects.filter(pk__in=ids, status=Notification.Email.QUEUED, sent=now).update(sent=None, stage=DELAYED)
    return False


def resend_waiting(now: datetime | None = None) -> int:
    """The sweep (every minute): send the e-mails queued while the queue was down, or lost by it."""
    now = now or timezone.now()
    queued = Notification.objects.filter(status=Notification.Email.QUEUED)
    queued.filter(sent__lt=now - LOST_AFTER).update(sent=None)
    ids = list(queued.filter(sent__isnull=True).order_by("pk").values_list("pk", flat=True)[:1000])
    return len(ids) if ids and dispatch(ids) else 0


def send_emails(ids: list[int]) -> int:
    """The worker's part: send each queued e-mail once (claimed with a conditional UPDATE, so that a
    second copy of the task sends nothing). A failed send goes back to the queue for the sweep,
    until it has had MAX_ATTEMPTS."""
    sent = 0
    for pk in ids:
        if not Notification.objects.filter(pk=pk, status=Notification.Email.QUEUED).update(
            status=Notification.Email.SENDING
        ):
            continue
        notification = Notification.objects.select_related("recipient", "partnership").get(pk=pk)
        try:
            _email(notification.recipient, "notifications/email/notification", {"notification": notification})
        except OSError as error:  # smtplib's errors are OSErrors
            _failed(notification, error)
            continue
        Notification.objects.filter(pk=pk).update(status=Notification.Email.SENT, emailed_at=timezone.now())
        sent += 1
    return sent


def _failed(notification: Notification, error: Exception) -> None:
    attempts = notification.attempts + 1
    status = Notification.Email.FAILED if attempts >= MAX_ATTEMPTS else Notification.Email.QUEUED
    log.warning("notification %s not e-mailed (attempt %s): %s", notification.pk, attempts, error)
    Notification.objects.filter(pk=notification.pk).update(
        status=status, attempts=attempts, sent=None, stage=str(error)[:200]
    )


def _email(person: User, template: str, context: dict, connection=None) -> None:
    context = {**context, "person": person, "site_url": settings.SITE_URL.rstrip("/")}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    message = EmailMultiAlternatives(subject, text, to=[person.email], connection=connection)
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


# -- The weekly digest -----------------------------------------------------------------------------


def send_weekly_digests(now: datetime | None = None) -> int:
    """Weekly (beat): one e-mail to each person listing what waited for their digest, over one
    connection to the mail server. Each person's rows are claimed with a conditional UPDATE, so two
    runs never send one twice; a person whose e-mail fails keeps theirs for the next run."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(status=Notification.Email.DIGEST, created__lte=now)
    people = User.objects.filter(pk__in=waiting.values("recipient_id"), is_active=True).order_by("pk")
    sent = 0
    with get_connection() as connection:
        for person in people.iterator():
            sent += _send_digest(person, waiting, now, connection)
    return sent


def _send_digest(person: User, waiting, now: datetime, connection) -> int:
    ids = list(waiting.filter(recipient=person).values_list("pk", flat=True))
    if not Notification.objects.filter(pk__in=ids, status=Notification.Email.DIGEST).update(
        status=Notification.Email.IN_DIGEST, emailed_at=now
    ):
        return 0
    items = list(Notification.objects.filter(pk__in=ids).select_related("partnership").order_by("created"))
    try:
        _email(person, "notifications/email/digest", {"items": items, "since": now - DIGEST_EVERY}, connection)
    except OSError as error:
        log.warning("weekly digest for %s not sent: %s", person.pk, error)
        Notification.objects.filter(pk__in=ids).update(status=Notification.Email.DIGEST, emailed_at=None)
        return 0
    return 1


# -- Reading them ----------------------------------------------------------------------------------


def open_notification(notification: Notification, *, actor: User) -> str:
    """Mark the actor's notification read; returns the page it is about."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        _recount(actor)
    return notification.path


def mark_all_read(*, actor: User) -> int:
    marked = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
    _recount(actor)
    return marked


def _recount(person: User) -> None:
    """The person's unread count, counted afresh (so that it can never drift for long)."""
    unread = Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
    User.objects.filter(pk=person.pk).update(
        unread_notifications=Coalesce(Subquery(unread.values("recipient").annotate(n=Count("pk")).values("n")), 0)
    )


@transaction.atomic
def choose_deliveries(*, actor: User, choices: dict[str, str]) -> None:
    """Record how the actor wants each optional kind e-mailed."""
    for kind, delivery in choices.items():
        if not AUDIENCES[kind].optional:
            continue
        Preference.objects.update_or_create(user=actor, kind=kind, defaults={"delivery": delivery})
