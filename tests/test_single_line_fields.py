"""Every short text a person types into the product's models (a CharField without choices) refuses
line breaks, through its model validator, so ModelForms and the admin refuse them too; the fields
left out are written by the product itself, each named with its reason."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from assessments.services.harm import parse_weights
from assessments.services.indicators import parse_values
from csp_portal.validators import SingleLine
from reports.models import HEX_COLOUR

PRODUCT_APPS = {
    "organisations",
    "notifications",
    "api",
    "assessments",
    "priorities",
    "actionplans",
    "reviews",
    "reports",
}
WRITTEN_BY_THE_PRODUCT = {
    "organisations.User.password": "a hash, set by set_password",
    "organisations.SignInEvent.email": "the audit's copy of an address the e-mail field already checked",
    "notifications.Notification.subject": "a notice's subject, written by the portal from its templates",
    "notifications.Notification.path": "a page's address the portal wrote with reverse()",
    "notifications.Notification.reason": "why the person was told, written by the portal",
    "notifications.Notification.stage": "the mail server's answer, recorded by the portal",
    "api.AccessToken.token_hash": "the SHA-256 hex of a token's secret, computed by the portal",
    "assessments.CrimeCount.force": "written by the police.uk import from a file's 'Falls within' column",
    "assessments.CrimeCount.crime_type": "written by the police.uk import from a file's 'Crime type' column",
    "assessments.CrimeImport.stage": "a progress message the import writes",
    "actionplans.Action.others_names": "not editable: the names of the other agencies, kept for history",
    "reports.ReportSettings.colour": "its HEX_COLOUR validator admits # and six hexadecimal digits, nothing else",
    "reports.ReportVersion.checksum": "a SHA-256 the renderer computes",
    "reports.ReportJob.stage": "a progress message the renderer writes",
    "reports.ReportJob.worker": "the worker process's name",
    "reports.ReportJob.checksum": "a SHA-256 the renderer computes",
    "reports.CalendarFeed.token_hash": "the SHA-256 of a calendar address's secret, which the portal makes",
    "organisations.Invitation.token_hash": "the SHA-256 of an invitation link's secret, which the portal makes",
}


def typed_char_fields() -> list[str]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PRODUCT_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if type(field) is models.CharField and not field.choices:
                found.append((f"{model._meta.label}.{field.name}", field))
    return found


def test_every_short_text_a_person_types_refuses_line_breaks():
    missing = [
        name
        for name, field in typed_char_fields()
        if name not in WRITTEN_BY_THE_PRODUCT and not any(isinstance(v, SingleLine) for v in field.validators)
    ]
    assert not missing, f"add validators=[single_line] to {missing}, or name it in WRITTEN_BY_THE_PRODUCT"


def test_the_exceptions_are_real_fields():
    names = {name for name, _ in typed_char_fields()}
    assert set(WRITTEN_BY_THE_PRODUCT) <= names, set(WRITTEN_BY_THE_PRODUCT) - names


def test_a_report_colour_with_a_final_line_break_is_refused():
    HEX_COLOUR("#1d70b8")
    with pytest.raises(ValidationError):
        HEX_COLOUR("#1d70b8\n")


def test_the_weights_and_figures_imports_refuse_a_line_break_with_its_line_and_column():
    with pytest.raises(ValidationError, match="Line 2, column 1: write it on one line"):
        parse_weights(b'crime_type,weight\r\n"Burglary\nhttps://evil.example",437\r\n', "ONS")
    with pytest.raises(ValidationError, match="Line 2, column 3: write the note on one line"):
        parse_values(b'period,value,note\r\n2024-05,12,"revised\rsee https://evil.example"\r\n', "month")
