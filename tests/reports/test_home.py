"""The home page: each role sees the work it is asked for now, across its partnerships, at a fixed
number of queries however much data there is."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import ProgressReturn
from assessments.models import CrimeImport
from reports.home.queries import LISTED
from reports.models import Decision, Meeting
from tests.actionplans.factories import ActionFactory, PriorityFactory

from .conftest import ACCEPTED, ON_PLAN, Q2, SUBMITTED, returned

# 5 October 2025: the 2025/26 Q2 returns (July to September) are due on 15 October.
TODAY = "2025-10-05 10:00:00+00:00"
NEXT_MEETING = datetime(2025, 10, 16, 9, tzinfo=UTC)  # 10:00 in London


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY):
        yield


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    """The text of one section of the home page, from its heading to the next section."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_a_lead_sees_the_returns_to_write_with_their_deadline(login, cast, data):
    html = home(login(cast.lead))
    mine = section(html, "returns-to-write")
    assert "15 October 2025" in html
    assert "MARAC improvements" in mine and "DV prevention campaign" in mine
    # MARAC improvements was on the plan from April and has no Q1 return: overdue.
    assert "1 return from earlier quarters is overdue" in mine
    assert reverse("actionplans:return_edit", args=["lancaster", data.marac.pk, Q2 - 1]) in mine
    assert 'id="officer-work"' not in html and 'id="board-work"' not in html and 'id="analyst-work"' not in html


def test_an_officer_sees_returns_to_review_owed_and_escalations_of_their_partnership_only(login, cast, data):
    owing = ActionFactory(priority=data.roads, title="Junction cameras", lead_user=cast.lead, created=ON_PLAN)
    html = home(login(cast.officer))
    officer = section(html, "officer-work")
    assert "Lancaster District CSP" in officer
    review = reverse("actionplans:return_review", args=["lancaster", data.marac.pk, Q2])
    assert review in officer, "the submitted MARAC return waits for review"
    assert "1 return</a>" in officer and owing.title not in officer, "one return owed, counted"
    decision = reverse("reports:report_decision", args=["lancaster", data.escalation.pk])
    assert decision in officer and "asked since 2025/26 Q2" in officer
    assert "Vehicle crime patrols" not in html, "another partnership's escalation"
    assert "Not drafted yet" in officer and "None arranged" in officer
    # The officer sits on the county board too: its card is among the board's.
    assert "Lancashire Community Safety Partnership Board" in section(html, "board-work")


def test_an_escalation_decided_leaves_the_lists_and_one_raised_twice_is_one_item(login, cast, data):
    again = returned(data.marac, Q2 - 1, "red", support_needed="Fund the coordinator post.")
    ProgressReturn.objects.filter(pk=data.marac.returns.get(year=Q2.year, number=Q2.number).pk).update(
        status=ACCEPTED, support_needed="Fund the coordinator post, please."
    )
    html = section(home(login(cast.board_member)), "board-work")
    assert html.count("MARAC improvements") == 2, "once among the decisions, once among the red actions"
    assert f"asked since {again.quarter.label}" in html
    meeting = Meeting.objects.create(partnership=cast.lancaster, starts=ON_PLAN, year=Q2.year, number=Q2.number)
    Decision.objects.create(
        progress_return=data.escalation,
        meeting=meeting,
        outcome=Decision.Outcome.AGREED,
        decision="Agreed.",
        recorded_at=ON_PLAN,
    )
    assert "DV prevention campaign" not in section(home(login(cast.board_member)), "board-work")


def test_a_board_member_sees_the_latest_report_the_next_meeting_the_agenda_and_red_actions(login, cast, data):
    ProgressReturn.objects.filter(action=data.marac, year=Q2.year, number=Q2.number).update(status=ACCEPTED)
    Meeting.objects.create(partnership=cast.lancaster, starts=ON_PLAN, year=Q2.year - 1, number=4)  # past
    meeting = Meeting.objects.create(
        partnership=cast.lancaster, starts=NEXT_MEETING, place="Town Hall", year=Q2.year, number=Q2.number
    )
    html = home(login(cast.board_member))
    board = section(html, "board-work")
    assert "None issued yet" in board
    assert meeting.get_absolute_url() in board and "Thursday 16 October 2025, 10:00" in board
    assert "in 1\xa0week" in board and "It reviews 2025/26 Q2" in board
    assert "DV prevention campaign" in board, "the accepted escalation is on the next agenda"
    assert "MARAC improvements" in board and "Liam Lead" in board, "the red action, named with its lead"
    assert 'id="returns-to-write"' not in html and 'id="officer-work"' not in html


def test_a_submitted_red_return_is_not_yet_the_boards(login, cast, data):
    assert "MARAC improvements" not in section(home(login(cast.board_member)), "board-work")


def test_an_analyst_sees_imports_and_how_old_each_data_set_is(login, cast, data, indicator):
    CrimeImport.objects.create(partnership=cast.lancashire, requested_by=cast.analyst, status=CrimeImport.Status.READY)
    analyst = section(home(login(cast.analyst)), "analyst-work")
    assert "Lancashire Community Safety Partnership Board" in analyst
    assert "Imported, by Ana Analyst" in analyst
    assert "Recorded crime (police.uk)" in analyst and "No figures yet" in analyst


def test_people_without_a_role_are_told_and_administrators_go_to_the_partnerships(login, cast):
    assert "You do not have a role yet" in home(login(cast.outsider))
    assert login(cast.admin).get(reverse("home"))["Location"] == reverse("partnership_list")


def test_anyone_who_leads_an_action_has_my_actions_whatever_their_role(login, cast, data):
    my_actions = f'href="{reverse("my_actions")}"'
    assert my_actions not in login(cast.board_member).get(reverse("partnership_list")).content.decode()
    ActionFactory(priority=data.dv, title="Board-led review", lead_user=cast.board_member)
    html = home(login(cast.board_member))
    assert my_actions in html and "Board-led review" in section(html, "returns-to-write")


def ten_times(cast, data) -> None:
    """Ten times the actions, returns to review, escalations and imports, in more partnerships."""
    for n in range(10):
        priority = PriorityFactory(plan=data.dv.plan, title=f"Priority {n}", order=10 + n)
        for m in range(3):
            action = ActionFactory(priority=priority, title=f"Action {n}.{m}", lead_user=cast.lead, created=ON_PLAN)
            returned(action, Q2, "red", support_needed=f"Support {n}.{m}")
            returned(action, Q2 - 1, "amber", status=SUBMITTED)
        CrimeImport.objects.create(partnership=cast.lancashire, requested_by=cast.analyst)


@pytest.mark.parametrize("who", ["lead", "officer", "board_member", "analyst"])
def test_each_home_page_runs_the_same_queries_with_ten_times_the_data(login, cast, data, who):
    client = login(getattr(cast, who))
    home(client)
    with CaptureQueriesContext(connection) as before:
        home(client)
    ten_times(cast, data)
    with CaptureQueriesContext(connection) as after:
        html = home(client)
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]
    if who in ("officer", "board_member"):
        assert f"and {31 - LISTED} more" in html, "31 returns to review, 31 decisions asked: the first listed"


def test_the_officer_follows_the_report_for_the_next_meeting(login, cast, data):
    """The next meeting reviews the quarter before the reporting one: its report is the one shown."""
    Meeting.objects.create(partnership=cast.lancaster, starts=NEXT_MEETING, year=Q2.year, number=Q2.number - 1)
    officer = section(home(login(cast.officer)), "officer-work")
    assert "Report for 2025/26 Q1" in officer and "It reviews 2025/26 Q1" in officer
    assert reverse("reports:report_quarter", args=["lancaster", Q2 - 1]) in officer
