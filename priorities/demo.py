"""Demonstration plans from the seed documents: the Lancashire Community Safety Agreement 2017-18
(seed 000), Lancaster District CSP's 2011-12 plan (seed 001) and Chorley and South Ribble's
2022-2025 partnership plan (seed 004), read from ``data/demo_plans.toml``. District priorities say
which county priority they support.

Leads are given by role title: the documents name real people, the demo must not. The assessments
app's demo step (order 450) loads the Lancashire Strategic Assessment 2022-2025; the Chorley and South
Ribble plan is based on it and its priorities cite the threats they respond to (when it is absent,
the plan simply names no assessment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessments.models import StrategicAssessment, Threat
from csp_portal import writes
from csp_portal.organisations.demo import DemoContext, demo_step, read_data
from csp_portal.organisations.models import Agency

from . import publication, services
from .models import (
    Commitment,
    ContributoryFactor,
    CurrentWork,
    Outcome,
    Plan,
    Priority,
    PriorityEvidence,
    PriorityFactor,
)


@dataclass(frozen=True)
class PrioritySpec:
    title: str
    why: str = ""
    lead_role: str = ""
    lead_agency: str | None = None
    owner: str = ""
    supports: str | None = None  # the title of the county priority it supports
    outcomes: tuple[str, ...] = ()
    current_work: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    factors: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()  # threat names in the plan's assessment, linked when it exists


@dataclass(frozen=True)
class PlanSpec:
    partnership: str
    title: str
    period: tuple[date, date]
    summary: str
    priorities: tuple[PrioritySpec, ...]
    related: tuple[str, ...] = ()
    assessment_period: tuple[str, int] | None = None  # (partnership slug, first year) of the SA it is based on
    status: str = Plan.Status.AGREED


def _spec(cls, row: dict, **nested):
    """A spec from a table of the data file; its lists become the tuples the frozen spec holds."""
    return cls(**{key: tuple(value) if isinstance(value, list) else value for key, value in row.items()} | nested)


PLANS = [
    _spec(PlanSpec, plan, priorities=tuple(_spec(PrioritySpec, row) for row in plan["priorities"]))
    for plan in read_data(__file__, "demo_plans.toml")["plans"]
]
CSR_PLAN = next(plan for plan in PLANS if plan.partnership == "chorley-south-ribble")


def _plan(ctx: DemoContext, spec: PlanSpec) -> Plan:
    partnership = ctx.partnership(spec.partnership)
    assessment = None
    if spec.assessment_period:
        slug, first_year = spec.assessment_period
        assessment = (
            StrategicAssessment.objects.filter(
                partnership__slug=slug, period_start_year=first_year, authority__isnull=True
            )
            .order_by("pk")
            .first()
        )
    values = {
        "title": spec.title,
        "period_start": spec.period[0],
        "period_end": spec.period[1],
        "status": spec.status,
        "summary": spec.summary,
        "related_strategies": "\n".join(spec.related),
        "assessment": assessment,
    }
    plan = Plan.objects.filter(partnership=partnership, title=spec.title).first()
    if plan is None:
        return services.create_plan(actor=None, partnership=partnership, **values)
    services.update_plan(plan, actor=None, **values)
    return plan


def _priority(plan: Plan, spec: PrioritySpec, order: int, county: dict[str, Priority]) -> Priority:
    agency = Agency.objects.get(name=spec.lead_agency) if spec.lead_agency else None
    fields = {
        "title": spec.title,
        "status": Priority.Status.ACTIVE,
        "why": spec.why,
        "lead_role": spec.lead_role,
        "lead_agency": agency,
        "owner": spec.owner,
    }
    supports = county[spec.supports] if spec.supports else None
    factors = list(ContributoryFactor.objects.filter(name__in=spec.factors))
    threats = []
    if plan.assessment_id and spec.evidence:
        threats = list(Threat.objects.filter(assessment=plan.assessment, name__in=spec.evidence))
    priority = Priority.all_objects.filter(plan=plan, title=spec.title).first()
    if priority is None:
        priority = services.create_priority(plan, actor=None, fields=fields, supports=supports)
    else:
        priority.plan = plan
        if priority.is_archived:  # loading the demo again puts its plan back as it was
            services.restore_priority(priority, actor=None)
        services.update_priority(priority, actor=None, fields=fields, supports=supports)
    services.sync_points(Outcome, priority, list(spec.outcomes), actor=None)
    services.sync_points(CurrentWork, priority, list(spec.current_work), actor=None)
    services.sync_points(Commitment, priority, list(spec.commitments), actor=None)
    services.sync_links(priority, PriorityFactor, "factor", factors, None)
    services.sync_links(priority, PriorityEvidence, "threat", threats, None)
    if priority.order != order:
        priority.order = order
        writes.save(priority, actor=None, update_fields=["order"])
    return priority


@demo_step(order=600)
def plans(ctx: DemoContext) -> None:
    """The three seed plans with their priorities; district priorities linked to the county agreement."""
    services.ensure_default_factors()
    county: dict[str, Priority] = {}
    counts = []
    supporting = 0
    for spec in PLANS:
        plan = _plan(ctx, spec)
        for order, priority_spec in enumerate(spec.priorities, start=1):
            priority = _priority(plan, priority_spec, order, county)
            if spec.partnership == "lancashire":
                county[priority.title] = priority
            supporting += priority_spec.supports is not None
        counts.append(f"{plan.title} ({len(spec.priorities)} priorities)")
    ctx.report(f"Plans: {'; '.join(counts)}. District priorities supporting a county priority: {supporting}.")


LANCASTER_PLAN = next(plan for plan in PLANS if plan.partnership == "lancaster")


@demo_step(order=800)
def public_plan(ctx: DemoContext) -> None:
    """Lancaster's plan published, as its officer would, once its actions are loaded (step 650).
    Published again only if its public content changed, so loading the demo twice changes nothing."""
    plan = Plan.objects.get(partnership=ctx.partnership("lancaster"), title=LANCASTER_PLAN.title)
    current = publication.publication_of(plan)
    if current is None or not current.is_public or current.snapshot != publication.public_content(plan):
        publication.publish_plan(plan, actor=None)
    ctx.report(f"Public page: {plan.title}, at /public/{plan.partnership.slug}/.")
