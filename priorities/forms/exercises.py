"""Forms for priority-setting exercises: starting one, its criteria and candidates, scoring, and
turning a candidate into a priority."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError

from assessments.models import Threat
from csp_portal.organisations.models import User
from csp_portal.validators import single_line

from .. import queries
from ..models import Candidate, Criterion, Exercise, Plan, Priority
from ..scoring import SCORE_MAX, SCORE_MIN
from .common import ListFormSet, form_helper, list_formset, person_label, row_helper, threat_labels
from .points import PointsField


class ExerciseForm(forms.ModelForm):
    """Start an exercise: who scores, and the candidates from the threat ranking or typed in."""

    participants = forms.ModelMultipleChoiceField(
        label="Who scores the candidates?",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one participant"},
        help_text="People with a role in the partnership.",
    )
    threats = forms.ModelMultipleChoiceField(
        label="Candidates from the strategic assessment",
        queryset=Threat.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_candidates = PointsField(
        label="Other candidates",
        rows=5,
        help_text="Issues raised by partners or residents that are not in the assessment, one per line.",
    )

    class Meta:
        model = Exercise
        fields = ["title", "participants"]
        labels = {"title": "Title"}
        help_texts = {"title": "For example, Priority setting event, January 2025."}
        error_messages = {"title": {"required": "Enter a title for the exercise"}}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["participants"].queryset = queries.people_in(plan.partnership)
        self.fields["participants"].label_from_instance = person_label
        threats = queries.threats_for(plan)
        self.fields["threats"].queryset = threats
        threat_labels(self.fields["threats"])
        layout = [Field.text("title"), Field.checkboxes("participants", legend_size=Size.SMALL, small=True)]
        if threats:
            layout.append(Field.checkboxes("threats", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["threats"]
        layout.append(Field.textarea("other_candidates", rows=5))
        self.helper = form_helper(*layout, submit="Start the exercise")

    def clean(self):
        cleaned = super().clean()
        threats = list(cleaned.get("threats") or [])
        titles = [t.split("\n", 1)[0] for t in cleaned.get("other_candidates") or []]
        if "other_candidates" in cleaned and not threats and not titles:
            anchor = "threats" if "threats" in self.fields else "other_candidates"
            self.add_error(anchor, "Choose or type at least one candidate")
        names = {threat.name.casefold() for threat in threats}
        for title in titles:
            if title.casefold() in names:
                self.add_error("other_candidates", f"“{title}” is already a candidate from the assessment")
        cleaned["candidate_titles"] = titles
        return cleaned


class ExerciseEditForm(forms.ModelForm):
    participants = forms.ModelMultipleChoiceField(
        label="Who scores the candidates?",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one participant"},
        help_text="Removing someone keeps the scores they gave.",
    )

    class Meta:
        model = Exercise
        fields = ["title", "status", "participants"]
        labels = {"title": "Title", "status": "Status"}
        widgets = {"status": forms.RadioSelect}
        help_texts = {"status": "Close the exercise when everyone has scored: scores can no longer change."}
        error_messages = {"title": {"required": "Enter a title for the exercise"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = queries.people_in(self.instance.plan.partnership)
        self.fields["participants"].label_from_instance = person_label
        self.helper = form_helper(
            Field.text("title"),
            Field.radios("status", legend_size=Size.SMALL),
            Field.checkboxes("participants", legend_size=Size.SMALL, small=True),
            submit="Save exercise",
        )


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["text", "weight", "inverse"]
        labels = {"text": "Question", "weight": "Weight", "inverse": "Scored inversely (a high score counts against)"}
        widgets = {"text": forms.TextInput, "weight": forms.NumberInput(attrs={"class": "govuk-input--width-2"})}
        help_texts = {"weight": "1 to 10: a criterion of weight 2 counts twice as much as one of weight 1."}
        error_messages = {
            "weight": {
                "min_value": "The weight must be between 1 and 10",
                "max_value": "The weight must be between 1 and 10",
                "invalid": "Enter the weight as a whole number from 1 to 10",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["weight"].required = False
        self.fields["weight"].localize = False
        if "DELETE" in self.fields:
            self.fields["DELETE"].label = "Remove this criterion (its scores are removed too)"

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("text") or "").strip()
        cleaned["text"] = text
        if text and cleaned.get("weight") is None and "weight" not in self.errors:
            self.add_error("weight", "Enter the weight as a whole number from 1 to 10")
        if not text and not cleaned.get("DELETE") and (self.instance.pk or self.has_changed()):
            self.add_error("text", "Enter the question, or tick to remove the criterion")
        return cleaned


class BaseCriterionFormSet(ListFormSet):
    heading = "Criteria"
    noun = "criterion"
    submit = "Save criteria"
    intro = (
        "The questions each candidate is scored against, from 1 (not at all) to 5 (very much). A criterion "
        "scored inversely counts a high score against the candidate: ‘Is this a single agency issue?’ "
        "scored 5 counts as 1."
    )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row_helper(form, Field.text("text"), Field.text("weight", field_width=2), Field.checkbox("inverse", small=True))

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [f for f in self.forms if f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError("Keep at least one criterion")
        seen = set()
        for form in kept:
            key = form.cleaned_data["text"].casefold()
            if key in seen:
                form.add_error("text", f"“{form.cleaned_data['text']}” is listed twice")
            seen.add(key)

    def row_values(self, data: dict) -> dict:
        return {"weight": data.get("weight") or 1, "inverse": bool(data.get("inverse"))}


CriterionFormSet = list_formset(Criterion, CriterionForm, BaseCriterionFormSet, extra=1, max_num=20)


class AddCandidatesForm(forms.Form):
    threats = forms.ModelMultipleChoiceField(
        label="From the strategic assessment",
        queryset=Threat.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    titles = PointsField(label="Type in candidates", rows=4, help_text="One per line.")

    def __init__(self, *args, exercise: Exercise, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercise = exercise
        taken = exercise.candidates.exclude(threat=None).values("threat_id")
        threats = queries.threats_for(exercise.plan).exclude(pk__in=taken)
        self.fields["threats"].queryset = threats
        threat_labels(self.fields["threats"])
        layout = [Field.checkboxes("threats", legend_size=Size.SMALL, small=True)] if threats else []
        if not threats:
            del self.fields["threats"]
        self.helper = form_helper(*layout, Field.textarea("titles", rows=4), submit="Add candidates")

    def clean(self):
        cleaned = super().clean()
        threats = list(cleaned.get("threats") or [])
        titles = [t.split("\n", 1)[0] for t in cleaned.get("titles") or []]
        if "titles" in cleaned and not threats and not titles:
            self.add_error("titles", "Choose or type at least one candidate")
        existing = {title.casefold() for title in self.exercise.candidates.values_list("title", flat=True)}
        existing |= {threat.name.casefold() for threat in threats}
        for title in titles:
            if title.casefold() in existing:
                self.add_error("titles", f"“{title}” is already a candidate")
        cleaned["candidate_titles"] = titles
        return cleaned


SCORE_CHOICES = [("", "Not scored")] + [
    (str(value), {1: "1 (not at all)", 3: "3", 5: "5 (very much)"}.get(value, str(value)))
    for value in range(SCORE_MIN, SCORE_MAX + 1)
]


class ScoreSheetForm(forms.Form):
    """One select per candidate and criterion, named ``score-<candidate>-<criterion>``."""

    def __init__(self, *args, candidates: list[Candidate], criteria: list[Criterion], initial_scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates, self.criteria = candidates, criteria
        for candidate in candidates:
            for criterion in criteria:
                name = self.field_name(candidate.pk, criterion.pk)
                self.fields[name] = forms.TypedChoiceField(
                    choices=SCORE_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    label=f"{candidate.title}: {criterion.text}",
                    error_messages={
                        "invalid_choice": f"Choose a score from {SCORE_MIN} to {SCORE_MAX} or ‘Not scored’"
                    },
                )
                value = initial_scores.get((candidate.pk, criterion.pk))
                if value is not None:
                    self.initial[name] = str(value)

    @staticmethod
    def field_name(candidate_id: int, criterion_id: int) -> str:
        return f"score-{candidate_id}-{criterion_id}"

    def rows(self) -> list[dict]:
        """For the template: each candidate with its criteria's bound fields."""
        return [
            {
                "candidate": candidate,
                "fields": [
                    (criterion, self[self.field_name(candidate.pk, criterion.pk)]) for criterion in self.criteria
                ],
            }
            for candidate in self.candidates
        ]

    def scores(self) -> dict[tuple[int, int], int | None]:
        return {
            (candidate.pk, criterion.pk): self.cleaned_data[self.field_name(candidate.pk, criterion.pk)]
            for candidate in self.candidates
            for criterion in self.criteria
        }


class ConvertForm(forms.Form):
    title = forms.CharField(label="Title of the priority", max_length=200, validators=[single_line])
    status = forms.ChoiceField(
        label="Make it",
        choices=[
            (Priority.Status.ACTIVE, "An active priority"),
            (Priority.Status.WATCHING, "A watching brief"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it becomes a priority or a watching brief"},
    )

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.fields["title"].error_messages["required"] = "Enter the priority's title"
        self.helper = form_helper(
            Field.text("title"), Field.radios("status", legend_size=Size.SMALL), submit="Add it to the plan"
        )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        # Archived priorities keep their titles, so that restoring one never clashes.
        if Priority.all_objects.filter(plan_id=self.candidate.exercise.plan_id, title__iexact=title).exists():
            raise ValidationError(f"The plan already has a priority called “{title}”; choose another title")
        return title
