"""What every form here shares: the GOV.UK form helper, error-summary links, and labels."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.db.models import Model
from django.utils.html import escape

from assessments.models import Threat
from csp_portal.forms import error_links  # noqa: F401 - the error summary, shared by the apps
from csp_portal.organisations.models import User


def form_helper(*layout, submit: str) -> FormHelper:
    helper = FormHelper()
    # The GOV.UK error summary, not the browser's own pop-ups, reports missing fields.
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*layout, Submit("submit", submit))
    return helper


def person_label(user: User) -> str:
    return f"{user.full_name} ({user.job_title})" if user.job_title else user.full_name


def threat_labels(field: forms.ModelMultipleChoiceField) -> None:
    """'3. County Lines' as the assessment ranks it; the assessment named too when there are several."""
    threats = list(field.queryset)
    several = len({threat.assessment_id for threat in threats}) > 1

    def label(threat: Threat) -> str:
        rank = getattr(threat, "rank", None)
        text = f"{rank}. {threat.name}" if rank else threat.name
        return f"{text} ({threat.assessment.title})" if several else text

    field.label_from_instance = label
    if threats and not several:
        # crispy-forms-gds marks help text safe: escape what people typed.
        field.help_text = f"{field.help_text} As ranked in {escape(threats[0].assessment.title)}.".strip()


def row_helper(form, *fields) -> None:
    """A formset row renders inside the page's one <form>, with its hidden id."""
    if "id" in form.fields:
        form.fields["id"].error_messages["invalid_choice"] = (
            "Someone else has changed this list: go back and open the page again"
        )
    layout = list(fields)
    if "DELETE" in form.fields:
        layout.append(Field.checkbox("DELETE", small=True))
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.disable_csrf = True
    form.helper.render_hidden_fields = True
    form.helper.layout = Layout(*layout)


class ListFormSet(forms.BaseModelFormSet):
    """A list people edit a row at a time (an exercise's criteria, a priority's outcomes): each row
    its text and its own values, a box to tick to remove it, and blank rows to add to the list. The
    class names what it lists, so that one page serves every list."""

    heading: str  # the page's heading, e.g. "Criteria"
    noun: str  # one row, e.g. "criterion": its rows read "Criterion 2" and "New criterion"
    submit: str  # the button, e.g. "Save criteria"
    intro: str  # what the list is, above it

    def row_values(self, data: dict) -> dict:
        """A row's values besides its text, as the service takes them."""
        return {}

    def rows(self) -> list[dict]:
        """The rows in the order shown, as the service takes them: {'id': the existing row's id or
        None, 'text', the row's own values, 'delete'}. A new row left blank adds nothing."""
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            existing = form.instance if form.instance.pk else None
            if existing is None and not data.get("text"):
                continue
            rows.append(
                {
                    "id": existing.pk if existing else None,
                    "text": data.get("text", ""),
                    **self.row_values(data),
                    "delete": bool(data.get("DELETE")),
                }
            )
        return rows


def list_formset(
    model: type[Model], form: type[forms.ModelForm], formset: type[ListFormSet], *, extra: int, max_num: int
):
    """The formset class for a list: ``extra`` blank rows to add to it, each saved row with a box to
    remove it, at most ``max_num`` rows."""
    return forms.modelformset_factory(
        model,
        form=form,
        formset=formset,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
        max_num=max_num,
        validate_max=True,
    )
