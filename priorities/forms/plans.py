"""Forms for plans and priorities."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError

from assessments.models import StrategicAssessment, Threat
from csp_portal.organisations.models import Agency, Partnership

from .. import queries
from ..models import ContributoryFactor, Outcome, Plan, Priority
from .common import ListFormSet, form_helper, list_formset, person_label, row_helper, threat_labels
from .points import POINTS_HINT, PointsField, parse_points


class PeriodDateField(DateInputField):
    """A GOV.UK date input with messages that say which date is wrong."""

    def __init__(self, *, name: str, **kwargs):
        super().__init__(**kwargs)
        self.name = name
        self.error_messages["required"] = f"Enter the date the plan period {name}"
        self.error_messages["incomplete"] = f"Enter the day, month and year the plan period {name}"

    def clean(self, value):
        if isinstance(value, list | tuple):
            blanks = [part in self.empty_values for part in value]
            if any(blanks) and not all(blanks):
                raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        return super().clean(value)

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise ValidationError(f"The date the plan period {self.name} must be a real date") from None
        if not 2000 <= value.year <= 2100:
            raise ValidationError(f"The year the plan period {self.name} must be between 2000 and 2100")
        return value


# -- Plans -------------------------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    period_start = PeriodDateField(name="starts", label="Plan period starts", help_text="For example, 1 4 2022")
    period_end = PeriodDateField(name="ends", label="Plan period ends", help_text="For example, 31 3 2025")
    related_strategies = forms.CharField(
        label="Related strategies and plans",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The strategies and plans this plan has regard to, one per line, "
        "for example the Police and Crime Plan.",
    )

    class Meta:
        model = Plan
        fields = ["title", "period_start", "period_end", "status", "summary", "related_strategies", "assessment"]
        labels = {"title": "Title", "summary": "Foreword or summary", "status": "Status"}
        help_texts = {
            "title": "For example, Community Safety Partnership Plan 2022-2025.",
            "summary": "What the plan is for and how the partnership will work, as in the plan's foreword.",
        }
        widgets = {"status": forms.RadioSelect, "summary": forms.Textarea(attrs={"rows": 6})}
        error_messages = {"title": {"required": "Enter the plan's title"}}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["assessment"].queryset = queries.assessments_for(partnership)
        self.fields["assessment"].label_from_instance = self._assessment_label
        self.fields["assessment"].empty_label = "None chosen"
        self.fields["status"].help_text = "An agreed plan is the one the partnership works to; archive it when it ends."
        self.helper = form_helper(
            Field.text("title"),
            Field("period_start"),
            Field("period_end"),
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("summary", rows=6),
            Field.textarea("related_strategies", rows=6),
            Field.select("assessment"),
            submit="Save plan",
        )

    def _assessment_label(self, assessment: StrategicAssessment) -> str:
        if assessment.partnership_id != self.partnership.pk:
            return f"{assessment.title} ({assessment.partnership.name})"
        return assessment.title

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        clash = Plan.objects.filter(partnership=self.partnership, title__iexact=title).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"{self.partnership.name} already has a plan called “{title}”")
        return title

    def clean_related_strategies(self) -> str:
        lines = parse_points(self.cleaned_data["related_strategies"], label="Related strategies and plans")
        return "\n".join(line.replace("\n- ", "; ") for line in lines)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            if end <= start:
                self.add_error("period_end", "The date the plan period ends must be after the date it starts")
            elif (end - start).days > 10 * 366:
                self.add_error("period_end", "A plan period must be 10 years or shorter")
        return cleaned


# -- Priorities --------------------------------------------------------------------------------------


class PriorityForm(forms.ModelForm):
    outcomes = PointsField(label="What we want to achieve", help_text=f"The outcomes. {POINTS_HINT}", rows=5)
    current_work = PointsField(label="What we currently do", help_text=POINTS_HINT, rows=10)
    commitments = PointsField(label="What we will do", help_text=POINTS_HINT, rows=10)
    supports = forms.TypedChoiceField(
        label="Which county priority does it support?",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="So that the county board can see the districts' progress on its priorities.",
    )
    contributory_factors = forms.ModelMultipleChoiceField(
        label="Contributory factors it addresses",
        queryset=ContributoryFactor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = forms.ModelMultipleChoiceField(
        label="Evidence: threats in the strategic assessment",
        queryset=Threat.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The threats this priority responds to.",
    )

    class Meta:
        model = Priority
        fields = ["title", "status", "why", "lead_role", "lead_user", "lead_agency", "owner"]
        labels = {
            "title": "Title",
            "status": "Status",
            "why": "Why it matters",
            "lead_role": "Lead (role title)",
            "lead_user": "Lead person",
            "lead_agency": "Lead agency",
            "owner": "Board that owns delivery",
        }
        help_texts = {
            "title": "For example, Anti-social behaviour.",
            "status": "A watching brief is watched, not actively worked.",
            "why": "What the evidence says and why the partnership must act.",
            "lead_user": "If the lead uses this service.",
            "owner": "The board or Strategic Management Board that owns the delivery plan, if not the partnership.",
        }
        widgets = {"status": forms.RadioSelect, "why": forms.Textarea(attrs={"rows": 5})}
        error_messages = {"title": {"required": "Enter the priority's title"}}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        partnership = plan.partnership
        self.fields["lead_user"].queryset = queries.people_in(partnership)
        self.fields["lead_user"].label_from_instance = person_label
        self.fields["lead_user"].empty_label = "Nobody chosen"
        self.fields["lead_agency"].queryset = Agency.objects.order_by("name")
        self.fields["lead_agency"].empty_label = "None chosen"
        self.fields["contributory_factors"].queryset = ContributoryFactor.objects.all()
        cited = list(self.instance.evidence_links.values_list("threat_id", flat=True)) if self.instance.pk else []
        threats = queries.threats_for(plan, keep=cited)
        self.fields["evidence"].queryset = threats
        threat_labels(self.fields["evidence"])
        self.county_priorities = queries.county_priorities_for(partnership, keep=self.instance.supports_id)
        self._offer_county_priorities()
        if self.instance.pk:
            self._start_from_instance()
        self.helper = form_helper(*self._sections(cites_threats=bool(threats)), submit="Save priority")
        if not threats:
            del self.fields["evidence"]

    def _offer_county_priorities(self) -> None:
        """The county board's priorities it may support, grouped by plan; no question without any."""
        if not self.county_priorities:
            del self.fields["supports"]
            return
        grouped: dict[str, list] = {}
        for priority in self.county_priorities:
            grouped.setdefault(f"{priority.plan.title} ({priority.plan.period_label})", []).append(
                (priority.pk, priority.title)
            )
        self.fields["supports"].choices = [("", "None")] + list(grouped.items())

    def _start_from_instance(self) -> None:
        """The lists and links of the priority being edited, as the fields show them."""
        self.initial.setdefault("outcomes", [o.text for o in self.instance.outcomes.all()])
        self.initial.setdefault("current_work", [w.text for w in self.instance.current_work.all()])
        self.initial.setdefault("commitments", [c.text for c in self.instance.commitments.all()])
        self.initial.setdefault("contributory_factors", [link.factor_id for link in self.instance.factor_links.all()])
        self.initial.setdefault("evidence", [link.threat_id for link in self.instance.evidence_links.all()])
        if "supports" in self.fields:
            self.initial.setdefault("supports", self.instance.supports_id)

    def _sections(self, *, cites_threats: bool) -> list[Fieldset]:
        evidence = [Field.checkboxes("contributory_factors", small=True)]
        if cites_threats:
            evidence.append(Field.checkboxes("evidence", small=True))
        if "supports" in self.fields:
            evidence.insert(0, Field.select("supports"))
        return [
            Fieldset(
                Field.text("title"),
                Field.radios("status", legend_size=Size.SMALL, inline=True),
                Field.textarea("why", rows=5),
                legend="The priority",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("lead_role"),
                Field.select("lead_user"),
                Field.select("lead_agency"),
                Field.text("owner"),
                legend="Who leads it",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("outcomes", rows=5),
                Field.textarea("current_work", rows=10),
                Field.textarea("commitments", rows=10),
                legend="What it will do",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(*evidence, legend="Evidence and links", legend_size=Size.MEDIUM),
        ]

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        clash = Priority.all_objects.filter(plan=self.plan, title__iexact=title).exclude(pk=self.instance.pk).first()
        if clash is not None and clash.is_archived:
            raise ValidationError(
                f"An archived priority of this plan is called “{title}”: restore it, or choose another title"
            )
        if clash is not None:
            raise ValidationError(f"This plan already has a priority called “{title}”")
        return title

    def clean_supports(self) -> Priority | None:
        chosen = self.cleaned_data.get("supports")
        if chosen is None:
            return None
        for priority in self.county_priorities:
            if priority.pk == chosen:
                return priority
        raise ValidationError("Choose a priority of your county board's plan")

    def cleaned_content(self) -> dict:
        """What the services take: the fields, the three lists and the links."""
        data = self.cleaned_data
        return {
            "fields": {name: data[name] for name in self.Meta.fields},
            "supports": data.get("supports"),
            "outcomes": data["outcomes"],
            "current_work": data["current_work"],
            "commitments": data["commitments"],
            "factors": list(data["contributory_factors"]),
            "evidence": list(data.get("evidence") or []),
        }


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["text", "measure"]
        labels = {"text": "Outcome", "measure": "How it is measured"}
        widgets = {"text": forms.TextInput}
        help_texts = {"measure": "For example, the number of repeat referrals to MARAC each quarter."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False  # a blank extra row is left alone
        if "DELETE" in self.fields:
            self.fields["DELETE"].label = "Remove this outcome"

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) > 300:
            raise ValidationError("Keep the outcome under 300 characters")
        return text

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text") and not cleaned.get("DELETE") and "text" not in self.errors:
            if self.instance.pk:
                self.add_error("text", "Enter the outcome, or tick to remove it")
            elif cleaned.get("measure"):
                self.add_error("text", "Enter the outcome the measure is for")
        return cleaned


class BaseOutcomeFormSet(ListFormSet):
    heading = "Outcomes and measures"
    noun = "outcome"
    submit = "Save outcomes"

    @property
    def intro(self) -> str:
        return (
            "What the priority wants to achieve, each with how progress is measured. Leave a new row empty "
            f"to add nothing; to add more than {self.extra}, save and come back."
        )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row_helper(form, Field.text("text"), Field.text("measure"))

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            text = form.cleaned_data.get("text", "")
            if text and text.casefold() in seen:
                form.add_error("text", f"“{text}” is listed twice")
            seen.add(text.casefold())

    def row_values(self, data: dict) -> dict:
        return {"measure": data.get("measure", "")}


OutcomeFormSet = list_formset(Outcome, OutcomeForm, BaseOutcomeFormSet, extra=2, max_num=60)


class MoveForm(forms.Form):
    """A move button's press; after the move, the page is told which priority moved (``moved``)."""

    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])
    moved = forms.IntegerField(required=False)


class ConfirmForm(forms.Form):
    """A confirmation: the button is the only input."""
