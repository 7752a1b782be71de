from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms

from csp_portal.validators import single_line

from .models import AccessToken


class TokenForm(forms.Form):
    """Name a new token for what it is for."""

    name = forms.CharField(
        label="Name",
        max_length=AccessToken._meta.get_field("name").max_length,
        validators=[single_line],
        help_text="What the token is for, such as 'Power BI dashboard', so you can tell it from others.",
        error_messages={"required": "Enter a name for the token."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", "Create token"))
