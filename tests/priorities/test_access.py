"""Who may open which page: every role in the partnership reads; only its officers (and site
administrators) change; participants score; other partnerships get 404, read-only roles 403."""

import pytest
from django.urls import reverse

from priorities.models import Priority

from .conftest import url
from .pages import ALL, CHANGE, POST_ONLY, READ, SCORE

pytestmark = pytest.mark.django_db

READERS = ["officer", "lead", "board_member", "analyst", "admin"]  # the analyst sees Lancaster from the county


def statuses(login, cast, path: str, people: list[str], method: str = "get", data=None) -> dict[str, int]:
    return {who: getattr(login(getattr(cast, who)), method)(path, data or {}).status_code for who in people}


@pytest.mark.parametrize("page", sorted(READ))
def test_everyone_who_may_see_the_partnership_reads_its_plan(login, cast, world, page):
    assert statuses(login, cast, READ[page](world), READERS) == dict.fromkeys(READERS, 200)


@pytest.mark.parametrize("page", sorted(CHANGE))
def test_officers_and_site_administrators_open_the_forms_and_read_only_roles_may_not(login, cast, world, page):
    assert statuses(login, cast, CHANGE[page](world), ["officer", "admin", "lead", "board_member", "analyst"]) == {
        "officer": 200,
        "admin": 200,
        "lead": 403,
        "board_member": 403,
        "analyst": 403,
    }


@pytest.mark.parametrize("page", sorted(CHANGE))
def test_read_only_roles_may_not_post_the_forms(login, cast, world, page):
    assert statuses(login, cast, CHANGE[page](world), ["lead", "board_member", "analyst"], "post") == dict.fromkeys(
        ["lead", "board_member", "analyst"], 403
    )


@pytest.mark.parametrize("page", sorted(POST_ONLY))
def test_read_only_roles_may_not_press_the_buttons(login, cast, world, page):
    make, data = POST_ONLY[page]
    before = list(Priority.objects.values_list("pk", "order"))
    people = ["lead", "board_member", "analyst"]
    assert statuses(login, cast, make(world), people, "post", data) == dict.fromkeys(people, 403)
    assert list(Priority.objects.values_list("pk", "order")) == before
    assert world.exercise.candidates.count() == 2


@pytest.mark.parametrize("page", sorted(POST_ONLY))
def test_buttons_need_a_post(login, cast, world, page):
    make, _ = POST_ONLY[page]
    assert login(cast.officer).get(make(world)).status_code == 405


@pytest.mark.parametrize("page", sorted(ALL))
def test_another_partnership_gets_not_found(login, cast, world, page):
    for who in ("csr_officer", "outsider"):
        client = login(getattr(cast, who))
        assert client.get(ALL[page](world)).status_code in {404, 405}, who  # buttons answer GET with 405 first
        assert client.post(ALL[page](world), {"direction": "up"}).status_code == 404, who


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
