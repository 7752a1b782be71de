"""factory_boy factories for plans, priorities, priority setting and the evidence they cite: the only
ones for these models (tests.actionplans.factories imports the plan, priority and outcome ones)."""

from datetime import date

import factory

from assessments.models import StrategicAssessment, Threat
from priorities.models import (
    Candidate,
    Commitment,
    ContributoryFactor,
    Criterion,
    CurrentWork,
    Exercise,
    Outcome,
    Plan,
    Priority,
)
from tests.factories import PartnershipFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicAssessment

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Strategic Assessment {n}")
    period_start_year = 2022
    period_end_year = 2025


class ThreatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Threat

    assessment = factory.SubFactory(AssessmentFactory)
    name = factory.Sequence(lambda n: f"Threat {n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Community Safety Plan {n}")
    period_start = date(2022, 4, 1)
    period_end = date(2025, 3, 31)
    status = Plan.Status.AGREED


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    order = factory.Sequence(lambda n: n + 1)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    priority = factory.SubFactory(PriorityFactory)
    text = factory.Sequence(lambda n: f"Outcome {n}")
    order = factory.Sequence(lambda n: n + 1)


class CurrentWorkFactory(OutcomeFactory):
    class Meta:
        model = CurrentWork

    text = factory.Sequence(lambda n: f"Attend the MARAC {n}")


class CommitmentFactory(OutcomeFactory):
    class Meta:
        model = Commitment

    text = factory.Sequence(lambda n: f"Promote awareness campaigns {n}")


class FactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContributoryFactor
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Factor {n}")


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Priority setting {n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    exercise = factory.SubFactory(ExerciseFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")
    order = factory.Sequence(lambda n: n + 1)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    exercise = factory.SubFactory(ExerciseFactory)
    title = factory.Sequence(lambda n: f"Candidate {n}")
