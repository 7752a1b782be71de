"""GOV.UK inputs everywhere: every field of every form in the project, rendered through crispy-forms-gds
as the pages render them, is a GOV.UK input, select, text area, checkbox, radio or file upload.

Forms are found as subclasses of Django's BaseForm defined in the project's own modules, so a new
form is checked without being listed here. Each is rendered from its fields alone (a form built from
its ``base_fields``): many take a partnership or a person to be made, and the class a widget is
given does not depend on them."""

import copy
import importlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.apps import apps
from django.conf import settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def project_forms() -> list[type[forms.BaseForm]]:
    ours = [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and not Path(config.path).is_relative_to(ROOT / ".venv")
    ]
    for config in ours:
        if (Path(config.path) / "forms.py").exists():
            importlib.import_module(f"{config.name}.forms")
    importlib.import_module("csp_portal.forms")
    packages = {config.name.split(".")[0] for config in ours}
    found, queue = set(), [forms.BaseForm]
    while queue:
        for subclass in queue.pop().__subclasses__():
            queue.append(subclass)
            if subclass.__module__.split(".")[0] in packages and getattr(subclass, "base_fields", None):
                found.add(subclass)
    return sorted(found, key=lambda form: f"{form.__module__}.{form.__qualname__}")


class Fields(HTMLParser):
    """The form fields a piece of HTML holds, as (tag, type, name, class)."""

    def __init__(self):
        super().__init__()
        self.fields = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.fields.append((tag, attrs.get("type", ""), attrs.get("name"), attrs.get("class") or ""))


def rendered_fields(form_class: type[forms.BaseForm]) -> list[tuple]:
    fields = {name: copy.deepcopy(field) for name, field in form_class.base_fields.items()}
    form = type(form_class.__name__, (forms.Form,), fields)()
    parser = Fields()
    parser.feed(render_crispy_form(form))
    return parser.fields


FORMS = project_forms()


def test_the_project_has_forms_to_check():
    names = {form.__name__ for form in FORMS}
    assert len(FORMS) > 20, names
    assert {"ActionForm", "ReturnForm", "AssessmentForm", "EmailAuthenticationForm"} <= names, names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: f"{form.__module__}.{form.__qualname__}")
def test_every_field_is_a_govuk_field(form_class):
    # A form of ticked ids (hidden inputs) or of choices from an empty database renders none.
    fields = rendered_fields(form_class)
    plain = [field for field in fields if not any(name.startswith("govuk-") for name in field[3].split())]
    assert plain == [], f"{form_class.__name__}: fields without a GOV.UK class: {plain}"


def test_a_number_field_in_error_is_marked_as_in_error():
    """crispy-forms-gds marks only text inputs in error; the stylesheet gives the others the red
    border through their group (static/src/_forms.scss), so the group must say it is in error."""

    class Budget(forms.Form):
        budget = forms.DecimalField()

    html = render_crispy_form(Budget(data={"budget": "lots"}))
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    parser = Fields()
    parser.feed(html)
    assert parser.fields == [("input", "number", "budget", "govuk-input")]
