"""Factories for action plans, and the plans and priorities they hang off."""

from datetime import UTC, date, datetime
from decimal import Decimal

import factory

from actionplans.models import Action, FundingAllocation, ProgressReturn
from priorities.models import Outcome, Plan, Priority
from tests.factories import PartnershipFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Community Safety Plan {n}")
    period_start = date(2025, 4, 1)
    period_end = date(2028, 3, 31)
    status = Plan.Status.AGREED


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Priority {n}")
    order = factory.Sequence(lambda n: n)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    priority = factory.SubFactory(PriorityFactory)
    text = factory.Sequence(lambda n: f"Outcome {n}")
    order = factory.Sequence(lambda n: n)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingAllocation

    partnership = factory.SubFactory(PartnershipFactory)
    year = 2025
    source = "OPCC grant"
    amount = Decimal("10000")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    priority = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    activity = "Patrols and visits"
    timescale = "To March 2026"
    order = factory.Sequence(lambda n: n)
    created = datetime(2025, 4, 1, 9, tzinfo=UTC)  # on the plan since the start of 2025/26


class ReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReturn

    action = factory.SubFactory(ActionFactory)
    year = 2025
    number = 1
    rag = ProgressReturn.Rag.GREEN
    narrative = "On track."
