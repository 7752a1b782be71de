"""Forms for actions, funding, progress returns and imports. They parse and validate what people
type; the services in ``services.py`` do the writing."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError

from assessments.models import Indicator
from csp_portal import uploads
from csp_portal.forms import fields_helper
from csp_portal.organisations.models import Agency, Partnership, User
from csp_portal.quarters import Quarter
from priorities.models import Outcome, Plan, Priority

from .models import Action, FundingAllocation, ProgressReturn
from .services import ACTION_FIELDS, CHASE_NOTE_LENGTH, RETURN_FIELDS, return_problems


class ActionDateField(DateInputField):
    """A GOV.UK date input (day, month, year) that may be left empty."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(label=label, required=False, help_text="For example, 31 3 2026", **kwargs)
        self.error_messages["incomplete"] = f"Enter the day, month and year of the {label.lower()}"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day or month or year):
            return None
        if not (day and month and year):
            raise ValidationError(self.error_messages["incomplete"])
        try:
            value = date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError(f"The {self.label.lower()} must be a real date") from None
        if not 2000 <= value.year <= 2100:
            raise ValidationError(f"The year of the {self.label.lower()} must be between 2000 and 2100")
        return value


# What an action needs before it is more than a draft, as the form asks for each.
NEEDED_UNLESS_DRAFT = {
    "lead_agency": "Choose the lead agency, or choose the status Draft",
    "lead_user": "Choose the lead person, or choose the status Draft",
}


class ActionForm(forms.ModelForm):
    """An action's columns as the action plan names them. ``version`` is the version the form was
    loaded at; the service refuses the save if the action has moved on since."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    start_date = ActionDateField(label="Start date")
    due_date = ActionDateField(label="Due date")

    class Meta:
        model = Action
        # The action's own columns, listed once in services, with its other agencies after its lead.
        fields = list(ACTION_FIELDS)
        fields.insert(fields.index("lead_user") + 1, "others_responsible")
        labels = {
            "title": "Action",
            "activity": "Activity",
            "resources": "Resources required",
            "budget": "Budget in pounds (optional)",
            "funding": "Funding source (optional)",
            "timescale": "Timescale",
            "lead_agency": "Lead agency",
            "lead_user": "Lead person",
            "others_responsible": "Others responsible",
            "other_partners": "Other partners (optional)",
            "targets": "Targets",
            "indicator": "Indicator (optional)",
            "target_value": "Target value (optional)",
            "outcome": "Outcome it works towards (optional)",
        }
        help_texts = {
            "activity": "What will be done.",
            "budget": "For example, 1000 or 2500.50.",
            "timescale": "As the plan words it, for example 'To March 2012'.",
            "lead_user": "Writes the quarterly progress returns.",
            "others_responsible": "",
            "other_partners": (
                "Groups that are not listed agencies, separated by semicolons, for example 'DV Group; Students' Union'."
            ),
            "target_value": "The indicator's value the action aims for.",
            "status": (
                "Choose Draft while the lead agency, lead person or timescale is still to be decided: "
                "a draft action owes no progress returns."
            ),
        }
        widgets = {
            "activity": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 2}),
            "targets": forms.Textarea(attrs={"rows": 2}),
            "others_responsible": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "title": {"required": "Enter the action", "max_length": "The action must be 500 characters or fewer"},
            "budget": {"invalid": "The budget must be a number of pounds, like 1000 or 2500.50"},
            "target_value": {"invalid": "The target value must be a number"},
        }

    def __init__(self, *args, priority: Priority | None = None, partnership: Partnership | None = None, **kwargs):
        """For an action of ``priority``; or, without one, of a recommendation in ``partnership``."""
        super().__init__(*args, **kwargs)
        partnership = priority.plan.partnership if priority else partnership
        self.priority = priority
        fields = self.fields
        fields["outcome"].queryset = priority.outcomes.order_by("order", "id") if priority else Outcome.objects.none()
        fields["outcome"].empty_label = "None"
        fields["outcome"].label_from_instance = lambda outcome: outcome.heading
        fields["lead_agency"].queryset = Agency.objects.order_by("name")
        fields["lead_agency"].empty_label = "Not decided"
        members = Agency.objects.filter(memberships__partnership=partnership)
        chosen = self.instance.others_responsible.all() if self.instance.pk else Agency.objects.none()
        fields["others_responsible"].queryset = (members | chosen).distinct().order_by("name")
        fields["lead_user"].queryset = (
            User.objects.filter(roles__partnership=partnership, is_active=True).distinct().order_by("full_name")
        )
        fields["lead_user"].empty_label = "Not decided"
        fields["lead_user"].label_from_instance = lambda user: f"{user.full_name} ({user.email})"
        fields["funding"].queryset = FundingAllocation.objects.filter(partnership=partnership).order_by(
            "-year", "source"
        )
        fields["funding"].empty_label = "None"
        fields["indicator"].queryset = Indicator.objects.filter(partnership=partnership).order_by("name")
        fields["indicator"].empty_label = "None"
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version
        elif not self.instance.pk:
            self.initial.setdefault("version", 1)
        self.helper = fields_helper(
            Field.text("title"),
            *([Field.select("outcome")] if fields["outcome"].queryset.exists() else []),
            Field.textarea("activity", rows=3),
            Field.textarea("resources", rows=2),
            Field.text("budget", field_width=10),
            Field.select("funding"),
            Field.text("timescale", field_width=20),
            Field("start_date"),
            Field("due_date"),
            Field.select("lead_agency"),
            Field.select("lead_user"),
            Field.checkboxes("others_responsible", legend_size=Size.SMALL, small=True),
            Field.text("other_partners"),
            Field.textarea("targets", rows=2),
            Field.select("indicator"),
            Field.text("target_value", field_width=10),
            Field.select("status"),
            "version",
        )
        if not fields["outcome"].queryset.exists():
            fields["outcome"].widget = forms.HiddenInput()

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean(self):
        """What the board relies on, asked for together with every other problem: who leads the
        action (agency and person) and by when, unless it is saved as a draft action."""
        cleaned = super().clean()
        if cleaned.get("status", Action.Status.DRAFT) == Action.Status.DRAFT:
            return cleaned
        for name, message in NEEDED_UNLESS_DRAFT.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        if not (cleaned.get("timescale") or cleaned.get("due_date")) and not {"timescale", "due_date"} & set(
            self.errors
        ):
            self.add_error("timescale", "Enter the timescale or a due date, or choose the status Draft")
        return cleaned

    def values(self) -> dict:
        """The action's columns as the services take them."""
        return {name: self.cleaned_data.get(name) for name in ACTION_FIELDS}

    def others(self) -> list[Agency]:
        """The other agencies responsible, set apart from the columns."""
        return list(self.cleaned_data.get("others_responsible") or [])

    def focus_first_field(self) -> None:
        """After an htmx swap, the keyboard goes to the form's first field."""
        self.fields["title"].widget.attrs["data-app-focus"] = ""


class MoveForm(forms.Form):
    priority = forms.ModelChoiceField(
        label="Move to priority",
        queryset=Priority.objects.none(),
        error_messages={"required": "Choose the priority to move the action to"},
    )

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = (
            Priority.objects.filter(plan__partnership=action.partnership)
            .exclude(pk=action.priority_id)
            .select_related("plan")
            .order_by("-plan__period_start", "order", "id")
        )
        self.fields["priority"].label_from_instance = lambda p: f"{p.title} ({p.plan.title})"
        self.helper = fields_helper(Field.select("priority"))


class FundingForm(forms.ModelForm):
    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    class Meta:
        model = FundingAllocation
        fields = ["year", "source", "amount", "notes"]
        labels = {"source": "Source", "amount": "Amount in pounds", "notes": "Notes (optional)"}
        help_texts = {"source": "For example, OPCC grant.", "amount": "For example, 10000."}
        error_messages = {
            "source": {"required": "Enter where the money comes from"},
            "amount": {"required": "Enter the amount", "invalid": "The amount must be a number of pounds, like 10000"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = Quarter.current().year
        years = range(this_year - 15, this_year + 3)
        self.fields["year"].choices = [(y, Quarter(y, 1).financial_year) for y in reversed(years)]
        self.fields["year"].initial = this_year
        if self.instance.pk:
            # An allocation is one source's money for one year: only its amount and notes change.
            self.fields["year"].disabled = True
            self.fields["source"].disabled = True
        self.helper = fields_helper(
            Field.select("year"), Field.text("source"), Field.text("amount", field_width=10), Field.text("notes")
        )


class ReturnForm(forms.ModelForm):
    """The lead's progress return for one quarter. ``version`` is the return's version when the form
    was loaded (0 when there was none yet), so that a save from a stale form is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = ProgressReturn
        fields = ["rag", "narrative", "percent_complete", "risks", "support_needed"]
        labels = {
            "rag": "RAG status",
            "narrative": "Progress this quarter",
            "percent_complete": "Percentage complete (optional)",
            "risks": "Risks and issues",
            "support_needed": "Support needed from the board",
        }
        help_texts = {
            "rag": "Green: on track. Amber: at risk, in hand. Red: off track, needs action.",
            "percent_complete": "A whole number from 0 to 100.",
            "risks": "Needed for a red or amber status.",
            "support_needed": "Anything the board should unblock. It goes on the list of escalations for the board.",
        }
        widgets = {
            "rag": forms.RadioSelect,
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "support_needed": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "percent_complete": {
                "invalid": "The percentage complete must be a whole number from 0 to 100",
                "max_value": "The percentage complete must be 100 or less",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag"].required = False
        self.fields["rag"].choices = list(ProgressReturn.Rag.choices)
        self.fields["percent_complete"].widget.attrs.update({"inputmode": "numeric", "min": 0, "max": 100})
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0
        self.helper = fields_helper(
            Field.radios("rag", legend_size=Size.SMALL, inline=False),
            Field.textarea("narrative", rows=5),
            Field.text("percent_complete", field_width=3),
            Field.textarea("risks", rows=3),
            Field.textarea("support_needed", rows=3),
            "version",
        )

    def clean_percent_complete(self):
        value = self.cleaned_data.get("percent_complete")
        if value is not None and not 0 <= value <= 100:
            raise ValidationError("The percentage complete must be a whole number from 0 to 100")
        return value

    def clean(self):
        """Every rule of a return at once, so that one round trip shows every problem: the fields'
        own, what a submitted return needs (the lead pressed Submit), and what contradicts."""
        cleaned = super().clean()
        submitting = self.data.get("intent") == "submit"
        values = {name: cleaned.get(name) for name in RETURN_FIELDS}
        for name, message in return_problems(values, submitting=submitting).items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the lead",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you return it: say what to change.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(Field.textarea("comment", rows=3))


class IdsField(forms.Field):
    """The ids of the rows ticked in a table (checkboxes sharing one name), as whole numbers."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            return sorted({int(item) for item in value or ()})
        except (TypeError, ValueError):
            raise ValidationError("Choose from the list", code="invalid") from None


class AcceptReturnsForm(forms.Form):
    """The submitted returns of a quarter the officer ticked to accept together."""

    returns = IdsField(error_messages={"required": "Choose the returns to accept"})


class ChaseForm(forms.Form):
    """Whom the officer chases for the quarter's returns, among the leads who owe one, and the
    message of their own added to each e-mail (plain text)."""

    leads = forms.TypedMultipleChoiceField(
        label="Who to chase",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone who still owes a return is ticked. Untick anyone you do not want to e-mail.",
        error_messages={
            "required": "Choose at least one lead to chase",
            "invalid_choice": "A lead you chose no longer owes a return: choose again from the list",
        },
    )
    message = forms.CharField(
        label="Your message (optional)",
        required=False,
        max_length=CHASE_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Added to each e-mail under your name, as you write it (plain text).",
        error_messages={"max_length": f"Your message must be {CHASE_NOTE_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, owing: dict[User, list[Action]], **kwargs):
        super().__init__(*args, **kwargs)
        leads = sorted(owing, key=lambda lead: (lead.full_name.casefold(), lead.pk))
        self.fields["leads"].choices = [
            (lead.pk, f"{lead.full_name}: {len(owing[lead])} return{'s' if len(owing[lead]) != 1 else ''} owed")
            for lead in leads
        ]
        self.helper = fields_helper(
            Field.checkboxes("leads", legend_size=Size.MEDIUM, small=True),
            Field.textarea("message", rows=5, max_characters=CHASE_NOTE_LENGTH),
        )

    def clean_message(self) -> str:
        return self.cleaned_data["message"].replace("\r\n", "\n").strip()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file or an Excel workbook (.xlsx) with the columns Action, Activity, Resources Required, "
        "Timescale, Lead Agency and others responsible, Targets.",
        error_messages={"required": "Choose a CSV or Excel file to upload"},
    )
    priority = forms.ModelChoiceField(
        label="Priority (optional)",
        queryset=Priority.objects.none(),
        required=False,
        empty_label="As named in the file's Priority column",
        help_text="The priority the actions belong to, when the file has no Priority column.",
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.filter(plan=plan).select_related("plan").order_by("order")
        self.fields["priority"].label_from_instance = lambda p: f"{p.title} ({p.plan.title})"
        self.helper = fields_helper(Field("file"), Field.select("priority"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        kind = uploads.extension(upload)
        if kind not in ("csv", "xlsx"):
            raise ValidationError("The selected file must be a CSV or an Excel workbook (.xlsx)")
        uploads.check_size(upload, "action_plan")
        if kind == "xlsx" and not uploads.is_zip(upload, "xl/workbook.xml"):
            raise ValidationError(
                "The selected file must be an Excel workbook: this one is not. Save it from Excel as "
                "'Excel Workbook (.xlsx)', or as 'CSV UTF-8'"
            )
        if kind == "csv" and not uploads.is_text(upload):
            raise ValidationError(
                "The selected file must be a CSV: this one is not text. Save it from your spreadsheet as 'CSV UTF-8'"
            )
        return upload
