"""Admins manage authorities, partnerships, agencies, people and roles in the Django admin."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp_portal.organisations.models import Agency, Invitation, Partnership, Role, SignInEvent
from tests.factories import AuthorityFactory, MembershipFactory, PartnershipFactory, RoleFactory

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label == "organisations"]


def admin_url(model, view):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_admin_opens_every_list_and_add_form(login, cast, model):
    client = login(cast.admin)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    expected = 403 if model in (SignInEvent, Invitation) else 200  # the sign-in audit and invitations are read-only
    assert client.get(admin_url(model, "add")).status_code == expected


@pytest.mark.parametrize("member", ["officer", "lead", "board_member", "analyst", "outsider"])
def test_only_site_administrators_reach_the_admin(login, cast, member):
    response = login(getattr(cast, member)).get(admin_url(Agency, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_partnership_page_edits_memberships_and_roles_inline(login, cast):
    body = login(cast.admin).get(reverse("admin:organisations_partnership_change", args=[cast.lancaster.pk]))
    content = body.content.decode()
    assert "memberships-TOTAL_FORMS" in content
    assert "roles-TOTAL_FORMS" in content


def test_admin_search_finds_a_partnership_by_authority(login, cast):
    response = login(cast.admin).get(admin_url(Partnership, "changelist"), {"q": "South Ribble"})
    assert set(response.context["cl"].result_list) == {cast.chorley_south_ribble, cast.lancashire}


def test_admin_adds_an_agency(login, cast):
    response = login(cast.admin).post(
        admin_url(Agency, "add"),
        {"name": "Lancashire Victim Services", "agency_type": "voluntary", "is_responsible_authority": ""},
    )
    assert response.status_code == 302
    assert Agency.objects.get(name="Lancashire Victim Services").agency_type == "voluntary"


def test_admin_refuses_a_duplicate_agency_and_saves_nothing(login, cast):
    before = Agency.objects.count()
    response = login(cast.admin).post(
        admin_url(Agency, "add"), {"name": "Lancashire Constabulary", "agency_type": "police"}
    )
    assert response.status_code == 200
    assert "Agency with this Name already exists" in response.content.decode()
    assert Agency.objects.count() == before


def test_role_changes_are_kept_in_history(login, cast):
    role = Role.objects.get(user=cast.lead)
    role.role = Role.Kind.BOARD
    role.save()
    assert [h.role for h in role.history.all()] == ["board", "lead"]


@pytest.mark.parametrize("model", [Partnership, Role], ids=lambda m: m._meta.model_name)
def test_admin_lists_run_a_fixed_number_of_queries(login, cast, model):
    client = login(cast.admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(admin_url(model, "changelist")).status_code == 200
        return len(queries)

    small = count()
    for _ in range(20):
        partnership = PartnershipFactory(county_board=cast.lancashire)
        partnership.authorities.add(AuthorityFactory())
        MembershipFactory(partnership=partnership)
        RoleFactory(partnership=partnership)
    assert count() == small


def _policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: values for name, *values in directives}


def test_only_admin_pages_allow_inline_styles(login, cast):
    client = login(cast.admin)
    admin_policy = _policy(client.get(admin_url(Agency, "add")))
    page_policy = _policy(client.get(reverse("partnership_detail", args=["lancaster"])))
    assert sorted(admin_policy["style-src"]) == ["'self'", "'unsafe-inline'"]
    assert page_policy["style-src"] == ["'self'"]


def test_people_are_deactivated_not_deleted(login, cast, client):
    """Deleting a person would delete their roles and scores; the admin offers no delete, and an
    inactive person is signed out at their next request."""
    client = login(cast.admin)
    delete_page = reverse("admin:organisations_user_delete", args=[cast.lead.pk])
    assert client.get(delete_page).status_code == 403
    changelist = client.get(reverse("admin:organisations_user_changelist")).content.decode()
    assert 'value="delete_selected"' not in changelist

    lead_session = Client()
    lead_session.force_login(cast.lead)
    assert lead_session.get(reverse("my_actions")).status_code == 200
    cast.lead.is_active = False
    cast.lead.save()
    response = lead_session.get(reverse("my_actions"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
