"""Writes about board meetings, named for what the officer does: add a meeting, change it, record
who attended; and what a person does with their calendar: make a new secret feed address."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from csp_portal import writes
from csp_portal.organisations.models import Partnership, User
from csp_portal.quarters import Quarter

from . import queries
from .models import Attendance, CalendarFeed, Meeting

MEETING_FIELDS = ("starts", "ends", "place", "notes")


def _check(starts: datetime, ends: datetime | None) -> None:
    if ends is not None and ends <= starts:
        raise ValidationError({"ends": "The meeting must end after it starts"})


@transaction.atomic
def add_meeting(
    partnership: Partnership,
    *,
    actor: User | None,
    reviews: Quarter,
    starts: datetime,
    ends: datetime | None = None,
    place: str = "",
    notes: str = "",
) -> Meeting:
    """Put a board meeting in the partnership's calendar, with the quarter it reviews."""
    _check(starts, ends)
    meeting = Meeting(partnership=partnership, starts=starts, ends=ends, place=place.strip(), notes=notes.strip())
    meeting.quarter = reviews
    writes.save(meeting, actor=actor)
    return meeting


@transaction.atomic
def change_meeting(meeting: Meeting, *, actor: User | None, reviews: Quarter, **values) -> bool:
    """Change when or where a meeting is, or the quarter it reviews. True if anything changed."""
    locked = Meeting.objects.select_for_update().select_related("partnership").get(pk=meeting.pk)
    values = {name: values[name] for name in MEETING_FIELDS if name in values}
    values.update(place=values.get("place", locked.place).strip(), notes=values.get("notes", locked.notes).strip())
    _check(values.get("starts", locked.starts), values.get("ends", locked.ends))
    return writes.update(locked, {**values, "year": reviews.year, "number": reviews.number}, actor=actor)


@transaction.atomic
def record_attendance(
    meeting: Meeting, *, actor: User | None, attended: Iterable[int], apologies: Iterable[int]
) -> list[Attendance]:
    """Record, for each of the partnership's board members, whether they attended the meeting, sent
    apologies or were absent, with whether they vote (from their board role). All or nothing."""
    attended, apologies = set(attended), set(apologies)
    both = attended & apologies
    if both:
        raise ValidationError({"apologies": "A member either attended or sent apologies, not both"})
    members = {role.user_id: role for role in queries.board_members(meeting.partnership)}
    existing = {row.person_id: row for row in Attendance.objects.select_for_update().filter(meeting=meeting)}
    unknown = (attended | apologies) - set(members) - set(existing)
    if unknown:
        raise ValidationError({"attended": "Choose only the partnership's board members"})
    rows = []
    for person_id in sorted(set(members) | set(existing)):
        presence = (
            Attendance.Presence.ATTENDED
            if person_id in attended
            else Attendance.Presence.APOLOGIES
            if person_id in apologies
            else Attendance.Presence.ABSENT
        )
        role = members.get(person_id)
        row = existing.get(person_id) or Attendance(meeting=meeting, person_id=person_id)
        voting = role.voting if role is not None else row.voting
        if row.pk is None:
            row.presence, row.voting = presence, voting
            writes.save(row, actor=actor)
        else:
            writes.update(row, {"presence": presence, "voting": voting}, actor=actor)
        rows.append(row)
    return rows


# -- Calendar feeds -----------------------------------------------------------------------------------


@transaction.atomic
def new_calendar_address(person: User, *, actor: User | None) -> str:
    """Make the person a new secret calendar address and return its secret, which is shown once:
    only its hash is kept, and the old address stops working."""
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.select_for_update().filter(person=person).first() or CalendarFeed(person=person)
    feed.token_hash = queries.token_hash(token)
    feed.created = timezone.now()
    feed.last_used = None
    writes.save(feed, actor=actor)
    return token


def calendar_read(feed: CalendarFeed) -> None:
    """Note when a calendar app last read the feed (no history: it is not a change anyone made)."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used=timezone.now())
