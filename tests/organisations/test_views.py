"""The organisation pages: the happy path, the wrong role (403), another partnership (404), bad input,
and a query count that does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp_portal.organisations.models import Role
from csp_portal.organisations.queries import SESSION_KEY
from tests.factories import AuthorityFactory, MembershipFactory, PartnershipFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def detail_url(partnership):
    return reverse("partnership_detail", args=[partnership.slug])


def members_url(partnership):
    return reverse("partnership_members", args=[partnership.slug])


# Overview page


def test_anonymous_visitor_is_sent_to_sign_in(client, cast):
    response = client.get(detail_url(cast.lancaster))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_officer_sees_their_partnership(login, cast):
    response = login(cast.officer).get(detail_url(cast.lancaster))
    assert response.status_code == 200
    assert "Lancaster District CSP" in response.content.decode()


@pytest.mark.parametrize("member", ["lead", "board_member"])
def test_every_role_in_the_partnership_sees_its_overview(login, cast, member):
    assert login(getattr(cast, member)).get(detail_url(cast.lancaster)).status_code == 200


def test_officer_of_another_partnership_gets_not_found(login, cast):
    assert login(cast.csr_officer).get(detail_url(cast.lancaster)).status_code == 404


def test_district_officer_reads_the_county_board_above_their_csp(login, cast):
    assert login(cast.csr_officer).get(detail_url(cast.lancashire)).status_code == 200


def test_district_officer_may_not_open_the_county_boards_members(login, cast):
    assert login(cast.csr_officer).get(members_url(cast.lancashire)).status_code == 403


def test_county_analyst_sees_the_districts_under_the_county(login, cast):
    response = login(cast.analyst).get(detail_url(cast.lancaster))
    assert response.status_code == 200


def test_person_without_a_role_sees_no_partnership(login, cast):
    assert login(cast.outsider).get(detail_url(cast.lancaster)).status_code == 404


def test_unknown_partnership_is_not_found(login, cast):
    assert login(cast.admin).get("/partnerships/no-such-csp/").status_code == 404


def test_county_overview_lists_its_district_partnerships(login, cast):
    body = login(cast.analyst).get(detail_url(cast.lancashire)).content.decode()
    assert "Lancaster District CSP" in body
    assert "Chorley and South Ribble CSP" in body


# Members and agencies page


def test_officer_sees_members_and_agencies(login, cast):
    response = login(cast.officer).get(members_url(cast.lancaster))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lancashire Constabulary" in body
    assert "Chief Inspector, Lancaster" in body
    assert "Liam Lead" in body and "Bea Board" in body


@pytest.mark.parametrize("member", ["lead", "board_member"])
def test_other_roles_may_not_open_the_members_page(login, cast, member):
    assert login(getattr(cast, member)).get(members_url(cast.lancaster)).status_code == 403


def test_county_analyst_may_not_open_a_district_members_page(login, cast):
    assert login(cast.analyst).get(members_url(cast.lancaster)).status_code == 403


def test_officer_cannot_see_another_partnerships_members(login, cast):
    assert login(cast.csr_officer).get(members_url(cast.lancaster)).status_code == 404


def test_admin_sees_any_partnerships_members(login, cast):
    assert login(cast.admin).get(members_url(cast.chorley_south_ribble)).status_code == 200


# Home (its content per role: tests/reports/test_home.py) and the list of partnerships


def test_home_tells_a_person_without_a_role_whom_to_ask(login, cast):
    response = login(cast.outsider).get(reverse("home"))
    assert response.status_code == 200
    assert "partnership officer" in response.content.decode().lower()


def test_admin_without_a_role_lands_on_all_partnerships(login, cast):
    response = login(cast.admin).get(reverse("home"))
    assert response["Location"] == reverse("partnership_list")


def test_partnership_list_shows_only_what_the_user_may_see(login, cast):
    body = login(cast.csr_officer).get(reverse("partnership_list")).content.decode()
    assert "Chorley and South Ribble CSP" in body
    assert "Lancashire Community Safety Partnership Board" in body
    assert "Lancaster District CSP" not in body


# Switching partnership


def test_officer_switches_to_the_county_board(login, cast):
    client = login(cast.officer)
    response = client.post(reverse("switch_partnership"), {"partnership": "lancashire"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(cast.lancashire)
    assert client.session[SESSION_KEY] == cast.lancashire.pk


def test_switching_to_a_partnership_outside_ones_own_is_refused(login, cast):
    client = login(cast.csr_officer)
    response = client.post(reverse("switch_partnership"), {"partnership": "lancaster"})
    assert response.status_code == 400
    assert "Choose one of your partnerships" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_switch_needs_a_post(login, cast):
    assert login(cast.officer).get(reverse("switch_partnership")).status_code == 405


def test_switcher_is_offered_to_people_with_several_partnerships(login, cast):
    body = login(cast.officer).get(detail_url(cast.lancaster)).content.decode()
    assert reverse("switch_partnership") in body
    body = login(cast.lead).get(detail_url(cast.lancaster)).content.decode()
    assert reverse("switch_partnership") not in body


# Query counts stay flat as the data grows


def _grow(partnership, size):
    for _ in range(size):
        partnership.authorities.add(AuthorityFactory())
        MembershipFactory(partnership=partnership)
        RoleFactory(partnership=partnership, role=Role.Kind.LEAD, user=UserFactory())
        PartnershipFactory(county_board=partnership.county_board or partnership)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", [detail_url, members_url])
def test_page_queries_do_not_grow_with_the_data(login, cast, page):
    client = login(cast.officer)
    _grow(cast.lancaster, 3)
    small = _count_queries(client, page(cast.lancaster))
    _grow(cast.lancaster, 30)
    large = _count_queries(client, page(cast.lancaster))
    assert large == small
    assert small <= 12


def test_county_overview_queries_do_not_grow_with_districts(login, cast):
    client = login(cast.analyst)
    _grow(cast.lancashire, 3)
    small = _count_queries(client, detail_url(cast.lancashire))
    _grow(cast.lancashire, 30)
    assert _count_queries(client, detail_url(cast.lancashire)) == small
