"""What the reports tell people: a report issued (to the partnership's board members) and a board
decision on an escalation (to the action's lead and the partnership's officers); and the line that
counts down to the board's next meeting in the officers' notices. Who is told is decided in
csp_portal.notifications.kinds."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.services import Message, quoted, tell
from csp_portal.organisations.models import Partnership, User

from . import queries
from .models import Decision, ReportJob


def report_issued(job: ReportJob) -> None:
    version, partnership, quarter = job.result, job.partnership, job.quarter
    message = Message(
        subject=f"{partnership.name}: the {quarter.label} quarterly monitoring report is issued",
        body=(
            f"Version {version.version} of the {quarter.label} quarterly monitoring report of {partnership.name} "
            f"({quarter.months}) has been issued for the board. Download it to read before the meeting."
        ),
        path=reverse("reports:report_quarter", args=[partnership.slug, quarter]),
    )
    tell(Kind.REPORT_ISSUED, message, partnership=partnership, actor=job.requested_by)


def report_ready(job: ReportJob) -> None:
    """Whoever asked for the report (for a draft made when the quarter ended, the partnership's
    officers) hears that it is ready, or that it could not be made and why."""
    partnership, quarter = job.partnership, job.quarter
    report = f"the {quarter.label} quarterly monitoring report of {partnership.name}"
    what = f"{quarter.label} report"
    if job.kind == ReportJob.Kind.RECOMMENDATIONS:
        report = f"the recommendations status report of {partnership.name}"
        what = "Recommendations status report"
    if job.status != ReportJob.Status.READY:
        subject = f"{what} could not be rendered: {partnership.name}"
        body = f"{report[0].upper()}{report[1:]} could not be rendered. {job.error}"
    elif job.kind == ReportJob.Kind.RECOMMENDATIONS:
        subject = f"{what} ready: {partnership.name}"
        body = f"The PDF of {report} that you asked for is ready."
    else:
        issued = job.kind == ReportJob.Kind.ISSUE
        subject = f"{'Issued' if issued else 'Draft'} {quarter.label} report ready: {partnership.name}"
        if issued:
            body = f"Version {job.result.version} of {report} has been issued. Board members can now download it."
        elif job.scheduled:
            body = (
                f"{quarter.label} has ended, so a draft of {report} has been made from the returns received so far. "
                "Check it, and issue the report for the board when the returns are in."
            )
        else:
            body = f"The draft of {report} that you asked for is ready."
    message = Message(subject=subject, body=body, path=job.get_absolute_url())
    if job.requested_by_id:
        tell(Kind.REPORT_READY, message, partnership=partnership, people=[job.requested_by])
    elif job.scheduled:
        tell(Kind.DRAFT_MADE, message, partnership=partnership)


def decision_recorded(decision: Decision, *, actor: User | None) -> None:
    progress = decision.progress_return
    action = progress.action
    message = Message(
        subject=f"The board decided on the escalation for {quoted(action.title)}",
        body=(
            f"At its meeting on {decision.meeting_date:%-d %B %Y} the board considered the support asked for in the "
            f"{progress.quarter.label} return for {quoted(action.title)}: {decision.get_outcome_display()}. "
            f"What it decided: {quoted(decision.decision)}"
        ),
        path=action.get_absolute_url(),
    )
    tell(Kind.DECISION_RECORDED, message, partnership=action.partnership, people=[action.lead_user], actor=actor)


def countdown(partnership: Partnership) -> str:
    """'The board meets on 14 January 2027, in 12 days.' for the partnership's next meeting, or ''."""
    meeting = queries.next_meeting(partnership)
    if meeting is None:
        return ""
    day = timezone.localtime(meeting.starts).date()
    days = (day - timezone.localdate()).days
    when = "today" if days == 0 else f"in {days} day{'' if days == 1 else 's'}"
    return f"The board meets on {day.day} {day:%B %Y}, {when}."
