"""The admin pages for plans, priorities, exercises and contributory factors open for site
administrators only."""

import pytest
from django.urls import reverse

from priorities.models import ContributoryFactor, Exercise, Plan, Priority

pytestmark = pytest.mark.django_db

MODELS = [Plan, Priority, Exercise, ContributoryFactor]


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:priorities_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_site_administrators_list_add_and_change(login, cast, world, model):
    client = login(cast.admin)
    obj = {Plan: world.plan, Priority: world.abuse, Exercise: world.exercise}.get(model) or model.objects.first()
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 200
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_officers_are_kept_out_of_the_admin(login, cast, world):
    response = login(cast.officer).get(admin_url(Plan, "changelist"))
    assert response.status_code == 302
