"""Writes about organisations, named for what the user does."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from csp_portal.client_address import client_ip

from .identity import normalise_email
from .middleware import TWO_FACTOR_SESSION_KEY
from .models import Partnership, SignInEvent, User
from .queries import SESSION_KEY


def switch_partnership(request, *, actor, partnership: Partnership) -> None:
    """Make ``partnership`` the one the actor works in for the rest of the session.

    The caller has already checked that the actor may see it; this only records the choice."""
    request.session[SESSION_KEY] = partnership.pk
    request.partnership = partnership


def record_sign_in_event(request, *, outcome: str, user=None, email: str = "") -> SignInEvent:
    """Add an entry to the sign-in audit, with the address tried in the spelling the lockout counts
    it under and the client's own IP address. ``request`` may be None (e.g. a signal sent from a
    script)."""
    if user is not None and not email:
        email = user.email
    ip_address = client_ip(request) if request is not None else None
    return SignInEvent.objects.create(
        user=user, email=normalise_email(email)[:254], outcome=outcome, ip_address=ip_address
    )


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
