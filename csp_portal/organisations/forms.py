from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from .identity import normalise_email
from .models import Partnership
from .queries import partnerships_with_a_role


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with an e-mail address and password."""

    username = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "autofocus": True}),
    )
    error_messages = {
        # The password is case-sensitive; the address is not (identity.normalise_email).
        "invalid_login": "Enter a correct e-mail address and password.",
        "inactive": "This account is inactive. Ask your partnership officer or an administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = "Password"
        self.helper = FormHelper()
        # The GOV.UK error summary, not the browser's own pop-ups, reports missing fields.
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Sign in"))

    def clean_username(self) -> str:
        return normalise_email(self.cleaned_data["username"])


class PasswordResetRequestForm(PasswordResetForm):
    """Ask for a reset link; the address is normalised as at sign-in, and throttled under that spelling."""

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class SwitchPartnershipForm(forms.Form):
    partnership = forms.ModelChoiceField(
        queryset=Partnership.objects.none(),
        label="Partnership",
        to_field_name="slug",
        error_messages={"invalid_choice": "Choose one of your partnerships."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships_with_a_role(user)


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app, checked against one device."""

    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now.",
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def __init__(self, *args, device, submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", submit_label))

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isdigit() and len(token) == 6):
            raise forms.ValidationError("Enter the code as 6 digits, like 123456.")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError("You have entered too many wrong codes. Wait a minute, then try again.")
        if not self.device.verify_token(token):
            raise forms.ValidationError("The code is not right. Enter the code your app shows now.")
        return token


class TurnOffTwoFactorForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to turn off two-factor authentication."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Turn off two-factor authentication", css_class="govuk-button--warning"))

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password is not right.")
        return password
