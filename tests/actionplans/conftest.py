"""Lancaster's plan with two priorities, and a police-led action whose lead is the cast's action lead."""

from dataclasses import dataclass

import pytest
import time_machine

from actionplans.models import Action
from csp_portal.organisations.models import Agency
from priorities.models import Plan, Priority

from .factories import ActionFactory, OutcomeFactory, PlanFactory, PriorityFactory

# Tests run on a fixed day: 20 November 2025, in 2025/26 Q3, when Q2 returns (due 15 October) are late.
TODAY = "2025-11-20 10:00:00+00:00"  # time moves on from here (tick), so versions keep their order


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY):
        yield


@dataclass
class Lancaster:
    plan: Plan
    dv: Priority
    roads: Priority
    action: Action
    police: Agency


@pytest.fixture
def lancaster(cast) -> Lancaster:
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Community Safety Plan")
    dv = PriorityFactory(plan=plan, title="Domestic violence and abuse", order=1)
    OutcomeFactory(priority=dv, text="Reduce the number of repeat referrals to MARAC")
    roads = PriorityFactory(plan=plan, title="Road safety", order=2)
    police = Agency.objects.get(name="Lancashire Constabulary")
    action = ActionFactory(
        priority=dv, title="DV prevention campaign", lead_agency=police, lead_user=cast.lead, order=1
    )
    return Lancaster(plan, dv, roads, action, police)
