"""Forms for recommendations: a review's, the PCC's (received, then considered and answered), and
turning one into an action. They parse what people type; ``recommendation_services`` checks the
rules and writes."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.validators import MinValueValidator

from actionplans.forms import NEEDED_UNLESS_DRAFT, ActionDateField
from actionplans.models import Action
from csp_portal.forms import fields_helper
from csp_portal.organisations.models import Partnership

from . import recommendation_queries as queries
from .models import NO_NAMES, Recommendation
from .recommendation_services import PCC_FIELDS, REVIEW_FIELDS

TEXT = {"required": "Enter the recommendation"}
NUMBER = {
    "required": "Enter the recommendation's number",
    "invalid": "The number must be a whole number, like 3",
    "min_value": "The number must be 1 or more",
}


class _RecommendationForm(forms.ModelForm):
    """What both kinds share. The service checks the rules between fields and the number's
    uniqueness in its review, in its own words, so the model's unique check is not run here too."""

    due_date = ActionDateField(label="To be done by")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].validators.append(MinValueValidator(1))
        # GOV.UK's whole-number input: a text box asking phones for digits, which shows back what was typed.
        self.fields["number"].widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def validate_unique(self) -> None:
        """Left to the service (see the class's docstring)."""

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class RecommendationForm(_RecommendationForm):
    """A review's recommendation: its number and words, for one agency or several, local or
    national (and to whom it was sent), and by when."""

    sent_on = ActionDateField(label="Sent on")

    class Meta:
        model = Recommendation
        fields = list(REVIEW_FIELDS)
        labels = {
            "number": "Number",
            "text": "Recommendation",
            "scope": "Single-agency or multi-agency",
            "agency": "Agency (single-agency only)",
            "level": "Local or national",
            "sent_to": "Sent to (national only)",
        }
        help_texts = {"text": "As the report words it. " + NO_NAMES}
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
        error_messages = {"text": TEXT, "number": NUMBER}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = queries.agencies_of(partnership, self.instance.agency)
        self.fields["agency"].empty_label = "None (multi-agency)"
        self.fields["scope"].widget = forms.RadioSelect(choices=Recommendation.Scope.choices)
        self.fields["level"].widget = forms.RadioSelect(choices=Recommendation.Level.choices)
        self.helper = fields_helper(
            Field.text("number", field_width=4),
            Field.textarea("text", rows=5),
            Field.radios("scope", legend_size=Size.SMALL, inline=True),
            Field.select("agency"),
            Field.radios("level", legend_size=Size.SMALL, inline=True),
            Field.text("sent_to"),
            Field("sent_on"),
            Field("due_date"),
        )


class PccRecommendationForm(_RecommendationForm):
    """A recommendation of the PCC: received, its number and words, by when; once the partnership
    has considered it (``considering``), its decision with the reasons and the response sent."""

    received_on = ActionDateField(label="Received")
    considered_on = ActionDateField(label="Considered by the partnership")
    response_sent_on = ActionDateField(label="Response sent to the PCC")

    class Meta:
        model = Recommendation
        fields = list(PCC_FIELDS)
        labels = {
            "number": "Number",
            "text": "Recommendation",
            "decision": "The partnership's decision",
            "reasons": "Reasons",
        }
        help_texts = {
            "text": "As the PCC words it. " + NO_NAMES,
            "reasons": "Why the partnership will not act on it, or not in full. Needed unless it is accepted. "
            + NO_NAMES,
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 5}), "reasons": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"text": TEXT, "number": NUMBER}

    def __init__(self, *args, considering: bool, **kwargs):
        super().__init__(*args, **kwargs)
        received = [Field("received_on"), Field.text("number", field_width=4), Field.textarea("text", rows=5)]
        if not considering:
            for name in ("considered_on", "decision", "reasons", "response_sent_on"):
                del self.fields[name]
            self.helper = fields_helper(*received, Field("due_date"))
            return
        self.fields["decision"].widget = forms.RadioSelect(choices=Recommendation.Decision.choices)
        self.helper = fields_helper(
            *received,
            Field("due_date"),
            Fieldset(
                Field("considered_on"),
                Field.radios("decision", legend_size=Size.SMALL),
                Field.textarea("reasons", rows=4),
                Field("response_sent_on"),
                legend="Considered and answered",
                legend_size=Size.MEDIUM,
            ),
        )

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class RecommendationActionForm(forms.ModelForm):
    """An action that carries out the recommendation: what, who leads it, by when, and its targets.
    It then lives in the same machinery as the plan's actions (returns, RAG, sign-off)."""

    start_date = ActionDateField(label="Start date")
    due_date = ActionDateField(label="Due date")

    class Meta:
        model = Action
        fields = ["title", "activity", "lead_agency", "lead_user", "timescale", "start_date", "due_date", "targets"]
        labels = {
            "title": "Action",
            "activity": "Activity",
            "lead_agency": "Lead agency",
            "lead_user": "Lead person",
            "timescale": "Timescale (or a due date)",
            "targets": "Targets",
        }
        help_texts = {
            "title": NO_NAMES,
            "activity": "What will be done. " + NO_NAMES,
            "timescale": "As the action plan words it, for example 'By March 2027'.",
            "lead_user": "Writes the quarterly progress returns.",
        }
        widgets = {"activity": forms.Textarea(attrs={"rows": 3}), "targets": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "title": {"required": "Enter the action", "max_length": "The action must be 500 characters or fewer"}
        }

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = queries.agencies_of(partnership)
        self.fields["lead_agency"].empty_label = "Choose the lead agency"
        self.fields["lead_user"].queryset = queries.people_of(partnership)
        self.fields["lead_user"].empty_label = "Choose the lead person"
        self.fields["lead_user"].label_from_instance = lambda user: f"{user.full_name} ({user.email})"
        self.helper = fields_helper(
            Field.text("title"),
            Field.textarea("activity", rows=3),
            Field.select("lead_agency"),
            Field.select("lead_user"),
            Field.text("timescale", field_width=20),
            Field("start_date"),
            Field("due_date"),
            Field.textarea("targets", rows=2),
        )

    def clean(self):
        """Who leads the action and by when, asked for with every other problem at once."""
        cleaned = super().clean()
        for name, message in NEEDED_UNLESS_DRAFT.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message.split(",")[0])
        if not (cleaned.get("timescale") or cleaned.get("due_date")) and not {"timescale", "due_date"} & set(
            self.errors
        ):
            self.add_error("timescale", "Enter the timescale or a due date")
        return cleaned

    def _get_validation_exclusions(self):
        # The order of the dates is an action rule the service checks and words on the due date's
        # field; the model's constraint would say it again, by its name, above the form.
        return super()._get_validation_exclusions() | {"due_date"}

    def values(self) -> dict:
        """The action's columns as ``add_recommendation_action`` takes them: not a draft, it owes returns."""
        values = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        values["title"] = values["title"].strip()
        return {**values, "status": Action.Status.NOT_STARTED}
