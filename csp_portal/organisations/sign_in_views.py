"""The sign-in page, and signing in with one's own organisation's account (OpenID Connect).

The flow itself is mozilla-django-oidc's; these views add the portal's pages around it: a refusal
says why, on the portal's own page, and goes into the sign-in audit."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import render
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import oidc, queries, services
from .forms import EmailAuthenticationForm
from .models import SignInEvent
from .oidc import SignInRefused

STATES_SESSION_KEY = "oidc_states"  # where mozilla-django-oidc keeps each sign-in's state and nonce


class SignInView(auth_views.LoginView):
    """E-mail address and password, and, where configured, the button for the organisation sign-in."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if oidc.is_configured():
            context["sign_in_agencies"] = queries.sign_in_agency_names()
        return context


def refused(request, refusal: SignInRefused, *, status: int = 403):
    """The page that says why an organisation sign-in was refused, recorded in the audit."""
    services.record_sign_in_event(
        request,
        outcome=SignInEvent.Outcome.REFUSED,
        email=refusal.email,
        organisation=refusal.organisation,
        detail=refusal.reason,
    )
    return render(request, "registration/organisation_sign_in_refused.html", {"reason": refusal.reason}, status=status)


class OrganisationSignInStart(OIDCAuthenticationRequestView):
    """Send the person to their organisation's sign-in, remembering where they were going."""

    def __init__(self, *args, **kwargs):
        # The library reads the provider's endpoints from settings here; they come from discovery.
        View.__init__(self, *args, **kwargs)

    def get(self, request):
        if not oidc.is_configured():
            raise Http404("Signing in with an organisation's account is not set up here.")
        try:
            provider = oidc.provider()
        except SignInRefused as refusal:
            return refused(request, refusal, status=503)
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OrganisationSignInCallback(OIDCAuthenticationCallbackView):
    """Where the organisation's sign-in sends the person back: the token is checked, the person
    found, and the session started, or the portal says why not."""

    def get(self, request):
        if not oidc.is_configured():
            raise Http404("Signing in with an organisation's account is not set up here.")
        if request.GET.get("error"):
            # Forget the state, so that the same answer cannot be replayed.
            request.session.get(STATES_SESSION_KEY, {}).pop(request.GET.get("state"), None)
            request.session.modified = True
            description = " ".join(request.GET.get("error_description", "").split())[:200]
            reason = f"Your organisation's sign-in stopped: {description or 'no reason given'}."
            return refused(request, SignInRefused(reason))
        if request.GET.get("state") not in request.session.get(STATES_SESSION_KEY, {}):
            return refused(
                request,
                SignInRefused(
                    "This sign-in has already been used, or was started in another browser or too long ago. "
                    "Start again."
                ),
            )
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return refused(request, refusal)

    def login_failure(self):
        return refused(self.request, SignInRefused("The sign-in did not complete. Start again."))
