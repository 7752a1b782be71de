"""Recommendations of reviews through their pages: adding and changing one (every contradiction
refused with its message, nothing written), turning one into an action, the state the one progress
rule gives shown on the list and the recommendation's page, who may open what (a board member sees
progress, never the case file), the filters, and fixed query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans import services as action_services
from actionplans.models import Action, ProgressReturn
from actionplans.reviews import recommendation_services as services
from actionplans.reviews.models import Recommendation, Review, ReviewRole
from csp_portal.organisations.models import Agency
from tests.actionplans.factories import ReturnFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def police(cast) -> Agency:
    return Agency.objects.get(name="Lancashire Constabulary")


@pytest.fixture
def review(cast) -> Review:
    """A DHR of Lancaster whose review officer is the partnership's officer."""
    found = Review.objects.create(partnership=cast.lancaster, kind=Review.Kind.DHR, reference="DHR 2025/01")
    ReviewRole.objects.create(review=found, user=cast.officer, role=ReviewRole.Kind.OFFICER)
    return found


def recommend(review: Review, actor, **values) -> Recommendation:
    values = {"number": 1, "text": "Train GPs in asking about abuse.", "scope": "multi", "level": "local"} | values
    return services.add_recommendation(review, actor=actor, values=values)


def act_on(recommendation: Recommendation, actor, lead, agency, **values) -> Action:
    values = {
        "title": "Run the training",
        "lead_user": lead,
        "lead_agency": agency,
        "due_date": TODAY + timedelta(days=90),
        "status": Action.Status.NOT_STARTED,
    } | values
    return services.add_action(recommendation, actor=actor, values=values)


def sign_off(
    action: Action, lead, officer, narrative: str = "All 40 GPs trained; register attached."
) -> ProgressReturn:
    """The lead's Complete return, submitted, then accepted by the officer: the real sign-off path."""
    progress = ReturnFactory(
        action=action,
        year=2025,
        number=2,
        rag=ProgressReturn.Rag.COMPLETE,
        percent_complete=100,
        narrative=narrative,
        status=ProgressReturn.Status.SUBMITTED,
        submitted_by=lead,
    )
    return action_services.accept_return(progress, actor=officer)


def url(name: str, *args) -> str:
    return reverse(f"reviews:{name}", args=["lancaster", *args])


def post_form(**values) -> dict:
    """A recommendation form's fields as posted, dates as GOV.UK day, month and year boxes."""
    data = {}
    for name, value in values.items():
        if isinstance(value, date):
            data |= {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}
        elif value is not None:
            data[name] = value
    return data


# -- Adding and changing a review's recommendation -----------------------------------------------------------


def test_the_reviews_officer_adds_a_recommendation_numbered_next(login, cast, review, police):
    recommend(review, cast.officer)
    client = login(cast.officer)
    page = client.get(url("recommendation_add", review.pk))
    assert page.status_code == 200
    assert 'value="2"' in page.content.decode()
    assert "Never write the name of a victim" in page.content.decode()

    response = client.post(
        url("recommendation_add", review.pk),
        post_form(number=2, text="  Police to flag repeat callers.  ", scope="single", agency=police.pk, level="local"),
    )
    added = Recommendation.objects.get(review=review, number=2)
    assert response.status_code == 302 and response["Location"] == url("recommendation_detail", added.pk)
    assert (added.text, added.scope, added.agency, added.partnership) == (
        "Police to flag repeat callers.",
        "single",
        police,
        cast.lancaster,
    )
    created = added.history.get()
    assert created.history_type == "+" and created.history_user == cast.officer


def test_every_contradiction_of_a_new_recommendation_is_refused_at_once(login, cast, review, police):
    recommend(review, cast.officer)
    response = login(cast.officer).post(
        url("recommendation_add", review.pk),
        post_form(
            number=1,
            text="Share the risk assessment.",
            scope="single",
            level="national",
            sent_on=TODAY + timedelta(days=2),
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    for message in (
        "DHR 2025/01 already has a recommendation 1",
        "Choose the agency this single-agency recommendation is for",
        "Enter whom the national recommendation was sent to",
        "The date sent on cannot be in the future",
    ):
        assert message in page, message
    assert Recommendation.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"scope": "multi", "agency": "police"}, "agency", "A multi-agency recommendation is for no single agency"),
        ({"level": "local", "sent_to": "Home Office"}, "sent_to", "A local recommendation is not sent on nationally"),
        ({"level": "national", "sent_on": TODAY}, "sent_to", "Enter whom the national recommendation was sent to"),
        ({"text": ""}, "text", "Enter the recommendation"),
        ({"number": 0}, "number", "The number must be 1 or more"),
    ],
)
def test_a_contradiction_is_refused_on_its_field(login, cast, review, police, values, field, message):
    values = {"number": 5, "text": "Audit the referrals.", "scope": "multi", "level": "local"} | values
    if values.get("agency") == "police":
        values["agency"] = police.pk
    response = login(cast.officer).post(url("recommendation_add", review.pk), post_form(**values))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors[field]
    assert not Recommendation.objects.exists()


def test_the_officer_changes_a_recommendation_to_national_and_the_history_says_who(login, cast, review):
    recommendation = recommend(review, cast.officer)
    national = post_form(
        number=1,
        text="Train GPs in asking about abuse.",
        scope="multi",
        level="national",
        sent_to="NHS England",
        sent_on=TODAY,
        due_date=TODAY + timedelta(days=365),
    )
    response = login(cast.officer).post(
        url("recommendation_edit", recommendation.pk),
        national,
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.level, recommendation.sent_to, recommendation.sent_on) == ("national", "NHS England", TODAY)
    latest = recommendation.history.first()
    assert latest.history_type == "~" and latest.history_user == cast.officer
    assert recommendation.history.count() == 2

    again = login(cast.officer).post(url("recommendation_edit", recommendation.pk), national, follow=True)
    assert "Nothing was changed." in again.content.decode()
    assert recommendation.history.count() == 2


# -- Turning a recommendation into actions ----------------------------------------------------------------------


def test_a_recommendation_becomes_an_action_in_the_same_machinery(login, cast, review, police):
    recommendation = recommend(review, cast.officer)
    client = login(cast.officer)
    page = client.get(url("recommendation_action_add", recommendation.pk))
    assert page.status_code == 200 and "Liam Lead" in page.content.decode()
    response = client.post(
        url("recommendation_action_add", recommendation.pk),
        post_form(
            title="Run the GP training",
            activity="Four sessions",
            lead_agency=police.pk,
            lead_user=cast.lead.pk,
            due_date=TODAY + timedelta(days=60),
            targets="40 GPs",
        ),
    )
    assert response.status_code == 302
    action = Action.objects.get(recommendation=recommendation)
    assert (action.partnership, action.priority, action.lead_user, action.status) == (
        cast.lancaster,
        None,
        cast.lead,
        Action.Status.NOT_STARTED,
    )
    assert action.history.get().history_user == cast.officer
    detail = client.get(url("recommendation_detail", recommendation.pk)).content.decode()
    assert "Run the GP training" in detail and action.get_absolute_url() in detail


def test_an_action_without_its_lead_or_date_is_refused_with_every_problem(login, cast, review, police):
    recommendation = recommend(review, cast.officer)
    response = login(cast.officer).post(url("recommendation_action_add", recommendation.pk), {"title": ""})
    page = response.content.decode()
    assert response.status_code == 200
    for message in ("Enter the action", "Choose the lead agency", "Choose the lead person", "Enter the timescale"):
        assert message in page, message
    assert not Action.objects.exists()


def test_the_action_rules_are_shown_on_their_fields(login, cast, review, police):
    recommendation = recommend(review, cast.officer)
    response = login(cast.officer).post(
        url("recommendation_action_add", recommendation.pk),
        post_form(
            title="Run the GP training",
            lead_agency=police.pk,
            lead_user=cast.lead.pk,
            start_date=TODAY + timedelta(days=30),
            due_date=TODAY,
        ),
    )
    assert response.status_code == 200
    assert "The due date must be on or after the start date." in response.context["form"].errors["due_date"]
    assert not Action.objects.exists()


def test_the_partnership_officer_adds_actions_without_a_role_on_the_review(login, cast, review, police):
    recommendation = recommend(review, cast.officer)
    ReviewRole.objects.filter(review=review).delete()
    client = login(cast.officer)
    assert client.get(url("recommendation_edit", recommendation.pk)).status_code == 403
    assert client.get(url("recommendation_action_add", recommendation.pk)).status_code == 200


# -- The state from progress.py, on the pages ---------------------------------------------------------------


def state_on(client, recommendation: Recommendation) -> tuple[str, str]:
    listing = client.get(url("recommendation_list")).content.decode()
    detail = client.get(url("recommendation_detail", recommendation.pk)).content.decode()
    return listing, detail


def test_states_from_awaiting_actions_to_implemented_by_an_accepted_complete_return(login, cast, review, police):
    recommendation = recommend(review, cast.officer)
    client = login(cast.board_member)
    listing, detail = state_on(client, recommendation)
    assert 'govuk-tag--grey">Awaiting actions' in listing and "Awaiting actions" in detail

    action = act_on(recommendation, cast.officer, cast.lead, police)
    listing, detail = state_on(client, recommendation)
    assert 'govuk-tag--blue">Open' in listing and "0 of 1" in listing

    sign_off(action, cast.lead, cast.officer)
    listing, detail = state_on(client, recommendation)
    assert 'govuk-tag--green">Implemented' in listing and "1 of 1" in listing
    assert 'govuk-tag--green">Implemented' in detail
    assert "All 40 GPs trained; register attached." in detail
    assert "Signed off by Olivia Officer" in detail


def test_a_submitted_complete_return_not_yet_accepted_leaves_it_open(login, cast, review, police):
    recommendation = recommend(review, cast.officer)
    action = act_on(recommendation, cast.officer, cast.lead, police)
    ReturnFactory(action=action, rag="complete", percent_complete=100, status="submitted", submitted_by=cast.lead)
    listing, detail = state_on(login(cast.officer), recommendation)
    assert 'govuk-tag--blue">Open' in listing and "Not yet" in detail


def test_an_action_past_its_due_date_makes_it_overdue(login, cast, review, police):
    recommendation = recommend(review, cast.officer)
    action = act_on(recommendation, cast.officer, cast.lead, police)
    Action.objects.filter(pk=action.pk).update(due_date=TODAY - timedelta(days=1))
    listing, detail = state_on(login(cast.board_member), recommendation)
    assert 'govuk-tag--red">Overdue' in listing and 'govuk-tag--red">Overdue' in detail


def test_its_own_date_passed_makes_it_overdue_too(login, cast, review, police):
    recommendation = recommend(review, cast.officer, due_date=TODAY - timedelta(days=3))
    act_on(recommendation, cast.officer, cast.lead, police)
    listing, _ = state_on(login(cast.board_member), recommendation)
    assert 'govuk-tag--red">Overdue' in listing


# -- Who may open what -------------------------------------------------------------------------------------------


def test_a_board_member_reads_progress_but_not_the_case_file(login, cast, review, police):
    recommendation = recommend(review, cast.officer)
    client = login(cast.board_member)
    for page in (url("recommendation_list"), url("recommendation_detail", recommendation.pk)):
        response = client.get(page)
        assert response.status_code == 200
        assert "DHR 2025/01" in response.content.decode()
        assert f"/reviews/{review.pk}/" not in response.content.decode()
    for page in (
        url("recommendation_add", review.pk),
        url("recommendation_edit", recommendation.pk),
        url("recommendation_action_add", recommendation.pk),
        url("pcc_recommendation_add"),
    ):
        assert client.get(page).status_code == 403
        assert client.post(page, {"text": "Changed"}).status_code == 403
    assert Recommendation.objects.get().text == "Train GPs in asking about abuse."


def test_the_reviews_own_people_get_the_link_to_the_case_file(login, cast, review):
    recommend(review, cast.officer)
    page = login(cast.officer).get(url("recommendation_list")).content.decode()
    assert f'href="{review.get_absolute_url()}"' in page


def test_another_partnership_finds_nothing(login, cast, review):
    recommendation = recommend(review, cast.officer)
    client = login(cast.csr_officer)
    for page in (
        url("recommendation_list"),
        url("recommendation_detail", recommendation.pk),
        url("recommendation_edit", recommendation.pk),
        url("recommendation_add", review.pk),
        url("pcc_register"),
    ):
        assert client.get(page).status_code == 404
    own = reverse("reviews:recommendation_detail", args=["chorley-south-ribble", recommendation.pk])
    assert client.get(own).status_code == 404


# -- The list's filters -------------------------------------------------------------------------------------------


def test_the_list_filters_by_state_source_and_level(login, cast, review, police):
    local = recommend(review, cast.officer, text="Local one")
    national = recommend(review, cast.officer, number=2, text="National one", level="national", sent_to="Home Office")
    act_on(national, cast.officer, cast.lead, police)
    pcc = services.receive_pcc_recommendation(
        cast.lancaster, actor=cast.officer, values={"received_on": TODAY, "number": 1, "text": "PCC one"}
    )
    client = login(cast.board_member)

    def shown(**query) -> set[str]:
        rows = client.get(url("recommendation_list"), query).context["rows"]
        return {row.recommendation.text for row in rows}

    assert shown() == {local.text, national.text, pcc.text}
    assert shown(state="awaiting") == {local.text, pcc.text}
    assert shown(state="open") == {national.text}
    assert shown(level="national") == {national.text}
    assert shown(source="pcc") == {pcc.text}
    assert shown(source="dhr") == {local.text, national.text}
    assert shown(source="asb") == set()
    refused = client.get(url("recommendation_list"), {"state": "nonsense"})
    assert refused.status_code == 200 and "Not applied" in refused.content.decode()
    assert len(refused.context["rows"]) == 3


# -- The case file's list -------------------------------------------------------------------------------------


def test_the_case_file_lists_its_recommendations_with_their_state(cast, review, police, rf):
    recommendation = recommend(review, cast.officer)
    act_on(recommendation, cast.officer, cast.lead, police)
    context = {"partnership": cast.lancaster, "review": review, "can_change": True}
    html = render_to_string("reviews/includes/case_file_recommendations.html", context)
    assert "Train GPs in asking about abuse." in html and 'govuk-tag--blue">Open' in html
    assert url("recommendation_add", review.pk) in html
    reader = render_to_string("reviews/includes/case_file_recommendations.html", context | {"can_change": False})
    assert "Add a recommendation" not in reader


# -- Query counts -----------------------------------------------------------------------------------------------


def queries_for(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def grow(review: Review, cast, police, count: int) -> Recommendation:
    """``count`` more recommendations, each with ``count`` actions, each with a signed-off return."""
    first = None
    start = review.recommendations.count() + 1
    for n in range(start, start + count):
        recommendation = recommend(review, cast.officer, number=n, text=f"Recommendation {n}")
        first = first or recommendation
        for _ in range(count):
            sign_off(act_on(recommendation, cast.officer, cast.lead, police), cast.lead, cast.officer)
    return first


def test_the_list_and_a_recommendation_run_a_fixed_number_of_queries(login, cast, review, police):
    first = grow(review, cast, police, 1)
    services.receive_pcc_recommendation(
        cast.lancaster, actor=cast.officer, values={"received_on": TODAY, "number": 1, "text": "PCC"}
    )
    client = login(cast.officer)
    pages = [url("recommendation_list"), url("recommendation_detail", first.pk), url("pcc_register")]
    few = [queries_for(client, page) for page in pages]
    grow(review, cast, police, 10)
    for _ in range(10):
        services.receive_pcc_recommendation(
            cast.lancaster, actor=cast.officer, values={"received_on": TODAY, "number": 1, "text": "PCC"}
        )
    Action.objects.filter(recommendation=first).update(status=Action.Status.IN_PROGRESS)
    assert [queries_for(client, page) for page in pages] == few


def test_the_chair_changes_them_and_a_panel_member_or_another_reviews_chair_only_reads(login, cast, review):
    recommendation = recommend(review, cast.officer)
    other = Review.objects.create(partnership=cast.lancaster, kind=Review.Kind.ASB, reference="ASB 2025/04")
    chair, panel, elsewhere = cast.lead, cast.board_member, cast.analyst
    ReviewRole.objects.create(review=review, user=chair, role=ReviewRole.Kind.CHAIR)
    ReviewRole.objects.create(review=review, user=panel, role=ReviewRole.Kind.PANEL)
    ReviewRole.objects.create(review=other, user=elsewhere, role=ReviewRole.Kind.CHAIR)
    assert login(chair).get(url("recommendation_add", review.pk)).status_code == 200
    assert login(chair).get(url("recommendation_edit", recommendation.pk)).status_code == 200
    reader = login(panel)
    assert reader.get(url("recommendation_add", review.pk)).status_code == 403
    assert reader.get(url("recommendation_edit", recommendation.pk)).status_code == 403
    assert f'href="{review.get_absolute_url()}"' in reader.get(url("recommendation_list")).content.decode()
    # the county analyst chairs the ASB review: a role on one review changes nothing of another
    assert login(elsewhere).get(url("recommendation_edit", recommendation.pk)).status_code == 403
    assert login(elsewhere).get(url("recommendation_add", other.pk)).status_code == 200


def test_the_case_file_page_shows_them_to_the_reviews_people(login, cast, review, police):
    recommendation = recommend(review, cast.officer)
    act_on(recommendation, cast.officer, cast.lead, police)
    page = login(cast.officer).get(review.get_absolute_url()).content.decode()
    assert "Train GPs in asking about abuse." in page and url("recommendation_add", review.pk) in page
