"""The form of someone with no role asking a partnership's officers for one."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from csp_portal.forms import fields_helper

from .models import Partnership, Role
from .notices import WHAT_A_ROLE_DOES
from .role_requests import NOTE_LENGTH


class RoleRequestForm(forms.Form):
    """Which partnership, which role, and what the person needs to do. The partnerships their
    agency sits on come first, in a group of their own (chosen already when there is one)."""

    partnership = forms.ModelChoiceField(
        label="Partnership",
        queryset=Partnership.objects.all(),
        to_field_name="slug",
        help_text="The Community Safety Partnership you work with. Its officers are told of your request.",
        error_messages={
            "required": "Choose the partnership you work with",
            "invalid_choice": "Choose a partnership from the list",
        },
    )
    role = forms.ChoiceField(
        label="The role you need",
        choices=[(kind.value, f"{kind.label}: {WHAT_A_ROLE_DOES[kind]}") for kind in Role.Kind],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the role you need"},
    )
    note = forms.CharField(
        label="What you need to do (optional)",
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the actions you lead or the board you sit on. Plain text; the officers read it "
        "as you write it.",
        error_messages={"max_length": f"What you need to do must be {NOTE_LENGTH} characters or fewer"},
    )

    def __init__(self, *args, ours: list[Partnership], others: list[Partnership], agency_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["partnership"]
        everyone = [(p.slug, p.name) for p in others]
        if ours:
            mine = [(p.slug, p.name) for p in ours]
            everyone = [(f"Partnerships {agency_name} sits on", mine), ("Other partnerships", everyone)]
        field.choices = [("", "Choose a partnership"), *everyone]
        if len(ours) == 1 and not self.is_bound:
            self.initial.setdefault("partnership", ours[0].slug)
        self.helper = fields_helper(
            Field.select("partnership"),
            Field.radios("role", legend_size=Size.SMALL),
            Field.textarea("note", rows=3, max_characters=NOTE_LENGTH),
        )

    def clean_note(self) -> str:
        return self.cleaned_data["note"].replace("\r\n", "\n").strip()
