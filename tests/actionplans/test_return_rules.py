"""A return's form shows every problem in one round trip and refuses contradictions; an action needs
its lead and timescale unless it is a draft action, which owes no returns; the plan says 'Not yet
started' for quarters before an action existed; an edited row keeps 'Up' off the first row and
'Down' off the last."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplans import importer, queries, services
from actionplans.models import Action, ProgressReturn
from csp_portal.quarters import Quarter

from .factories import ActionFactory
from .test_importer import as_csv, seed_bytes, seed_rows
from .test_importer import seed_plan as seed_plan  # noqa: F401 (a fixture, shared)
from .test_views import HTMX, action_form

pytestmark = pytest.mark.django_db

Q2 = Quarter(2025, 2)


def return_url(lancaster) -> str:
    return reverse("actionplans:return_edit", args=["lancaster", lancaster.action.pk, Q2])


# -- Every error of a return at once ------------------------------------------------------------------


def test_every_problem_of_a_return_shows_in_one_round_trip(login, cast, lancaster):
    """Once a lead needed three: the field's error, then the submitted return's needs, then the RAG
    rules. All of them come back together now, and nothing is saved."""
    data = {"rag": "red", "narrative": "", "percent_complete": "150", "risks": "", "intent": "submit", "version": 0}
    body = login(cast.lead).post(return_url(lancaster), data).content.decode()
    assert "The percentage complete must be" in body
    assert "Describe the progress made this quarter" in body
    assert "Describe the risks and issues behind a red or amber status" in body
    assert body.count("<title>Error: ") == 1
    assert not ProgressReturn.objects.exists()


def test_red_paused_and_100_percent_complete_are_refused_together_with_reasons(login, cast, lancaster):
    data = {
        "rag": "red",
        "narrative": "Off track: the funding has not been confirmed and the activity is paused.",
        "percent_complete": "100",
        "risks": "Funding",
        "intent": "submit",
        "version": 0,
    }
    body = login(cast.lead).post(return_url(lancaster), data).content.decode()
    assert "An action that is 100% complete cannot be red: choose Complete" in body
    assert "The progress says the activity is paused, on hold or suspended, but the return says it is complete" in body
    assert not ProgressReturn.objects.exists()


def test_contradictions_are_refused_for_a_draft_too(login, cast, lancaster):
    data = {"rag": "complete", "narrative": "Nearly there", "percent_complete": "60", "intent": "draft", "version": 0}
    body = login(cast.lead).post(return_url(lancaster), data).content.decode()
    assert "A complete action is 100% complete, not 60%" in body
    assert not ProgressReturn.objects.exists()


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"rag": "green", "narrative": "On track", "percent_complete": 40}, set()),
        ({"rag": "complete", "narrative": "Finished", "percent_complete": 100}, set()),
        ({"rag": "complete", "narrative": "Finished", "percent_complete": None}, set()),
        ({"rag": "amber", "narrative": "Slipping", "risks": "Staff", "percent_complete": 100}, {"percent_complete"}),
        ({"rag": "green", "narrative": "Done", "percent_complete": 100}, {"percent_complete"}),
        ({"rag": "not_started", "narrative": "Not yet", "percent_complete": 30}, {"percent_complete"}),
        ({"rag": "not_started", "narrative": "Not yet", "percent_complete": 0}, set()),
        ({"rag": "complete", "narrative": "Work is on hold until April", "percent_complete": 100}, {"narrative"}),
        ({"rag": "amber", "narrative": "The activity is paused", "risks": "Money", "percent_complete": 50}, set()),
        ({"rag": "", "narrative": "", "percent_complete": None}, {"rag", "narrative"}),
        ({"rag": "red", "narrative": "Stuck", "risks": " ", "percent_complete": None}, {"risks"}),
    ],
)
def test_the_rules_of_a_submitted_return(values, problems):
    assert set(services.return_problems(values, submitting=True)) == problems


def test_a_draft_needs_nothing_but_may_not_contradict_itself():
    assert services.return_problems({"rag": "", "narrative": ""}, submitting=False) == {}
    assert set(services.return_problems({"rag": "red", "percent_complete": 100}, submitting=False)) == {
        "percent_complete"
    }


def test_the_service_refuses_a_contradiction_whoever_calls_it(cast, lancaster):
    with pytest.raises(ValidationError) as refused:
        services.save_return(
            lancaster.action, Q2, actor=cast.lead, values={"rag": "red", "narrative": "x", "percent_complete": 100}
        )
    assert "percent_complete" in refused.value.message_dict
    assert not ProgressReturn.objects.exists()


# -- An action needs what the board relies on, unless it is a draft -----------------------------------


def add_url(lancaster) -> str:
    return reverse("actionplans:action_add", args=["lancaster", lancaster.dv.pk])


def new_action(**changes) -> dict:
    return action_form(Action(status="not_started"), "new", **changes)


def test_an_action_needs_its_lead_agency_lead_person_and_timescale(login, cast, lancaster):
    body = login(cast.officer).post(add_url(lancaster), new_action(title="Street Pride", timescale="")).content.decode()
    assert "Choose the lead agency, or choose the status Draft" in body
    assert "Choose the lead person, or choose the status Draft" in body
    assert "Enter the timescale or a due date, or choose the status Draft" in body
    assert not Action.objects.filter(title="Street Pride").exists()


def test_a_due_date_is_timescale_enough(login, cast, lancaster):
    data = new_action(
        title="Street Pride",
        timescale="",
        lead_agency=lancaster.police.pk,
        lead_user=cast.lead.pk,
        due_date_0="31",
        due_date_1="3",
        due_date_2="2026",
    )
    assert login(cast.officer).post(add_url(lancaster), data).status_code == 302
    assert Action.objects.get(title="Street Pride").status == "not_started"


def test_a_draft_action_is_saved_without_them_shown_as_draft_and_owes_no_return(login, cast, lancaster):
    client = login(cast.officer)
    response = client.post(add_url(lancaster), new_action(title="Street Pride", timescale="", status="draft"))
    assert response.status_code == 302
    draft = Action.objects.get(title="Street Pride")
    assert draft.status == "draft" and draft.lead_user is None
    assert not draft.owes_return(Quarter(2025, 3))
    plan = client.get(reverse("actionplans:priority_plan", args=["lancaster", lancaster.dv.pk])).content.decode()
    row = plan.split(f'id="action-{draft.pk}"')[1].split("</tr>")[0]
    assert "Draft" in row


def test_draft_actions_owe_no_return_and_others_still_do(cast, lancaster):
    draft = ActionFactory(priority=lancaster.dv, lead_user=cast.lead, status=Action.Status.DRAFT)
    assert not draft.owes_return(Q2)
    assert lancaster.action.owes_return(Q2)
    owing = queries.outstanding_by_lead(cast.lancaster, Q2)
    assert owing[cast.lead] == [lancaster.action]


def test_imported_rows_without_a_lead_person_come_in_as_drafts_and_a_status_given_is_kept(cast, seed_plan):
    created = importer.import_actions(seed_plan, actor=cast.officer, data=seed_bytes(), filename="lancaster.csv")
    assert len(created) == 15
    # Plans written in Word name the lead agency, not the lead person: each row is a draft to complete.
    assert {action.status for action in created} == {"draft"}
    row = {**seed_rows()[4], "Action": "Speed watch", "Status": "In progress"}
    data = as_csv([row], list(row))
    [kept] = importer.import_actions(seed_plan, actor=cast.officer, data=data, filename="more.csv")
    assert kept.status == "in_progress"


# -- The plan's quarters before an action existed, and Up and Down after an edit ----------------------


def test_quarters_before_an_action_existed_say_not_yet_started(login, cast, lancaster):
    late = ActionFactory(
        priority=lancaster.dv,
        title="Added in August",
        lead_user=cast.lead,
        order=5,
        created=datetime(2025, 8, 1, 9, tzinfo=UTC),
    )
    plan = login(cast.officer).get(reverse("actionplans:priority_plan", args=["lancaster", lancaster.dv.pk]))
    row = plan.content.decode().split(f'id="action-{late.pk}"')[1].split("</tr>")[0]
    # Shown: 2024/25 Q4 and 2025/26 Q1 (before it), Q2 and Q3 (owed, none written).
    assert row.count("Not yet started") == 2
    assert row.count("No return") == 2
    older = plan.content.decode().split(f'id="action-{lancaster.action.pk}"')[1].split("</tr>")[0]
    assert older.count("Not yet started") == 1  # on the plan since 1 April 2025: 2024/25 Q4 was before it


@pytest.mark.parametrize("which", ["first", "last"])
def test_an_edited_row_has_no_up_on_the_first_row_nor_down_on_the_last(login, cast, lancaster, which):
    second = ActionFactory(
        priority=lancaster.dv, title="Second", lead_user=cast.lead, lead_agency=lancaster.police, order=2
    )
    action = lancaster.action if which == "first" else second
    edit = reverse("actionplans:action_edit", args=["lancaster", action.pk])
    response = login(cast.officer).post(edit, action_form(action, f"a{action.pk}", targets="All schools"), **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr class="govuk-table__row" id="action-{action.pk}">')
    if which == "first":
        assert f'id="up-{action.pk}"' not in body and f'id="down-{action.pk}"' in body
    else:
        assert f'id="up-{action.pk}"' in body and f'id="down-{action.pk}"' not in body
