"""Demonstration action plans: Lancaster District CSP's actions from its 2011-12 plan (seed 001, all
five sections, imported from ``data/lancaster_action_plan_2011_12.csv`` through the importer, as an
officer would), OPCC funding, leads, and the last four quarters of progress returns with a mix of
RAG statuses and escalations, so that reports and dashboards have something to show. The leads,
funding and the words of the returns are in ``data/demo_action_plans.toml``.

The returns are for the four quarters before the one being reported now, whenever the demo is
loaded: accepted, returned, still submitted, or missing, with the two oldest quarters closed. The
quarter being reported has a few drafts and submissions and several returns still to write.

Runs after the priorities' steps (which create the plan, its five priorities and their outcomes).
Leads are given invented names; the documents' real people are not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from csp_portal.organisations.demo import DemoContext, demo_step, read_data
from csp_portal.organisations.models import Agency, Role, User
from csp_portal.quarters import Quarter
from priorities.models import Plan

from . import importer, queries, services
from .models import Action, FundingAllocation, ProgressReturn, QuarterClosure

SEED_FILE = Path(__file__).resolve().parent / "data" / "lancaster_action_plan_2011_12.csv"
DATA = read_data(__file__, "demo_action_plans.toml")


@dataclass(frozen=True)
class LeadSpec:
    email: str
    full_name: str
    job_title: str
    agency: str


EXTRA_LEADS = [LeadSpec(**row) for row in DATA["extra_leads"]]
# Lead agency of an action -> the demo account that leads it.
LEAD_BY_AGENCY, DEFAULT_LEAD = DATA["leads"]["by_agency"], DATA["leads"]["default"]


def _leads(ctx: DemoContext) -> dict[str, User]:
    from axes.utils import reset as reset_lockouts

    lancaster = ctx.partnership("lancaster")
    agencies = {a.name: a for a in Agency.objects.filter(name__in={spec.agency for spec in EXTRA_LEADS})}
    for spec in EXTRA_LEADS:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = User.objects.create_user(spec.email, ctx.password, full_name=spec.full_name)
        user.full_name, user.job_title, user.agency, user.is_active = (
            spec.full_name,
            spec.job_title,
            agencies[spec.agency],
            True,
        )
        user.set_password(ctx.password)
        user.save()
        reset_lockouts(username=spec.email)
        Role.objects.get_or_create(user=user, partnership=lancaster, role=Role.Kind.LEAD)
    return {u.email: u for u in User.objects.filter(email__in={*LEAD_BY_AGENCY.values(), DEFAULT_LEAD})}


def _allocation(partnership, year: int) -> FundingAllocation:
    funding = DATA["funding"]
    allocation, _ = FundingAllocation.objects.get_or_create(
        partnership=partnership,
        year=year,
        source__iexact=funding["source"],
        defaults={"source": funding["source"], "amount": Decimal(funding["amount"]), "notes": funding["notes"]},
    )
    return allocation


@demo_step(order=650)
def action_plans(ctx: DemoContext) -> None:
    """Lancaster's action plan from seed 001, its leads, OPCC funding and recent quarters of returns."""
    lancaster = ctx.partnership("lancaster")
    plan = Plan.objects.filter(partnership=lancaster, title=DATA["plan"]).first()
    if plan is None:
        ctx.report("Action plans: skipped, the Lancaster plan from the priorities demo is missing.")
        return
    officer = User.objects.get(email="officer@demo.example")
    this_year = Quarter.current().year
    _allocation(lancaster, 2011)
    _allocation(lancaster, this_year)
    _allocation(ctx.partnership("chorley-south-ribble"), this_year)

    imported = 0
    if not Action.objects.filter(priority__plan=plan).exists():
        imported = len(
            importer.import_actions(plan, actor=officer, data=SEED_FILE.read_bytes(), filename=SEED_FILE.name)
        )
    leads = _leads(ctx)
    actions = list(
        Action.objects.filter(priority__plan=plan).select_related("lead_agency").order_by("priority__order", "order")
    )
    _assign_leads(actions, leads, officer)
    actions = list(
        Action.objects.filter(priority__plan=plan).select_related("lead_user").order_by("priority__order", "order")
    )
    returns = _returns(lancaster, actions, officer)
    ctx.report(
        f"Action plans: {len(actions)} actions for Lancaster ({imported} imported from seed 001); "
        f"OPCC funding for {Quarter(2011, 1).financial_year} and {Quarter(this_year, 1).financial_year}; "
        f"{returns} progress returns written. Further action leads (same password): "
        + ", ".join(spec.email for spec in EXTRA_LEADS)
        + "."
    )


def _assign_leads(actions: list[Action], leads: dict[str, User], officer: User) -> None:
    # On the plan for the last two years, so that recent quarters owe returns (no history: a set-up detail).
    since = timezone.make_aware(datetime.combine((Quarter.current() - 8).start, time(9)))
    Action.objects.filter(pk__in=[a.pk for a in actions], created__gt=since).update(created=since)
    for action in actions:
        agency = action.lead_agency.name if action.lead_agency_id else None
        lead = leads.get(LEAD_BY_AGENCY.get(agency, DEFAULT_LEAD))
        status = Action.Status.IN_PROGRESS
        if action.lead_user_id != (lead.pk if lead else None) or action.status == Action.Status.NOT_STARTED:
            values = {name: getattr(action, name) for name in services.ACTION_FIELDS}
            values.update(lead_user=lead, status=status)
            services.edit_action(
                action,
                actor=officer,
                version=action.version,
                values=values,
                others=list(action.others_responsible.all()),
            )


# RAG pattern by (action, quarter); the words of a return by its RAG; support asked of the board.
RAGS, NARRATIVE, RISKS, ESCALATIONS = DATA["rags"], DATA["narrative"], DATA["risks"], DATA["escalations"]


def _rag(index: int, offset: int) -> str:
    return RAGS[(index * 3 + offset) % len(RAGS)]


def _returns(partnership, actions: list[Action], officer: User) -> int:
    reporting = queries.reporting_quarter()
    past = [reporting - n for n in range(4, 0, -1)]
    written = 0
    existing = {
        (r.action_id, r.quarter)
        for r in ProgressReturn.objects.filter(action__in=actions).only("action_id", "year", "number")
    }
    for offset, quarter in enumerate([*past, reporting]):
        newest_past = quarter == past[-1]
        for index, action in enumerate(actions):
            if (action.pk, quarter) in existing or action.lead_user_id is None:
                continue
            if services.is_closed(partnership, quarter):
                continue
            state = _state(index, quarter, newest_past, quarter == reporting)
            if state is None:
                continue
            rag = _rag(index, offset)
            values = {
                "rag": rag,
                "narrative": NARRATIVE[rag],
                # Short of 100% until complete: a return 100% complete and red or amber is refused.
                "percent_complete": min(90, 20 * (offset + 1) + index % 3 * 5) if rag != "complete" else 100,
                "risks": RISKS.get(rag, ""),
                "support_needed": ESCALATIONS.get(action.title, "") if rag in {"red", "amber"} else "",
            }
            lead = action.lead_user
            if state == "draft":
                services.save_return(action, quarter, actor=lead, values=values)
            else:
                progress = services.submit_return(action, quarter, actor=lead, values=values)
                if state == "accepted":
                    services.accept_return(progress, actor=officer, comment="")
                elif state == "returned":
                    services.send_back_return(progress, actor=officer, comment=DATA["returned_comment"])
            written += 1
    for quarter in past[:2]:
        if not QuarterClosure.objects.filter(
            partnership=partnership, year=quarter.year, number=quarter.number
        ).exists():
            services.close_quarter(partnership, quarter, actor=officer)
    return written


def _state(index: int, quarter: Quarter, newest_past: bool, reporting: bool) -> str | None:
    """What happened to this action's return for the quarter: older quarters were all accepted; the
    newest past quarter has some still to review, one returned and one missing; the quarter being
    reported has drafts, a few submissions, and most still to write."""
    if reporting:
        return {0: "submitted", 1: "draft", 4: "submitted", 6: "draft"}.get(index % 8)
    if newest_past:
        return {0: "submitted", 3: "returned", 5: None, 7: "submitted"}.get(index % 8, "accepted")
    return "accepted"
