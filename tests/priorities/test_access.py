"""Who may open which page: every role in the partnership reads; only its officers (and site
administrators) change; participants score; other partnerships get 404, read-only roles 403."""

import pytest
from django.urls import reverse

from priorities.models import Priority

from .conftest import url
from .pages import ALL, CHANGE, POST_ONLY, READ, SCORE

pytestmark = pytest.mark.django_db

READERS = ["officer", "lead", "board_member", "analyst", "admin"]  # the analyst sees Lancaster from the county


@pytest.mark.parametrize("page", sorted(READ))
@pytest.mark.parametrize("who", READERS)
def test_everyone_who_may_see_the_partnership_reads_its_plan(login, cast, world, page, who):
    assert login(getattr(cast, who)).get(READ[page](world)).status_code == 200


@pytest.mark.parametrize("page", sorted(CHANGE))
@pytest.mark.parametrize("who", ["officer", "admin"])
def test_officers_and_site_administrators_open_the_forms(login, cast, world, page, who):
    assert login(getattr(cast, who)).get(CHANGE[page](world)).status_code == 200


@pytest.mark.parametrize("page", sorted(CHANGE))
@pytest.mark.parametrize("who", ["lead", "board_member", "analyst"])
def test_read_only_roles_may_not_open_the_forms(login, cast, world, page, who):
    assert login(getattr(cast, who)).get(CHANGE[page](world)).status_code == 403


@pytest.mark.parametrize("page", sorted(POST_ONLY))
@pytest.mark.parametrize("who", ["lead", "board_member", "analyst"])
def test_read_only_roles_may_not_press_the_buttons(login, cast, world, page, who):
    make, data = POST_ONLY[page]
    before = list(Priority.objects.values_list("pk", "order"))
    assert login(getattr(cast, who)).post(make(world), data).status_code == 403
    assert list(Priority.objects.values_list("pk", "order")) == before
    assert world.exercise.candidates.count() == 2


@pytest.mark.parametrize("page", sorted(POST_ONLY))
def test_buttons_need_a_post(login, cast, world, page):
    make, _ = POST_ONLY[page]
    assert login(cast.officer).get(make(world)).status_code == 405


@pytest.mark.parametrize("page", sorted(ALL))
@pytest.mark.parametrize("who", ["csr_officer", "outsider"])
def test_another_partnership_gets_not_found(login, cast, world, page, who):
    client = login(getattr(cast, who))
    assert client.get(ALL[page](world)).status_code in {404, 405}
    assert client.post(ALL[page](world), {"direction": "up"}).status_code == 404


@pytest.mark.parametrize("page", sorted(ALL))
def test_anonymous_visitors_are_sent_to_sign_in(client, world, page):
    response = client.get(ALL[page](world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_participants_score(login, cast, world):
    for who in ("officer", "lead", "board_member"):
        assert login(getattr(cast, who)).get(SCORE["exercise_score"](world)).status_code == 200


@pytest.mark.parametrize("who", ["admin", "analyst"])
def test_people_who_are_not_participants_may_not_score(login, cast, world, who):
    assert login(getattr(cast, who)).get(SCORE["exercise_score"](world)).status_code == 403
    assert login(getattr(cast, who)).post(SCORE["exercise_score"](world), {}).status_code == 403


def test_a_district_officer_reads_the_county_agreement_but_may_not_change_it(login, cast, world):
    client = login(cast.csr_officer)
    assert client.get(url("plan_detail", world.county_plan)).status_code == 200
    assert client.get(url("priority_detail", world.county_plan, priority_id=world.county_abuse.pk)).status_code == 200
    assert client.get(url("plan_edit", world.county_plan)).status_code == 403
    assert client.get(url("priority_create", world.county_plan)).status_code == 403


def test_a_board_seat_on_the_county_does_not_let_an_officer_change_the_agreement(login, cast, world):
    assert login(cast.officer).get(url("plan_edit", world.county_plan)).status_code == 403


def test_a_plan_is_found_only_under_its_own_partnership(login, cast, world):
    wrong = reverse("priorities:plan_detail", kwargs={"slug": "lancaster", "plan_id": world.csr_plan.pk})
    assert login(cast.admin).get(wrong).status_code == 404
    other_priority = url("priority_detail", world.plan, priority_id=world.county_abuse.pk)
    assert login(cast.admin).get(other_priority).status_code == 404


def test_unknown_objects_are_not_found(login, cast, world):
    client = login(cast.officer)
    assert client.get(url("plan_detail", slug="lancaster", plan_id=999999)).status_code == 404
    assert client.get(url("priority_detail", world.plan, priority_id=999999)).status_code == 404
    assert client.get(url("exercise_detail", world.plan, exercise_id=999999)).status_code == 404
    assert (
        client.get(url("candidate_convert", world.plan, exercise_id=world.exercise.pk, candidate_id=999999)).status_code
        == 404
    )
    assert client.get(url("plan_list", slug="no-such-csp")).status_code == 404
