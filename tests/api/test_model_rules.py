"""The project-wide rules for models, applied to the api app, which tests/test_history_everywhere.py
and tests/test_single_line_fields.py do not list among their PRODUCT_APPS: its model keeps a history
(without the secret's hash) and every short text a person types refuses line breaks."""

from django.apps import apps
from django.db import models
from simple_history.models import registered_models

from csp_portal.validators import SingleLine

WRITTEN_BY_THE_PRODUCT = {"token_hash"}  # the SHA-256 of a secret the portal makes


def test_every_model_of_the_api_app_keeps_a_history():
    for model in apps.get_app_config("api").get_models():
        if not model._meta.model_name.startswith("historical"):
            assert model in registered_models.values(), model


def test_the_history_leaves_the_secrets_hash_out():
    historical = apps.get_model("api", "HistoricalAccessToken")
    assert "token_hash" not in {field.name for field in historical._meta.fields}


def test_every_short_text_typed_refuses_line_breaks():
    for model in apps.get_app_config("api").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if type(field) is models.CharField and not field.choices and field.name not in WRITTEN_BY_THE_PRODUCT:
                assert any(isinstance(v, SingleLine) for v in field.validators), field
