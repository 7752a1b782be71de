"""Factories for action plans; the plans, priorities and outcomes they hang off come from the
priorities tests' factories, so that each model has one."""

from datetime import UTC, datetime
from decimal import Decimal

import factory

from actionplans.models import Action, FundingAllocation, ProgressReturn
from tests.factories import PartnershipFactory
from tests.priorities.factories import OutcomeFactory, PlanFactory, PriorityFactory

__all__ = [
    "ActionFactory",
    "AllocationFactory",
    "OutcomeFactory",
    "PlanFactory",
    "PriorityFactory",
    "ReturnFactory",
]


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
