"""Forms of the review register and case files. They parse what people type and ask the services'
rules (``services.review_problems``, ``services.qa_round_problems``) in ``clean``, so that a page
shows every problem at once; the services ask again when they write."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst

from actionplans.forms import ActionDateField
from csp_portal import uploads
from csp_portal.forms import error_links, fields_helper  # noqa: F401 - error_links: the GOV.UK error summary's links, shared
from csp_portal.validators import single_line

from . import services
from .models import NO_NAMES, QualityAssuranceRound, Review, ReviewRole, ReviewTimescales


def _show(form: forms.BaseForm, problems: dict[str, str]) -> None:
    """Each problem on its field (once: a field already in error keeps its first message)."""
    for name, message in problems.items():
        if name == "__all__" or name not in form.fields:
            form.add_error(None, message)
        elif name not in form.errors:
            form.add_error(name, message)


class DateField(ActionDateField):
    """A GOV.UK date input (day, month, year) that may be left empty."""


class StartReviewForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of review",
        choices=Review.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of review"},
    )
    reference = forms.CharField(
        label="Case reference",
        max_length=60,
        validators=[single_line],
        help_text=Review._meta.get_field("reference").help_text,
        error_messages={
            "required": "Enter the case reference",
            "max_length": "The case reference must be 60 characters or fewer",
        },
    )
    summary = forms.CharField(
        label="Summary (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Review._meta.get_field("summary").help_text,
    )
    first_date = DateField(label="First date")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["first_date"].help_text = (
            "For a homicide review, the date the partnership was notified of the death; for an ASB Case Review, the "
            "date the application was received. For example, 31 3 2026"
        )
        self.helper = fields_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("reference", field_width=20),
            Field.textarea("summary", rows=3),
            Field("first_date"),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("first_date") and "first_date" not in self.errors:
            self.add_error("first_date", "Enter the first date of the review")
        first = cleaned.get("first_date")
        if first and first > timezone.localdate():
            self.add_error("first_date", "The first date cannot be in the future")
        _show(self, services.reference_problem(self.partnership, cleaned.get("reference", "")))
        return cleaned


def _date_fields(names) -> dict:
    return {name: DateField(label=capfirst(Review._meta.get_field(name).verbose_name)) for name in names}


HOMICIDE_DATES = [name for name in services.HOMICIDE_FIELDS if name.endswith("_on")]
ASB_DATES = [name for name in services.ASB_FIELDS if name.endswith("_on")]


# The edit page's sections, in the order of the review's steps.
HOMICIDE_SECTIONS = (
    ("The case", ("reference", "summary")),
    ("The decision", ("notified_on", "decision", "decided_on", "decision_reasons", "home_office_notified_on")),
    ("The review", ("chair", "chair_appointed_on", "panel", "draft_report_on", "final_report_on")),
    ("Publication", ("published_on", "removed_on", "closed_on")),
)
ASB_SECTIONS = (
    ("The case", ("reference", "summary")),
    ("The threshold", ("applied_on", "threshold", "threshold_decided_on", "threshold_reasons")),
    ("The review", ("meeting_on", "outcome", "outcome_sent_on")),
    ("Appeal and closing", ("appeal_received_on", "appeal_outcome", "appeal_decided_on", "closed_on")),
)
CHOICES = ("decision", "threshold", "appeal_outcome")
TEXTS = ("summary", "decision_reasons", "panel", "threshold_reasons", "outcome")


def _layout_field(name: str):
    if name.endswith("_on"):
        return Field(name)
    if name in CHOICES:
        return Field.radios(name, legend_size=Size.SMALL)
    if name in TEXTS:
        return Field.textarea(name, rows=3)
    return Field.text(name, field_width=20) if name == "reference" else Field.text(name)


class ReviewForm(forms.ModelForm):
    """A review's own dates and decisions: a homicide review's or an ASB Case Review's."""

    class Meta:
        model = Review
        fields = sorted(set(services.HOMICIDE_FIELDS + services.ASB_FIELDS))
        widgets = {
            "decision": forms.RadioSelect,
            "threshold": forms.RadioSelect,
            "appeal_outcome": forms.RadioSelect,
        }
        error_messages = {"reference": {"required": "Enter the case reference"}}

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        review = self.instance
        self.rounds = rounds
        names = services.HOMICIDE_FIELDS if review.is_homicide_review else services.ASB_FIELDS
        for name in list(self.fields):
            if name not in names:
                del self.fields[name]
        self.fields.update(_date_fields(HOMICIDE_DATES if review.is_homicide_review else ASB_DATES))
        self.fields = {name: self.fields[name] for name in names}  # the page's order, for the error summary
        for name in CHOICES:
            if name in self.fields:
                self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
                self.fields[name].required = False
        if not self.is_bound:
            for name in self.fields:
                self.initial[name] = getattr(review, name)
        sections = HOMICIDE_SECTIONS if review.is_homicide_review else ASB_SECTIONS
        self.helper = fields_helper(
            *(
                Fieldset(*map(_layout_field, names), legend=legend, legend_size=Size.MEDIUM)
                for legend, names in sections
            )
        )

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def clean(self):
        cleaned = super().clean()
        values = {name: getattr(self.instance, name) for name in self.fields} | {
            name: cleaned.get(name) for name in self.fields if name not in self.errors
        }
        _show(self, services.review_problems(self.instance.kind, values, self.rounds))
        if "reference" in cleaned:
            _show(self, services.reference_problem(self.instance.partnership, cleaned["reference"], self.instance.pk))
        return cleaned

    def _post_clean(self):
        pass  # the service checks and writes the review: the form's instance stays as it was loaded


class QualityAssuranceRoundForm(forms.Form):
    submitted_on = DateField(label="Sent to the Home Office")
    outcome = forms.ChoiceField(
        label="Panel's outcome",
        choices=QualityAssuranceRound.Outcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    outcome_on = DateField(label="Outcome received")
    feedback = forms.CharField(
        label="Panel's feedback (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=NO_NAMES,
    )

    def __init__(self, *args, review: Review, rounds, editing: QualityAssuranceRound | None = None, **kwargs):
        if editing is not None and not args:
            kwargs.setdefault(
                "initial", {n: getattr(editing, n) for n in ("submitted_on", "outcome", "outcome_on", "feedback")}
            )
        super().__init__(*args, **kwargs)
        self.review, self.rounds, self.editing = review, rounds, editing
        self.helper = fields_helper(
            Field("submitted_on"),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field("outcome_on"),
            Field.textarea("feedback", rows=4),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("submitted_on") and "submitted_on" not in self.errors:
            self.add_error("submitted_on", "Enter the date the report was sent to the Home Office")
        values = {name: cleaned.get(name) for name in self.fields if name not in self.errors}
        _show(self, services.qa_round_problems(self.review, self.rounds, values, editing=self.editing))
        return cleaned


ROLE_CHOICES = ReviewRole.Kind.choices


class ReviewRoleAddForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        help_text="They must already sign in to the portal.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the e-mail address of the person",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Role on this review",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role on this review"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(Field.text("email", field_width=30), Field.radios("role", legend_size=Size.SMALL))


class ReviewRoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role", choices=ROLE_CHOICES, error_messages={"required": "Choose their role on this review"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(Field.select("role"))


# A document of the case file: PDF, Word (.docx, or the older .doc) or OpenDocument text.
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc)


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(len(OLE_HEADER))
    upload.seek(0)
    return head


DOCUMENT_KINDS = {
    "pdf": uploads.is_pdf,
    "docx": lambda upload: uploads.is_zip(upload, "word/document.xml"),
    "doc": lambda upload: _head(upload) == OLE_HEADER,
    "odt": lambda upload: uploads.is_zip(upload, "content.xml"),
}
MAX_NAME = 80  # the stored name's length, leaving room for the folder in the file field's 100 characters


class ReviewDocumentForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        validators=[single_line],
        help_text="For example, 'Terms of reference' or 'Final report'. " + NO_NAMES,
        error_messages={
            "required": "Enter the document's title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A PDF, Word or OpenDocument text file.",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = fields_helper(Field.text("title"), Field("file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        kind = uploads.extension(upload)
        if kind not in DOCUMENT_KINDS:
            raise ValidationError("The selected file must be a PDF, Word or OpenDocument text file")
        uploads.check_size(upload, "review_document")
        if not DOCUMENT_KINDS[kind](upload):
            raise ValidationError(f"The selected file must be a {kind.upper()} file: its content is not")
        upload.seek(0)
        stem = upload.name.rsplit(".", 1)[0][: MAX_NAME - len(kind) - 1]
        upload.name = f"{stem}.{kind}"
        return upload


class TimescalesForm(forms.ModelForm):
    class Meta:
        model = ReviewTimescales
        fields = [f.name for f in ReviewTimescales._meta.fields if f.name.startswith(("dhr_", "asb_"))]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = str(field.label)
            field.label = label[:1].upper() + label[1:]
            field.help_text = f"The statutory guidance's: {ReviewTimescales._meta.get_field(name).default}."
            field.error_messages["required"] = f"Enter the number of days to {label.split(' (')[0]}"
        homicide = [name for name in self.fields if name.startswith("dhr_")]
        asb = [name for name in self.fields if name.startswith("asb_")]
        small = {"field_width": 4}
        self.helper = fields_helper(
            Fieldset(
                *[Field.text(name, **small) for name in homicide],
                legend="Homicide reviews (calendar days)",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *[Field.text(name, **small) for name in asb],
                legend="ASB Case Reviews (working days)",
                legend_size=Size.MEDIUM,
            ),
        )

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}
