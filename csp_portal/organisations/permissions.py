"""The one place that decides who may do what.

Permissions are ``rules`` predicates over ``Role(user, partnership, role)``. A user's roles are
read once per request and kept on the user object, so checking many objects costs one query.
Later apps register their own rules here, naming the partnership an object belongs to through
``partnership_of``.

Outside one's partnerships an object answers 404 (its existence is not disclosed); a role that
may see but not change it answers 403. ``authorize`` applies both.
"""

from __future__ import annotations

from collections import defaultdict

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Partnership, Role

OFFICER = Role.Kind.OFFICER
LEAD = Role.Kind.LEAD
BOARD = Role.Kind.BOARD
ANALYST = Role.Kind.ANALYST
COUNTY_VIEWER = "county"
DISTRICT_VIEWER = "district"
PSEUDO_ROLES = {COUNTY_VIEWER, DISTRICT_VIEWER}

_CACHE_ATTRIBUTE = "_partnership_roles"


def roles_by_partnership(user) -> dict[int, frozenset[str]]:
    """{partnership id: roles} for the user. Besides the roles they hold, two read-only pseudo-roles:
    'county' on every district CSP under a county board where they hold a role (the county sees the
    roll-up of its districts), and 'district' on the county board above a CSP where they hold one
    (districts read the county's agreement and assessment, which their plans build on)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    found: dict[int, set[str]] = defaultdict(set)
    county_ids: set[int] = set()
    for partnership_id, role, kind, county_board_id in Role.objects.filter(user=user).values_list(
        "partnership_id", "role", "partnership__kind", "partnership__county_board_id"
    ):
        found[partnership_id].add(role)
        if kind == Partnership.Kind.COUNTY:
            county_ids.add(partnership_id)
        if county_board_id is not None:
            found[county_board_id].add(DISTRICT_VIEWER)
    if county_ids:
        for district_id in Partnership.objects.filter(county_board_id__in=county_ids).values_list("id", flat=True):
            found[district_id].add(COUNTY_VIEWER)
    result = {key: frozenset(value) for key, value in found.items()}
    setattr(user, _CACHE_ATTRIBUTE, result)
    return result


def forget_roles(user) -> None:
    """Drop the cached roles, after the user's roles have changed."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def partnership_of(obj) -> Partnership | None:
    """The partnership an object belongs to: the object itself, or its ``partnership`` attribute."""
    if isinstance(obj, Partnership):
        return obj
    return getattr(obj, "partnership", None)


def _roles_for(user, obj) -> frozenset[str]:
    partnership = partnership_of(obj)
    if partnership is None:
        return frozenset()
    return roles_by_partnership(user).get(partnership.pk, frozenset())


def has_role(*wanted: str):
    """A predicate true when the user holds one of ``wanted`` in the object's partnership."""

    @rules.predicate(name=f"has_role({', '.join(wanted)})")
    def predicate(user, obj) -> bool:
        return bool(_roles_for(user, obj) & set(wanted))

    return predicate


@rules.predicate
def is_site_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def has_any_role(user, obj) -> bool:
    return bool(_roles_for(user, obj))


is_officer = has_role(OFFICER)
is_lead = has_role(LEAD)
is_board_member = has_role(BOARD)
is_analyst = has_role(ANALYST)

can_view_partnership = is_site_admin | has_any_role
can_view_members = is_site_admin | is_officer
# Inviting people, changing and ending their roles, and the agencies that sit on the partnership.
can_manage_people = is_site_admin | is_officer

rules.add_perm("organisations.view_partnership", can_view_partnership)
rules.add_perm("organisations.view_partnership_members", can_view_members)
rules.add_perm("organisations.manage_people", can_manage_people)
# Authorities and partnerships themselves, across the whole portal.
rules.add_perm("organisations.manage_site", is_site_admin)


def authorize(user, permission: str, obj) -> None:
    """Raise 404 if the object lies outside the user's partnerships, 403 if they may see it but not
    do ``permission`` to it."""
    partnership = partnership_of(obj)
    if partnership is None or not user.has_perm("organisations.view_partnership", partnership):
        raise Http404("No such page in your partnerships.")
    if not user.has_perm(permission, obj):
        raise PermissionDenied(f"Your role does not allow this ({permission}).")


def authorize_site(user) -> None:
    """Raise 403 unless the user is a site administrator: the first line of every site page."""
    if not user.has_perm("organisations.manage_site"):
        raise PermissionDenied("Only site administrators manage authorities and partnerships.")


def partnership_for(user, slug: str, permission: str = "organisations.view_partnership") -> Partnership:
    """The partnership named in a URL, after ``authorize``: the first line of every partnership page."""
    partnership = get_object_or_404(Partnership.objects.select_related("county_board"), slug=slug)
    authorize(user, permission, partnership)
    return partnership
