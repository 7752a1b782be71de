"""Your account: roles, two-factor authentication (set up, the code step at sign-in, turning it off)."""

import base64
import io

import qrcode
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login

from . import services
from .forms import PasswordResetRequestForm, TokenForm, TurnOffTwoFactorForm
from .models import SignInEvent
from .queries import roles_of


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return "/"


def _grouped_secret(device) -> str:
    """The secret as an authenticator app wants it typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_code_data_uri(text: str) -> str:
    image = qrcode.make(text, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def account(request):
    """Who you are, the roles you hold and whether two-factor authentication is on."""
    return render(
        request,
        "organisations/account.html",
        {"roles": roles_of(request.user), "two_factor_on": user_has_device(request.user)},
    )


@login_required
def two_factor_setup(request):
    """Scan a QR code (or type the secret) into an authenticator app, then enter a code to confirm."""
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = services.unconfirmed_totp_device(actor=request.user)
    form = TokenForm(request.POST or None, device=device, submit_label="Turn on two-factor authentication")
    if request.method == "POST" and form.is_valid():
        services.confirm_totp_device(request, actor=request.user, device=device)
        messages.success(request, "Two-factor authentication is on. You will enter a code each time you sign in.")
        return redirect(_next_url(request) if request.user.is_superuser else "account")
    return render(
        request,
        "organisations/two_factor_setup.html",
        {
            "form": form,
            "secret": _grouped_secret(device),
            "qr_code": _qr_code_data_uri(device.config_url),
            "next": _next_url(request),
        },
    )


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the person's authenticator app."""
    device = next(devices_for_user(request.user), None)
    if device is None:
        return redirect("two_factor_setup")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None, device=device, submit_label="Continue")
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, device)
            services.record_sign_in_event(request, outcome=SignInEvent.Outcome.TWO_FACTOR_SUCCESS, user=request.user)
            return redirect(_next_url(request))
        services.record_sign_in_event(request, outcome=SignInEvent.Outcome.TWO_FACTOR_FAILURE, user=request.user)
    return render(request, "organisations/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_disable(request):
    """Turn two-factor authentication off, with the person's password. Administrators cannot."""
    if request.user.is_superuser:
        raise PermissionDenied("Site administrators must keep two-factor authentication on.")
    if not user_has_device(request.user):
        return redirect("account")
    form = TurnOffTwoFactorForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.turn_off_two_factor(request, actor=request.user)
        messages.success(request, "Two-factor authentication is off.")
        return redirect("account")
    return render(request, "organisations/two_factor_disable.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page for asking for a reset link, throttled (services.ask_for_password_reset). Past
    the limits no e-mail goes, and the page answers exactly as when one does."""

    form_class = PasswordResetRequestForm

    def form_valid(self, form):
        if services.ask_for_password_reset(self.request, email=form.cleaned_data["email"]):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())
