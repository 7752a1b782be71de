"""Which partnership the user is working in, and the two-factor step before anything else."""

import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import SimpleLazyObject
from django_otp import user_has_device

from .queries import current_partnership

# Set at sign-in: whether this person had turned two-factor authentication on (see signals.py).
TWO_FACTOR_SESSION_KEY = "two_factor_required"
# Set at sign-in through an organisation whose token says the person used a second factor there.
SECOND_FACTOR_BY_PROVIDER_SESSION_KEY = "second_factor_by_provider"
# When the session was last renewed, in Unix seconds.
LAST_SEEN_SESSION_KEY = "last_seen"
RENEW_AFTER_SECONDS = 60


class CurrentPartnershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.partnership = SimpleLazyObject(lambda: current_partnership(request))
        return self.get_response(request)


class TwoFactorMiddleware:
    """Send a signed-in person who has not passed the two-factor step to it before any other page.

    Site administrators must use two-factor authentication: without a device they are sent to set
    one up. Anyone with a confirmed device enters a code. Someone who signed in through their
    organisation, whose provider reports a second factor (``amr``), has passed the step there.
    Signing out, the two-factor pages, static files and the health check stay reachable.
    Sits after django-otp's OTPMiddleware."""

    ALWAYS_OPEN = ("logout", "two_factor_verify", "two_factor_setup")

    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt_prefixes = None

    def __call__(self, request):
        destination = self._step_needed(request)
        if destination:
            return redirect_to_login(request.get_full_path(), reverse(destination))
        return self.get_response(request)

    def _step_needed(self, request) -> str | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.session.get(SECOND_FACTOR_BY_PROVIDER_SESSION_KEY):
            return None
        if self.exempt_prefixes is None:
            self.exempt_prefixes = (settings.STATIC_URL, reverse("healthz"))
        if request.path.startswith(self.exempt_prefixes):
            return None
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            return None
        if name in self.ALWAYS_OPEN:
            return None
        if not (user.is_superuser or request.session.get(TWO_FACTOR_SESSION_KEY)):
            return None
        if user_has_device(user):
            return "two_factor_verify"
        if user.is_superuser:
            return "two_factor_setup"
        return None


class IdleSessionMiddleware:
    """End a session after SESSION_COOKIE_AGE seconds without a request.

    Each request renews the session's expiry, but at most once a minute, so that most requests
    do not write the session: the idle limit holds to within a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and session.get(LAST_SEEN_SESSION_KEY) is not None:
            now = int(time.time())
            if now - session[LAST_SEEN_SESSION_KEY] >= RENEW_AFTER_SECONDS:
                session[LAST_SEEN_SESSION_KEY] = now  # marks the session modified: saved with a new expiry
        return response
