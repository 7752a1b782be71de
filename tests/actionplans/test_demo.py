"""The demo's action plans: Lancaster's fifteen actions from seed 001, leads, funding, and recent
quarters of returns with a mix of RAG statuses and escalations; running it again changes nothing."""

import pytest

from actionplans import queries
from actionplans.demo import action_plans
from actionplans.models import Action, FundingAllocation, ProgressReturn, QuarterClosure
from csp_portal.organisations.demo import DemoContext, accounts, agencies, areas, partnerships
from priorities.demo import plans

pytestmark = pytest.mark.django_db


def test_demo_action_plans(frozen_today):
    ctx = DemoContext(password="demo-password")
    for step in (areas, partnerships, agencies, accounts, plans, action_plans, action_plans):
        step(ctx)
    assert ctx.lines[-2].startswith("Action plans: 15 actions for Lancaster (15 imported from seed 001)")
    assert ctx.lines[-1].startswith("Action plans: 15 actions for Lancaster (0 imported")
    assert "0 progress returns written." in ctx.lines[-1]
    assert Action.objects.filter(lead_user__isnull=True).count() == 0
    assert FundingAllocation.objects.filter(partnership__slug="lancaster").count() == 2
    reporting = queries.reporting_quarter()
    last = reporting - 1
    statuses = set(ProgressReturn.objects.filter(year=last.year, number=last.number).values_list("status", flat=True))
    assert statuses == {"accepted", "submitted", "returned"}
    assert set(ProgressReturn.objects.values_list("rag", flat=True)) >= {"red", "amber", "green", "complete"}
    assert ProgressReturn.objects.exclude(support_needed="").exists()
    assert QuarterClosure.objects.count() == 2
    assert ProgressReturn.objects.filter(year=reporting.year, number=reporting.number, status="draft").exists()
