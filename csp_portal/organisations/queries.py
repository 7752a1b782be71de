"""Reads about organisations that are more than a queryset."""

from __future__ import annotations

import hashlib

from django.db.models import Case, Count, Prefetch, QuerySet, Value, When
from django.urls import reverse

from .models import (
    Agency,
    Authority,
    Invitation,
    Membership,
    Partnership,
    PoliceForceArea,
    Role,
    SignInOrganisation,
    User,
)

SESSION_KEY = "current_partnership_id"

# Where someone lands by default: the partnership they do most work in, not the first by name.
_WORKING_ROLE_RANK = Case(
    When(role=Role.Kind.OFFICER, then=Value(0)),
    When(role=Role.Kind.LEAD, then=Value(1)),
    When(role=Role.Kind.ANALYST, then=Value(2)),
    default=Value(3),
)


def partnerships_listed(user) -> QuerySet[Partnership]:
    """Every partnership the user may open, grouped by kind and then by name, for the list of partnerships."""
    return Partnership.objects.for_user(user).select_related("county_board").order_by("kind", "name")


def roles_of(user) -> QuerySet[Role]:
    """The roles the user holds, with their partnerships, for their account page."""
    return user.roles.select_related("partnership")


def partnerships_with_a_role(user) -> QuerySet[Partnership]:
    """The partnerships where the user holds a role: what the switcher offers. Districts seen
    through a county role are opened from the county's overview instead."""
    return Partnership.objects.filter(roles__user=user).distinct().order_by("name").only("id", "name", "slug")


def switcher_choices(user) -> list[Partnership]:
    if not user.is_authenticated:
        return []
    return list(partnerships_with_a_role(user))


def current_partnership(request) -> Partnership | None:
    """The partnership chosen in this session, if the user may still see it; else their first."""
    user = request.user
    if not user.is_authenticated:
        return None
    chosen = request.session.get(SESSION_KEY)
    visible = Partnership.objects.for_user(user)
    if chosen is not None:
        found = visible.filter(pk=chosen).first()
        if found is not None:
            return found
    first_role = (
        Role.objects.filter(user=user)
        .select_related("partnership")
        .annotate(rank=_WORKING_ROLE_RANK)
        .order_by("rank", "partnership__name")
        .first()
    )
    return first_role.partnership if first_role else None


def partnership_overview(partnership: Partnership) -> Partnership:
    """The partnership with what its overview page shows, in a fixed number of queries."""
    return (
        Partnership.objects.select_related("county_board", "police_force")
        .prefetch_related(
            "authorities",
            Prefetch("district_partnerships", queryset=Partnership.objects.order_by("name")),
        )
        .get(pk=partnership.pk)
    )


def members_of(partnership: Partnership) -> tuple[list[Membership], list[Role]]:
    """The agencies sitting on the partnership and the people holding roles in it."""
    memberships = list(
        Membership.objects.filter(partnership=partnership)
        .select_related("agency")
        .order_by("-is_voting", "agency__name")
    )
    roles = list(
        Role.objects.filter(partnership=partnership)
        .select_related("user", "user__agency")
        .order_by("role", "user__full_name")
    )
    return memberships, roles


# -- People and agencies, for the officers who manage them ------------------------------------------


def token_hash(token: str) -> str:
    """What is kept of an invitation link's secret: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_links() -> str:
    """The start of every invitation link's path."""
    return reverse("accept_invitation", args=["-"]).removesuffix("-/")


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries ``token``, used or not, expired or not; None if no link does."""
    return Invitation.objects.select_related("person", "partnership").filter(token_hash=token_hash(token)).first()


def roles_in(partnership: Partnership) -> QuerySet[Role]:
    """The partnership's roles, for finding the one an address names."""
    return Role.objects.filter(partnership=partnership).select_related("user", "partnership")


def memberships_in(partnership: Partnership) -> QuerySet[Membership]:
    return Membership.objects.filter(partnership=partnership).select_related("agency", "partnership")


def invitations_in(partnership: Partnership) -> QuerySet[Invitation]:
    """The partnership's invitations not yet used: whom it waits for, when each link expires."""
    return (
        Invitation.objects.filter(partnership=partnership, used_at__isnull=True)
        .select_related("person", "invited_by", "partnership")
        .order_by("person__full_name")
    )


def agencies() -> QuerySet[Agency]:
    """Every partner agency, for a person's agency or a partnership's new member."""
    return Agency.objects.order_by("name")


def agencies_not_in(partnership: Partnership) -> QuerySet[Agency]:
    """The agencies that do not sit on the partnership yet."""
    return agencies().exclude(memberships__partnership=partnership)


# -- Authorities and partnerships, for site administrators --------------------------------------------


def authorities_listed() -> QuerySet[Authority]:
    """Every authority with its county council and police force, in one query."""
    return Authority.objects.select_related("county", "police_force").order_by("name")


def partnerships_administered() -> QuerySet[Partnership]:
    """Every partnership with its county board and how many authorities it covers, in one query."""
    return (
        Partnership.objects.select_related("county_board")
        .annotate(authority_count=Count("authorities", distinct=True))
        .order_by("kind", "name")
    )


def county_councils() -> QuerySet[Authority]:
    return Authority.objects.filter(kind=Authority.Kind.COUNTY).order_by("name")


def county_boards() -> QuerySet[Partnership]:
    return Partnership.objects.filter(kind=Partnership.Kind.COUNTY).order_by("name")


def police_forces() -> QuerySet[PoliceForceArea]:
    return PoliceForceArea.objects.order_by("name")


def authority_holding(ons_code: str, *, other_than: int | None = None) -> Authority | None:
    """The authority with this ONS code (any case), leaving out the one being changed."""
    return Authority.objects.filter(ons_code__iexact=ons_code).exclude(pk=other_than).first()


def partnership_holding(*, other_than: int | None = None, **lookup) -> Partnership | None:
    """The partnership with this ONS code or web address name (``lookup``), leaving out the one being changed."""
    return Partnership.objects.filter(**lookup).exclude(pk=other_than).first()


def sign_in_agency_names() -> list[str]:
    """The partner agencies whose people may sign in with their organisation's own account."""
    return list(
        SignInOrganisation.objects.filter(is_allowed=True)
        .order_by("agency__name")
        .values_list("agency__name", flat=True)
        .distinct()
    )


def signs_in_through_organisation(person: User) -> bool:
    """Whether the person's agency signs its people in through its own organisation's account."""
    return (
        person.agency_id is not None
        and SignInOrganisation.objects.filter(agency_id=person.agency_id, is_allowed=True).exists()
    )
