"""The board's meetings: the list (next first, then past), a meeting's page (its report, the
decisions recorded at it, who attended), the officer's pages that add and change meetings and record
attendance, and the iCalendar files: one meeting's, and each person's feed at a secret address
that calendar apps read without signing in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from csp_portal import pages
from csp_portal.organisations.permissions import partnership_for
from csp_portal.quarters import Quarter

from . import calendar, meeting_services, queries
from .forms import AttendanceForm, MeetingForm, error_links
from .models import Meeting

VIEW = "reports.view_reports"
PREPARE = "reports.prepare_reports"
QUARTERS_BEFORE, QUARTERS_AFTER = 6, 1


def _meeting(request, slug: str, meeting_id: int, permission: str = VIEW) -> Meeting:
    partnership = partnership_for(request.user, slug, permission)
    return pages.one_or_404(queries.meetings_of(partnership), "board meeting", pk=meeting_id)


def _ics(content: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def meeting_list(request, slug: str):
    """The partnership's board meetings: the next ones first, then the past, newest first."""
    partnership = partnership_for(request.user, slug, VIEW)
    upcoming, past = queries.meeting_rows(partnership)
    return render(
        request,
        "reports/meeting_list.html",
        {
            "partnership": partnership,
            "upcoming": upcoming,
            "past": past,
            "can_prepare": request.user.has_perm(PREPARE, partnership),
        },
    )


@login_required
def meeting_detail(request, slug: str, meeting_id: int):
    """A meeting: when and where, the quarter it reviews and its report, the decisions recorded at
    it, and who attended."""
    meeting = _meeting(request, slug, meeting_id)
    attendance = queries.attendance_at(meeting)
    return render(
        request,
        "reports/meeting_detail.html",
        {
            "partnership": meeting.partnership,
            "meeting": meeting,
            "report": queries.issued_for(meeting),
            "decisions": queries.decisions_at(meeting),
            "voting": [row for row in attendance if row.voting],
            "non_voting": [row for row in attendance if not row.voting],
            "can_prepare": request.user.has_perm(PREPARE, meeting.partnership),
        },
    )


@login_required
def meeting_ics(request, slug: str, meeting_id: int):
    """One meeting as an iCalendar file, to add to one's calendar."""
    meeting = _meeting(request, slug, meeting_id)
    content = calendar.calendar([meeting], f"{meeting.partnership.name} board")
    return _ics(content, f"{meeting.partnership.slug}-board-{meeting.starts:%Y-%m-%d}.ics")


def _quarters(meeting: Meeting | None = None) -> list[Quarter]:
    current = Quarter.current()
    offered = [current + n for n in range(QUARTERS_AFTER, -QUARTERS_BEFORE - 1, -1)]
    if meeting is not None and meeting.quarter not in offered:
        offered.append(meeting.quarter)
    return offered


def _meeting_form(request, partnership, meeting: Meeting | None):
    """Add a meeting (``meeting`` None) or change one."""
    initial = MeetingForm.initial_for(meeting) if meeting else {"reviews": (Quarter.current() - 1).label}
    form = MeetingForm(request.POST or None, initial=initial, quarters=_quarters(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            if meeting is None:
                meeting = meeting_services.add_meeting(partnership, actor=request.user, **form.values())
            else:
                meeting_services.change_meeting(meeting, actor=request.user, **form.values())
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, "The board meeting has been saved.")
            return redirect(meeting)
    context = {"partnership": partnership, "meeting": meeting, "form": form, "errors": error_links(form)}
    return render(request, "reports/meeting_form.html", context)


@login_required
def meeting_add(request, slug: str):
    return _meeting_form(request, partnership_for(request.user, slug, PREPARE), None)


@login_required
def meeting_edit(request, slug: str, meeting_id: int):
    meeting = _meeting(request, slug, meeting_id, PREPARE)
    return _meeting_form(request, meeting.partnership, meeting)


@login_required
def meeting_attendance(request, slug: str, meeting_id: int):
    """Record who attended: one checkbox per board member for 'attended' and for 'sent apologies'."""
    meeting = _meeting(request, slug, meeting_id, PREPARE)
    recorded = queries.attendance_at(meeting)
    people = {
        role.user_id: _person_label(role.user, role.voting) for role in queries.board_members(meeting.partnership)
    }
    for row in recorded:
        people.setdefault(row.person_id, _person_label(row.person, row.voting))
    initial = {
        "attended": [row.person_id for row in recorded if row.presence == row.Presence.ATTENDED],
        "apologies": [row.person_id for row in recorded if row.presence == row.Presence.APOLOGIES],
    }
    # Nobody ticked is a real answer (everyone absent), so an empty post is still a post.
    posted = request.POST if request.method == "POST" else None
    form = AttendanceForm(posted, initial=initial, people=list(people.items()))
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.record_attendance(meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, "The attendance has been recorded.")
            return redirect(meeting)
    context = {"partnership": meeting.partnership, "meeting": meeting, "form": form, "errors": error_links(form)}
    context["no_members"] = not people
    return render(request, "reports/meeting_attendance.html", context)


def _person_label(person, voting: bool) -> str:
    return f"{person.full_name or person.email}{'' if voting else ' (non-voting)'}"


# -- Calendar feeds -----------------------------------------------------------------------------------


@login_required
def calendar_subscribe(request, slug: str):
    """Subscribe to one's board meetings in a calendar app: the secret address is shown once, when
    it is made; making a new one stops the old one working."""
    partnership = partnership_for(request.user, slug, VIEW)
    address = None
    if request.method == "POST":
        token = meeting_services.new_calendar_address(request.user, actor=request.user)
        address = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    context = {"partnership": partnership, "address": address, "has_feed": queries.has_feed(request.user)}
    response = render(request, "reports/calendar_subscribe.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@never_cache
def calendar_feed(request, token: str):
    """A person's board meetings, for calendar apps: no sign-in, the secret address is the key."""
    feed = queries.feed_for(token)
    if feed is None:
        raise Http404("No such calendar.")
    meeting_services.calendar_read(feed)
    content = calendar.calendar(queries.calendar_meetings(feed.person), "Board meetings")
    return _ics(content)
