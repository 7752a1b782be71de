"""Plan and priority pages: the happy path and bad input for each."""

import io

import pandas as pd
import pytest
from django.urls import reverse

from priorities.models import Commitment, CurrentWork, Outcome, Plan, Priority

from .conftest import url
from .factories import FactorFactory

pytestmark = pytest.mark.django_db

PLAN_FORM = {
    "title": "Lancaster District Plan 2025-2028",
    "period_start_0": "1",
    "period_start_1": "4",
    "period_start_2": "2025",
    "period_end_0": "31",
    "period_end_1": "3",
    "period_end_2": "2028",
    "status": "draft",
    "summary": "How we will keep the district safe.",
    "related_strategies": "- Police and Crime Plan\n- Domestic Abuse Strategy\n\n",
    "assessment": "",
}


# Plans


def test_plan_list_shows_the_partnerships_plans_only(login, cast, world):
    body = login(cast.board_member).get(url("plan_list", slug="lancaster")).content.decode()
    assert world.plan.title in body
    assert world.csr_plan.title not in body and world.county_plan.title not in body
    assert "Start a plan" not in body  # a board member reads


def test_county_plan_list_speaks_of_the_agreement(login, cast, world):
    body = login(cast.analyst).get(url("plan_list", slug="lancashire")).content.decode()
    assert "Community Safety Agreement" in body


def test_officer_starts_a_plan(login, cast, world):
    response = login(cast.officer).post(url("plan_create", slug="lancaster"), PLAN_FORM)
    plan = Plan.objects.get(title=PLAN_FORM["title"])
    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", plan)
    assert plan.related_strategy_list == ["Police and Crime Plan", "Domestic Abuse Strategy"]
    assert (plan.partnership, plan.period_label, plan.status) == (cast.lancaster, "2025-2028", "draft")
    assert plan.history.get().history_user == cast.officer


def test_the_plan_form_offers_the_county_boards_assessment(login, cast, world):
    body = login(cast.officer).get(url("plan_create", slug="lancaster")).content.decode()
    assert "Lancashire Strategic Assessment 2022-2025 (Lancashire Community Safety Partnership Board)" in body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Enter the plan&#x27;s title"),
        ({"period_end_2": "2025", "period_end_1": "1", "period_end_0": "1"}, "must be after the date it starts"),
        ({"period_start_0": "31", "period_start_1": "2"}, "must be a real date"),
        ({"period_start_0": ""}, "Enter the day, month and year the plan period starts"),
        ({"title": "lancaster district plan 2022-2025"}, "already has a plan called"),
        ({"status": "approved"}, "Select a valid choice"),
    ],
)
def test_bad_plan_input_is_shown_and_nothing_is_saved(login, cast, world, change, message):
    before = Plan.objects.count()
    response = login(cast.officer).post(url("plan_create", slug="lancaster"), PLAN_FORM | change)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert Plan.objects.count() == before


def test_an_assessment_of_another_partnership_cannot_be_chosen(login, cast, world):
    from .factories import AssessmentFactory

    elsewhere = AssessmentFactory(partnership=cast.chorley_south_ribble)
    response = login(cast.officer).post(url("plan_create", slug="lancaster"), PLAN_FORM | {"assessment": elsewhere.pk})
    assert "Select a valid choice" in response.content.decode()
    assert not Plan.objects.filter(title=PLAN_FORM["title"]).exists()


def test_officer_edits_a_plan(login, cast, world):
    data = PLAN_FORM | {"title": "Lancaster Plan (agreed)", "status": "agreed", "assessment": world.assessment.pk}
    response = login(cast.officer).post(url("plan_edit", world.plan), data)
    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert (world.plan.title, world.plan.status) == ("Lancaster Plan (agreed)", "agreed")
    assert world.plan.history.first().history_user == cast.officer


def test_a_bad_plan_edit_changes_nothing(login, cast, world):
    response = login(cast.officer).post(url("plan_edit", world.plan), PLAN_FORM | {"title": ""})
    assert "There is a problem" in response.content.decode()
    world.plan.refresh_from_db()
    assert world.plan.title == "Lancaster District Plan 2022-2025"


def test_plan_overview_lists_priorities_in_order_with_lead_status_and_outcome_count(login, cast, world):
    response = login(cast.board_member).get(url("plan_detail", world.plan))
    body = response.content.decode()
    assert body.index("Domestic violence and abuse") < body.index("Road safety</a>")
    assert "Chief Inspector" in body
    priorities = response.context["priorities"]
    assert [(p.title, p.outcome_count, p.supports.title) for p in priorities] == [
        ("Domestic violence and abuse", 2, "Domestic abuse"),
        ("Road safety", 0, "Road safety"),
    ]
    assert "Move up" not in body  # board members read


def test_officer_sees_the_reorder_buttons_and_edit_links(login, cast, world):
    body = login(cast.officer).get(url("plan_detail", world.plan)).content.decode()
    assert 'Move down<span class="govuk-visually-hidden"> Domestic violence and abuse' in body
    assert 'Move up<span class="govuk-visually-hidden"> Road safety' in body
    assert url("priority_create", world.plan) in body


def test_county_overview_counts_the_district_priorities_supporting_each(login, cast, world):
    response = login(cast.analyst).get(url("plan_detail", world.county_plan))
    assert [(p.title, p.supporter_count) for p in response.context["priorities"]] == [
        ("Domestic abuse", 1),
        ("Road safety", 1),
    ]


def test_plan_history_shows_who_changed_what(login, cast, world):
    client = login(cast.officer)
    client.post(url("plan_edit", world.plan), PLAN_FORM | {"title": "Renamed plan"})
    body = client.get(url("plan_history", world.plan)).content.decode()
    assert "Olivia Officer" in body
    assert "Lancaster District Plan 2022-2025" in body and "Renamed plan" in body
    assert "Outcome, “Domestic violence and abuse”" in body


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_plan_downloads_one_row_per_priority(login, cast, world, file_format):
    Outcome.objects.filter(text="Reduce repeat referrals to MARAC").update(measure="Repeat referrals each quarter")
    response = login(cast.board_member).get(url("plan_export", world.plan, file_format=file_format))
    assert response["Content-Disposition"] == f'attachment; filename="lancaster-district-plan-2022-2025.{file_format}"'
    read = pd.read_csv if file_format == "csv" else pd.read_excel
    frame = read(io.BytesIO(response.content), dtype=str, keep_default_na=False)
    rows = frame.to_dict("records")
    assert [row["Priority"] for row in rows] == ["Domestic violence and abuse", "Road safety"]
    first = rows[0]
    assert first["What we want to achieve"] == (
        "Reduce repeat referrals to MARAC (measured by: Repeat referrals each quarter)\n"
        "Increase reporting of domestic abuse"
    )
    assert first["What we currently do"] == "Partners attend:\n  - MARAC\n  - MAPPA"
    assert first["Supports county priority"] == "Domestic abuse"
    assert first["Evidence"] == "Domestic Abuse"
    assert first["Contributory factors"] == "Alcohol use or misuse"
    assert first["Period"] == "2022-2025"


def test_an_unknown_download_format_is_not_found(login, cast, world):
    assert login(cast.officer).get(url("plan_export", world.plan, file_format="pdf")).status_code == 404


# Priorities

PRIORITY_FORM = {
    "title": "Anti-social behaviour",
    "status": "active",
    "why": "Being a victim of ASB harms quality of life.",
    "lead_role": "Community Safety Manager",
    "lead_user": "",
    "lead_agency": "",
    "owner": "",
    "outcomes": "Reduce fear of crime\nIncrease reporting of ASB",
    "current_work": (
        "- Members of the partnership attend forums including:\n"
        "  - Multi-Agency Risk Assessment Conference\n"
        "  - Weekly Neighbourhood Police Tasking Meetings\n"
        "- Promote early action initiatives"
    ),
    "commitments": "1. Support outreach initiatives\n2. Engage in youth panels and local schools",
    "supports": "",
}


def test_officer_adds_a_priority_with_its_three_lists(login, cast, world):
    factor = FactorFactory(name="Alcohol use or misuse")
    data = PRIORITY_FORM | {
        "supports": world.county_abuse.pk,
        "contributory_factors": [factor.pk],
        "evidence": [world.threats["Fraud"].pk],
        "lead_user": cast.lead.pk,
    }
    response = login(cast.officer).post(url("priority_create", world.plan), data)
    priority = Priority.objects.get(title="Anti-social behaviour")
    assert response.status_code == 302
    assert response["Location"] == url("priority_detail", world.plan, priority_id=priority.pk)
    assert priority.order == 3 and priority.supports == world.county_abuse and priority.lead_user == cast.lead
    assert [o.text for o in priority.outcomes.all()] == ["Reduce fear of crime", "Increase reporting of ASB"]
    work = list(priority.current_work.all())
    assert work[0].heading == "Members of the partnership attend forums including:"
    assert work[0].sub_points == [
        "Multi-Agency Risk Assessment Conference",
        "Weekly Neighbourhood Police Tasking Meetings",
    ]
    assert [c.text for c in priority.commitments.all()] == [
        "Support outreach initiatives",
        "Engage in youth panels and local schools",
    ]
    assert list(priority.evidence.all()) == [world.threats["Fraud"]]
    assert list(priority.contributory_factors.all()) == [factor]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Enter the priority&#x27;s title"),
        ({"title": "road SAFETY"}, "already has a priority called"),
        ({"outcomes": "Reduce fear of crime\n- reduce fear of crime"}, "is listed twice"),
        ({"commitments": "x" * 1001}, "point 1 is too long"),
        ({"status": "paused"}, "Select a valid choice"),
        ({"supports": "999999"}, "Select a valid choice"),
        ({"evidence": ["999999"]}, "Select a valid choice"),
        ({"lead_user": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_priority_input_is_shown_and_nothing_is_saved(login, cast, world, change, message):
    before = (
        Priority.objects.count(),
        Outcome.objects.count(),
        CurrentWork.objects.count(),
        Commitment.objects.count(),
    )
    response = login(cast.officer).post(url("priority_create", world.plan), PRIORITY_FORM | change)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    after = (Priority.objects.count(), Outcome.objects.count(), CurrentWork.objects.count(), Commitment.objects.count())
    assert after == before


def test_a_district_priority_cannot_support_another_districts_priority(login, cast, world):
    csr_priority = Priority.objects.create(plan=world.csr_plan, title="ASB", order=1)
    response = login(cast.officer).post(
        url("priority_create", world.plan), PRIORITY_FORM | {"supports": csr_priority.pk}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Priority.objects.filter(title="Anti-social behaviour").exists()


def test_the_edit_form_shows_the_lists_as_typed(login, cast, world):
    body = login(cast.officer).get(url("priority_edit", world.plan, priority_id=world.abuse.pk)).content.decode()
    assert "Partners attend:\n  - MARAC\n  - MAPPA" in body
    assert "Reduce repeat referrals to MARAC\nIncrease reporting of domestic abuse" in body


def test_officer_edits_a_priority_and_its_lists_together(login, cast, world):
    first = world.abuse.outcomes.get(order=1)
    data = PRIORITY_FORM | {
        "title": "Domestic abuse",
        "status": "watching",
        "outcomes": "Reduce repeat referrals to MARAC\nHold perpetrators to account",
        "supports": world.county_abuse.pk,
    }
    response = login(cast.officer).post(url("priority_edit", world.plan, priority_id=world.abuse.pk), data)
    assert response.status_code == 302
    world.abuse.refresh_from_db()
    assert (world.abuse.title, world.abuse.status) == ("Domestic abuse", "watching")
    assert [(o.pk == first.pk, o.text) for o in world.abuse.outcomes.all()] == [
        (True, "Reduce repeat referrals to MARAC"),
        (False, "Hold perpetrators to account"),
    ]
    assert world.abuse.evidence.count() == 0  # nothing ticked
    assert world.abuse.history.first().history_user == cast.officer


def test_a_bad_priority_edit_changes_nothing(login, cast, world):
    data = PRIORITY_FORM | {"title": "Road safety", "outcomes": "Changed"}
    response = login(cast.officer).post(url("priority_edit", world.plan, priority_id=world.abuse.pk), data)
    assert "already has a priority called" in response.content.decode()
    world.abuse.refresh_from_db()
    assert world.abuse.title == "Domestic violence and abuse"
    assert world.abuse.outcomes.count() == 2


def test_priority_page_shows_the_three_lists_and_the_evidence(login, cast, world):
    body = login(cast.lead).get(url("priority_detail", world.plan, priority_id=world.abuse.pk)).content.decode()
    for text in (
        "What we want to achieve",
        "Reduce repeat referrals to MARAC",
        "What we currently do",
        "<li>MAPPA</li>",
        "What we will do",
        "Promote awareness campaigns",
        "Alcohol use or misuse",
        "Domestic Abuse",
        "Lancashire Strategic Assessment 2022-2025",
    ):
        assert text in body


def test_county_priority_lists_only_the_supporting_priorities_one_may_see(login, cast, world):
    Priority.objects.create(plan=world.csr_plan, title="Domestic abuse and VAWG", order=1, supports=world.county_abuse)
    page = url("priority_detail", world.county_plan, priority_id=world.county_abuse.pk)
    as_analyst = login(cast.analyst).get(page).content.decode()
    assert "Domestic violence and abuse" in as_analyst and "Domestic abuse and VAWG" in as_analyst
    as_lancaster = login(cast.lead).get(page).content.decode()
    assert "Domestic violence and abuse" in as_lancaster and "Domestic abuse and VAWG" not in as_lancaster


def test_officer_sets_how_outcomes_are_measured(login, cast, world):
    first, second = world.abuse.outcomes.all()
    data = {
        "outcomes-TOTAL_FORMS": "4",
        "outcomes-INITIAL_FORMS": "2",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "1000",
        "outcomes-0-id": first.pk,
        "outcomes-0-text": first.text,
        "outcomes-0-measure": "Repeat referrals to MARAC each quarter",
        "outcomes-1-id": second.pk,
        "outcomes-1-text": second.text,
        "outcomes-1-DELETE": "on",
        "outcomes-2-text": "Hold perpetrators to account",
        "outcomes-2-measure": "",
        "outcomes-3-text": "",
    }
    response = login(cast.officer).post(url("priority_outcomes", world.plan, priority_id=world.abuse.pk), data)
    assert response.status_code == 302
    assert [(o.text, o.measure) for o in world.abuse.outcomes.all()] == [
        ("Reduce repeat referrals to MARAC", "Repeat referrals to MARAC each quarter"),
        ("Hold perpetrators to account", ""),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"outcomes-0-text": ""}, "Enter the outcome, or tick to remove it"),
        ({"outcomes-2-text": "", "outcomes-2-measure": "Referrals"}, "Enter the outcome the measure is for"),
        ({"outcomes-2-text": "Increase reporting of domestic abuse"}, "is listed twice"),
        ({"outcomes-0-id": "999999"}, "Someone else has changed this list"),
    ],
)
def test_bad_outcomes_input_is_shown_and_nothing_is_saved(login, cast, world, rows, message):
    first, second = world.abuse.outcomes.all()
    data = {
        "outcomes-TOTAL_FORMS": "3",
        "outcomes-INITIAL_FORMS": "2",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "1000",
        "outcomes-0-id": first.pk,
        "outcomes-0-text": first.text,
        "outcomes-0-measure": "Changed",
        "outcomes-1-id": second.pk,
        "outcomes-1-text": second.text,
        "outcomes-2-text": "",
    } | rows
    response = login(cast.officer).post(url("priority_outcomes", world.plan, priority_id=world.abuse.pk), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert [(o.text, o.measure) for o in world.abuse.outcomes.all()] == [(first.text, ""), (second.text, "")]


def test_officer_moves_a_priority_up_and_the_focus_returns_to_the_button(login, cast, world):
    client = login(cast.officer)
    response = client.post(url("priority_move", world.plan, priority_id=world.roads.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == (
        url("plan_detail", world.plan) + f"?moved={world.roads.pk}&direction=up#priority-{world.roads.pk}"
    )
    assert list(world.plan.priorities.values_list("title", flat=True)) == ["Road safety", "Domestic violence and abuse"]
    page = client.get(response["Location"])
    assert [p.title for p in page.context["priorities"]] == ["Road safety", "Domestic violence and abuse"]
    body = " ".join(page.content.decode().split())
    assert "“Road safety” moved up to number 1." in body
    # Now first, it has no 'Move up' button: the focus goes to its 'Move down'.
    assert 'value="down" autofocus' in body
    assert body.count("autofocus") == 1


def test_a_bad_move_is_refused_and_changes_nothing(login, cast, world):
    client = login(cast.officer)
    response = client.post(url("priority_move", world.plan, priority_id=world.roads.pk), {"direction": "sideways"})
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    client.post(url("priority_move", world.plan, priority_id=world.abuse.pk), {"direction": "up"})  # first already
    assert list(world.plan.priorities.values_list("title", flat=True)) == ["Domestic violence and abuse", "Road safety"]


def test_priority_history_shows_before_and_after(login, cast, world):
    client = login(cast.officer)
    data = PRIORITY_FORM | {"title": "Domestic abuse", "outcomes": "Reduce repeat referrals to MARAC"}
    client.post(url("priority_edit", world.plan, priority_id=world.abuse.pk), data)
    body = client.get(url("priority_history", world.plan, priority_id=world.abuse.pk)).content.decode()
    assert "Olivia Officer" in body
    assert "Domestic violence and abuse" in body and "Domestic abuse" in body
    assert "Deleted: Outcome, “Domestic abuse”" in body
    assert "Increase reporting of domestic abuse" in body


def test_what_people_typed_is_escaped_in_hints_and_labels(login, cast, world):
    world.assessment.title = "<script>alert('assessment')</script>"
    world.assessment.save()
    world.threats["Fraud"].name = "<b>Fraud</b>"
    world.threats["Fraud"].save()
    body = login(cast.officer).get(url("priority_create", world.plan)).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    assert "<b>Fraud</b>" not in body


def test_priority_page_links_to_its_action_plan(login, cast, world):
    body = login(cast.board_member).get(url("priority_detail", world.plan, priority_id=world.abuse.pk)).content.decode()
    assert reverse("actionplans:priority_plan", args=["lancaster", world.abuse.pk]) in body
