"""Reads for the report pages that are more than a queryset; each runs a fixed number of queries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from actionplans.models import Action, ProgressReturn
from csp_portal.organisations.models import Partnership, Role, User
from csp_portal.quarters import Quarter

from .models import Attendance, CalendarFeed, Decision, Meeting, ReportJob, ReportSettings, ReportVersion

QUARTERS_OFFERED = 8


def versions_of(partnership: Partnership, quarter: Quarter | None = None) -> QuerySet[ReportVersion]:
    """Issued reports (of ``quarter``, if given), newest quarter and version first (without their
    snapshots, which are large)."""
    versions = ReportVersion.objects.filter(partnership=partnership)
    if quarter is not None:
        versions = versions.filter(year=quarter.year, number=quarter.number)
    return (
        versions.select_related("issued_by", "partnership").defer("snapshot").order_by("-year", "-number", "-version")
    )


def issued_in(partnership: Partnership) -> QuerySet[ReportVersion]:
    """The partnership's issued reports with their snapshots, to show one as a web page."""
    return ReportVersion.objects.filter(partnership=partnership).select_related("partnership")


def latest_issued(partnership: Partnership, quarter: Quarter) -> ReportVersion | None:
    """The newest issued version of the quarter's report, with its snapshot, to compare today's with."""
    return (
        ReportVersion.objects.filter(partnership=partnership, year=quarter.year, number=quarter.number)
        .select_related("issued_by")
        .order_by("-version")
        .first()
    )


def jobs_in(partnership: Partnership) -> QuerySet[ReportJob]:
    """The partnership's report jobs, with who asked and what they made."""
    return ReportJob.objects.filter(partnership=partnership).select_related("requested_by", "result", "partnership")


def jobs_of(partnership: Partnership, quarter: Quarter | None = None, limit: int = 10) -> list[ReportJob]:
    """The partnership's latest requests for its quarterly reports (of ``quarter``, if given)."""
    jobs = jobs_in(partnership).filter(kind__in=ReportJob.QUARTERLY)
    if quarter is not None:
        jobs = jobs.filter(year=quarter.year, number=quarter.number)
    return list(jobs.order_by("-created", "-pk")[:limit])


def settings_of(partnership: Partnership) -> ReportSettings:
    found = ReportSettings.objects.filter(partnership=partnership).first()
    return found or ReportSettings(partnership=partnership)


def quarters_offered(today_quarter: Quarter | None = None) -> list[Quarter]:
    """The quarter under way and the seven before it, newest first."""
    current = today_quarter or Quarter.current()
    return [current - n for n in range(QUARTERS_OFFERED)]


def returns_in(partnership: Partnership) -> QuerySet[ProgressReturn]:
    """The progress returns of the partnership's actions, with what the decision page shows."""
    return ProgressReturn.objects.filter(action__partnership=partnership).select_related(
        "action__partnership", "action__priority", "action__lead_user", "action__lead_agency"
    )


def decisions_on(progress: ProgressReturn) -> list[Decision]:
    return list(progress.board_decisions.select_related("recorded_by", "meeting").order_by("meeting__starts", "id"))


def action_decisions(action: Action) -> list[Decision]:
    """The board's decisions on the escalations of an action's returns, newest meeting first."""
    return list(
        Decision.objects.filter(progress_return__action=action)
        .select_related("progress_return", "recorded_by", "meeting")
        .order_by("-meeting__starts", "-id")
    )


# -- Board meetings -----------------------------------------------------------------------------------


def _today_starts() -> datetime:
    """Midnight at the start of today, in the site's time zone: a meeting later today is still next."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def meetings_of(partnership: Partnership) -> QuerySet[Meeting]:
    """The partnership's board meetings, earliest first."""
    return Meeting.objects.filter(partnership=partnership).select_related("partnership").order_by("starts", "id")


def next_meetings(partnership_ids, now: datetime | None = None) -> dict[int, Meeting]:
    """{partnership id: its next board meeting (today's included)} for those that have one: one query."""
    since = now or _today_starts()
    upcoming = Meeting.objects.filter(starts__gte=since)
    first = upcoming.filter(partnership_id=OuterRef("partnership_id")).order_by("starts", "id").values("pk")[:1]
    found = upcoming.filter(partnership_id__in=list(partnership_ids), pk=Subquery(first)).select_related("partnership")
    return {meeting.partnership_id: meeting for meeting in found}


def next_meeting(partnership: Partnership) -> Meeting | None:
    return next_meetings([partnership.pk]).get(partnership.pk)


def newest_versions(partnership: Partnership) -> dict[Quarter, ReportVersion]:
    """{quarter: its newest issued version}: the report issued for a meeting reviewing that quarter."""
    newest = ReportVersion.objects.filter(
        partnership_id=OuterRef("partnership_id"), year=OuterRef("year"), number=OuterRef("number")
    ).order_by("-version")
    versions = versions_of(partnership).filter(pk=Subquery(newest.values("pk")[:1]))
    return {version.quarter: version for version in versions}


def issued_for(meeting: Meeting) -> ReportVersion | None:
    """The report issued for a meeting: the newest version of the quarter it reviews."""
    return versions_of(meeting.partnership, meeting.quarter).first()


@dataclass
class MeetingRow:
    meeting: Meeting
    report: ReportVersion | None
    decisions: int
    upcoming: bool


def meeting_rows(partnership: Partnership) -> tuple[list[MeetingRow], list[MeetingRow]]:
    """The partnership's meetings to come (soonest first) and past (newest first), each with the
    report issued for the quarter it reviews and the number of decisions recorded at it: 2 queries."""
    reports = newest_versions(partnership)
    since = _today_starts()
    rows = [
        MeetingRow(meeting, reports.get(meeting.quarter), meeting.decision_count, meeting.starts >= since)
        for meeting in meetings_of(partnership).annotate(decision_count=Count("decisions"))
    ]
    upcoming = [row for row in rows if row.upcoming]
    past = [row for row in reversed(rows) if not row.upcoming]
    return upcoming, past


def decisions_at(meeting: Meeting) -> list[Decision]:
    """The decisions recorded at a meeting, with the actions and escalations they were about."""
    return list(
        meeting.decisions.select_related(
            "progress_return__action__priority", "progress_return__action__lead_user", "recorded_by"
        ).order_by("progress_return__action__priority__order", "progress_return__action__order", "id")
    )


def attendance_at(meeting: Meeting) -> list[Attendance]:
    """Who was recorded at a meeting: voting members first, then by name."""
    return list(meeting.attendance.select_related("person").order_by("-voting", "person__full_name", "id"))


def board_members(partnership: Partnership) -> list[Role]:
    """The partnership's active board members, voting members first, then by name."""
    return list(
        Role.objects.filter(partnership=partnership, role=Role.Kind.BOARD, user__is_active=True)
        .select_related("user")
        .order_by("-voting", "user__full_name", "user_id")
    )


def meetings_to_decide_at(progress: ProgressReturn) -> QuerySet[Meeting]:
    """The meetings a decision on an escalation can have been taken at: the partnership's meetings
    since the escalation's quarter began, up to today, newest first."""
    partnership = progress.action.partnership
    today = timezone.localdate()
    return (
        meetings_of(partnership)
        .filter(starts__date__gte=progress.quarter.start, starts__date__lte=today)
        .order_by("-starts", "-id")
    )


# -- Calendar feeds -----------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_for(token: str) -> CalendarFeed | None:
    """The calendar feed whose secret address holds ``token``, if its person is still active."""
    return (
        CalendarFeed.objects.select_related("person")
        .filter(token_hash=token_hash(token), person__is_active=True)
        .first()
    )


def has_feed(person: User) -> bool:
    return CalendarFeed.objects.filter(person=person).exists()


def calendar_meetings(person: User) -> list[Meeting]:
    """The board meetings of every partnership where the person holds a role: one query."""
    partnerships = Role.objects.filter(user=person).values("partnership_id")
    return list(
        Meeting.objects.filter(partnership_id__in=partnerships).select_related("partnership").order_by("starts", "id")
    )
