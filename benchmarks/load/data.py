"""Data ten times the demo, for the quarter-end load run.

The demo's Lancashire (its areas, partnerships and partner agencies, from the demo's own steps) grows
to a CSP for every Lancashire district that has none: 14 partnerships with an agreed plan each, five
priorities, about 1,500 actions between them with lead agencies and lead people, eight quarters of
progress returns (older quarters accepted and closed, the newest past quarter partly reviewed, the
quarter being reported partly drafted), OPCC funding, indicators, board decisions, and issued reports
for the last two quarters. Each partnership has officers, action leads and board members, all with
the one password in ``PASSWORD``.

Issued reports: ``render`` of them are rendered with WeasyPrint through the reports services, as a
worker renders them; rendering all 28 would take minutes, so the rest are issued versions whose
snapshot is their own partnership's and whose PDF is one of the rendered files.

Rows are written with bulk_create, so the generated rows have no change history: the history a run
checks is the history its own edits write.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

PASSWORD = "quarter-end-load-2026"  # noqa: S105 # nosec B105 - throwaway accounts in a throwaway database
OFFICERS, LEADS, BOARD_MEMBERS = 3, 4, 4
# Actions per partnership that every officer of the partnership edits, so that edits really collide.
CONTESTED = 3
QUARTERS = 8
PRIORITIES = [
    ("Domestic abuse", "Increase reporting of domestic abuse and reduce repeat victimisation"),
    ("Serious violence", "Reduce violence with injury in the night-time economy"),
    ("Anti-social behaviour", "Reduce repeat anti-social behaviour in the hotspot wards"),
    ("Drugs and alcohol", "More people misusing drugs and alcohol in treatment and recovery"),
    ("Road safety", "Fewer people killed or seriously injured on the district's roads"),
]
FIRST_NAMES = "Amira Ben Carys Dev Ellen Farid Grace Harun Isla Jamal Kate Liam Maya Niall Olu Priya Rhys Sana Tom Zoe"
LAST_NAMES = "Ahmed Brennan Clarke Davies Evans Fletcher Gill Hussain Iqbal Jones Khan Lowe Murphy Nolan Patel Quinn"


@dataclass(frozen=True)
class Size:
    actions: int = 1500
    render: int = 2


def _names():
    for last, first in itertools.product(LAST_NAMES.split(), FIRST_NAMES.split()):
        yield f"{first} {last}"


def _districts(ctx) -> list:
    """The demo's Lancashire board and CSPs, and a district CSP for every other Lancashire district."""
    from django.utils.text import slugify

    from csp_portal.organisations import demo
    from csp_portal.organisations.models import Authority, Partnership, PoliceForceArea

    demo.areas(ctx)
    demo.partnerships(ctx)
    demo.agencies(ctx)
    county = Partnership.objects.get(slug="lancashire")
    force = PoliceForceArea.objects.get(code=demo.FORCE[0])
    covered = {code for spec in demo.PARTNERSHIPS if spec.county_board for code in spec.authorities}
    for code, name, _kind, _division, csp_code in demo.AUTHORITIES:
        if code in covered:
            continue
        partnership, _ = Partnership.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": f"{name} Community Safety Partnership",
                "kind": Partnership.Kind.DISTRICT,
                "ons_code": csp_code,
                "county_board": county,
                "police_force": force,
            },
        )
        partnership.authorities.set([Authority.objects.get(ons_code=code)])
    return list(Partnership.objects.order_by("kind", "name"))


def _people(partnerships: list, password_hash: str) -> dict[int, dict[str, list]]:
    """Officers, leads and board members for each partnership, with one password."""
    from csp_portal.organisations.models import Role, User

    names = _names()
    made: dict[int, dict[str, list]] = {}
    users, roles = [], []
    for partnership in partnerships:
        made[partnership.pk] = {"officer": [], "lead": [], "board": []}
        for role, count in (("officer", OFFICERS), ("lead", LEADS), ("board", BOARD_MEMBERS)):
            for n in range(1, count + 1):
                user = User(
                    email=f"{role}{n}.{partnership.slug}@load.example",
                    full_name=next(names),
                    job_title={"officer": "Community Safety Officer", "lead": "Action lead", "board": "Board member"}[
                        role
                    ],
                    password=password_hash,
                )
                users.append(user)
                made[partnership.pk][role].append(user)
    User.objects.bulk_create(users)
    for partnership in partnerships:
        for role, people in made[partnership.pk].items():
            roles += [Role(user=user, partnership=partnership, role=role) for user in people]
    Role.objects.bulk_create(roles)
    return made


def _seed_rows() -> list[dict[str, str]]:
    from actionplans.demo import SEED_FILE

    with SEED_FILE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def plan_values(partnership) -> dict[str, Any]:
    """The field values of a partnership's agreed plan."""
    from datetime import date

    return {
        "partnership": partnership,
        "title": f"{partnership.name} Community Safety Plan 2024-27",
        "period_start": date(2024, 4, 1),
        "period_end": date(2027, 3, 31),
        "status": "agreed",
        "summary": "The partnership's plan of action, based on the strategic assessment.",
    }


def _plan(partnership, count: int, people: dict[str, list], agencies: list, reported) -> tuple[list, list]:
    """A plan with five priorities and ``count`` actions; returns (priorities, actions)."""

    from actionplans.models import Action, FundingAllocation
    from priorities.models import Outcome, Plan, Priority

    plan = Plan.objects.create(**plan_values(partnership))
    priorities = Priority.objects.bulk_create(
        Priority(plan=plan, title=title, order=n, lead_role="Chief Inspector", lead_agency=agencies[0])
        for n, (title, _) in enumerate(PRIORITIES, start=1)
    )
    outcomes = Outcome.objects.bulk_create(
        Outcome(priority=priority, text=text, order=1, measure="Quarterly figures")
        for priority, (_, text) in zip(priorities, PRIORITIES, strict=True)
    )
    grant = FundingAllocation.objects.create(
        partnership=partnership,
        year=reported.year,
        source="OPCC grant",
        amount=Decimal("10000"),
        notes="The OPCC's annual grant to each CSP.",
    )
    rows = _seed_rows()
    plan = (priorities, outcomes, grant)
    actions = Action.objects.bulk_create(
        Action(partnership=partnership, **action_values(n, plan, agencies, people["lead"], rows)) for n in range(count)
    )
    return priorities, actions


ACTION_STATUSES = ["in_progress"] * 17 + ["not_started"] * 2 + ["complete"]
ACTIONS_CREATED = datetime(2024, 4, 1, 9, tzinfo=UTC)


def action_values(n: int, plan: tuple, agencies: list, leads: list, rows: list[dict]) -> dict[str, Any]:
    """The field values of a partnership's ``n``-th action: the seed file's rows in turn, spread over
    the priorities (``plan`` is the priorities, their outcomes and the OPCC grant), agencies and leads."""
    priorities, outcomes, grant = plan
    row = rows[n % len(rows)]
    return {
        "priority_id": priorities[n % len(priorities)].pk,
        "outcome_id": outcomes[n % len(outcomes)].pk if n % 2 == 0 else None,
        "order": n // len(priorities) + 1,
        "title": f"{row['Action']} ({n // len(rows) + 1})",
        "activity": row["Activity"],
        "resources": row["Resources Required"],
        "timescale": "To March 2027",
        "lead_agency_id": agencies[n % len(agencies)].pk,
        "lead_user_id": leads[n % len(leads)].pk,
        "targets": row["Targets"] or "Fewer repeat incidents than last year",
        "budget": Decimal("100") if n % 5 == 0 else None,
        "funding_id": grant.pk if n % 5 == 0 else None,
        "status": ACTION_STATUSES[n % len(ACTION_STATUSES)],
        "created": ACTIONS_CREATED,
    }


def return_values(actions: list, officer, reported) -> Iterator[dict[str, Any]]:
    """The field values of eight quarters of returns of one partnership's ``actions``, in the demo's
    pattern: all but the two newest quarters accepted."""
    from actionplans.demo import NARRATIVE, RISKS, _rag, _state

    quarters = [reported - n for n in range(QUARTERS - 1, -1, -1)]
    for offset, quarter in enumerate(quarters):
        submitted_at = datetime.combine(quarter.end + timedelta(days=10), time(10), tzinfo=UTC)
        for index, action in enumerate(actions):
            state = _state(index, quarter, quarter == reported - 1, quarter == reported)
            if state is None or (action.status == "complete" and quarter == reported):
                continue
            rag = _rag(index, offset)
            reviewed = state in {"accepted", "returned"}
            yield {
                "action_id": action.pk,
                "year": quarter.year,
                "number": quarter.number,
                "rag": rag,
                "narrative": NARRATIVE[rag],
                "percent_complete": 100 if rag == "complete" else min(95, 10 * (offset + 1) + index % 3 * 5),
                "risks": RISKS.get(rag, ""),
                "support_needed": "The board to confirm next year's match-funding."
                if rag in {"red", "amber"} and index % 10 == 0
                else "",
                "status": state,
                "submitted_by_id": None if state == "draft" else action.lead_user_id,
                "submitted_at": None if state == "draft" else submitted_at,
                "reviewed_by_id": officer.pk if reviewed else None,
                "reviewed_at": submitted_at + timedelta(days=5) if reviewed else None,
                "officer_comment": "Please add the numbers reached this quarter." if state == "returned" else "",
            }


def _returns(partnership, actions: list, people: dict[str, list], reported) -> int:
    """Eight quarters of returns in the demo's pattern; all but the two newest quarters closed."""
    from actionplans.models import ProgressReturn, QuarterClosure

    officer = people["officer"][0]
    quarters = [reported - n for n in range(QUARTERS - 1, -1, -1)]
    returns = [ProgressReturn(**values) for values in return_values(actions, officer, reported)]
    ProgressReturn.objects.bulk_create(returns, batch_size=2000)
    QuarterClosure.objects.bulk_create(
        QuarterClosure(
            partnership=partnership,
            year=quarter.year,
            number=quarter.number,
            closed_by=officer,
            closed_at=datetime.combine(quarter.end + timedelta(days=40), time(16), tzinfo=UTC),
        )
        for quarter in quarters[:-2]
    )
    return len(returns)


def _evidence(partnership, people: dict[str, list], reported) -> None:
    """Two indicators with twelve quarters of figures, and the board's decisions on escalations."""
    from actionplans.models import ProgressReturn
    from assessments.models import Indicator, IndicatorValue
    from reports.demo import DECISIONS, ILLUSTRATIVE
    from reports.models import Decision, Meeting

    for n, (name, unit) in enumerate([("Repeat referrals to MARAC", "referrals"), ("Violent crime", "offences")]):
        indicator = Indicator.objects.create(
            partnership=partnership,
            name=f"{name}, {partnership.name.split(' Community')[0]}",
            unit=unit,
            source=ILLUSTRATIVE,
            frequency=Indicator.Frequency.QUARTER,
            target=Decimal(40 + n * 150),
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, period_start=(reported - k).start, value=Decimal(40 + n * 160 + k % 7))
            for k in range(1, 13)
        )
    previous = reported - 1
    escalations = ProgressReturn.objects.filter(
        action__priority__plan__partnership=partnership, year=previous.year, number=previous.number
    ).exclude(support_needed="")[: len(DECISIONS)]
    meeting = Meeting.objects.create(
        partnership=partnership,
        year=previous.year,
        number=previous.number,
        starts=datetime.combine(previous.end + timedelta(days=20), time(10), tzinfo=UTC),
    )
    Decision.objects.bulk_create(board_decisions(meeting, [p.pk for p in escalations], people["officer"][0]))


def board_decisions(meeting, escalations: list[int], officer) -> list:
    """The board's decisions at ``meeting`` (the day after it) on the escalations (returns' ids), in
    the demo's words."""
    from reports.demo import DECISIONS
    from reports.models import Decision

    recorded = datetime.combine(meeting.starts.date() + timedelta(days=1), time(9), tzinfo=UTC)
    return [
        Decision(
            progress_return_id=pk,
            meeting=meeting,
            outcome=outcome,
            decision=text,
            recorded_by=officer,
            recorded_at=recorded,
        )
        for pk, (outcome, text) in zip(escalations, DECISIONS, strict=False)
    ]


def _issue_reports(partnerships: list, people: dict, reported, render: int, log) -> int:
    """Issued reports of the two quarters before the one being reported: ``render`` rendered by the
    reports services, the rest sharing a rendered PDF under their own snapshot."""
    from reports import services, snapshot
    from reports.models import ReportJob, ReportVersion

    rendered = []
    for partnership in partnerships[: max(1, render)]:
        officer = people[partnership.pk]["officer"][0]
        job = ReportJob.objects.create(
            partnership=partnership,
            year=(reported - 1).year,
            number=(reported - 1).number,
            kind=ReportJob.Kind.ISSUE,
            requested_by=officer,
        )
        job = services.run_job(job.pk, notify=False)
        if job.status != ReportJob.Status.READY:
            raise RuntimeError(f"rendering {partnership}'s report failed: {job.error}")
        rendered.append(job.result)
        log(f"   rendered {partnership.name}'s report: {job.result.pages} pages, {job.result.size // 1024} KB")
    issued = len(rendered)
    shared = itertools.cycle(rendered)
    for partnership in partnerships:
        officer = people[partnership.pk]["officer"][0]
        for quarter in (reported - 2, reported - 1):
            if ReportVersion.objects.filter(partnership=partnership, year=quarter.year, number=quarter.number):
                continue
            pdf = next(shared)
            issued_at = datetime.combine(quarter.end + timedelta(days=25), time(11), tzinfo=UTC)
            data = snapshot.build(
                partnership, quarter, status="issued", version=1, issued_at=issued_at, issued_by=officer.full_name
            )
            version = ReportVersion(
                partnership=partnership,
                year=quarter.year,
                number=quarter.number,
                version=1,
                snapshot=data,
                checksum=pdf.checksum,
                size=pdf.size,
                pages=pdf.pages,
                issued_by=officer,
                issued_at=issued_at,
            )
            version.pdf.name = pdf.pdf.name
            version.save()
            issued += 1
    return issued


def generate(size: Size = Size(), log=print) -> dict[str, Any]:
    """Write the data into the (empty) database and return the scenario the locust users follow."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from actionplans.models import Action
    from actionplans.queries import reporting_quarter
    from csp_portal.organisations.demo import DemoContext
    from csp_portal.organisations.models import Agency

    if Action.objects.exists():
        raise RuntimeError("The load data goes into an empty database: this one already has actions.")
    reported = reporting_quarter()
    with transaction.atomic():
        partnerships = _districts(DemoContext())
        agencies = list(Agency.objects.order_by("name"))
        people = _people(partnerships, make_password(PASSWORD))
        per_partnership = -(-size.actions // len(partnerships))
        scenario, total_actions, total_returns = [], 0, 0
        for partnership in partnerships:
            count = min(per_partnership, size.actions - total_actions)
            priorities, actions = _plan(partnership, count, people[partnership.pk], agencies, reported)
            total_actions += len(actions)
            total_returns += _returns(partnership, actions, people[partnership.pk], reported)
            _evidence(partnership, people[partnership.pk], reported)
            scenario.append(_scenario_entry(partnership, priorities, actions, people[partnership.pk]))
    log(
        f"   {len(partnerships)} partnerships, {total_actions} actions, {total_returns} progress returns over "
        f"{QUARTERS} quarters; {OFFICERS} officers, {LEADS} action leads and {BOARD_MEMBERS} board members "
        "in each partnership"
    )
    issued = _issue_reports(partnerships, people, reported, size.render, log)
    log(f"   {issued} issued reports ({min(size.render, len(partnerships))} rendered, the rest sharing their PDFs)")
    return {
        "password": PASSWORD,
        "quarter": reported.slug,
        "partnerships": scenario,
        "actions": total_actions,
        "returns": total_returns,
        "issued_reports": issued,
    }


def _scenario_entry(partnership, priorities: list, actions: list, people: dict[str, list]) -> dict[str, Any]:
    from actionplans.models import Action

    open_actions = [a for a in actions if a.status in Action.OPEN_STATUSES]
    return {
        "slug": partnership.slug,
        "name": partnership.name,
        "priorities": [p.pk for p in priorities],
        "actions": [a.pk for a in open_actions],
        "contested": [a.pk for a in open_actions[:CONTESTED]],
        "officers": [u.email for u in people["officer"]],
        "board": [u.email for u in people["board"]],
        "leads": [
            {"email": lead.email, "actions": [a.pk for a in open_actions if a.lead_user_id == lead.pk]}
            for lead in people["lead"]
        ],
    }


def main() -> int:
    """Fill the empty database in DATABASE_URL (migrating it first) and print how long it took.

    .venv/bin/python benchmarks/load/data.py [--national [--csps N] [--actions-per-csp 100]] [--render 2]
    """
    import argparse
    import os
    import sys
    import time as timer
    from pathlib import Path

    parser = argparse.ArgumentParser(description="Data for the quarter-end load run, into DATABASE_URL.")
    parser.add_argument("--national", action="store_true", help="every CSP of England and Wales (national.py)")
    parser.add_argument("--csps", type=int, help="with --national: only this many CSPs get a plan (default all)")
    parser.add_argument("--actions-per-csp", type=int, default=100, help="with --national (default 100)")
    parser.add_argument("--actions", type=int, default=1500, help="without --national (default 1500)")
    parser.add_argument("--render", type=int, default=2, help="issued reports rendered with WeasyPrint (default 2)")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("DATABASE_URL must name an empty PostgreSQL database")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks.load import national

    started = timer.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated in {timer.perf_counter() - started:.0f} s. Generating the data:")
    started = timer.perf_counter()
    if options.national:
        size = national.NationalSize(csps=options.csps, actions=options.actions_per_csp, render=options.render)
        national.generate(size)
    else:
        generate(Size(actions=options.actions, render=options.render))
    print(f"   in {timer.perf_counter() - started:.0f} s; the database takes {national.database_size()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
