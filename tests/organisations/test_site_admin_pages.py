"""Site administrators run the portal's authorities and partnerships in its own pages: they list,
add and change them (each change in the history with who made it), every problem of a form at
once, an ONS code never twice. Nobody else may open these pages, and each list runs the same
number of queries however long it grows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp_portal.organisations.models import Authority, Partnership
from tests.factories import AuthorityFactory, PartnershipFactory, PoliceForceAreaFactory
from tests.test_html_validity import check

pytestmark = pytest.mark.django_db

SITE_PAGES = [
    "site_index",
    "site_authority_list",
    "site_authority_add",
    "site_partnership_list",
    "site_partnership_add",
]


def _errors(response) -> list[str]:
    return [link.message for link in response.context["errors"]]


def _authority(**changes) -> dict:
    return {"name": "Wyre", "ons_code": "e07000128", "kind": Authority.Kind.DISTRICT, "county": "", **changes}


# -- Authorities -----------------------------------------------------------------------------------


def test_a_site_admin_adds_an_authority_recorded_with_who_added_it(login, cast):
    client = login(cast.admin)
    county = Authority.objects.get(ons_code="E10000017")
    force = PoliceForceAreaFactory()
    data = _authority(county=county.pk, police_force=force.pk)
    response = client.post(reverse("site_authority_add"), data)
    assert response.status_code == 302 and response["Location"] == reverse("site_authority_list")
    wyre = Authority.objects.get(name="Wyre")
    assert (wyre.ons_code, wyre.county, wyre.police_force) == ("E07000128", county, force)
    [created] = wyre.history.all()
    assert created.history_type == "+" and created.history_user == cast.admin
    page = client.get(reverse("site_authority_list")).content.decode()
    assert "Wyre" in page and "E07000128" in page and "Wyre has been saved." in page


def test_a_site_admin_changes_an_authority(login, cast):
    client = login(cast.admin)
    lancaster = Authority.objects.get(ons_code="E07000121")
    url = reverse("site_authority_edit", args=[lancaster.pk])
    page = client.get(url).content.decode()
    assert 'value="E07000121"' in page and "Change Lancaster" in page
    data = _authority(name="Lancaster City", ons_code="E07000121", county=lancaster.county_id)
    assert client.post(url, data).status_code == 302
    lancaster.refresh_from_db()
    assert lancaster.name == "Lancaster City"
    last = lancaster.history.first()
    assert last.history_type == "~" and last.history_user == cast.admin and last.name == "Lancaster City"


def test_an_ons_code_held_already_is_refused_with_every_other_problem(login, cast):
    client = login(cast.admin)
    county = Authority.objects.get(ons_code="E10000017")
    response = client.post(
        reverse("site_authority_add"), _authority(name="", ons_code="e07000121", kind="unitary", county=county.pk)
    )
    assert response.status_code == 200
    assert _errors(response) == [
        "Enter the name",
        "E07000121 is already the ONS code of Lancaster: enter another code",
        "Only a district council has a county council above it: leave the county empty",
    ]
    assert "<title>Error: Add an authority" in response.content.decode()
    assert Authority.objects.count() == 4


def test_an_authority_keeps_its_own_ons_code_when_changed(login, cast):
    client = login(cast.admin)
    chorley = Authority.objects.get(ons_code="E07000118")
    url = reverse("site_authority_edit", args=[chorley.pk])
    taken = client.post(url, _authority(name="Chorley", ons_code="E07000126", county=chorley.county_id))
    assert _errors(taken) == ["E07000126 is already the ONS code of South Ribble: enter another code"]
    kept = client.post(url, _authority(name="Chorley", ons_code="E07000118", county=chorley.county_id))
    assert kept.status_code == 302


# -- Partnerships ----------------------------------------------------------------------------------


def test_a_site_admin_adds_a_partnership_named_in_addresses_after_its_name(login, cast):
    client = login(cast.admin)
    wyre = AuthorityFactory(name="Wyre", ons_code="E07000128")
    fylde = AuthorityFactory(name="Fylde", ons_code="E07000119")
    data = {
        "name": "Fylde and Wyre CSP",
        "slug": "",
        "kind": Partnership.Kind.JOINT,
        "ons_code": "e22000999",
        "county_board": cast.lancashire.pk,
        "authorities": [wyre.pk, fylde.pk],
    }
    response = client.post(reverse("site_partnership_add"), data)
    assert response.status_code == 302 and response["Location"] == reverse("site_partnership_list")
    made = Partnership.objects.get(slug="fylde-and-wyre-csp")
    assert (made.ons_code, made.county_board, set(made.authorities.all())) == (
        "E22000999",
        cast.lancashire,
        {wyre, fylde},
    )
    [created] = made.history.all()
    assert created.history_type == "+" and created.history_user == cast.admin
    listed = client.get(reverse("site_partnership_list")).content.decode()
    assert "Fylde and Wyre CSP" in listed and "E22000999" in listed


def test_a_site_admin_changes_a_partnerships_authorities_and_it_is_in_the_history(login, cast):
    client = login(cast.admin)
    url = reverse("site_partnership_edit", args=[cast.lancaster.pk])
    page = client.get(url).content.decode()
    assert reverse("partnership_members", args=["lancaster"]) in page  # its Members and agencies page
    chorley = Authority.objects.get(ons_code="E07000118")
    lancaster_council = Authority.objects.get(ons_code="E07000121")
    data = {
        "name": "Lancaster District CSP",
        "slug": "lancaster",
        "kind": Partnership.Kind.DISTRICT,
        "county_board": cast.lancashire.pk,
        "authorities": [lancaster_council.pk, chorley.pk],
    }
    assert client.post(url, data).status_code == 302
    assert set(cast.lancaster.authorities.all()) == {lancaster_council, chorley}
    last = cast.lancaster.history.first()
    assert last.history_type == "~" and last.history_user == cast.admin


def test_a_partnership_refuses_a_taken_address_name_and_ons_code_and_a_county_boards_board(login, cast):
    client = login(cast.admin)
    PartnershipFactory(name="Preston CSP", ons_code="E22000123")
    data = {
        "name": "Lancaster again",
        "slug": "lancaster",
        "kind": Partnership.Kind.COUNTY,
        "ons_code": "e22000123",
        "county_board": cast.lancashire.pk,
    }
    response = client.post(reverse("site_partnership_add"), data)
    assert _errors(response) == [
        "Lancaster District CSP already uses the web address name lancaster: enter another",
        "E22000123 is already the ONS code of Preston CSP: enter another code",
        "A county board reports to no other board: leave the county board empty",
    ]
    assert Partnership.objects.count() == 4


# -- Who may open them -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", SITE_PAGES)
def test_an_officer_is_refused_and_nobody_signed_in_is_sent_to_sign_in(login, cast, client, name):
    assert client.get(reverse(name))["Location"].startswith(reverse("login"))
    assert login(cast.officer).get(reverse(name)).status_code == 403


def test_an_officer_cannot_post_a_new_authority(login, cast):
    assert login(cast.officer).post(reverse("site_authority_add"), _authority()).status_code == 403
    assert not Authority.objects.filter(name="Wyre").exists()


def test_only_site_admins_see_site_administration_in_the_navigation(login, cast):
    assert "Site administration" not in login(cast.officer).get(reverse("partnership_list")).content.decode()
    page = login(cast.admin).get(reverse("partnership_list")).content.decode()
    assert re.search(rf'href="{reverse("site_index")}"\s*>Site administration<', page)
    index = login(cast.admin).get(reverse("site_index")).content.decode()
    for name in ("site_authority_list", "site_partnership_list", "admin:index"):
        assert f'href="{reverse(name)}"' in index


# -- Queries and markup ----------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as run:
        assert client.get(url).status_code == 200
    return len(run)


@pytest.mark.parametrize("name", ["site_authority_list", "site_partnership_list"])
def test_each_list_runs_a_fixed_number_of_queries(login, cast, name):
    client = login(cast.admin)
    force = PoliceForceAreaFactory()
    county = Authority.objects.get(ons_code="E10000017")

    def grow(count: int) -> None:
        for _ in range(count):
            authority = AuthorityFactory(county=county, police_force=force)
            PartnershipFactory(county_board=cast.lancashire, police_force=force).authorities.add(authority)

    grow(3)
    few = _queries(client, reverse(name))
    grow(27)
    assert _queries(client, reverse(name)) == few


def test_the_site_pages_are_valid_html(login, cast, tmp_path):
    client = login(cast.admin)
    urls = [reverse(name) for name in SITE_PAGES]
    urls += [reverse("site_authority_edit", args=[Authority.objects.get(ons_code="E07000121").pk])]
    urls += [reverse("site_partnership_edit", args=[cast.lancaster.pk])]
    forms = [url for url in urls if url.endswith("add/") or url[-2].isdigit()]
    asked = [("get", url) for url in urls] + [("post", url) for url in forms]
    files = []
    for number, (method, url) in enumerate(asked):
        response = getattr(client, method)(url, {})
        assert response.status_code == 200, f"{method} {url}"
        files.append(tmp_path / f"page-{number}.html")
        files[-1].write_text(response.content.decode(), encoding="utf-8")
    assert len(files) >= 10
    messages = check(files)
    assert not messages, "\n".join(f"{m.get('url')}: {m['message']}" for m in messages)
