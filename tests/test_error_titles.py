"""One "Error: " in the title of a page that shows a form's errors, and none when it shows none.

templates/base.html alone says it (block error_prefix): a page whose errors are not its form's
(an edit conflict, a refused import) overrides that block rather than writing "Error: " into its
title, which is how titles once read "Error: Error: ..."."""

import re

import pytest
import time_machine
from django.urls import reverse

from csp_portal.organisations.models import Agency
from csp_portal.quarters import Quarter
from tests.actionplans.factories import ActionFactory, PlanFactory, PriorityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_2025_26_q3():
    """20 November 2025: the 2025/26 Q2 returns are open and late."""
    with time_machine.travel("2025-11-20 10:00:00+00:00"):
        yield


@pytest.fixture
def action(cast):
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Community Safety Plan")
    priority = PriorityFactory(plan=plan, title="Domestic violence and abuse", order=1)
    police = Agency.objects.get(name="Lancashire Constabulary")
    return ActionFactory(priority=priority, title="DV prevention campaign", lead_agency=police, lead_user=cast.lead)


def title(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.DOTALL).group(1)


def assert_one_error(response) -> None:
    text = title(response)
    assert text.startswith("Error: "), text
    assert text.count("Error") == 1, text


def test_sign_in_with_a_wrong_password(client, cast):
    response = client.post(reverse("login"), {"username": cast.officer.email, "password": "not the password"})
    assert_one_error(response)
    assert "Error" not in title(client.get(reverse("login")))


def test_an_action_without_a_title(login, cast, action):
    client = login(cast.officer)
    address = reverse("actionplans:action_add", args=["lancaster", action.priority_id])
    assert_one_error(client.post(address, {"title": ""}))
    assert "Error" not in title(client.get(address))


def test_a_return_with_every_problem_at_once(login, cast, action):
    client = login(cast.lead)
    address = reverse("actionplans:return_edit", args=["lancaster", action.pk, Quarter(2025, 2)])
    data = {"rag": "red", "narrative": "", "percent_complete": "150", "intent": "submit", "version": 0}
    assert_one_error(client.post(address, data))
    assert "Error" not in title(client.get(address))


def test_an_assessment_without_a_title(login, cast):
    client = login(cast.analyst)
    address = reverse("assessments:assessment_create", args=[cast.lancashire.slug])
    assert_one_error(client.post(address, {"title": ""}))
    assert "Error" not in title(client.get(address))


def test_a_plan_without_a_title(login, cast):
    """A page whose context has both the form and its error links."""
    client = login(cast.officer)
    address = reverse("priorities:plan_create", args=["lancaster"])
    assert_one_error(client.post(address, {"title": ""}))


def test_a_password_change_that_does_not_match(login, cast):
    """A page with a form and no error links (Django's own view)."""
    client = login(cast.officer)
    data = {"old_password": "wrong", "new_password1": "a", "new_password2": "b"}
    assert_one_error(client.post(reverse("password_change"), data))
