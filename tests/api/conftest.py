"""The read API's tests: a token for a person of the cast, and a client that sends it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from csp_portal.api import services
from csp_portal.api.throttling import TokenRateThrottle
from csp_portal.organisations.models import Role
from tests.actionplans.factories import ActionFactory, PlanFactory, PriorityFactory, ReturnFactory

ACCEPTED, DRAFT = "accepted", "draft"


def bearer(person, name: str = "Power BI") -> tuple[Client, str]:
    """A client sending a new token of ``person`` (with no session), and the token's secret. The
    token's rate-limit count starts at nought, whatever an earlier run left in Redis."""
    token, secret = services.create_token(actor=person, name=name)
    cache.delete(TokenRateThrottle.cache_format % {"scope": TokenRateThrottle.scope, "ident": f"token-{token.pk}"})
    return Client(headers={"Authorization": f"Bearer {secret}"}), secret


def plan_with_actions(partnership, lead=None, actions: int = 2) -> list:
    """A plan of one priority with ``actions`` actions, each with an accepted return for 2025/26 Q1
    and Q2 and a draft for Q3."""
    priority = PriorityFactory(plan=PlanFactory(partnership=partnership), title=f"Priority of {partnership.slug}")
    made = []
    for _ in range(actions):
        action = ActionFactory(priority=priority, lead_user=lead)
        ReturnFactory(action=action, number=1, status=ACCEPTED, rag="amber", narrative="Started.")
        ReturnFactory(action=action, number=2, status=ACCEPTED, rag="green", narrative="On track.")
        ReturnFactory(action=action, number=3, status=DRAFT, rag="red", narrative="A draft nobody else reads.")
        made.append(action)
    return made


@pytest.fixture
def data(cast):
    """Two actions in Lancaster (led by the cast's lead) and one in Chorley and South Ribble."""
    return {
        "lancaster": plan_with_actions(cast.lancaster, lead=cast.lead),
        "csr": plan_with_actions(cast.chorley_south_ribble, actions=1),
    }


@pytest.fixture
def lancaster_analyst(cast):
    """An analyst of Lancaster alone (the cast's analyst is the county board's, and reads every district)."""
    person = type(cast.lead).objects.create_user("analyst@lancaster.example", full_name="Andy Analyst")
    Role.objects.create(user=person, partnership=cast.lancaster, role=Role.Kind.ANALYST)
    return person
