"""Board meetings as iCalendar (RFC 5545), for the calendar apps people subscribe with and the
one-meeting download: an event per meeting, its UID stable however the meeting changes, its times in
UTC, and a link to the meeting's page built from SITE_URL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from .models import Meeting

PRODUCT = "-//CSP Portal//Board meetings//EN"


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{urlsplit(_site()).hostname or 'csp-portal'}"


def summary(meeting: Meeting) -> str:
    return f"{meeting.partnership.name} board: reviews {meeting.quarter.label}"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _event(meeting: Meeting, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", stamp)
    event.add("dtstart", _utc(meeting.starts))
    event.add("dtend", _utc(meeting.finishes))
    event.add("summary", summary(meeting))
    if meeting.place:
        event.add("location", meeting.place)
    if meeting.notes:
        event.add("description", meeting.notes)
    event.add("url", _site() + meeting.get_absolute_url())
    event.add("last-modified", _utc(meeting.updated))
    return event


def calendar(meetings: Iterable[Meeting], name: str) -> bytes:
    """An iCalendar file with an event per meeting."""
    found = Calendar()
    found.add("prodid", PRODUCT)
    found.add("version", "2.0")
    found.add("calscale", "GREGORIAN")
    found.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for meeting in meetings:
        found.add_component(_event(meeting, stamp))
    return found.to_ical()
