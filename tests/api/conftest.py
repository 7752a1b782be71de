"""The read API's tests: a token for a person of the cast, and a client that sends it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from assessments.models import CrimeCount, Indicator, IndicatorValue
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


def indicators(partnership, tag: str = "") -> list[Indicator]:
    """Two indicators of the partnership: one typed in, yearly, for its whole area, with three
    figures and a note; one counted monthly from police.uk burglaries in its first council, with
    three months of counts from two forces (summed) and a month of another crime type (not)."""
    authority = partnership.authorities.order_by("ons_code").first()
    typed = Indicator.objects.create(
        partnership=partnership, name=f"Repeat MARAC referrals{tag}", unit="%", source="MARAC", target=Decimal(25)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=typed, period_start=date(year, 4, 1), value=Decimal(30 - year % 10), note=note)
        for year, note in [(2022, ""), (2023, ""), (2024, "Provisional")]
    )
    counted = Indicator.objects.create(
        partnership=partnership,
        name=f"Burglary, {authority.name}{tag}",
        source="police.uk",
        frequency=Indicator.Frequency.MONTH,
        authority=authority,
        crime_type="Burglary",
    )
    CrimeCount.objects.bulk_create(
        CrimeCount(force=force, month=date(2025, month, 1), authority=authority, crime_type=kind, count=number)
        for month in (4, 5, 6)
        for force, kind, number in [("Lancashire", "Burglary", 10 + month), ("BTP", "Burglary", 1), ("L", "Drugs", 99)]
    )
    return [typed, counted]


@pytest.fixture
def data(cast):
    """Two actions in Lancaster (led by the cast's lead) and one in Chorley and South Ribble, and
    each partnership's two indicators (``indicators``)."""
    return {
        "lancaster": plan_with_actions(cast.lancaster, lead=cast.lead),
        "csr": plan_with_actions(cast.chorley_south_ribble, actions=1),
        "lancaster_indicators": indicators(cast.lancaster),
        "csr_indicators": indicators(cast.chorley_south_ribble),
    }


@pytest.fixture
def lancaster_analyst(cast):
    """An analyst of Lancaster alone (the cast's analyst is the county board's, and reads every district)."""
    person = type(cast.lead).objects.create_user("analyst@lancaster.example", full_name="Andy Analyst")
    Role.objects.create(user=person, partnership=cast.lancaster, role=Role.Kind.ANALYST)
    return person
