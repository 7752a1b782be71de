"""The sign-in audit listens to Django's and django-axes' signals."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_otp import user_has_device

from .middleware import LAST_SEEN_SESSION_KEY, SECOND_FACTOR_BY_PROVIDER_SESSION_KEY, TWO_FACTOR_SESSION_KEY
from .models import SignInEvent
from .services import record_sign_in_event


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def audit_sign_in(sender, request, user, **kwargs):
    # The organisation sign-in's backend notes on the request which organisation vouched for the person.
    organisation = getattr(request, "sign_in_organisation", None)
    record_sign_in_event(request, outcome=SignInEvent.Outcome.SUCCESS, user=user, organisation=organisation)


@receiver(user_logged_in, dispatch_uid="start_session_clocks")
def start_session_clocks(sender, request, user, **kwargs):
    """Note once, at sign-in, what later requests would otherwise look up each time: whether the
    person uses two-factor authentication, and when the session was last renewed."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[TWO_FACTOR_SESSION_KEY] = user_has_device(user)
    request.session[SECOND_FACTOR_BY_PROVIDER_SESSION_KEY] = getattr(request, "second_factor_by_provider", False)
    request.session[LAST_SEEN_SESSION_KEY] = int(time.time())


@receiver(user_login_failed, dispatch_uid="audit_failed_sign_in")
def audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    # Attempts refused during a lockout are failures too; django-axes adds a lockout entry for them.
    record_sign_in_event(request, outcome=SignInEvent.Outcome.FAILURE, email=credentials.get("username") or "")


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    record_sign_in_event(request, outcome=SignInEvent.Outcome.LOCKED_OUT, email=username or "")


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record_sign_in_event(request, outcome=SignInEvent.Outcome.SIGN_OUT, user=user)
