"""What forms across the apps share: the links of the GOV.UK error summary."""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms


@dataclass
class ErrorLink:
    anchor: str
    message: str


def error_anchor(bound_field) -> str:
    """Where an error summary link should take the keyboard: the first input of a group."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return f"{bound_field.auto_id}_1"  # crispy-forms-gds numbers the choices from 1
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def error_links(*forms_and_formsets) -> list[ErrorLink]:
    """Every error of the forms and formsets, each linked to its field, for the error summary
    (templates/includes/error_links.html). ``None`` and unbound forms give nothing."""
    links: list[ErrorLink] = []
    for item in forms_and_formsets:
        if item is None or not item.is_bound:
            continue
        if isinstance(item, forms.BaseFormSet):
            first_form = item.forms[0] if item.forms else None
            first = error_anchor(first_form[next(iter(first_form.fields))]) if first_form else "main-content"
            links += [ErrorLink(first, error) for error in item.non_form_errors()]
            links += error_links(*item.forms)
            continue
        fields = [item[name] for name in item.fields if not item.fields[name].widget.is_hidden]
        first = error_anchor(fields[0]) if fields else "main-content"
        links += [ErrorLink(first, error) for error in item.non_field_errors()]
        for hidden in item.hidden_fields():
            links += [ErrorLink(first, error) for error in hidden.errors]
        for bound in fields:
            links += [ErrorLink(error_anchor(bound), error) for error in bound.errors]
    return links


def fields_helper(*layout) -> FormHelper:
    """The crispy helper of a form whose template writes the <form> tag and its CSRF token itself:
    the fields in ``layout``, in GOV.UK markup."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*layout)
    return helper
