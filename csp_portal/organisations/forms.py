from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Size, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from csp_portal.forms import error_links, fields_helper  # noqa: F401 - error_links: the GOV.UK error summary's links, shared
from csp_portal.validators import single_line

from .identity import normalise_email
from .models import Agency, Authority, Partnership, Role, User
from .queries import partnerships_with_a_role, signs_in_through_organisation
from .services import authority_problems, partnership_problems


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

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if settings.OIDC_REQUIRED and not user.is_superuser and signs_in_through_organisation(user):
            raise ValidationError(
                f"People from {user.agency} sign in with their organisation's account: use 'Continue to your "
                "organisation's sign-in' on this page.",
                code="organisation_sign_in",
            )


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


# -- People and agencies ------------------------------------------------------------------------------


ROLE_CHOICE = {
    "label": "Role",
    "choices": Role.Kind.choices,
    "widget": forms.RadioSelect,
    "error_messages": {"required": "Choose the person's role"},
}
VOTING_CHOICE = {
    "label": "Votes at board meetings",
    "required": False,
    "initial": True,
    "help_text": "For a board member: untick for a non-voting member, such as an adviser or observer.",
}


class InviteForm(forms.Form):
    """Who to invite, and to which role."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the person's full name"},
    )
    email = forms.EmailField(
        label="E-mail address",
        help_text="The invitation goes to this address, which they will sign in with.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's e-mail address",
            "invalid": "Enter an e-mail address like name@example.org",
        },
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False, validators=[single_line])
    agency = forms.ModelChoiceField(
        label="Agency (optional)", queryset=Agency.objects.none(), required=False, empty_label="Not chosen"
    )
    role = forms.ChoiceField(**ROLE_CHOICE)
    voting = forms.BooleanField(**VOTING_CHOICE)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.helper = fields_helper(
            Field.text("full_name"),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("job_title"),
            Field.select("agency"),
            Field.radios("role", legend_size=Size.SMALL),
            Field("voting"),
        )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class RoleForm(forms.Form):
    """Change a person's role in the partnership, or whether they vote."""

    role = forms.ChoiceField(**ROLE_CHOICE)
    voting = forms.BooleanField(**VOTING_CHOICE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(Field.radios("role", legend_size=Size.SMALL), Field("voting"))


class SetOwnPasswordForm(forms.Form):
    """The invited person's own password, checked by every password rule at once."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Enter the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args, person: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.helper = fields_helper(Field("password1"), Field("password2"))

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first:
            try:
                password_validation.validate_password(first, self.person)
            except ValidationError as error:
                self.add_error("password1", error)
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same")
        return data


class MembershipForm(forms.Form):
    """Whether an agency votes, and who sits for it."""

    is_voting = forms.BooleanField(
        label="Voting member",
        required=False,
        initial=True,
        help_text="Untick for an agency that attends without a vote.",
    )
    representative = forms.CharField(
        label="Representative (optional)",
        max_length=150,
        required=False,
        validators=[single_line],
        help_text="Who sits for the agency, by name or role title.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(Field("is_voting"), Field.text("representative"))


class AddMembershipForm(MembershipForm):
    """Seat an agency on the partnership: one from the list, or a new one with its type."""

    agency = forms.ModelChoiceField(
        label="Agency", queryset=Agency.objects.none(), required=False, empty_label="A new agency (enter it below)"
    )
    new_agency_name = forms.CharField(
        label="Name of the new agency", max_length=150, required=False, validators=[single_line]
    )
    new_agency_type = forms.ChoiceField(
        label="Type of the new agency", choices=[("", "Choose a type"), *Agency.Type.choices], required=False
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.helper = fields_helper(
            Field.select("agency"),
            Field.text("new_agency_name"),
            Field.select("new_agency_type"),
            Field("is_voting"),
            Field.text("representative"),
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("agency") is None and "agency" not in self.errors:
            if not data.get("new_agency_name"):
                self.add_error("new_agency_name", "Choose an agency from the list, or enter the name of a new one")
            if not data.get("new_agency_type"):
                self.add_error("new_agency_type", "Choose the type of the new agency")
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "agency": data["agency"],
            "new_agency_name": data["new_agency_name"],
            "new_agency_type": data["new_agency_type"],
            "is_voting": data["is_voting"],
            "representative": data["representative"],
        }


# -- Authorities and partnerships, for site administrators --------------------------------------------

CODE_INPUT = forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"})


def _name(max_length: int) -> forms.CharField:
    return forms.CharField(
        label="Name", max_length=max_length, validators=[single_line], error_messages={"required": "Enter the name"}
    )


def _optional(label: str, empty_label: str, help_text: str = "") -> forms.ModelChoiceField:
    """A choice from rows the view passes in (``queryset`` set in ``__init__``)."""
    return forms.ModelChoiceField(
        label=label, queryset=Authority.objects.none(), required=False, empty_label=empty_label, help_text=help_text
    )


class _SiteForm(forms.Form):
    """A site administrator's form: its choices' rows passed in by name (``choices``), and the
    service's checks of the whole form (every problem at once) run in ``clean`` for the row being
    changed (``other_than``)."""

    def __init__(self, *args, other_than: int | None = None, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.other_than = other_than
        for name, rows in choices.items():
            self.fields[name].queryset = rows

    def problems(self, data: dict) -> dict[str, str]:
        """The service's checks of the whole form; a form with none has no such problems."""
        return {}

    def clean_ons_code(self) -> str:
        return self.cleaned_data["ons_code"].strip().upper()

    def clean(self) -> dict:
        data = super().clean()
        for field, message in self.problems(data).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class AuthorityForm(_SiteForm):
    """A local authority: its name, ONS code, kind, county council and police force."""

    name = _name(100)
    ons_code = forms.CharField(
        label="ONS code",
        max_length=9,
        validators=[single_line],
        help_text="The 9-character code of the Office for National Statistics, like E07000121.",
        widget=CODE_INPUT,
        error_messages={"required": "Enter the ONS code"},
    )
    kind = forms.ChoiceField(
        label="Kind", choices=Authority.Kind.choices, error_messages={"required": "Choose the kind of authority"}
    )
    county = _optional(
        "County council (optional)", "None above it", "For a district council, the county council above it."
    )
    police_force = _optional("Police force (optional)", "Not chosen")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(
            Field.text("name"),
            Field.text("ons_code", field_width=10),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.select("county"),
            Field.select("police_force"),
        )

    def problems(self, data: dict) -> dict[str, str]:
        return authority_problems(data, other_than=self.other_than)


class PartnershipForm(_SiteForm):
    """A partnership: its names, kind, ONS code, county board, police force and authorities."""

    name = _name(150)
    slug = forms.SlugField(
        label="Web address name (optional)",
        max_length=80,
        required=False,
        help_text="Its name in its pages' addresses: lower-case letters, digits and hyphens. Left empty, it is made "
        "from the name.",
        widget=CODE_INPUT,
        error_messages={"invalid": "Use only lower-case letters, digits and hyphens in the web address name"},
    )
    kind = forms.ChoiceField(
        label="Kind", choices=Partnership.Kind.choices, error_messages={"required": "Choose the kind of partnership"}
    )
    ons_code = forms.CharField(
        label="ONS CSP code (optional)",
        max_length=9,
        required=False,
        validators=[single_line],
        help_text="The E22 code of the CSP, where it has one.",
        widget=CODE_INPUT,
    )
    county_board = _optional("County board (optional)", "None", "The county board this partnership reports to.")
    police_force = _optional("Police force (optional)", "Not chosen")
    authorities = forms.ModelMultipleChoiceField(
        label="Authorities it covers",
        queryset=Authority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(
            Field.text("name"),
            Field.text("slug", field_width=Fluid.TWO_THIRDS),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.text("ons_code", field_width=10),
            Field.select("county_board"),
            Field.select("police_force"),
            Field.checkboxes("authorities", legend_size=Size.SMALL, small=True),
        )

    def problems(self, data: dict) -> dict[str, str]:
        slug = data.get("slug") or slugify(data.get("name", ""))[:80]
        if data.get("name") and not slug:
            return {"slug": "Enter a web address name: the name has no letters or digits to make one from"}
        return partnership_problems({**data, "slug": slug}, other_than=self.other_than)
