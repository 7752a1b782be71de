"""The action plan pages: the happy path, the wrong role (403), another partnership (404), bad input
(errors shown, nothing saved), in-place editing with htmx, and query counts that hold when the data
grows tenfold."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action, FundingAllocation, ProgressReturn, QuarterClosure
from csp_portal.quarters import Quarter
from tests.mail import emails_sent

from .factories import ActionFactory, AllocationFactory, ReturnFactory

pytestmark = pytest.mark.django_db

Q2 = Quarter(2025, 2)
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, lancaster, **extra):
    args = {"slug": "lancaster"}
    needs = {
        "priority_plan": {"priority_id": lancaster.dv.pk},
        "action_add": {"priority_id": lancaster.dv.pk},
        "plan_import": {"plan_id": lancaster.plan.pk},
        "plan_export": {"plan_id": lancaster.plan.pk, "file_format": "csv"},
        "quarter_status": {"quarter": Q2},
        "quarter_chase": {"quarter": Q2},
        "quarter_close": {"quarter": Q2},
        "escalations": {"quarter": Q2},
        "return_edit": {"action_id": lancaster.action.pk, "quarter": Q2},
        "return_review": {"action_id": lancaster.action.pk, "quarter": Q2},
    }
    if name.startswith("action_") and name != "action_add":
        args["action_id"] = lancaster.action.pk
    args.update(needs.get(name, {}))
    args.update(extra)
    return reverse(f"actionplans:{name}", kwargs=args)


READ_PAGES = [
    "index",
    "priority_plan",
    "action_detail",
    "action_history",
    "quarter_status",
    "escalations",
    "funding",
    "plan_export",
    "return_edit",
]
OFFICER_PAGES = ["action_add", "action_edit", "action_move", "action_archive", "plan_import", "return_review"]
OFFICER_POSTS = ["action_reorder", "action_restore", "quarter_chase", "quarter_close"]


@pytest.fixture
def submitted(lancaster):
    return ReturnFactory(action=lancaster.action, year=2025, number=2, status="submitted", support_needed="Funding")


# Who may see and do what


@pytest.mark.parametrize("name", READ_PAGES)
@pytest.mark.parametrize("member", ["officer", "lead", "board_member", "analyst", "admin"])
def test_everyone_in_or_above_the_partnership_reads_its_action_plans(login, cast, lancaster, submitted, name, member):
    assert login(getattr(cast, member)).get(url(name, lancaster)).status_code == 200


@pytest.mark.parametrize("name", READ_PAGES + OFFICER_PAGES)
@pytest.mark.parametrize("member", ["csr_officer", "outsider"])
def test_another_partnership_gets_not_found(login, cast, lancaster, submitted, name, member):
    assert login(getattr(cast, member)).get(url(name, lancaster)).status_code == 404


@pytest.mark.parametrize("name", OFFICER_PAGES)
@pytest.mark.parametrize("member", ["lead", "board_member", "analyst"])
def test_only_the_officer_changes_the_plan(login, cast, lancaster, submitted, name, member):
    assert login(getattr(cast, member)).get(url(name, lancaster)).status_code == 403


@pytest.mark.parametrize("name", OFFICER_POSTS)
@pytest.mark.parametrize("member", ["lead", "board_member", "analyst"])
def test_only_the_officer_reorders_restores_chases_and_closes(login, cast, lancaster, name, member):
    assert login(getattr(cast, member)).post(url(name, lancaster), {"direction": "up"}).status_code == 403


@pytest.mark.parametrize("name", OFFICER_POSTS)
def test_officer_of_another_partnership_cannot_post_either(login, cast, lancaster, name):
    assert login(cast.csr_officer).post(url(name, lancaster), {"direction": "up"}).status_code == 404


@pytest.mark.parametrize("member", ["officer", "board_member", "analyst", "admin"])
def test_only_the_actions_lead_writes_its_return(login, cast, lancaster, member):
    response = login(getattr(cast, member)).post(
        url("return_edit", lancaster), {"rag": "green", "narrative": "x", "version": 0}
    )
    assert response.status_code == 403
    assert not ProgressReturn.objects.exists()


def test_funding_is_read_by_the_board_but_not_changed(login, cast, lancaster):
    client = login(cast.board_member)
    body = client.get(url("funding", lancaster)).content.decode()
    assert "Add an allocation" not in body
    response = client.post(url("funding", lancaster), {"year": 2025, "source": "OPCC grant", "amount": "10000"})
    assert response.status_code == 403
    assert not FundingAllocation.objects.exists()


# The action plan, edited in place


def test_the_plan_shows_the_seed_columns_and_recent_rag(login, cast, lancaster):
    ReturnFactory(action=lancaster.action, year=2025, number=2, rag="amber", status="accepted")
    body = login(cast.officer).get(url("priority_plan", lancaster)).content.decode()
    for heading in (
        "Action",
        "Activity",
        "Resources required",
        "Timescale",
        "Lead agency and others responsible",
        "Targets",
    ):
        assert f">{heading}</th>" in body
    assert "DV prevention campaign" in body and "govuk-tag--orange" in body
    assert 'data-hx-get="/partnerships/lancaster/actions/' in body  # edit in place
    assert "htmx.min.js" in body


def test_board_member_sees_no_edit_buttons(login, cast, lancaster):
    body = login(cast.board_member).get(url("priority_plan", lancaster)).content.decode()
    assert "Edit<span" not in body and "Add an action" not in body


def action_form(action: Action, prefix: str, **changes) -> dict:
    data = {
        "title": action.title,
        "activity": action.activity,
        "resources": action.resources,
        "budget": "" if action.budget is None else str(action.budget),
        "funding": action.funding_id or "",
        "timescale": action.timescale,
        "start_date_0": "",
        "start_date_1": "",
        "start_date_2": "",
        "due_date_0": "",
        "due_date_1": "",
        "due_date_2": "",
        "lead_agency": action.lead_agency_id or "",
        "lead_user": action.lead_user_id or "",
        "other_partners": action.other_partners,
        "targets": action.targets,
        "indicator": "",
        "target_value": "",
        "status": action.status,
        "version": action.version,
    }
    data.update(changes)
    return {f"{prefix}-{key}": value for key, value in data.items() if value is not None}


def test_edit_in_place_swaps_the_row_for_a_form_and_back(login, cast, lancaster):
    client = login(cast.officer)
    action = lancaster.action
    form = client.get(url("action_edit", lancaster), **HTMX)
    body = form.content.decode()
    assert body.lstrip().startswith('<tr class="govuk-table__row app-action-edit"')
    assert "data-app-focus" in body and "<html" not in body
    saved = client.post(
        url("action_edit", lancaster), action_form(action, f"a{action.pk}", targets="All schools"), **HTMX
    )
    body = saved.content.decode()
    assert body.lstrip().startswith(f'<tr class="govuk-table__row" id="action-{action.pk}">')
    assert "All schools" in body and f'id="edit-{action.pk}"' in body and "data-app-focus" in body
    action.refresh_from_db()
    assert action.targets == "All schools" and action.version == 2


def test_edit_without_javascript_redirects_to_the_plan(login, cast, lancaster):
    action = lancaster.action
    response = login(cast.officer).post(
        url("action_edit", lancaster), action_form(action, f"a{action.pk}", title="Renamed")
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/priorities/{lancaster.dv.pk}/#action-{action.pk}")
    action.refresh_from_db()
    assert action.title == "Renamed"


def test_bad_input_shows_errors_and_saves_nothing(login, cast, lancaster):
    action = lancaster.action
    data = action_form(
        action, f"a{action.pk}", title="", budget="lots", due_date_0="31", due_date_1="2", due_date_2="2026"
    )
    response = login(cast.officer).post(url("action_edit", lancaster), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    for message in ("Enter the action", "The budget must be a number of pounds", "The due date must be a real date"):
        assert message in body
    action.refresh_from_db()
    assert action.title == "DV prevention campaign" and action.version == 1


def test_the_second_of_two_edits_sees_the_conflict_and_overwrites_nothing(login, cast, lancaster):
    action = lancaster.action
    client = login(cast.officer)
    first = action_form(action, f"a{action.pk}", title="First officer's title")
    second = action_form(action, f"a{action.pk}", title="Second officer's title")
    client.post(url("action_edit", lancaster), first, **HTMX)
    response = client.post(url("action_edit", lancaster), second, **HTMX)
    body = response.content.decode()
    assert "Your changes were not saved" in body
    assert "Second officer&#x27;s title" in body and "First officer&#x27;s title" in body
    assert f'name="a{action.pk}-version" value="2"' in body  # the form now holds the saved version
    action.refresh_from_db()
    assert action.title == "First officer's title"


def test_budget_beyond_the_allocation_is_refused_on_the_form(login, cast, lancaster):
    grant = AllocationFactory(partnership=cast.lancaster, amount=Decimal("500"))
    action = lancaster.action
    data = action_form(action, f"a{action.pk}", budget="600", funding=grant.pk)
    body = login(cast.officer).post(url("action_edit", lancaster), data).content.decode()
    assert "has £500.00 left of £500.00" in body
    action.refresh_from_db()
    assert action.budget is None


def test_officer_adds_an_action_in_place(login, cast, lancaster):
    client = login(cast.officer)
    form = client.get(url("action_add", lancaster), **HTMX).content.decode()
    assert form.lstrip().startswith('<div id="action-add">')
    data = {
        k.replace("a0-", "new-"): v
        for k, v in action_form(
            Action(status="not_started", lead_agency=lancaster.police, lead_user=cast.lead, timescale="To March 2026"),
            "a0",
            title="Street Pride events",
        ).items()
    }
    response = client.post(url("action_add", lancaster), data, **HTMX)
    assert response["HX-Retarget"] == "#action-plan"
    assert "Street Pride events" in response.content.decode()
    assert Action.objects.get(title="Street Pride events").order == 2


def test_adding_without_a_title_shows_the_error_in_place(login, cast, lancaster):
    data = {k.replace("a0-", "new-"): v for k, v in action_form(Action(status="not_started"), "a0", title="").items()}
    response = login(cast.officer).post(url("action_add", lancaster), data, **HTMX)
    assert "Enter the action" in response.content.decode() and "HX-Retarget" not in response
    assert Action.objects.count() == 1


def test_reorder_in_place_returns_the_table_with_focus_on_the_moved_row(login, cast, lancaster):
    second = ActionFactory(priority=lancaster.dv, title="Second", order=2)
    response = login(cast.officer).post(
        url("action_reorder", lancaster, action_id=second.pk), {"direction": "up"}, **HTMX
    )
    body = response.content.decode()
    assert body.index("Second") < body.index("DV prevention campaign")
    assert f'id="down-{second.pk}"' in body


def test_move_archive_and_restore(login, cast, lancaster):
    client = login(cast.officer)
    assert client.post(url("action_move", lancaster), {"priority": lancaster.roads.pk}).status_code == 302
    lancaster.action.refresh_from_db()
    assert lancaster.action.priority == lancaster.roads
    assert client.post(url("action_move", lancaster), {"priority": ""}).status_code == 200
    client.post(url("action_archive", lancaster))
    lancaster.action.refresh_from_db()
    assert lancaster.action.is_archived
    archived = client.get(
        url("priority_plan", lancaster, priority_id=lancaster.roads.pk) + "?archived=1"
    ).content.decode()
    assert "Restore" in archived
    client.post(url("action_restore", lancaster))
    lancaster.action.refresh_from_db()
    assert not lancaster.action.is_archived


def test_history_page_shows_before_and_after(login, cast, lancaster):
    action = lancaster.action
    client = login(cast.officer)
    client.post(url("action_edit", lancaster), action_form(action, f"a{action.pk}", title="Renamed"))
    body = client.get(url("action_history", lancaster)).content.decode()
    assert "Olivia Officer" in body and "DV prevention campaign" in body and "Renamed" in body


# Progress returns


def test_lead_submits_a_return_and_the_officer_returns_then_accepts_it(login, cast, lancaster, client):
    login(cast.lead)
    data = {
        "rag": "amber",
        "narrative": "Two schools visited",
        "percent_complete": "30",
        "risks": "Staff",
        "intent": "submit",
        "version": 0,
    }
    assert client.post(url("return_edit", lancaster), data).status_code == 302
    progress = ProgressReturn.objects.get()
    assert progress.status == "submitted"
    login(cast.officer)
    body = client.post(url("return_review", lancaster), {"decision": "return", "comment": ""}).content.decode()
    assert "Say what the lead should change" in body
    client.post(url("return_review", lancaster), {"decision": "return", "comment": "Which schools?"})
    progress.refresh_from_db()
    assert progress.status == "returned"
    login(cast.lead)
    assert "Which schools?" in client.get(url("return_edit", lancaster)).content.decode()
    progress.refresh_from_db()
    client.post(url("return_edit", lancaster), dict(data, narrative="Ripley and Central", version=progress.version))
    login(cast.officer)
    client.post(url("return_review", lancaster), {"decision": "accept", "comment": ""})
    progress.refresh_from_db()
    assert (progress.status, progress.narrative) == ("accepted", "Ripley and Central")


def test_bad_return_input_shows_errors_and_saves_nothing(login, cast, lancaster):
    data = {"rag": "red", "narrative": "", "percent_complete": "150", "risks": "", "intent": "submit", "version": 0}
    body = login(cast.lead).post(url("return_edit", lancaster), data).content.decode()
    assert "The percentage complete must be 100 or less" in body or "from 0 to 100" in body
    assert not ProgressReturn.objects.exists()
    data["percent_complete"] = "10"
    body = login(cast.lead).post(url("return_edit", lancaster), data).content.decode()
    assert "Describe the progress made this quarter" in body and "Describe the risks and issues" in body
    assert not ProgressReturn.objects.exists()


def test_a_lead_saving_a_return_someone_saved_meanwhile_sees_the_conflict(login, cast, lancaster, client):
    """Two tabs (or a lead and a deputy) open the same draft: the second save is refused and shows
    both values, rather than silently overwriting the first."""
    data = {"rag": "green", "narrative": "First draft", "risks": "", "intent": "draft", "version": 0}
    login(cast.lead)
    assert client.post(url("return_edit", lancaster), data).status_code == 302
    progress = ProgressReturn.objects.get()
    opened_at = progress.version
    assert (
        client.post(url("return_edit", lancaster), dict(data, narrative="Second tab", version=opened_at)).status_code
        == 302
    )
    stale = client.post(url("return_edit", lancaster), dict(data, narrative="First tab, stale", version=opened_at))
    body = stale.content.decode()
    assert stale.status_code == 200
    assert "Your changes were not saved" in body and "saved this return while you were editing it" in body
    assert "First tab, stale" in body and "Second tab" in body
    progress.refresh_from_db()
    assert progress.narrative == "Second tab"
    assert f'name="version" value="{progress.version}"' in body  # the form now holds the saved version
    assert (
        client.post(url("return_edit", lancaster), dict(data, narrative="Merged", version=progress.version)).status_code
        == 302
    )
    progress.refresh_from_db()
    assert progress.narrative == "Merged"


def test_a_return_created_meanwhile_is_not_overwritten_by_a_form_loaded_before_it(login, cast, lancaster, client):
    login(cast.lead)
    data = {"rag": "green", "narrative": "Written first", "risks": "", "intent": "draft", "version": 0}
    assert client.post(url("return_edit", lancaster), data).status_code == 302
    body = client.post(url("return_edit", lancaster), dict(data, narrative="Written second")).content.decode()
    assert "Your changes were not saved" in body
    assert ProgressReturn.objects.get().narrative == "Written first"


def test_a_closed_quarter_shows_returns_read_only(login, cast, lancaster, submitted):
    QuarterClosure.objects.create(partnership=cast.lancaster, year=2025, number=2, closed_at="2025-11-01T10:00Z")
    body = login(cast.lead).get(url("return_edit", lancaster)).content.decode()
    assert "is closed" in body and 'name="intent"' not in body


def test_quarter_status_lists_who_has_not_submitted_and_the_officer_chases_them(login, cast, lancaster, mailoutbox):
    ActionFactory(priority=lancaster.roads, lead_user=cast.board_member, title="Speed watch")
    client = login(cast.officer)
    body = client.get(url("quarter_status", lancaster)).content.decode()
    assert "Who has not submitted" in body and "Liam Lead" in body and "Bea Board" in body
    with emails_sent():
        leads = [cast.lead.pk, cast.board_member.pk]
        response = client.post(url("quarter_chase", lancaster), {"leads": leads, "intent": "send"}, follow=True)
    assert "2 leads chased by e-mail for 2025/26 Q2" in response.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == ["board@lancaster.example", "lead@lancaster.example"]


def test_officer_closes_the_quarter(login, cast, lancaster):
    response = login(cast.officer).post(url("quarter_close", lancaster), {"intent": "close"}, follow=True)
    assert "2025/26 Q2 is closed" in response.content.decode()
    assert QuarterClosure.objects.filter(partnership=cast.lancaster, year=2025, number=2).exists()


def test_escalations_list_the_support_asked_for(login, cast, lancaster, submitted):
    body = login(cast.board_member).get(url("escalations", lancaster)).content.decode()
    assert "DV prevention campaign" in body and "Funding" in body


def test_my_actions_lists_what_is_due_and_overdue(login, cast, lancaster):
    body = login(cast.lead).get(reverse("my_actions")).content.decode()
    # On 20 November 2025 the Q3 returns are due next (by 15 January); Q1 and Q2 were due and are late.
    assert "2025/26 Q3 returns" in body and "DV prevention campaign" in body
    assert "2 returns from earlier quarters are overdue" in body
    assert "2025/26 Q1: DV prevention campaign" in body and "2025/26 Q2: DV prevention campaign" in body
    assert 'href="/my-actions/"' in body  # the navigation offers it to a lead


def test_my_actions_is_empty_for_someone_who_leads_nothing(login, cast):
    body = login(cast.board_member).get(reverse("my_actions")).content.decode()
    assert "You do not lead any action" in body
    assert 'href="/my-actions/"' not in body


# Funding and import


def test_officer_adds_an_allocation_and_bad_input_saves_nothing(login, cast, lancaster):
    client = login(cast.officer)
    body = client.post(url("funding", lancaster), {"year": 2025, "source": "", "amount": "ten"}).content.decode()
    assert "Enter where the money comes from" in body and "The amount must be a number of pounds" in body
    assert not FundingAllocation.objects.exists()
    client.post(url("funding", lancaster), {"year": 2025, "source": "OPCC grant", "amount": "10000"})
    assert FundingAllocation.objects.get().amount == Decimal("10000")


def test_import_page_lists_every_problem_and_writes_nothing(login, cast, lancaster):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (
        b"Priority,Action,Activity,Resources Required,Timescale,Lead Agency and others responsible,Targets\r\n"
        b"Domestic violence and abuse,Campaign,,,,Lancashire Constabularly,\r\n"
        b"Road safty,Speed watch,,,,,\r\n"
    )
    upload = SimpleUploadedFile("plan.csv", data, content_type="text/csv")
    response = login(cast.officer).post(url("plan_import", lancaster), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: the file has 2 problems" in body
    assert "did you mean &#x27;Lancashire Constabulary&#x27;?" in body
    assert "did you mean &#x27;Road safety&#x27;?" in body
    assert Action.objects.count() == 1


def test_export_downloads_the_plan_in_the_seed_columns(login, cast, lancaster):
    response = login(cast.board_member).get(url("plan_export", lancaster))
    text = response.content.decode("utf-8-sig")
    assert text.startswith("Priority,Outcome,Action,Activity,Resources Required,Budget,Funding source,Timescale,")
    assert "DV prevention campaign" in text


# Query counts


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def fill(lancaster, cast, actions: int, quarters: int = 8) -> None:
    """``actions`` actions under the DV priority, each with ``quarters`` quarters of returns."""
    for n in range(actions):
        action = ActionFactory(priority=lancaster.dv, lead_user=cast.lead, lead_agency=lancaster.police)
        action.others_responsible.add(lancaster.police)
        for q in range(quarters):
            quarter = Quarter(2025, 3) - q
            ReturnFactory(
                action=action, year=quarter.year, number=quarter.number, status="submitted", support_needed=f"Help {n}"
            )


@pytest.mark.parametrize(
    "page",
    ["priority_plan", "quarter_status", "escalations", "index", "funding", "my_actions", "plan_export"],
)
def test_pages_run_the_same_number_of_queries_with_tenfold_data(login, cast, lancaster, page):
    client = login(cast.officer if page != "my_actions" else cast.lead)
    path = reverse("my_actions") if page == "my_actions" else url(page, lancaster)
    fill(lancaster, cast, 6)
    few = count_queries(client, path)
    fill(lancaster, cast, 54)
    assert Action.objects.count() == 61 and ProgressReturn.objects.count() == 480
    assert count_queries(client, path) == few


def test_the_action_plan_page_with_60_actions_runs_a_fixed_number_of_queries(login, cast, lancaster):
    fill(lancaster, cast, 60)
    client = login(cast.officer)
    assert (
        count_queries(client, url("priority_plan", lancaster)) <= 12
    )  # session, user, 2 roles, 3 navigation, whether they lead an action (My actions), priority, actions,
    # agencies, returns


def test_a_draft_return_is_the_leads_own_until_submitted(login, cast, lancaster, client):
    """The board, the officer and the county see that a draft is being written, not what it says,
    on every page that shows returns; once submitted, they read it."""
    login(cast.lead)
    draft = {"rag": "red", "narrative": "Half-written thoughts", "risks": "Unsure yet", "intent": "draft", "version": 0}
    assert client.post(url("return_edit", lancaster), draft).status_code == 302
    pages = [
        url("priority_plan", lancaster),
        url("action_detail", lancaster),
        url("return_edit", lancaster),
        url("action_history", lancaster),
        url("quarter_status", lancaster, quarter=Q2),
    ]
    assert "Half-written thoughts" in client.get(url("return_edit", lancaster)).content.decode()
    assert "Half-written thoughts" in client.get(url("action_history", lancaster)).content.decode()
    for reader in (cast.officer, cast.board_member, cast.analyst):
        login(reader)
        for page in pages:
            body = client.get(page).content.decode()
            assert "Half-written thoughts" not in body and "Unsure yet" not in body, (reader, page)
            assert ">Red<" not in body, (reader, page)
        assert "Draft being written" in client.get(url("priority_plan", lancaster)).content.decode()

    login(cast.lead)
    progress = ProgressReturn.objects.get()
    submitted = dict(draft, intent="submit", version=progress.version)
    assert client.post(url("return_edit", lancaster), submitted).status_code == 302
    login(cast.board_member)
    for page in pages:
        body = client.get(page).content.decode()
        assert "Half-written thoughts" in body or page in {pages[0], pages[4]}, page
        assert ">Red<" in body or page == pages[3], page  # the history lists changes in words
