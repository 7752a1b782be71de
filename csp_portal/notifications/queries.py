"""Reading a person's notifications and choices."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from csp_portal.organisations.models import User

from .kinds import AUDIENCES, Delivery, Kind
from .models import Notification, Preference

LISTED = 100  # the newest, on the list page; older ones stay in the database


def notifications_of(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).select_related("partnership")[:LISTED])


def notification_of(user: User) -> QuerySet[Notification]:
    """The user's own notifications: where one is looked up by its number, nobody else's is found."""
    return Notification.objects.filter(recipient=user)


@dataclass(frozen=True)
class Choice:
    kind: str
    label: str
    delivery: str
    optional: bool


def choices_of(user: User) -> list[Choice]:
    """Each kind of notification with how the user has it e-mailed (at once, unless they chose)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return [
        Choice(kind.value, kind.label, chosen.get(kind.value, Delivery.IMMEDIATE), AUDIENCES[kind].optional)
        for kind in Kind
    ]
