"""Forms of the evidence app: they parse and validate; services write."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q

from csp_portal import uploads
from csp_portal.organisations.models import Partnership
from csp_portal.validators import single_line

from . import police_uk
from .models import (
    AnnualReview,
    Consultation,
    ContributoryFactor,
    DataTable,
    Indicator,
    KeyFinding,
    Recommendation,
    Source,
    StrategicAssessment,
    Threat,
)

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class MonthField(forms.CharField):
    """A month typed as YYYY-MM, kept as the first day of the month."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "As year and month, for example 2018-04 for April 2018.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "govuk-input govuk-input--width-5", "maxlength": "7"})

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, date) else value

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = _MONTH.fullmatch(value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError("Enter the month as year and month, for example 2018-04.")
        return date(int(match.group(1)), int(match.group(2)), 1)


def _pdf(upload) -> None:
    # The PDF is only stored and served back as it came (assessment_document streams it): nothing
    # here parses it, so its only cost is its size, which MAX_UPLOAD_SIZE["document"] bounds. A
    # published assessment with maps and charts runs to a few megabytes; 30 MB leaves room.
    uploads.check_size(upload, "document")
    if not uploads.is_pdf(upload):
        raise ValidationError("The document must be a PDF file.")


class AssessmentForm(forms.ModelForm):
    trend_start = MonthField(label="Trend window starts", required=False)
    trend_end = MonthField(label="Trend window ends", required=False)

    class Meta:
        model = StrategicAssessment
        fields = [
            "title",
            "status",
            "authority",
            "parent",
            "period_start_year",
            "period_end_year",
            "trend_start",
            "trend_end",
            "aim",
            "method",
            "executive_summary",
            "document",
        ]
        labels = {"authority": "Local profile of", "parent": "Accompanies the assessment"}
        widgets = {
            "period_start_year": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
            "period_end_year": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
            "aim": forms.Textarea(attrs={"rows": 4}),
            "method": forms.Textarea(attrs={"rows": 4}),
            "executive_summary": forms.Textarea(attrs={"rows": 10}),
            "document": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        }

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["authority"].queryset = partnership.authorities.order_by("name")
        self.fields["authority"].empty_label = "None: it covers the partnership's whole area"
        owners = [partnership.pk] + ([partnership.county_board_id] if partnership.county_board_id else [])
        parents = StrategicAssessment.objects.filter(partnership__in=owners, authority__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.select_related("partnership")
        self.fields["parent"].empty_label = "None"
        self.fields["executive_summary"].help_text = "Start each point on a new line; a line starting '- ' is a bullet."

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload
            _pdf(document)
        return document

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start_year"), data.get("period_end_year")
        if start and end and end < start:
            self.add_error("period_end_year", "The period must end in or after the year it starts.")
        for field in ("period_start_year", "period_end_year"):
            if data.get(field) and not 2000 <= data[field] <= 2100:
                self.add_error(field, "Enter a year between 2000 and 2100.")
        if data.get("trend_start") and data.get("trend_end") and data["trend_end"] < data["trend_start"]:
            self.add_error("trend_end", "The trend window must end after it starts.")
        if data.get("authority") and not data.get("parent"):
            self.add_error("parent", "Choose the county-wide assessment this local profile accompanies.")
        if data.get("parent") and not data.get("authority"):
            self.add_error("authority", "Choose the authority this local profile covers, or no parent assessment.")
        return data


class ThreatForm(forms.ModelForm):
    class Meta:
        model = Threat
        fields = [
            "name",
            "theme",
            "description",
            "harm",
            "likelihood",
            "trend",
            "public_concern",
            "capacity",
            "capability",
            "manual_rank",
            "override_reason",
        ]
        help_texts = {
            "harm": "1 to 5: how much harm it does to victims and communities (5 = the most).",
            "likelihood": "1 to 5: how often it happens, or how likely it is (5 = the most).",
            "trend": "1 = falling sharply, 3 = stable, 5 = rising sharply.",
            "public_concern": "1 to 5: how much it worries residents, e.g. in surveys (5 = the most).",
            "capacity": "1 to 5: whether partners have the people and money to tackle it (5 = fully).",
            "capability": "1 to 5: whether partners have the skills, powers and tools to tackle it (5 = fully).",
            "manual_rank": "Leave empty to rank by score. If you set a rank, say why.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "override_reason": forms.Textarea(attrs={"rows": 3}),
            "manual_rank": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        }

    def __init__(self, *args, assessment: StrategicAssessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.assessment = assessment
        for name in ("harm", "likelihood", "trend", "public_concern", "capacity", "capability"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                help_text=self.fields[name].help_text,
                choices=SCORE_CHOICES,
                coerce=int,
                initial=getattr(self.instance, name) or 3,
            )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Threat.objects.filter(assessment=self.instance.assessment, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError("This assessment already ranks a threat with that name.")
        return name

    def clean(self):
        data = super().clean()
        if data.get("manual_rank") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", "Say why you are setting the rank by hand.")
        return data


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["number", "text"]
        widgets = {"number": forms.NumberInput(attrs={"class": "govuk-input--width-3"})}

    def clean_number(self):
        number = self.cleaned_data["number"]
        others = Recommendation.objects.filter(assessment=self.instance.assessment, number=number)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"There is already a recommendation {number}.")
        return number


class SourceForm(forms.ModelForm):
    url = forms.URLField(label="Web address", required=False, assume_scheme="https")

    class Meta:
        model = Source
        fields = ["citation", "url"]
        help_texts = {"citation": "e.g. Sculpher, L (2021) Lancashire Talking Results – May 2021"}


class AnnualReviewForm(forms.ModelForm):
    class Meta:
        model = AnnualReview
        fields = ["reviewed_on", "changes"]
        widgets = {"reviewed_on": forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"})}


class KeyFindingForm(forms.ModelForm):
    class Meta:
        model = KeyFinding
        fields = ["theme", "text"]


class ContributoryFactorForm(forms.ModelForm):
    class Meta:
        model = ContributoryFactor
        fields = ["name", "description"]
        help_texts = {"name": "e.g. Alcohol and drug use; Child poverty and unemployment"}


class ConsultationForm(forms.ModelForm):
    issues = forms.CharField(
        label="Issues, most often raised first",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One issue a line, in rank order.",
    )

    class Meta:
        model = Consultation
        fields = ["title", "method", "sample_size"]
        widgets = {"sample_size": forms.NumberInput(attrs={"class": "govuk-input--width-10"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["issues"] = "\n".join(i.issue for i in self.instance.issues.all())

    def clean_issues(self):
        lines = [line.strip().lstrip("-•").strip() for line in self.cleaned_data["issues"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise ValidationError("Enter at least one issue.")
        if any(len(line) > 300 for line in lines):
            raise ValidationError("Each issue must be 300 characters or fewer.")
        return lines

    @property
    def lines(self) -> list[str]:
        return self.cleaned_data["issues"]


class DataTableForm(forms.ModelForm):
    rows = forms.CharField(
        label="Rows",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="One row a line: the label, a comma, then the figure, e.g. '18-24, 18.7'.",
    )

    class Meta:
        model = DataTable
        fields = ["title", "label_heading", "value_heading", "unit", "source"]
        widgets = {"unit": forms.TextInput(attrs={"class": "govuk-input--width-5"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["rows"] = "\n".join(f"{r.label}, {r.value.normalize():f}" for r in self.instance.rows.all())

    def clean_rows(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["rows"].splitlines(), start=1):
            if not line.strip():
                continue
            label, _, figure = line.rpartition(",")
            try:
                value = Decimal(figure.strip().rstrip("%").replace(" ", ""))
            except InvalidOperation:
                value = None
            if not label.strip() or value is None or not value.is_finite():
                raise ValidationError(f"Line {number} ('{line.strip()}') needs a label, a comma and a number.")
            rows.append((label.strip()[:200], value))
        if not rows:
            raise ValidationError("Enter at least one row.")
        return rows

    @property
    def lines(self) -> list[tuple[str, Decimal]]:
        return self.cleaned_data["rows"]


@dataclass(frozen=True)
class Part:
    """One kind of thing an assessment holds besides threats, edited through the same few views."""

    model: type
    form: type
    singular: str
    plural: str
    anchor: str


PARTS = {
    "recommendations": Part(Recommendation, RecommendationForm, "recommendation", "Recommendations", "recommendations"),
    "findings": Part(KeyFinding, KeyFindingForm, "key finding", "Key findings", "findings"),
    "factors": Part(
        ContributoryFactor, ContributoryFactorForm, "contributory factor", "Contributory factors", "factors"
    ),
    "consultations": Part(Consultation, ConsultationForm, "consultation", "Community consultation", "consultation"),
    "tables": Part(DataTable, DataTableForm, "data table", "Data tables", "tables"),
    "sources": Part(Source, SourceForm, "source", "Sources", "sources"),
    "reviews": Part(AnnualReview, AnnualReviewForm, "annual review", "Annual reviews", "reviews"),
}


# -- Crime data ---------------------------------------------------------------------------------------


class CrimeUploadForm(forms.Form):
    file = forms.FileField(
        label="police.uk street-level file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.zip,text/csv,application/zip"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A '…-street.csv' file from data.police.uk (up to {uploads.size_label(police_uk.MAX_FILE_BYTES)}), "
            "or a .zip of a police.uk download: its '-street.csv' files are imported, others ignored (up to "
            f"{uploads.size_label(settings.MAX_UPLOAD_SIZE['crime_data'])}, its street files unpacking to at most "
            f"{uploads.size_label(police_uk.MAX_UNPACKED_BYTES)})."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        kind = uploads.extension(upload)
        if kind not in ("csv", "zip"):
            raise ValidationError("Choose a .csv file, or a .zip of police.uk files.")
        uploads.check_size(upload, "crime_data")
        # The limits the import works within, checked now (from a .zip's directory, unpacking
        # nothing) so that a file too big is refused at once and not minutes later by the worker.
        try:
            police_uk.check_upload(upload, upload.name, upload.size)
        except uploads.UnreadableArchive as refused:
            raise ValidationError(f"The selected file {refused.message}") from None
        if kind == "csv" and not uploads.is_text(upload):
            raise ValidationError("The selected file must be a CSV: this one is not text")
        return upload


class HarmWeightsUploadForm(forms.Form):
    file = forms.FileField(
        label="Crime-severity weights (CSV)",
        help_text="Columns: crime_type, weight and, optionally, source. See the notes on this page.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    source = forms.CharField(
        label="Source of the weights",
        max_length=300,
        validators=[single_line],
        help_text="Used for rows with no source column, e.g. 'ONS Crime Severity Score, year ending March 2024'.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.check_csv(upload, "table")
        return upload


class HarmWeightForm(forms.Form):
    crime_type = forms.CharField(max_length=60, validators=[single_line])
    weight = forms.DecimalField(min_value=0, max_digits=10, decimal_places=3)
    source = forms.CharField(max_length=300, validators=[single_line])


# -- Indicators ---------------------------------------------------------------------------------------


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "source",
            "desired_direction",
            "target",
            "frequency",
            "authority",
            "crime_type",
            "threats",
        ]
        widgets = {
            "target": forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
            "threats": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, partnership: Partnership, crime_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["authority"].queryset = partnership.authorities.order_by("name")
        self.fields["authority"].empty_label = "All the partnership's authorities"
        self.fields["crime_type"] = forms.ChoiceField(
            label="Fill from police.uk crime data",
            required=False,
            choices=[("", "No: the figures are entered by hand")] + [(t, t) for t in crime_types],
            help_text="Monthly counts come from imported police.uk files; quarters and years are their sums.",
        )
        owners = Q(assessment__partnership=partnership)
        if partnership.county_board_id:
            owners |= Q(assessment__partnership_id=partnership.county_board_id)
        self.fields["threats"].queryset = Threat.objects.filter(owners).select_related("assessment")
        self.fields["threats"].label_from_instance = lambda t: f"{t.name} ({t.assessment.title})"
        self.fields["threats"].required = False

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Indicator.objects.filter(partnership=self.instance.partnership, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError("The partnership already has an indicator with that name.")
        return name


class IndicatorValueForm(forms.Form):
    period = forms.CharField(
        label="Period",
        max_length=10,
        help_text="A month as 2024-05, a quarter as 2025/26 Q3, or a financial year as 2022/23.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    value = forms.DecimalField(max_digits=14, decimal_places=3, widget=forms.NumberInput(attrs={"step": "any"}))
    note = forms.CharField(max_length=300, required=False, validators=[single_line])

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_period(self):
        from .analysis import parse_period

        try:
            return parse_period(self.cleaned_data["period"], self.indicator.frequency)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class IndicatorValuesUploadForm(forms.Form):
    file = forms.FileField(
        label="Figures (CSV)",
        help_text="Two columns with a header row: period, value (and optionally note). Periods as on the left.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.check_csv(upload, "table")
        return upload
