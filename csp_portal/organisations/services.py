"""Writes about organisations, named for what the user does."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from csp_portal import writes
from csp_portal.client_address import client_ip
from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.models import Notification

from . import notices, queries
from .identity import normalise_email
from .middleware import TWO_FACTOR_SESSION_KEY
from .models import (
    Agency,
    Authority,
    Invitation,
    Membership,
    OrganisationAccount,
    Partnership,
    Role,
    SignInEvent,
    SignInOrganisation,
    User,
)
from .oidc import SignInRefused
from .queries import SESSION_KEY, invitation_links, token_hash


def switch_partnership(request, *, actor, partnership: Partnership) -> None:
    """Make ``partnership`` the one the actor works in for the rest of the session.

    The caller has already checked that the actor may see it; this only records the choice."""
    request.session[SESSION_KEY] = partnership.pk
    request.partnership = partnership


def record_sign_in_event(
    request,
    *,
    outcome: str,
    user=None,
    email: str = "",
    organisation: SignInOrganisation | None = None,
    detail: str = "",
) -> SignInEvent:
    """Add an entry to the sign-in audit, with the address tried in the spelling the lockout counts
    it under and the client's own IP address. ``request`` may be None (e.g. a signal sent from a
    script). With ``organisation``, the attempt came through that organisation's own sign-in; a
    refusal always did, whether or not its organisation is known."""
    if user is not None and not email:
        email = user.email
    ip_address = client_ip(request) if request is not None else None
    through_organisation = organisation is not None or outcome == SignInEvent.Outcome.REFUSED
    route = SignInEvent.Route.ORGANISATION if through_organisation else SignInEvent.Route.PASSWORD
    return SignInEvent.objects.create(
        user=user,
        email=normalise_email(email)[:254],
        outcome=outcome,
        ip_address=ip_address,
        route=route,
        organisation=organisation,
        detail=" ".join(detail.split())[:300],
    )


def _verified_address(organisation: SignInOrganisation, claims: dict) -> str:
    """The person's e-mail address from their organisation's token, if it vouches for it: the
    provider says it verified the address (``email_verified``, or Entra ID's ``xms_edov``: the
    tenant owns the address's domain), or the address is in a domain the organisation owns.
    Entra ID lets a tenant put any address in ``email``, so that alone never matches an account."""
    address = normalise_email(str(claims.get("email") or claims.get("preferred_username") or ""))
    if "@" not in address:
        raise SignInRefused("Your organisation's account gave no e-mail address.", organisation=organisation)
    vouched = claims.get("email_verified") is True or claims.get("xms_edov") is True  # xms_edov: Entra ID's own
    verified = vouched or address.rsplit("@", 1)[1] in organisation.domains
    if not verified:
        raise SignInRefused(
            f"Your organisation did not confirm that {address} is yours, so it cannot be matched to an account "
            "here. Sign in with your e-mail address and password, or ask your IT team to verify the address.",
            organisation=organisation,
            email=address,
        )
    return address


@transaction.atomic
def person_for_organisation_sign_in(organisation: SignInOrganisation, claims: dict) -> User:
    """The person an organisation's checked token signs in: the one linked to its subject; else the
    person with its verified address, linked now; else, where the organisation adds people, a new
    person with no role. Raises SignInRefused otherwise, and for a switched-off account."""
    account = (
        OrganisationAccount.objects.select_related("person")
        .filter(organisation=organisation, subject=claims["sub"])
        .first()
    )
    person = account.person if account else _link_person(organisation, claims)
    if not person.is_active:
        raise SignInRefused(
            "Your account here is switched off, so you cannot sign in. Ask your partnership officer or a site "
            "administrator if you need it again.",
            organisation=organisation,
            email=person.email,
        )
    if person.agency_id is None:
        writes.update(person, {"agency": organisation.agency}, actor=person)
    return person


def _link_person(organisation: SignInOrganisation, claims: dict) -> User:
    address = _verified_address(organisation, claims)
    person = User.objects.select_for_update().filter(email=address).first()
    if person is None and not organisation.adds_people:
        raise SignInRefused(
            f"There is no account here for {address}. Ask the partnership officer of the partnership you work "
            "with to invite you, then sign in again with your organisation's account.",
            organisation=organisation,
            email=address,
        )
    if person is None:
        name = " ".join(str(claims.get("name") or "").split())[:150] or address.split("@", 1)[0]
        person = User(email=address, full_name=name, agency=organisation.agency)
        person.set_unusable_password()
        writes.save(person, actor=None)
    elif OrganisationAccount.objects.filter(organisation=organisation, person=person).exists():
        raise SignInRefused(
            f"{address} is already linked to another account of {organisation.agency}. Ask a site administrator.",
            organisation=organisation,
            email=address,
        )
    writes.save(OrganisationAccount(person=person, organisation=organisation, subject=claims["sub"]), actor=person)
    return person


@transaction.atomic
def ask_for_password_reset(request, *, email: str) -> bool:
    """Someone asks for a password-reset e-mail to ``email``: record it in the sign-in audit and
    answer whether the e-mail may go (if the address is a person's). At most
    PASSWORD_RESET_EMAILS_PER_ADDRESS go to one address, and PASSWORD_RESET_REQUESTS_PER_CLIENT are
    let through for one client address, within PASSWORD_RESET_THROTTLE_SECONDS.

    Counted in the database, like the sign-in lockout, so the limit holds while Redis is down.
    Unknown addresses are counted and recorded alike, so nothing here differs by whether an account
    exists."""
    email = normalise_email(email)
    ip_address = client_ip(request)
    # Locking the person's row makes simultaneous requests for them count one after another, so a
    # burst cannot all find room under the limit; the lock ends with this function, before any e-mail
    # is sent.
    user = User.objects.select_for_update().filter(email=email).first()
    since = timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_THROTTLE_SECONDS)
    let_through = SignInEvent.objects.filter(outcome=SignInEvent.Outcome.RESET_ASKED, created__gte=since)
    allowed = let_through.filter(email=email).count() < settings.PASSWORD_RESET_EMAILS_PER_ADDRESS and (
        ip_address is None
        or let_through.filter(ip_address=ip_address).count() < settings.PASSWORD_RESET_REQUESTS_PER_CLIENT
    )
    outcome = SignInEvent.Outcome.RESET_ASKED if allowed else SignInEvent.Outcome.RESET_REFUSED
    SignInEvent.objects.create(user=user, email=email[:254], outcome=outcome, ip_address=ip_address)
    return allowed


def unconfirmed_totp_device(*, actor) -> TOTPDevice:
    """The actor's pending authenticator-app device, created with a fresh secret the first time."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(request, *, actor, device: TOTPDevice) -> None:
    """Turn two-factor authentication on: the device becomes the actor's only one, and this session
    counts as verified by it."""
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session[TWO_FACTOR_SESSION_KEY] = True
    record_sign_in_event(request, outcome=SignInEvent.Outcome.TWO_FACTOR_SUCCESS, user=actor)


@transaction.atomic
def turn_off_two_factor(request, *, actor) -> None:
    """Remove every two-factor device of the actor. Site administrators may not."""
    if actor.is_superuser:
        raise PermissionDenied("Site administrators must keep two-factor authentication on.")
    for device in devices_for_user(actor, confirmed=None):
        device.delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[TWO_FACTOR_SESSION_KEY] = False


# -- People and agencies, managed by the partnership's officers ----------------------------------------

INVITATION_LASTS = timedelta(days=7)


def _a(kind: str) -> str:
    name = Role.Kind(kind).label.lower()
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


@transaction.atomic
def invite(
    partnership: Partnership,
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    voting: bool = True,
    job_title: str = "",
    agency: Agency | None = None,
) -> Role:
    """An officer invites someone by e-mail to a role in their partnership. Someone new gets an
    account without a password and an invitation with a one-time link to choose their own; someone
    who already signs in gets the role and is told of it. An existing person's name, job title and
    agency are theirs, and stay as they are."""
    email = normalise_email(email)
    person = User.objects.select_for_update().filter(email=email).first()
    if person is not None and not person.is_active:
        raise ValidationError({"email": "This person's account is turned off. Ask a site administrator to turn it on."})
    if person is not None and Role.objects.filter(user=person, partnership=partnership, role=role).exists():
        raise ValidationError({"role": f"{person} is already {_a(role)} of {partnership.name}."})
    if person is None:
        person = User(email=email, full_name=full_name.strip(), job_title=job_title.strip(), agency=agency)
        person.set_unusable_password()
        writes.save(person, actor=actor)
    given = Role(user=person, partnership=partnership, role=role, voting=voting or role != Role.Kind.BOARD)
    writes.save(given, actor=actor)
    if person.has_usable_password() or person.organisation_accounts.exists():
        notices.role_given(given, actor=actor)
    else:
        send_invitation(person, partnership=partnership, role=role, actor=actor)
    return given


@transaction.atomic
def send_invitation(person: User, *, partnership: Partnership | None, role: str, actor: User | None) -> Invitation:
    """Send the person a new one-time link to choose their password, replacing any earlier link of
    theirs for this partnership (``None``: an account made by a site administrator)."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.select_for_update().filter(person=person, partnership=partnership).first()
    if invitation is None:
        invitation = Invitation(person=person, partnership=partnership)
    now = timezone.now()
    invitation.role, invitation.invited_by, invitation.token_hash = role, actor, token_hash(token)
    invitation.created, invitation.expires, invitation.used_at = now, now + INVITATION_LASTS, None
    _forget_links(person)
    writes.save(invitation, actor=actor)
    notices.invited(invitation, token, actor=actor)
    return invitation


def _forget_links(person: User) -> None:
    """The person's earlier invitation notices no longer hold a working link (only its hash is
    kept anywhere else): they point at the sign-in page instead."""
    Notification.objects.filter(recipient=person, kind=Kind.INVITATION, path__startswith=invitation_links()).update(
        path=reverse("login")
    )


@transaction.atomic
def resend_invitation(invitation: Invitation, *, actor: User) -> Invitation:
    """Send a pending invitation again, with a new link that replaces the old one."""
    locked = (
        Invitation.objects.select_for_update(of=("self",)).select_related("person", "partnership").get(pk=invitation.pk)
    )
    if locked.used_at is not None or locked.person.has_usable_password():
        raise ValidationError(f"{locked.person} has already chosen a password and signs in.")
    return send_invitation(locked.person, partnership=locked.partnership, role=locked.role, actor=actor)


@transaction.atomic
def accept_invitation(request, *, invitation: Invitation, password: str) -> User:
    """The invited person chooses their password from the link: it is set, every pending link of
    theirs stops working, and they are signed in."""
    locked = Invitation.objects.select_for_update().select_related("person").get(pk=invitation.pk)
    if locked.used_at is not None or locked.is_expired or not locked.person.is_active:
        raise ValidationError("This invitation link no longer works.")
    person = locked.person
    person.set_password(password)
    writes.save(person, actor=person, update_fields=["password"])
    now = timezone.now()
    for pending in Invitation.objects.select_for_update().filter(person=person, used_at__isnull=True):
        writes.update(pending, {"used_at": now}, actor=person)
    _forget_links(person)
    login(request, person, backend="django.contrib.auth.backends.ModelBackend")
    return person


def _keep_own_officer_role(role: Role, actor: User) -> None:
    if role.user_id == actor.pk and role.role == Role.Kind.OFFICER and not actor.is_superuser:
        raise ValidationError(
            "You cannot end or change your own officer role: you would lose the right to manage this "
            "partnership's people, and could not undo it. Ask another officer of the partnership or a "
            "site administrator."
        )


def _role_locked(role: Role) -> Role:
    return Role.objects.select_for_update().select_related("user", "partnership").get(pk=role.pk)


@transaction.atomic
def change_role(role: Role, *, actor: User, kind: str, voting: bool) -> bool:
    """Change what a person does in the partnership, or whether a board member votes. True if
    anything changed; the person is told when their role itself changed."""
    locked = _role_locked(role)
    if kind != locked.role:
        _keep_own_officer_role(locked, actor)
        if Role.objects.filter(user=locked.user_id, partnership=locked.partnership_id, role=kind).exists():
            raise ValidationError({"role": f"{locked.user} is already {_a(kind)} of {locked.partnership.name}."})
    new_kind = kind != locked.role
    changed = writes.update(locked, {"role": kind, "voting": voting or kind != Role.Kind.BOARD}, actor=actor)
    if new_kind:
        notices.role_given(locked, actor=actor)
    return changed


@transaction.atomic
def end_role(role: Role, *, actor: User) -> None:
    """End a person's role in the partnership and tell them. A person left with no role there loses
    the invitation they had not used yet."""
    locked = _role_locked(role)
    _keep_own_officer_role(locked, actor)
    writes.delete(locked, actor=actor)
    if not Role.objects.filter(user=locked.user_id, partnership=locked.partnership_id).exists():
        for invitation in Invitation.objects.filter(
            person=locked.user_id, partnership=locked.partnership_id, used_at__isnull=True
        ):
            writes.delete(invitation, actor=actor)
    notices.role_ended(locked, actor=actor)


@transaction.atomic
def add_membership(
    partnership: Partnership,
    *,
    actor: User,
    agency: Agency | None = None,
    new_agency_name: str = "",
    new_agency_type: str = "",
    is_voting: bool = True,
    representative: str = "",
) -> Membership:
    """Seat an agency on the partnership: one already known, or a new one of the given type."""
    if agency is None:
        agency = _new_agency(new_agency_name.strip(), new_agency_type, actor=actor)
    elif Membership.objects.filter(partnership=partnership, agency=agency).exists():
        raise ValidationError({"agency": f"{agency.name} already sits on {partnership.name}."})
    membership = Membership(
        partnership=partnership, agency=agency, is_voting=is_voting, representative=representative.strip()
    )
    writes.save(membership, actor=actor)
    return membership


def _new_agency(name: str, agency_type: str, *, actor: User) -> Agency:
    if Agency.objects.filter(name__iexact=name).exists():
        raise ValidationError({"new_agency_name": f"An agency called {name} exists already: choose it from the list."})
    agency = Agency(
        name=name, agency_type=agency_type, is_responsible_authority=agency_type in Agency.RESPONSIBLE_TYPES
    )
    writes.save(agency, actor=actor)
    return agency


@transaction.atomic
def change_membership(membership: Membership, *, actor: User, is_voting: bool, representative: str) -> bool:
    """Change whether an agency votes, or who sits for it. True if anything changed."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    return writes.update(locked, {"is_voting": is_voting, "representative": representative.strip()}, actor=actor)


@transaction.atomic
def remove_membership(membership: Membership, *, actor: User) -> None:
    """Take an agency off the partnership. The agency itself, and its people, stay."""
    writes.delete(Membership.objects.select_for_update().get(pk=membership.pk), actor=actor)


# -- Authorities and partnerships, run by site administrators ------------------------------------------


def authority_problems(values: dict, *, other_than: int | None = None) -> dict[str, str]:
    """What stops these values being saved as an authority, by field: every problem at once."""
    problems = {}
    holder = queries.authority_holding(values.get("ons_code") or "", other_than=other_than)
    if values.get("ons_code") and holder is not None:
        problems["ons_code"] = f"{holder.ons_code} is already the ONS code of {holder.name}: enter another code"
    if values.get("county") is not None and values.get("kind") != Authority.Kind.DISTRICT:
        problems["county"] = "Only a district council has a county council above it: leave the county empty"
    if values.get("county") is not None and values["county"].pk == other_than:
        problems["county"] = "An authority cannot be its own county council"
    return problems


def partnership_problems(values: dict, *, other_than: int | None = None) -> dict[str, str]:
    """What stops these values being saved as a partnership, by field: every problem at once."""
    problems = {}
    ons_code, slug, board = values.get("ons_code"), values.get("slug"), values.get("county_board")
    holder = ons_code and queries.partnership_holding(ons_code__iexact=ons_code, other_than=other_than)
    if holder:
        problems["ons_code"] = f"{holder.ons_code} is already the ONS code of {holder.name}: enter another code"
    holder = slug and queries.partnership_holding(slug=slug, other_than=other_than)
    if holder:
        problems["slug"] = f"{holder.name} already uses the web address name {slug}: enter another"
    if board is not None and values.get("kind") == Partnership.Kind.COUNTY:
        problems["county_board"] = "A county board reports to no other board: leave the county board empty"
    elif board is not None and board.pk == other_than:
        problems["county_board"] = "A partnership cannot report to itself"
    return problems


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def add_authority(*, actor: User, **values) -> Authority:
    """A site administrator adds a local authority, with its unique ONS code."""
    _refuse(authority_problems(values))
    authority = Authority(**values)
    writes.save(authority, actor=actor)
    return authority


@transaction.atomic
def change_authority(authority: Authority, *, actor: User, **values) -> bool:
    """A site administrator changes an authority. True if anything changed."""
    locked = Authority.objects.select_for_update().get(pk=authority.pk)
    _refuse(authority_problems(values, other_than=locked.pk))
    return writes.update(locked, values, actor=actor)


@transaction.atomic
def add_partnership(*, actor: User, authorities, **values) -> Partnership:
    """A site administrator adds a partnership and the authorities it covers; its web address name
    is made from its name when none is given."""
    values["slug"] = values.get("slug") or slugify(values["name"])[:80]
    _refuse(partnership_problems(values))
    return writes.create(Partnership(**values), actor=actor, then=lambda made: made.authorities.set(authorities))


@transaction.atomic
def change_partnership(partnership: Partnership, *, actor: User, authorities, **values) -> bool:
    """A site administrator changes a partnership or the authorities it covers. True if anything
    changed; a change of authorities alone is still recorded in its history with who made it."""
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    values["slug"] = values.get("slug") or slugify(values["name"])[:80]
    _refuse(partnership_problems(values, other_than=locked.pk))
    changed = writes.update(locked, values, actor=actor)
    if set(locked.authorities.all()) != set(authorities):
        locked.authorities.set(authorities)
        if not changed:
            writes.save(locked, actor=actor)
        changed = True
    return changed
