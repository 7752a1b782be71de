"""The permissions module answers the same questions every later app will ask."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from csp_portal.organisations.models import Partnership
from csp_portal.organisations.permissions import authorize, forget_roles, roles_by_partnership

pytestmark = pytest.mark.django_db


def test_for_user_gives_own_partnerships_and_the_districts_under_a_county_role(cast):
    assert set(Partnership.objects.for_user(cast.lead)) == {cast.lancaster, cast.lancashire}
    assert set(Partnership.objects.for_user(cast.analyst)) == {
        cast.lancashire,
        cast.lancaster,
        cast.chorley_south_ribble,
    }
    assert set(Partnership.objects.for_user(cast.outsider)) == set()
    assert Partnership.objects.for_user(cast.admin).count() == Partnership.objects.count()


def test_for_user_gives_nothing_to_an_inactive_person(cast):
    cast.officer.is_active = False
    assert not Partnership.objects.for_user(cast.officer).exists()


def test_roles_are_read_once_per_user_object(cast, django_assert_num_queries):
    forget_roles(cast.officer)
    with django_assert_num_queries(2):  # the roles, then the districts under the county board
        roles_by_partnership(cast.officer)
        for _ in range(5):
            cast.officer.has_perm("organisations.view_partnership", cast.lancaster)


def test_authorize_answers_404_outside_and_403_for_a_read_only_role(cast):
    authorize(cast.officer, "organisations.view_partnership_members", cast.lancaster)
    with pytest.raises(PermissionDenied):
        authorize(cast.board_member, "organisations.view_partnership_members", cast.lancaster)
    with pytest.raises(Http404):
        authorize(cast.csr_officer, "organisations.view_partnership_members", cast.lancaster)


def test_an_object_names_its_partnership_through_its_partnership_attribute(cast):
    class Action:
        partnership = cast.lancaster

    authorize(cast.officer, "organisations.view_partnership", Action())
    with pytest.raises(Http404):
        authorize(cast.csr_officer, "organisations.view_partnership", Action())


def test_county_officer_role_does_not_grant_district_editing(cast):
    assert cast.officer.has_perm("organisations.view_partnership", cast.lancashire)
    assert not cast.officer.has_perm("organisations.view_partnership_members", cast.lancashire)
    assert not cast.analyst.has_perm("organisations.view_partnership_members", cast.lancaster)
