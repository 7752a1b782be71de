"""A Lancaster plan that supports the Lancashire Community Safety Agreement, built on the county's
strategic assessment, with a priority-setting exercise in which three people score."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from priorities.models import DEFAULT_CRITERIA, Criterion, PriorityEvidence, PriorityFactor

from .factories import (
    AssessmentFactory,
    CandidateFactory,
    CommitmentFactory,
    CurrentWorkFactory,
    ExerciseFactory,
    FactorFactory,
    OutcomeFactory,
    PlanFactory,
    PriorityFactory,
    ThreatFactory,
)


@dataclass
class World:
    county_plan: object
    county_abuse: object
    county_roads: object
    assessment: object
    threats: dict
    plan: object
    abuse: object
    roads: object
    exercise: object
    csr_plan: object


@pytest.fixture
def world(cast) -> World:
    assessment = AssessmentFactory(partnership=cast.lancashire, title="Lancashire Strategic Assessment 2022-2025")
    threats = {
        name: ThreatFactory(assessment=assessment, name=name) for name in ("Domestic Abuse", "Road Safety", "Fraud")
    }
    county_plan = PlanFactory(partnership=cast.lancashire, title="Lancashire Community Safety Agreement")
    county_abuse = PriorityFactory(plan=county_plan, title="Domestic abuse", order=1)
    county_roads = PriorityFactory(plan=county_plan, title="Road safety", order=2)
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Plan 2022-2025", assessment=assessment)
    abuse = PriorityFactory(
        plan=plan, title="Domestic violence and abuse", order=1, supports=county_abuse, lead_role="Chief Inspector"
    )
    roads = PriorityFactory(plan=plan, title="Road safety", order=2, supports=county_roads)
    OutcomeFactory(priority=abuse, text="Reduce repeat referrals to MARAC", order=1)
    OutcomeFactory(priority=abuse, text="Increase reporting of domestic abuse", order=2)
    CurrentWorkFactory(priority=abuse, text="Partners attend:\n- MARAC\n- MAPPA", order=1)
    CommitmentFactory(priority=abuse, text="Promote awareness campaigns", order=1)
    PriorityFactor.objects.create(priority=abuse, factor=FactorFactory(name="Alcohol use or misuse"))
    PriorityEvidence.objects.create(priority=abuse, threat=threats["Domestic Abuse"])
    exercise = ExerciseFactory(plan=plan, title="Priority setting, January 2022")
    exercise.participants.set([cast.officer, cast.board_member, cast.lead])
    for order, (text, inverse) in enumerate(DEFAULT_CRITERIA[:3], start=1):
        Criterion.objects.create(exercise=exercise, text=text, inverse=inverse, order=order)
    CandidateFactory(exercise=exercise, title="Domestic Abuse", threat=threats["Domestic Abuse"])
    CandidateFactory(exercise=exercise, title="Shoplifting")
    csr_plan = PlanFactory(partnership=cast.chorley_south_ribble, title="Chorley and South Ribble Plan 2022-2025")
    return World(
        county_plan=county_plan,
        county_abuse=county_abuse,
        county_roads=county_roads,
        assessment=assessment,
        threats=threats,
        plan=plan,
        abuse=abuse,
        roads=roads,
        exercise=exercise,
        csr_plan=csr_plan,
    )


def url(name: str, plan=None, **kwargs) -> str:
    """The URL of a priorities page; ``plan`` gives the partnership and the plan id."""
    if plan is not None:
        kwargs = {"slug": plan.partnership.slug, "plan_id": plan.pk, **kwargs}
    return reverse(f"priorities:{name}", kwargs=kwargs)


def count_queries(client, path: str, method: str = "get", data=None, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data or {})
    assert response.status_code == status, response.content[:2000]
    return len(queries)
