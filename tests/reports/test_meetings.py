"""Board meetings as records: the officer adds them and records who attended; everyone with a role in
the partnership reads the list and each meeting's page (its report, the decisions recorded at it,
the voting and non-voting members); decisions are recorded at a meeting chosen from the list;
calendar apps read each person's meetings from a secret address; the officers' notices count down
to the next meeting."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from actionplans import notices as action_notices
from csp_portal import agenda
from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.models import Notification
from csp_portal.organisations.models import Role
from reports import meeting_services, queries, services
from reports.forms import DecisionForm
from reports.models import Attendance, CalendarFeed, Decision, Meeting
from tests.factories import UserFactory

from .conftest import Q2, meeting_on
from .test_views import issued, queries_of, url

pytestmark = pytest.mark.django_db


def soon(days: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour)))


def meeting_post(**changes) -> dict:
    day = timezone.localdate() + timedelta(days=20)
    values = {
        "day_0": str(day.day),
        "day_1": str(day.month),
        "day_2": str(day.year),
        "starts": "10:00",
        "ends": "12:30",
        "reviews": "2025/26 Q2",
        "place": "Town Hall, Lancaster",
        "notes": "Papers a week before.",
    }
    return values | changes


def non_voting_member(cast, name="Olive Observer"):
    person = UserFactory(email=f"{name.split()[0].lower()}@example.org", full_name=name)
    Role.objects.create(user=person, partnership=cast.lancaster, role=Role.Kind.BOARD, voting=False)
    return person


# -- Services -----------------------------------------------------------------------------------------


def test_the_officer_adds_and_changes_a_meeting_with_its_history(cast):
    meeting = meeting_services.add_meeting(
        cast.lancaster, actor=cast.officer, reviews=Q2, starts=soon(5), ends=soon(5, 12), place=" Online "
    )
    assert (meeting.reviews, meeting.place, meeting.history.get().history_user) == (Q2, "Online", cast.officer)
    assert meeting_services.change_meeting(meeting, actor=cast.officer, reviews=Q2 + 1, place="Town Hall")
    meeting.refresh_from_db()
    assert (meeting.quarter, meeting.place, meeting.history.count()) == (Q2 + 1, "Town Hall", 2)
    with pytest.raises(ValidationError, match="end after it starts"):
        meeting_services.change_meeting(meeting, actor=cast.officer, reviews=Q2, ends=soon(5, 9))


def test_attendance_records_every_board_member_with_their_vote(cast):
    observer = non_voting_member(cast)
    meeting = meeting_on(cast.lancaster, date(2025, 10, 20))
    meeting_services.record_attendance(meeting, actor=cast.officer, attended=[cast.board_member.pk], apologies=[])
    meeting_services.record_attendance(
        meeting, actor=cast.officer, attended=[cast.board_member.pk], apologies=[observer.pk]
    )
    rows = {row.person: (row.voting, row.presence) for row in queries.attendance_at(meeting)}
    assert rows == {cast.board_member: (True, "attended"), observer: (False, "apologies")}
    assert Attendance.objects.get(person=observer).history.count() == 2


@pytest.mark.parametrize("who", ["both", "stranger"])
def test_attendance_that_makes_no_sense_is_refused_and_nothing_saved(cast, who):
    meeting = meeting_on(cast.lancaster, date(2025, 10, 20))
    apologies = [cast.board_member.pk] if who == "both" else []
    person = cast.board_member if who == "both" else cast.csr_officer
    with pytest.raises(ValidationError):
        meeting_services.record_attendance(meeting, actor=cast.officer, attended=[person.pk], apologies=apologies)
    assert not Attendance.objects.exists()


def test_next_meetings_of_many_partnerships_in_one_query(cast):
    meeting_on(cast.lancaster, timezone.localdate() - timedelta(days=3))
    later = Meeting.objects.create(partnership=cast.lancaster, starts=soon(30), year=2025, number=3)
    sooner = Meeting.objects.create(partnership=cast.lancaster, starts=soon(2), year=2025, number=3)
    theirs = Meeting.objects.create(partnership=cast.chorley_south_ribble, starts=soon(9), year=2025, number=3)
    ids = [cast.lancaster.pk, cast.chorley_south_ribble.pk, cast.lancashire.pk]
    with CaptureQueriesContext(connection) as captured:
        found = queries.next_meetings(ids)
        assert found[cast.lancaster.pk].partnership == cast.lancaster
    assert len(captured) == 1
    assert found == {cast.lancaster.pk: sooner, cast.chorley_south_ribble.pk: theirs}
    assert later not in found.values() and list(queries.meetings_of(cast.lancaster))[-1] == later


def test_the_officers_notice_of_a_submitted_return_counts_down_to_the_next_meeting(cast, data):
    Meeting.objects.create(partnership=cast.lancaster, starts=soon(12), year=2025, number=3)
    day = timezone.localdate() + timedelta(days=12)
    assert agenda.countdown(cast.lancaster) == f"The board meets on {day.day} {day:%B %Y}, in 12 days."
    assert agenda.countdown(cast.chorley_south_ribble) == ""
    action_notices.return_submitted(data.escalation, actor=cast.lead)
    told = Notification.objects.get(kind=Kind.RETURN_SUBMITTED, recipient=cast.officer)
    assert told.body.endswith(f"The board meets on {day.day} {day:%B %Y}, in 12 days.")


# -- Decisions at a meeting ---------------------------------------------------------------------------


def test_the_decision_form_offers_only_this_partnerships_held_meetings(cast, data):
    held = meeting_on(cast.lancaster, date(2025, 10, 20))
    meeting_on(cast.lancaster, timezone.localdate() + timedelta(days=5))  # not held yet
    meeting_on(cast.lancaster, date(2025, 6, 1))  # before the escalation's quarter began
    theirs = meeting_on(cast.chorley_south_ribble, date(2025, 10, 21))
    form = DecisionForm(meetings=queries.meetings_to_decide_at(data.escalation))
    assert list(form.fields["meeting"].queryset) == [held]
    posted = DecisionForm(
        {"meeting": theirs.pk, "outcome": "agreed", "decision": "Agreed."},
        meetings=queries.meetings_to_decide_at(data.escalation),
    )
    assert not posted.is_valid() and "meeting" in posted.errors


def test_a_decision_at_another_partnerships_meeting_is_refused(cast, data):
    theirs = meeting_on(cast.chorley_south_ribble, date(2025, 10, 21))
    with pytest.raises(ValidationError, match="this partnership's board"):
        services.record_decision(data.escalation, actor=cast.officer, meeting=theirs, outcome="agreed", decision="x")


# -- Pages --------------------------------------------------------------------------------------------


def test_board_member_reads_the_list_next_meeting_first_with_reports_and_decisions(login, cast, data, media):
    version = issued(cast)
    past = meeting_on(cast.lancaster, date(2025, 10, 20), place="Town Hall, Lancaster")
    services.record_decision(data.escalation, actor=cast.officer, meeting=past, outcome="agreed", decision="Yes.")
    meeting_on(cast.lancaster, timezone.localdate() + timedelta(days=14), Q2 + 1, place="Teams call 42")
    body = login(cast.board_member).get(url("meeting_list")).content.decode()
    assert (
        body.index("Next meetings")
        < body.index("Teams call 42")
        < body.index("Past meetings")
        < body.index("Town Hall")
    )
    assert version.get_absolute_url() in body and "Not issued yet" in body
    assert past.get_absolute_url() in body
    assert "Add a meeting" not in body


def test_the_meeting_page_shows_report_decisions_and_attendance(login, cast, data, media):
    version = issued(cast)
    observer = non_voting_member(cast)
    meeting = meeting_on(cast.lancaster, date(2025, 10, 20), place="Town Hall, Lancaster", notes="Room 2.")
    services.record_decision(data.escalation, actor=cast.officer, meeting=meeting, outcome="agreed", decision="Yes.")
    meeting_services.record_attendance(
        meeting, actor=cast.officer, attended=[cast.board_member.pk], apologies=[observer.pk]
    )
    body = login(cast.board_member).get(meeting.get_absolute_url()).content.decode()
    for expected in (
        "Meeting on Monday 20 October 2025",
        "Town Hall, Lancaster",
        "2025/26 Q2 (July to September 2025)",
        version.get_absolute_url(),
        data.campaign.title,
        "Yes.",
        "Voting members",
        f"{cast.board_member.full_name}: attended",
        "Non-voting members",
        "Olive Observer: sent apologies",
        "Room 2.",
    ):
        assert expected in body, expected
    assert "Record attendance" not in body


def test_the_officer_adds_changes_and_records_attendance(login, cast):
    client = login(cast.officer)
    response = client.post(url("meeting_add"), meeting_post())
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert (meeting.quarter, meeting.place, timezone.localtime(meeting.starts).time()) == (
        Q2,
        "Town Hall, Lancaster",
        time(10),
    )
    assert timezone.localtime(meeting.ends).time() == time(12, 30)
    form = client.get(url("meeting_edit", meeting_id=meeting.pk)).content.decode()
    assert 'value="12:30"' in form and "Town Hall, Lancaster" in form
    client.post(url("meeting_edit", meeting_id=meeting.pk), meeting_post(place="Online", reviews="2025/26 Q3"))
    meeting.refresh_from_db()
    assert (meeting.place, meeting.quarter) == ("Online", Q2 + 1)
    page = client.get(url("meeting_attendance", meeting_id=meeting.pk)).content.decode()
    assert cast.board_member.full_name in page
    response = client.post(url("meeting_attendance", meeting_id=meeting.pk), {"attended": [cast.board_member.pk]})
    assert response.status_code == 302
    assert Attendance.objects.get().presence == "attended"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts": ""}, "Enter the time the meeting starts"),
        ({"starts": "25:00"}, "24-hour clock"),
        ({"ends": "09:00"}, "The meeting must end after it starts"),
        ({"day_0": "31", "day_1": "2"}, "must be a real date"),
        ({"place": "Town Hall\nLancaster"}, "line"),
        ({"reviews": "1999/00 Q1"}, "Select a valid choice"),
    ],
)
def test_a_bad_meeting_is_explained_and_nothing_saved(login, cast, changes, message):
    response = login(cast.officer).post(url("meeting_add"), meeting_post(**changes))
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and message in body
    assert not Meeting.objects.exists()


def test_attendance_ticked_twice_is_explained_and_nothing_saved(login, cast):
    meeting = meeting_on(cast.lancaster, date(2025, 10, 20))
    both = {"attended": [cast.board_member.pk], "apologies": [cast.board_member.pk]}
    response = login(cast.officer).post(url("meeting_attendance", meeting_id=meeting.pk), both)
    assert response.status_code == 200 and "either attended or sent apologies" in response.content.decode()
    assert not Attendance.objects.exists()


def test_only_officers_change_meetings(login, cast):
    meeting = meeting_on(cast.lancaster, date(2025, 10, 20))
    client = login(cast.board_member)
    assert client.post(url("meeting_add"), meeting_post()).status_code == 403
    assert client.post(url("meeting_edit", meeting_id=meeting.pk), meeting_post()).status_code == 403
    assert client.post(url("meeting_attendance", meeting_id=meeting.pk), {}).status_code == 403
    assert Meeting.objects.count() == 1 and not Attendance.objects.exists()


@pytest.mark.parametrize("name", ["meeting_detail", "meeting_edit", "meeting_attendance", "meeting_ics"])
def test_another_partnerships_meeting_is_not_found(login, cast, name):
    theirs = meeting_on(cast.chorley_south_ribble, date(2025, 10, 20))
    mine = meeting_on(cast.lancaster, date(2025, 10, 20))
    assert login(cast.officer).get(url(name, meeting_id=theirs.pk)).status_code == 404
    assert login(cast.csr_officer).get(url(name, meeting_id=mine.pk)).status_code == 404
    assert login(cast.csr_officer).get(url(name, "chorley-south-ribble", meeting_id=mine.pk)).status_code == 404


def grow_meetings(cast, data, times: int) -> None:
    """Ten times the meetings, board members, attendance, decisions and issued reports."""
    for n in range(times):
        person = UserFactory(email=f"member{n}@example.org", full_name=f"Member {n}")
        Role.objects.create(user=person, partnership=cast.lancaster, role=Role.Kind.BOARD, voting=n % 2 == 0)
        meeting = meeting_on(cast.lancaster, date(2025, 7, 1) + timedelta(days=n), Q2 if n % 2 else Q2 - 1)
        Meeting.objects.create(partnership=cast.lancaster, starts=soon(n + 1), year=2025, number=3)
        Decision.objects.create(
            progress_return=data.escalation, meeting=meeting, outcome="noted", decision="Noted.", recorded_at=soon(0)
        )
        issued(cast, version=n + 2)
    for meeting in Meeting.objects.all():
        members = queries.board_members(cast.lancaster)
        meeting_services.record_attendance(meeting, actor=None, attended=[r.user_id for r in members], apologies=[])


def test_meeting_pages_do_not_grow_with_the_data(login, cast, data, media):
    issued(cast)
    meeting = meeting_on(cast.lancaster, date(2025, 10, 20))
    Meeting.objects.create(partnership=cast.lancaster, starts=soon(3), year=2025, number=3)
    services.record_decision(data.escalation, actor=cast.officer, meeting=meeting, outcome="agreed", decision="Yes.")
    meeting_services.record_attendance(meeting, actor=None, attended=[cast.board_member.pk], apologies=[])
    client = login(cast.officer)
    pages = [
        url("meeting_list"),
        url("meeting_detail", meeting_id=meeting.pk),
        url("meeting_attendance", meeting_id=meeting.pk),
        url("meeting_edit", meeting_id=meeting.pk),
        url("meeting_ics", meeting_id=meeting.pk),
    ]
    before = [queries_of(client, page) for page in pages]
    grow_meetings(cast, data, 10)
    assert [queries_of(client, page) for page in pages] == before


# -- iCalendar ----------------------------------------------------------------------------------------


def subscribe(client, slug="lancaster") -> str:
    """Make a new calendar address on the page, and return the path it shows once."""
    body = client.post(url("calendar_subscribe", slug)).content.decode()
    start = body.index("http://testserver/calendar/")
    return body[start : body.index('"', start)].removeprefix("http://testserver")


def events(response) -> dict[str, dict]:
    assert response["Content-Type"].startswith("text/calendar")
    parsed = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def test_the_feed_holds_the_meetings_of_every_partnership_one_has_a_role_in(client, login, cast, settings):
    settings.SITE_URL = "https://csp.example.org"
    mine = meeting_on(cast.lancaster, date(2025, 10, 20), place="Town Hall, Lancaster")
    county = meeting_on(cast.lancashire, date(2025, 11, 3))
    meeting_on(cast.chorley_south_ribble, date(2025, 10, 21))  # the officer has no role there
    path = subscribe(login(cast.officer))
    client.logout()
    found = events(client.get(path))
    assert len(found) == 2
    event = found[f"meeting-{mine.pk}@csp.example.org"]
    assert str(event["SUMMARY"]) == "Lancaster District CSP board: reviews 2025/26 Q2"
    assert str(event["LOCATION"]) == "Town Hall, Lancaster"
    assert str(event["URL"]) == f"https://csp.example.org{mine.get_absolute_url()}"
    assert event["DTSTART"].dt == datetime(2025, 10, 20, 9, 0, tzinfo=UTC)  # 10:00 BST
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=2)
    assert "LAST-MODIFIED" in event
    assert f"meeting-{county.pk}@csp.example.org" in found
    meeting_services.change_meeting(mine, actor=cast.officer, reviews=Q2, place="Online")
    assert str(events(client.get(path))[f"meeting-{mine.pk}@csp.example.org"]["LOCATION"]) == "Online"
    assert CalendarFeed.objects.get().last_used is not None


def test_a_new_address_stops_the_old_one_and_only_a_hash_is_kept(client, login, cast):
    meeting_on(cast.lancaster, date(2025, 10, 20))
    officer = login(cast.officer)
    first = subscribe(officer)
    page = officer.get(url("calendar_subscribe")).content.decode()
    assert "Make a new address" in page and first not in page
    second = subscribe(officer)
    token = second.removeprefix("/calendar/").removesuffix(".ics")
    assert CalendarFeed.objects.get().token_hash == queries.token_hash(token) != token
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_unknown_or_inactive_address_is_not_found(client, login, cast):
    assert client.get(reverse("calendar_feed", args=["not-a-real-token"])).status_code == 404
    path = subscribe(login(cast.board_member))
    cast.board_member.is_active = False
    cast.board_member.save()
    client.logout()
    assert client.get(path).status_code == 404


def test_one_meeting_downloads_as_ics(login, cast):
    meeting = meeting_on(cast.lancaster, date(2025, 10, 20))
    response = login(cast.board_member).get(url("meeting_ics", meeting_id=meeting.pk))
    assert "attachment" in response["Content-Disposition"]
    assert list(events(response)) == [f"meeting-{meeting.pk}@localhost"]


def test_the_feed_does_not_grow_with_the_meetings(client, login, cast, data):
    path = subscribe(login(cast.officer))
    client.logout()
    meeting_on(cast.lancaster, date(2025, 10, 20))
    before = queries_of(client, path)
    for n in range(10):
        meeting_on(cast.lancaster, date(2025, 7, 1) + timedelta(days=n))
        meeting_on(cast.lancashire, date(2025, 8, 1) + timedelta(days=n))
    assert queries_of(client, path) == before
    assert len(events(client.get(path))) == 21
