"""National data for the load run and the page benchmarks: every CSP of England and Wales.

Every police force area, authority and CSP from the shipped ONS lookups (``load_areas``: 314 CSPs),
a county board for each county council above them (its district CSPs report to it), and in each
partnership what the ten-times-the-demo data (data.py) gives each of its 14: an agreed plan of five
priorities with about 100 actions (lead agencies and lead people), eight quarters of progress returns
in the demo's pattern, officers, action leads and board members with one password, OPCC funding,
two indicators (one typed in, one counted from the crime data), a board meeting with its decisions
on escalations, and issued reports for the two quarters before the one being reported (``render`` of
them rendered by WeasyPrint, the rest with their own snapshot and one of those PDFs). Crime counts: a
year of a dozen police.uk crime types for every authority.

The large tables (people, roles, actions, returns, crime counts) are written with PostgreSQL's COPY,
their ids taken from their sequences first so that the rows pointing at them can be written the same
way; the rest with bulk_create. As in data.py, generated rows have no change history.
"""

from __future__ import annotations

import io
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any

from benchmarks.load import data

CRIME_TYPES = [
    "Anti-social behaviour",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
]
ROLE_COUNTS = (("officer", data.OFFICERS), ("lead", data.LEADS), ("board", data.BOARD_MEMBERS))
JOB_TITLES = {"officer": "Community Safety Officer", "lead": "Action lead", "board": "Board member"}


@dataclass(frozen=True)
class NationalSize:
    """``csps``: how many of the 314 CSPs get a plan (None: all), with the county boards above them."""

    csps: int | None = None
    actions: int = 100  # per partnership
    render: int = 1
    months: int = 12


# --- COPY --------------------------------------------------------------------------------------------


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def reserve_ids(model, count: int) -> list[int]:
    """``count`` ids from the table's own sequence, so that rows can be written with them by COPY."""
    from django.db import connection

    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model, rows: list[dict], ids: list[int] | None = None) -> int:
    """Write ``rows`` (column values by attribute name, the field's default for those left out) with
    one COPY, with the given ``ids`` or the table's own."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = [f.column for f in fields]
    buffer = io.StringIO()
    for n, row in enumerate(rows):
        values = [_copy_text(row.get(name, defaults[name])) for name in names]
        buffer.write("\t".join([str(ids[n]), *values] if ids else values) + "\n")
    buffer.seek(0)
    if ids:
        columns.insert(0, model._meta.pk.column)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
    return len(rows)


def copy(model, objects: list, *, with_ids: bool = False) -> int:
    """Write model instances with one COPY; ``with_ids`` first gives each one an id from the sequence."""
    ids = None
    if with_ids:
        ids = reserve_ids(model, len(objects))
        for obj, pk in zip(objects, ids, strict=True):
            obj.pk = pk
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return copy_rows(model, [{name: getattr(obj, name) for name in fields} for obj in objects], ids)


# --- areas, county boards, agencies --------------------------------------------------------------------


def _county_of(partnership) -> Any:
    counties = {a.county for a in partnership.authorities.all() if a.county_id}
    return min(counties, key=lambda c: c.ons_code) if counties else None


def _areas(size: NationalSize) -> list:
    """The CSPs from the lookups (the first ``size.csps`` of them grouped by county) and the county
    boards above them: the partnerships that get a plan, the CSPs first."""
    from django.utils.text import slugify

    from csp_portal.organisations.management.areas import import_areas
    from csp_portal.organisations.models import Partnership

    import_areas()
    csps = list(
        Partnership.objects.exclude(kind=Partnership.Kind.COUNTY)
        .select_related("police_force")
        .prefetch_related("authorities__county")
        .order_by("name")
    )
    csps.sort(key=lambda p: (getattr(_county_of(p), "ons_code", "ZZZ"), p.name))
    chosen = csps[: size.csps] if size.csps else csps
    boards = {}
    for csp in chosen:
        county = _county_of(csp)
        if county is None:
            continue
        if county.pk not in boards:
            place = county.name.removesuffix(" County Council")
            boards[county.pk], _ = Partnership.objects.get_or_create(
                slug=f"{slugify(place)}-county-board",
                defaults={
                    "name": f"{place} Community Safety Board",
                    "kind": Partnership.Kind.COUNTY,
                    "police_force_id": county.police_force_id or csp.police_force_id,
                },
            )
            boards[county.pk].authorities.add(county)
        csp.county_board = boards[county.pk]
    Partnership.objects.bulk_update(chosen, ["county_board"])
    return chosen + list(boards.values())


def _force_agency_names(force) -> dict[str, str]:
    police = force.name if "Police" in force.name or "Constabulary" in force.name else f"{force.name} Police"
    return {
        "police": police,
        "fire": f"{force.name} Fire and Rescue Service",
        "health": f"NHS {force.name} Integrated Care Board",
    }


def _agencies(partnerships: list) -> dict[int, list]:
    """Each partnership's agencies (its councils, its force's police, fire and health, probation),
    members of it; returns them by partnership, police first."""
    from csp_portal.organisations.models import Agency, Membership

    wanted: dict[str, str] = {"The Probation Service": Agency.Type.PROBATION}
    names: dict[int, list[str]] = {}
    for partnership in partnerships:
        force = partnership.police_force
        by_type = _force_agency_names(force) if force else {}
        councils = [f"{a.name} Council" for a in partnership.authorities.all()]
        names[partnership.pk] = [*by_type.values(), *councils, "The Probation Service"]
        wanted.update({name: kind for kind, name in by_type.items()})
        wanted.update(dict.fromkeys(councils, Agency.Type.LOCAL_AUTHORITY))
    existing = set(Agency.objects.filter(name__in=wanted).values_list("name", flat=True))
    Agency.objects.bulk_create(
        Agency(name=name, agency_type=kind, is_responsible_authority=True)
        for name, kind in wanted.items()
        if name not in existing
    )
    agencies = {a.name: a for a in Agency.objects.filter(name__in=wanted)}
    Membership.objects.bulk_create(
        Membership(partnership_id=pk, agency=agencies[name])
        for pk, agency_names in names.items()
        for name in agency_names
    )
    return {pk: [agencies[name] for name in agency_names] for pk, agency_names in names.items()}


# --- people, plans, actions, returns -------------------------------------------------------------------


def _people(partnerships: list, password_hash: str) -> dict[int, dict[str, list]]:
    from csp_portal.organisations.models import Role, User

    names = itertools.cycle(list(data._names()))
    made: dict[int, dict[str, list]] = {}
    for partnership in partnerships:
        made[partnership.pk] = {
            role: [
                User(
                    email=f"{role}{n}.{partnership.slug}@load.example",
                    full_name=next(names),
                    job_title=JOB_TITLES[role],
                    password=password_hash,
                )
                for n in range(1, count + 1)
            ]
            for role, count in ROLE_COUNTS
        }
    users = [user for people in made.values() for group in people.values() for user in group]
    copy(User, users, with_ids=True)
    roles = [
        Role(user_id=user.pk, partnership_id=pk, role=role)
        for pk, people in made.items()
        for role, group in people.items()
        for user in group
    ]
    copy(Role, roles)
    return made


def _plans(partnerships: list, agencies: dict[int, list], reported) -> tuple[dict, dict, dict]:
    """Plans, five priorities and their outcomes, and the OPCC grant of every partnership."""
    from actionplans.models import FundingAllocation
    from priorities.models import Outcome, Plan, Priority

    plans = Plan.objects.bulk_create(Plan(**data.plan_values(p)) for p in partnerships)
    priorities = Priority.objects.bulk_create(
        Priority(
            plan=plan, title=title, order=n, lead_role="Chief Inspector", lead_agency=agencies[plan.partnership_id][0]
        )
        for plan in plans
        for n, (title, _) in enumerate(data.PRIORITIES, start=1)
    )
    outcomes = Outcome.objects.bulk_create(
        Outcome(priority=priority, text=data.PRIORITIES[priority.order - 1][1], order=1, measure="Quarterly figures")
        for priority in priorities
    )
    grants = FundingAllocation.objects.bulk_create(
        FundingAllocation(
            partnership=p,
            year=reported.year,
            source="OPCC grant",
            amount=Decimal("10000"),
            notes="The OPCC's annual grant to each CSP.",
        )
        for p in partnerships
    )
    by_plan = {plan.pk: plan.partnership_id for plan in plans}
    priorities_of, outcomes_of = defaultdict(list), defaultdict(list)
    for priority in priorities:
        priorities_of[by_plan[priority.plan_id]].append(priority)
    for outcome in outcomes:
        outcomes_of[by_plan[outcome.priority.plan_id]].append(outcome)
    return priorities_of, outcomes_of, {g.partnership_id: g for g in grants}


def _actions(partnership, count: int, plan: tuple, people: dict, agencies: list) -> list:
    from actionplans.models import Action

    rows = data._seed_rows()
    return [
        Action(partnership_id=partnership.pk, **data.action_values(n, plan, agencies, people["lead"], rows))
        for n in range(count)
    ]


def _closures(partnerships: list, people: dict, reported) -> None:
    from actionplans.models import QuarterClosure

    quarters = [reported - n for n in range(data.QUARTERS - 1, 1, -1)]
    QuarterClosure.objects.bulk_create(
        QuarterClosure(
            partnership=p,
            year=q.year,
            number=q.number,
            closed_by=people[p.pk]["officer"][0],
            closed_at=datetime.combine(q.end + timedelta(days=40), clock(16), tzinfo=UTC),
        )
        for p in partnerships
        for q in quarters
    )


# --- evidence: indicators, crime counts, decisions ------------------------------------------------------


def _crime_counts(months: int, reported) -> int:
    """A year of counts of a dozen crime types for every authority, as an import of police.uk stores them."""
    from assessments.models import CrimeCount
    from csp_portal.organisations.models import Authority

    first = date((reported - 1).end.year, (reported - 1).end.month, 1)
    days = [first]
    for _ in range(months - 1):
        days.append((days[-1] - timedelta(days=1)).replace(day=1))
    authorities = Authority.objects.exclude(kind=Authority.Kind.COUNTY).select_related("police_force")
    counts = [
        {
            "force": authority.police_force.name if authority.police_force else "Unknown",
            "month": month,
            "area": CrimeCount.Area.AUTHORITY,
            "authority_id": authority.pk,
            "crime_type": crime_type,
            "count": 20 + (authority.pk * 7 + n * 13 + month.month * 3) % 180,
        }
        for authority in authorities
        for month in days
        for n, crime_type in enumerate(CRIME_TYPES)
    ]
    return copy_rows(CrimeCount, counts)


def _indicators(partnerships: list, reported) -> None:
    from assessments.models import Indicator, IndicatorValue
    from reports.demo import ILLUSTRATIVE

    typed, counted = [], []
    for p in partnerships:
        place = p.name.removesuffix(" Community Safety Partnership").removesuffix(" Community Safety Board")
        typed.append(
            Indicator(
                partnership=p,
                name=f"Repeat referrals to MARAC, {place}",
                unit="referrals",
                source=ILLUSTRATIVE,
                frequency=Indicator.Frequency.QUARTER,
                target=Decimal(40),
            )
        )
        authority = min(p.authorities.all(), key=lambda a: a.ons_code, default=None)
        counted.append(
            Indicator(
                partnership=p,
                name=f"Violence and sexual offences, {place}",
                unit="crimes",
                source="police.uk",
                frequency=Indicator.Frequency.QUARTER,
                authority=authority,
                crime_type="Violence and sexual offences",
            )
        )
    typed = Indicator.objects.bulk_create(typed)
    Indicator.objects.bulk_create(counted)
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(indicator=i, period_start=(reported - k).start, value=Decimal(40 + k % 7))
            for i in typed
            for k in range(1, 13)
        ),
        batch_size=5000,
    )


def _decisions(partnerships: list, people: dict, reported) -> None:
    """A board meeting for the quarter before the one being reported, deciding on its escalations."""
    from actionplans.models import ProgressReturn
    from reports.demo import DECISIONS
    from reports.models import Decision, Meeting

    previous = reported - 1
    meetings = Meeting.objects.bulk_create(
        Meeting(
            partnership=p,
            year=previous.year,
            number=previous.number,
            starts=datetime.combine(previous.end + timedelta(days=20), clock(10), tzinfo=UTC),
        )
        for p in partnerships
    )
    escalations = defaultdict(list)
    for pk, partnership_id in (
        ProgressReturn.objects.filter(year=previous.year, number=previous.number, action__partnership__in=partnerships)
        .exclude(support_needed="")
        .order_by("action__partnership", "pk")
        .values_list("pk", "action__partnership")
    ):
        if len(escalations[partnership_id]) < len(DECISIONS):
            escalations[partnership_id].append(pk)
    Decision.objects.bulk_create(
        decision
        for meeting in meetings
        for decision in data.board_decisions(
            meeting, escalations[meeting.partnership_id], people[meeting.partnership_id]["officer"][0]
        )
    )


# --- the whole -----------------------------------------------------------------------------------------


def _fill(partnerships: list, size: NationalSize, people: dict, agencies: dict, reported, log) -> dict:
    from actionplans.models import Action, ProgressReturn

    started = time.perf_counter()
    priorities, outcomes, grants = _plans(partnerships, agencies, reported)
    actions, returns, scenario = [], [], []
    for p in partnerships:
        plan = (priorities[p.pk], outcomes[p.pk], grants[p.pk])
        made = _actions(p, size.actions, plan, people[p.pk], agencies[p.pk])
        actions += made
        scenario.append((p, made))
    copy(Action, actions, with_ids=True)
    for p, made in scenario:
        returns += data.return_values(made, people[p.pk]["officer"][0], reported)
    copy_rows(ProgressReturn, returns)
    log(f"   {len(actions)} actions and {len(returns)} returns in {time.perf_counter() - started:.0f} s")
    _closures(partnerships, people, reported)
    _indicators(partnerships, reported)
    _decisions(partnerships, people, reported)
    return {
        "actions": len(actions),
        "returns": len(returns),
        "scenario": [data._scenario_entry(p, priorities[p.pk], made, people[p.pk]) for p, made in scenario],
    }


def generate(size: NationalSize = NationalSize(), log=print) -> dict[str, Any]:
    """Write national data into the (empty) database and return the scenario the locust users follow."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from actionplans.models import Action
    from actionplans.queries import reporting_quarter
    from csp_portal import freshness

    if Action.objects.exists():
        raise RuntimeError("The national data goes into an empty database: this one already has actions.")
    reported = reporting_quarter()
    started = time.perf_counter()
    with transaction.atomic():
        partnerships = _areas(size)
        agencies = _agencies(partnerships)
        people = _people(partnerships, make_password(data.PASSWORD))
        seconds = time.perf_counter() - started
        log(f"   areas, {len(partnerships)} partnerships, their agencies and people in {seconds:.0f} s")
        filled = _fill(partnerships, size, people, agencies, reported, log)
        crimes = _crime_counts(size.months, reported)
        freshness.changed_everywhere()
    log(
        f"   {len(partnerships)} partnerships ({sum(p.kind == 'county' for p in partnerships)} county boards), "
        f"{filled['actions']} actions, {filled['returns']} progress returns over {data.QUARTERS} quarters, "
        f"{crimes} crime counts; {data.OFFICERS} officers, {data.LEADS} action leads and {data.BOARD_MEMBERS} "
        f"board members in each partnership; {time.perf_counter() - started:.0f} s so far"
    )
    issued = data._issue_reports(partnerships, people, reported, size.render, log)
    log(f"   {issued} issued reports ({min(size.render, len(partnerships))} rendered, the rest sharing their PDFs)")
    return {
        "password": data.PASSWORD,
        "quarter": reported.slug,
        "partnerships": filled["scenario"],
        "actions": filled["actions"],
        "returns": filled["returns"],
        "issued_reports": issued,
        "crime_counts": crimes,
    }


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]
