"""The PCC's recommendations register through its pages: received, considered, the decision with its
reasons, the response sent, each step in the history with who made it; every contradiction refused
with its message and nothing written; a recommendation not accepted owes nothing and gets no actions;
what awaits consideration or a response stands out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionplans.models import Action
from actionplans.reviews import recommendation_services as services
from actionplans.reviews.models import Recommendation
from tests.reviews.test_recommendations import act_on, post_form, url
from tests.test_html_validity import check

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
RECEIVED = TODAY - timedelta(days=30)


@pytest.fixture
def pcc(cast) -> Recommendation:
    return services.receive_pcc_recommendation(
        cast.lancaster,
        actor=cast.officer,
        values={"received_on": RECEIVED, "number": 3, "text": "Fund a knife-crime youth worker."},
    )


def considered(**values) -> dict:
    """The change form as posted: the recommendation as received, with ``values`` on top."""
    return post_form(**({"received_on": RECEIVED, "number": 3, "text": "Fund a knife-crime youth worker."} | values))


def test_the_officer_records_a_pcc_recommendation_as_received(login, cast):
    client = login(cast.officer)
    assert client.get(url("pcc_recommendation_add")).status_code == 200
    response = client.post(
        url("pcc_recommendation_add"),
        post_form(received_on=RECEIVED, number=1, text="Share ASB data weekly.", due_date=TODAY + timedelta(days=90)),
    )
    added = Recommendation.objects.get()
    assert response.status_code == 302 and response["Location"] == url("recommendation_detail", added.pk)
    assert (added.review, added.partnership, added.received_on, added.decision) == (None, cast.lancaster, RECEIVED, "")
    assert added.history.get().history_user == cast.officer
    register = client.get(url("pcc_register")).content.decode()
    assert "Share ASB data weekly." in register and "Awaiting consideration" in register


def test_a_new_one_needs_its_received_date_and_words_and_no_future_date(login, cast):
    response = login(cast.officer).post(
        url("pcc_recommendation_add"), post_form(number=1, text="", due_date=TODAY + timedelta(days=9))
    )
    page = response.content.decode()
    assert "Enter the recommendation" in page
    future = login(cast.officer).post(
        url("pcc_recommendation_add"), post_form(received_on=TODAY + timedelta(days=1), number=1, text="Share data.")
    )
    assert "The date received cannot be in the future" in future.content.decode()
    missing = login(cast.officer).post(url("pcc_recommendation_add"), post_form(number=1, text="Share data."))
    assert "Enter the date the recommendation was received" in missing.content.decode()
    assert not Recommendation.objects.exists()


def test_considered_accepted_and_answered_step_by_step_each_in_the_history(login, cast, pcc):
    client = login(cast.officer)
    steps = [
        {"considered_on": RECEIVED + timedelta(days=7), "decision": "accepted"},
        {"considered_on": RECEIVED + timedelta(days=7), "decision": "accepted", "response_sent_on": TODAY},
    ]
    for values in steps:
        response = client.post(url("recommendation_edit", pcc.pk), considered(**values))
        assert response.status_code == 302, response.context["form"].errors
    pcc.refresh_from_db()
    assert (pcc.considered_on, pcc.decision, pcc.response_sent_on) == (RECEIVED + timedelta(days=7), "accepted", TODAY)
    assert [entry.history_user for entry in pcc.history.order_by("history_id")] == [cast.officer] * 3
    register = client.get(url("pcc_register")).content.decode()
    assert "Awaiting consideration" not in register and "Response to send" not in register


def test_a_decision_without_a_response_stands_out(login, cast, pcc):
    client = login(cast.officer)
    client.post(url("recommendation_edit", pcc.pk), considered(considered_on=TODAY, decision="accepted"))
    assert "Response to send" in client.get(url("pcc_register")).content.decode()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"decision": "accepted"}, "considered_on", "Enter the date the partnership considered it, with its decision"),
        ({"considered_on": TODAY}, "decision", "Choose the decision the partnership made when it considered it"),
        (
            {"considered_on": TODAY, "decision": "not_accepted"},
            "reasons",
            "Give the reasons the partnership will not act on it, or not in full",
        ),
        (
            {"considered_on": TODAY, "decision": "partly", "reasons": "  "},
            "reasons",
            "Give the reasons the partnership will not act on it, or not in full",
        ),
        ({"response_sent_on": TODAY}, "response_sent_on", "Record the partnership's decision before the response"),
        (
            {"considered_on": TODAY, "decision": "accepted", "response_sent_on": TODAY - timedelta(days=1)},
            "response_sent_on",
            "The response cannot have been sent before the recommendation was considered",
        ),
        (
            {"considered_on": RECEIVED - timedelta(days=1), "decision": "accepted"},
            "considered_on",
            "It cannot have been considered before it was received",
        ),
        (
            {"considered_on": TODAY + timedelta(days=1), "decision": "accepted"},
            "considered_on",
            "The date considered cannot be in the future",
        ),
        (
            {"considered_on": TODAY, "decision": "accepted", "response_sent_on": TODAY + timedelta(days=2)},
            "response_sent_on",
            "The date response sent to the PCC cannot be in the future",
        ),
    ],
)
def test_every_contradiction_is_refused_on_its_field(login, cast, pcc, values, field, message):
    response = login(cast.officer).post(url("recommendation_edit", pcc.pk), considered(**values))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field]), response.context["form"].errors
    assert message in response.content.decode().replace("&#x27;", "'")
    pcc.refresh_from_db()
    assert (pcc.considered_on, pcc.decision, pcc.response_sent_on) == (None, "", None)
    assert pcc.history.count() == 1


def test_every_problem_at_once(login, cast, pcc):
    response = login(cast.officer).post(
        url("recommendation_edit", pcc.pk),
        considered(decision="not_accepted", response_sent_on=TODAY + timedelta(days=3)),
    )
    errors = response.context["form"].errors
    assert {"considered_on", "reasons", "response_sent_on"} <= set(errors)


def test_not_accepted_owes_nothing_and_gets_no_actions(login, cast, pcc):
    client = login(cast.officer)
    response = client.post(
        url("recommendation_edit", pcc.pk),
        considered(considered_on=TODAY, decision="not_accepted", reasons="The OPCC funds this directly."),
    )
    assert response.status_code == 302
    listing = client.get(url("recommendation_list")).content.decode()
    assert 'govuk-tag--purple">Not accepted' in listing
    detail = client.get(url("recommendation_detail", pcc.pk)).content.decode()
    assert "decided not to accept this recommendation" in detail and "Add an action" not in detail
    page = client.get(url("recommendation_action_add", pcc.pk)).content.decode()
    assert "decided not to accept this recommendation" in page and "<form" not in page.split("<main")[1]
    client.post(url("recommendation_action_add", pcc.pk), post_form(title="Do it anyway", lead_user=cast.lead.pk))
    assert not Action.objects.exists()
    with pytest.raises(ValidationError, match="decided not to accept"):
        services.add_action(pcc, actor=cast.officer, values={"title": "Do it anyway"})


def test_one_not_yet_considered_gets_no_actions_until_accepted(login, cast, pcc):
    client = login(cast.officer)
    assert "has not yet recorded its decision" in client.get(url("recommendation_action_add", pcc.pk)).content.decode()
    client.post(url("recommendation_edit", pcc.pk), considered(considered_on=TODAY, decision="partly", reasons="Half."))
    assert "Choose the lead person" in client.get(url("recommendation_action_add", pcc.pk)).content.decode()


def test_an_accepted_one_with_actions_under_way_cannot_become_not_accepted(login, cast, pcc):
    client = login(cast.officer)
    client.post(url("recommendation_edit", pcc.pk), considered(considered_on=TODAY, decision="accepted"))
    pcc.refresh_from_db()
    act_on(pcc, cast.officer, cast.lead, None, timescale="By March")
    response = client.post(
        url("recommendation_edit", pcc.pk),
        considered(considered_on=TODAY, decision="not_accepted", reasons="Changed our minds."),
    )
    assert "It has 1 action under way: cancel or archive them" in response.content.decode()
    pcc.refresh_from_db()
    assert pcc.decision == "accepted"


def test_only_officers_keep_the_register_and_everyone_reads_it(login, cast, pcc):
    for person in (cast.lead, cast.board_member):
        client = login(person)
        assert client.get(url("pcc_register")).status_code == 200
        assert client.get(url("pcc_recommendation_add")).status_code == 403
        assert client.get(url("recommendation_edit", pcc.pk)).status_code == 403
        assert client.post(url("recommendation_edit", pcc.pk), considered(decision="accepted")).status_code == 403
    assert login(cast.admin).get(url("recommendation_edit", pcc.pk)).status_code == 200
    assert login(cast.csr_officer).get(url("recommendation_edit", pcc.pk)).status_code == 404


def test_the_pcc_pages_are_valid_html(login, cast, pcc, tmp_path):
    """The permission matrix's HTML crawl sees a review's recommendation; these are the PCC's own
    pages: the register, the consideration form (empty and with its errors), and a page refusing actions."""
    client = login(cast.officer)
    pages = [
        client.get(url("pcc_register")),
        client.get(url("pcc_recommendation_add")),
        client.post(url("pcc_recommendation_add"), {"number": "x"}),
        client.get(url("recommendation_edit", pcc.pk)),
        client.post(url("recommendation_edit", pcc.pk), considered(decision="not_accepted")),
        client.get(url("recommendation_action_add", pcc.pk)),
        client.get(url("recommendation_detail", pcc.pk)),
    ]
    files = []
    for number, response in enumerate(pages):
        assert response.status_code == 200
        files.append(tmp_path / f"page-{number}.html")
        files[-1].write_text(response.content.decode(), encoding="utf-8")
    assert [(item["url"].rsplit("/", 1)[-1], item["message"]) for item in check(files)] == []
