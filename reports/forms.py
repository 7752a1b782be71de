"""Forms for reports: they parse and validate what people type; ``services.py`` does the writing."""

from __future__ import annotations

import re
from datetime import datetime, time

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from csp_portal.forms import error_links, fields_helper  # noqa: F401 - error_links: the GOV.UK error summary's links, shared
from csp_portal.quarters import Quarter
from csp_portal.validators import single_line

from . import logos
from .models import HEX_COLOUR, Decision, Meeting, ReportJob, ReportSettings

LOGO_TYPES = {"PNG", "JPEG"}


class QuarterField(forms.Field):
    """A financial-year quarter typed as '2025/26 Q2' (or '2025-26-Q2')."""

    widget = forms.TextInput

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return Quarter.parse(value)
        except ValueError:
            raise ValidationError("Enter a quarter as financial year and quarter, for example 2025/26 Q2") from None


class QuarterForm(forms.Form):
    """Which quarter the dashboard shows (a GET form)."""

    quarter = QuarterField(
        label="Quarter",
        help_text="For example, 2025/26 Q2 (July to September 2025).",
        error_messages={"required": "Enter a quarter, for example 2025/26 Q2"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(Field.text("quarter", field_width=10))

    def clean_quarter(self):
        quarter = self.cleaned_data["quarter"]
        if quarter > Quarter.current():
            raise ValidationError(f"{quarter.label} has not started yet: choose this quarter or an earlier one")
        return quarter


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ReportJob.Kind.choices,
        error_messages={
            "required": "Choose to make a draft or to issue the report",
            "invalid_choice": "Choose to make a draft or to issue the report",
        },
    )


class MeetingDateField(DateInputField):
    def __init__(self, **kwargs):
        super().__init__(label="Date of the board meeting", help_text="For example, 14 10 2025.", **kwargs)
        self.error_messages["required"] = "Enter the date of the board meeting"
        self.error_messages["incomplete"] = "Enter the day, month and year of the board meeting"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError:  # e.g. 'day is out of range for month'
            raise ValidationError("The date of the board meeting must be a real date") from None


class MeetingChoiceField(forms.ModelChoiceField):
    """One of the partnership's board meetings, named by its date and the quarter it reviews."""

    def label_from_instance(self, meeting: Meeting) -> str:
        return f"{timezone.localtime(meeting.starts):%-d %B %Y}, reviewing {meeting.quarter.label}"


class DecisionForm(forms.Form):
    meeting = MeetingChoiceField(
        label="At which board meeting?",
        queryset=Meeting.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the board meeting that decided",
            "invalid_choice": "Choose one of the board meetings listed",
        },
    )
    outcome = forms.ChoiceField(
        label="What did the board decide?",
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the board decided"},
    )
    decision = forms.CharField(
        label="The decision, as minuted",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text="What the board agreed, who will act on it, and by when.",
        error_messages={"required": "Enter what the board decided"},
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.helper = fields_helper(
            Field.radios("meeting", legend_size=Size.MEDIUM),
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("decision", rows=5),
        )


class CommentaryForm(forms.Form):
    """The officer's commentary on a quarter's progress, published with it for anyone to read."""

    commentary = forms.CharField(
        label="Commentary for the public (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Shown to the public as written. Do not name people or include anything not yet public.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(Field.textarea("commentary", rows=6))


TIME = re.compile(r"\A\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*\Z")


class TimeOfDayField(forms.Field):
    """A time of day typed as 10:00 or 14.30 (24-hour clock)."""

    widget = forms.TextInput

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        match = TIME.match(value)
        if not match:
            raise ValidationError("Enter a time on the 24-hour clock, like 10:00 or 14:30")
        return time(int(match[1]), int(match[2]))


class MeetingForm(forms.Form):
    """When and where a board meeting is, and the quarter it reviews."""

    day = MeetingDateField()
    starts = TimeOfDayField(
        label="Start time",
        help_text="On the 24-hour clock, for example 10:00.",
        error_messages={"required": "Enter the time the meeting starts"},
    )
    ends = TimeOfDayField(label="End time (optional)", help_text="For example, 12:00.", required=False)
    reviews = forms.TypedChoiceField(
        label="Which quarter does it review?",
        coerce=Quarter.parse,
        error_messages={"required": "Choose the quarter the meeting reviews"},
    )
    place = forms.CharField(
        label="Where (optional)",
        max_length=200,
        required=False,
        help_text="For example, 'Town Hall, Lancaster' or 'Online'.",
        validators=[single_line],
    )
    notes = forms.CharField(
        label="Notes (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text="Anything members should know: the agenda, how to join online.",
    )

    def __init__(self, *args, quarters: list[Quarter], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].choices = [(q.label, f"{q.label} ({q.months})") for q in quarters]
        self.helper = fields_helper(
            Field("day"),
            Field.text("starts", field_width=5),
            Field.text("ends", field_width=5),
            Field.select("reviews"),
            Field.text("place"),
            Field.textarea("notes", rows=4),
        )

    @staticmethod
    def initial_for(meeting: Meeting) -> dict:
        starts = timezone.localtime(meeting.starts)
        ends = timezone.localtime(meeting.ends) if meeting.ends else None
        return {
            "day": starts.date(),
            "starts": f"{starts:%H:%M}",
            "ends": f"{ends:%H:%M}" if ends else "",
            "reviews": meeting.quarter.label,
            "place": meeting.place,
            "notes": meeting.notes,
        }

    def values(self) -> dict:
        """What the services take: the start and end as aware datetimes, the quarter reviewed."""
        data = self.cleaned_data
        starts = timezone.make_aware(datetime.combine(data["day"], data["starts"]))
        ends = timezone.make_aware(datetime.combine(data["day"], data["ends"])) if data["ends"] else None
        return {
            "starts": starts,
            "ends": ends,
            "reviews": data["reviews"],
            "place": data["place"],
            "notes": data["notes"],
        }


class AttendanceForm(forms.Form):
    """Who attended a meeting and who sent apologies, from the partnership's board members: one
    checkbox each; anyone ticked in neither list was absent."""

    attended = forms.TypedMultipleChoiceField(
        label="Who attended?", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    apologies = forms.TypedMultipleChoiceField(
        label="Who sent apologies?", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = people
        self.fields["apologies"].choices = people
        self.helper = fields_helper(
            Field.checkboxes("attended", legend_size=Size.MEDIUM, small=True),
            Field.checkboxes("apologies", legend_size=Size.MEDIUM, small=True),
        )

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("attended") or []) & set(cleaned.get("apologies") or [])
        if both:
            self.add_error("apologies", "A member either attended or sent apologies, not both")
        return cleaned


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of the colour against white."""
    return 1.05 / (_luminance(colour) + 0.05)


class LogoField(forms.ImageField):
    """An image field that checks the file's size and, from its header, its dimensions before Pillow
    opens and verifies it (Django's ImageField does that first, whatever the file's size)."""

    def to_python(self, data):
        if data in self.empty_values:
            return super().to_python(data)
        if data.size > logos.MAX_LOGO_BYTES:
            raise ValidationError(f"The logo must be smaller than {logos.MAX_LOGO_BYTES // 1024} KB", code="too_big")
        found = logos.header(data)
        if found and found.too_large:
            raise ValidationError(logos.too_large_message(found), code="too_many_pixels")
        return super().to_python(data)  # anything not a PNG or JPEG is refused here or by clean_logo


class ReportSettingsForm(forms.ModelForm):
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    class Meta:
        model = ReportSettings
        fields = ["protective_marking", "colour", "logo", "logo_alt"]
        widgets = {"protective_marking": forms.RadioSelect, "logo": forms.FileInput}
        labels = {"logo": "Logo"}
        field_classes = {"logo": LogoField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].validators = [HEX_COLOUR]
        self.helper = fields_helper(
            Field.radios("protective_marking", legend_size=Size.MEDIUM),
            Field.text("colour", field_width=10),
            Fieldset(Field("logo"), Field.checkbox("remove_logo"), Field.text("logo_alt"), legend="Logo"),
        )

    def clean_colour(self):
        colour = (self.cleaned_data.get("colour") or "").lower()
        if colour and contrast_with_white(colour) < 4.5:
            ratio = contrast_with_white(colour)
            raise ValidationError(
                f"Choose a darker colour: {colour} has a contrast of {ratio:.1f} to 1 against white, "
                "and headings need at least 4.5 to 1 to be readable"
            )
        return colour

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "image") and logo.image.format not in LOGO_TYPES:
            raise ValidationError("The logo must be a PNG or JPEG image")
        return logo

    def clean(self):
        cleaned = super().clean()
        has_logo = bool(cleaned.get("logo")) and not cleaned.get("remove_logo")
        if has_logo and not (cleaned.get("logo_alt") or "").strip():
            self.add_error("logo_alt", "Describe the logo for people who cannot see it")
        return cleaned
