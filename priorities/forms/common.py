"""What every form here shares: the GOV.UK form helper, error-summary links, and labels."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.utils.html import escape

from assessments.models import Threat
from csp_portal.forms import ErrorLink, error_links  # noqa: F401 - the error summary, shared by the apps
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
