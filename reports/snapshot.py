"""The snapshot: everything a quarterly report shows, read from the database in one go.

``build`` returns a plain, JSON-serialisable dict (strings, numbers, lists, dicts: money, dates and
percentages already written as people read them). The report template renders only from it, so
that an issued report, whose snapshot is stored, renders the same document years later whatever
has changed in the plan since. The dashboard shows the same dict for the live data.

It reads in a fixed number of queries (about twenty), however many priorities, actions, returns,
indicators and districts there are.
"""

from __future__ import annotations

import base64
import copy
import io
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from actionplans.models import Action, FundingAllocation, ProgressReturn
from actionplans.queries import DONE, allocations_of
from assessments.analysis import analyse
from assessments.models import CrimeCount, Indicator
from assessments.queries import in_periods
from csp_portal.organisations.models import Authority, Partnership
from csp_portal.quarters import Quarter
from priorities.models import Outcome, Plan, Priority

from . import logos, queries
from .models import Decision, ReportSettings

log = logging.getLogger(__name__)

SCHEMA = 1
# The RAG categories of an action in the report, in the order tables show them.
RAG_ORDER = ("red", "amber", "green", "complete", "not_started", "none")
RAG_LABELS = {
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "complete": "Complete",
    "not_started": "Not started",
    "none": "No accepted return",
}
_RANK = {"red": 0, "amber": 1, "green": 2, "complete": 3}
TABLE_PERIODS = 8  # the indicator data tables show the latest eight periods


# -- Formatting ---------------------------------------------------------------------------------------


def day(value: date | datetime | None) -> str:
    """'21 November 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def money(amount: Decimal | None) -> str:
    return "" if amount is None else f"£{amount:,.2f}"


def number(value: Decimal | float | int | None, places: int = 1) -> str:
    if value is None:
        return ""
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.{places}f}"


def signed(value: Decimal | None, suffix: str = "") -> str:
    if value is None:
        return ""
    text = number(abs(value)) + suffix
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else f"0{suffix}"


def counts_dict(counter: Counter) -> dict[str, int]:
    return {key: counter.get(key, 0) for key in RAG_ORDER} | {"total": sum(counter.values())}


def sum_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    """RAG counts (as ``counts_dict`` writes them) added up."""
    total: Counter = Counter()
    for each in counts:
        total.update({key: value for key, value in each.items() if key != "total"})
    return counts_dict(total)


# -- Reading ------------------------------------------------------------------------------------------


def _up_to(quarter: Quarter, prefix: str = "") -> Q:
    """Rows (with year and number fields) in ``quarter`` or before it."""
    return Q(**{f"{prefix}year__lt": quarter.year}) | Q(
        **{f"{prefix}year": quarter.year, f"{prefix}number__lte": quarter.number}
    )


def _in(quarter: Quarter, prefix: str = "") -> Q:
    return Q(**{f"{prefix}year": quarter.year, f"{prefix}number": quarter.number})


def latest_accepted(action_ids: list[int], quarter: Quarter) -> dict[int, ProgressReturn]:
    """{action id: its latest accepted return in ``quarter`` or before}: one query."""
    if not action_ids:
        return {}
    latest = (
        ProgressReturn.objects.filter(action_id=OuterRef("pk"), status=ProgressReturn.Status.ACCEPTED)
        .filter(_up_to(quarter))
        .order_by("-year", "-number")
        .values("pk")[:1]
    )
    wanted = Action.objects.filter(pk__in=action_ids).annotate(latest=Subquery(latest)).values("latest")
    found = ProgressReturn.objects.filter(pk__in=wanted).select_related("submitted_by")
    return {row.action_id: row for row in found}


def action_rag(action: Action, accepted: ProgressReturn | None, *, now: bool = True) -> str:
    """The action's RAG in a report: its latest accepted return's; a complete action with none is
    complete (``now``: its status says how it is today, not how it was last quarter); otherwise
    'none' (no accepted return yet)."""
    if accepted is not None and accepted.rag:
        return accepted.rag
    if now and action.status == Action.Status.COMPLETE:
        return "complete"
    return "none"


def change_between(before: str, after: str) -> str | None:
    """How an action's RAG moved since last quarter, or None when it did not."""
    if before == after:
        return None
    if after == "complete":
        return "completed"
    if before in _RANK and after in _RANK:
        return "improved" if _RANK[after] > _RANK[before] else "worsened"
    if before in ("none", "not_started") and after in _RANK:
        return "reported"
    return "changed"


CHANGE_LABELS = {
    "completed": "Completed",
    "improved": "Improved",
    "worsened": "Worsened",
    "reported": "First accepted return",
    "changed": "Changed",
    "new": "New action",
}


def _plans(partnership: Partnership) -> list[Plan]:
    """The partnership's agreed plans with their priorities (retired ones left out), leads and outcomes."""
    priorities = (
        Priority.objects.exclude(status=Priority.Status.RETIRED)
        .select_related("lead_agency", "lead_user", "supports")
        .prefetch_related(Prefetch("outcomes", queryset=Outcome.objects.order_by("order", "id")))
        .order_by("order", "id")
    )
    return list(
        Plan.objects.filter(partnership=partnership, status=Plan.Status.AGREED)
        .prefetch_related(Prefetch("priorities", queryset=priorities))
        .order_by("-period_start", "title")
    )


def counts_in(action: Action, quarter: Quarter) -> bool:
    """Whether ``action`` counts in ``quarter``'s report and dashboard, by the one rule of
    Action.owes_return: on the plan before the quarter ended and under way in it. A complete action
    is asked as it was while it was open, so it still counts in the quarters it lived in (owing no
    return now that it is done); one added later counts in none before it."""
    if action.status == Action.Status.COMPLETE:
        action = copy.copy(action)
        action.status = Action.Status.IN_PROGRESS
    return action.owes_return(quarter)


def _actions(priority_ids: list[int], quarter: Quarter) -> list[Action]:
    """The active actions of the priorities that count in ``quarter`` (cancelled, archived and
    later ones left out), each with its returns for ``quarter`` and the one before."""
    returns = ProgressReturn.objects.filter(_in(quarter) | _in(quarter.previous())).select_related(
        "submitted_by", "reviewed_by"
    )
    actions = (
        Action.objects.active()
        .filter(priority_id__in=priority_ids)
        .exclude(status=Action.Status.CANCELLED)
        .select_related("lead_agency", "lead_user", "outcome")
        .prefetch_related(Prefetch("returns", queryset=returns, to_attr="recent_returns"))
        .order_by("priority_id", "order", "id")
    )
    return [action for action in actions if counts_in(action, quarter)]


def _return_dict(progress: ProgressReturn) -> dict:
    return {
        "id": progress.pk,
        "quarter": progress.quarter.label,
        "status": progress.status,
        "status_label": progress.get_status_display(),
        "rag": progress.rag or "none",
        "rag_label": RAG_LABELS.get(progress.rag or "none", ""),
        "percent": progress.percent_complete,
        "narrative": progress.narrative.strip(),
        "risks": progress.risks.strip(),
        "support_needed": progress.support_needed.strip(),
        "officer_comment": progress.officer_comment.strip(),
        "submitted": day(progress.submitted_at),
        "submitted_by": progress.submitted_by.full_name if progress.submitted_by_id else "",
        "reviewed": day(progress.reviewed_at),
    }


def _decision_dict(decision: Decision) -> dict:
    return {
        "meeting": day(decision.meeting.starts),
        "outcome": decision.outcome,
        "outcome_label": decision.get_outcome_display(),
        "decision": decision.decision.strip(),
        "recorded_by": decision.recorded_by.full_name if decision.recorded_by_id else "",
    }


def _priorities(plans: list[Plan], quarter: Quarter) -> tuple[list[dict], dict[int, dict], list[dict]]:
    """The priority sections, {action id: action dict} and the changes since last quarter."""
    priorities = [priority for plan in plans for priority in plan.priorities.all()]
    actions = _actions([p.pk for p in priorities], quarter)
    ids = [a.pk for a in actions]
    now, before = latest_accepted(ids, quarter), latest_accepted(ids, quarter.previous())
    by_priority: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        by_priority[action.priority_id].append(action)
    sections, action_dicts, changes = [], {}, []
    numbered = 0
    for plan in plans:
        for priority in plan.priorities.all():
            numbered += 1
            counts, previous_counts, rows = Counter(), Counter(), []
            for index, action in enumerate(by_priority[priority.pk], start=1):
                row = _action_row(action, f"{numbered}.{index}", now.get(action.pk), before.get(action.pk), quarter)
                counts[row["rag"]] += 1
                if not row["is_new"]:
                    previous_counts[row["previous_rag"]] += 1
                rows.append(row)
                action_dicts[action.pk] = row
                if row["change"]:
                    changes.append({**row, "priority": priority.title})
            sections.append(
                {
                    "number": numbered,
                    "id": priority.pk,
                    "anchor": f"priority-{numbered}",
                    "title": priority.title,
                    "plan": plan.title,
                    "status": priority.status,
                    "status_label": priority.get_status_display(),
                    "lead": priority.lead_label or "No lead named",
                    "owner": priority.owner,
                    "supports": priority.supports.title if priority.supports_id else "",
                    "why": priority.why.strip(),
                    "outcomes": [{"text": o.heading, "measure": o.measure} for o in priority.outcomes.all()],
                    "counts": counts_dict(counts),
                    "previous_counts": counts_dict(previous_counts),
                    "actions": rows,
                    "escalations": [],
                    "decisions": [],
                }
            )
    return sections, action_dicts, changes


def _action_row(
    action: Action, reference: str, accepted: ProgressReturn | None, before: ProgressReturn | None, quarter: Quarter
) -> dict:
    this = next((r for r in action.recent_returns if r.quarter == quarter), None)
    rag, previous_rag = action_rag(action, accepted), action_rag(action, before, now=False)
    created = timezone.localtime(action.created).date()
    is_new = quarter.contains(created)
    expected = action.owes_return(quarter)
    received = this is not None and this.status in DONE
    change = "new" if is_new else change_between(previous_rag, rag)
    return {
        "id": action.pk,
        "ref": reference,
        "title": action.title,
        "outcome": action.outcome.heading if action.outcome_id else "",
        "lead": action.lead_name,
        "timescale": action.timescale or (f"By {day(action.due_date)}" if action.due_date else ""),
        "status_label": action.get_status_display(),
        "targets": action.targets.strip(),
        "rag": rag,
        "rag_label": RAG_LABELS[rag],
        "rag_from": accepted.quarter.label if accepted is not None and accepted.quarter != quarter else "",
        "previous_rag": previous_rag,
        "previous_rag_label": RAG_LABELS[previous_rag],
        "change": change,
        "change_label": CHANGE_LABELS.get(change, "") if change else "",
        "is_new": is_new,
        "latest": _return_dict(accepted) if accepted is not None else None,
        "this_quarter": _return_dict(this) if this is not None and this.status != ProgressReturn.Status.DRAFT else None,
        "expected": expected,
        "outstanding": expected and not received,
    }


def _escalations(partnership: Partnership, quarter: Quarter) -> tuple[list[ProgressReturn], list[Decision]]:
    """The accepted returns whose escalations the board is asked to decide (this quarter's, and
    earlier ones it deferred), and the decisions recorded since the last report (on last quarter's
    escalations, or at a meeting held in this quarter). A return asks the board only once its
    officer has accepted it."""
    decisions = Decision.objects.select_related("recorded_by", "meeting").order_by("meeting__starts", "id")
    raised = (
        ProgressReturn.objects.filter(action__partnership=partnership, status=ProgressReturn.Status.ACCEPTED)
        .exclude(support_needed="")
        .select_related(
            "action__priority", "action__recommendation__review", "action__lead_user", "action__lead_agency"
        )
        .prefetch_related(Prefetch("board_decisions", queryset=decisions, to_attr="decisions"))
    )
    this_quarter = list(raised.filter(_in(quarter)))
    deferred = [
        progress
        for progress in raised.filter(
            ~_in(quarter), _up_to(quarter), board_decisions__outcome=Decision.Outcome.DEFERRED
        ).distinct()
        if progress.decisions and progress.decisions[-1].outcome == Decision.Outcome.DEFERRED
    ]
    previous = quarter.previous()
    recorded = list(
        Decision.objects.filter(progress_return__action__partnership=partnership)
        .filter(
            _in(previous, "progress_return__")
            | Q(meeting__starts__date__gte=quarter.start, meeting__starts__date__lte=quarter.end)
        )
        .select_related(
            "recorded_by",
            "meeting",
            "progress_return__action__priority",
            "progress_return__action__recommendation__review",
        )
        .order_by("meeting__starts", "id")
    )
    return deferred + this_quarter, recorded


def _by_action(returns: list[ProgressReturn], action_dicts: dict) -> list[list[ProgressReturn]]:
    """The escalations grouped by action, each group oldest return first: one item for the board
    however many quarters an action has asked. Groups raised longest ago come first, then in the
    order of the plan."""
    groups: dict[int, list[ProgressReturn]] = defaultdict(list)
    for progress in sorted(returns, key=lambda r: (r.year, r.number)):
        groups[progress.action_id].append(progress)
    place = {action_id: index for index, action_id in enumerate(action_dicts)}

    def key(group: list[ProgressReturn]) -> tuple:
        return (group[0].year, group[0].number, place.get(group[0].action_id, len(place)), group[0].action_id)

    return sorted(groups.values(), key=key)


def _required_item(number: int, group: list[ProgressReturn], quarter: Quarter, action: dict) -> dict:
    """What the board is asked to decide for one action: its newest return's request, since the
    quarter it was first raised, with every decision the board made on it meanwhile."""
    progress, first = group[-1], group[0]
    decisions = [decision for raised in group for decision in raised.decisions]
    return {
        "ref": f"D{number}",
        "return_id": progress.pk,
        "action_id": progress.action_id,
        "action": progress.action.title,
        "action_ref": action.get("ref", ""),
        "priority": progress.action.carries_out,
        "lead": progress.action.lead_name,
        "quarter": progress.quarter.label,
        "raised_since": first.quarter.label,
        "carried_over": first.quarter != quarter,
        "rag": progress.rag or "none",
        "rag_label": RAG_LABELS.get(progress.rag or "none", ""),
        "status_label": progress.get_status_display(),
        "support_needed": progress.support_needed.strip(),
        "risks": progress.risks.strip(),
        "decisions": [_decision_dict(d) for d in decisions],
        "decided": bool(progress.decisions) and progress.decisions[-1].outcome != Decision.Outcome.DEFERRED,
    }


def _decisions(
    partnership: Partnership, quarter: Quarter, sections: list[dict], action_dicts: dict
) -> tuple[list, list]:
    required_returns, recorded = _escalations(partnership, quarter)
    section_of = {s["id"]: s for s in sections}
    required = []
    for number, group in enumerate(_by_action(required_returns, action_dicts), start=1):
        item = _required_item(number, group, quarter, action_dicts.get(group[-1].action_id, {}))
        required.append(item)
        if group[-1].action.priority_id in section_of:
            section_of[group[-1].action.priority_id]["escalations"].append(item)
    made = []
    for decision in recorded:
        progress = decision.progress_return
        item = {
            **_decision_dict(decision),
            "action": progress.action.title,
            "action_ref": action_dicts.get(progress.action_id, {}).get("ref", ""),
            "priority": progress.action.carries_out,
            "quarter": progress.quarter.label,
            "support_needed": progress.support_needed.strip(),
        }
        made.append(item)
        if progress.action.priority_id in section_of:
            section_of[progress.action.priority_id]["decisions"].append(item)
    return required, made


# -- Indicators ---------------------------------------------------------------------------------------


def _indicator_values(partnership: Partnership, indicators: list[Indicator], quarter: Quarter) -> dict[int, dict]:
    """{indicator id: {period start: value}} up to the quarter's end. Figures entered by hand come
    prefetched; those fed by police.uk counts come from one grouped query over all of them."""
    area = [a.pk for a in partnership.authorities.all()]
    wanted = {i.pk: ([i.authority_id] if i.authority_id else area) for i in indicators if i.crime_type}
    monthly: dict[tuple[int, str], dict[date, int]] = defaultdict(dict)
    if wanted:
        rows = (
            CrimeCount.objects.filter(
                authority_id__in={a for ids in wanted.values() for a in ids},
                crime_type__in={i.crime_type for i in indicators if i.crime_type},
                month__lte=quarter.end,
            )
            .values("authority_id", "crime_type", "month")
            .annotate(total=Sum("count"))
            .order_by()
        )
        for row in rows:
            monthly[(row["authority_id"], row["crime_type"])][row["month"]] = row["total"]
    result = {}
    for indicator in indicators:
        if not indicator.crime_type:
            result[indicator.pk] = {
                v.period_start: v.value for v in indicator.values.all() if v.period_start <= quarter.end
            }
            continue
        summed: Counter = Counter()
        for authority_id in wanted[indicator.pk]:
            summed.update(monthly.get((authority_id, indicator.crime_type), {}))
        result[indicator.pk] = in_periods(summed, indicator.frequency)
    return result


def _indicators(partnership: Partnership, quarter: Quarter) -> list[dict]:
    indicators = list(
        Indicator.objects.filter(partnership=partnership).select_related("authority").prefetch_related("values")
    )
    values = _indicator_values(partnership, indicators, quarter)
    found = []
    for indicator in indicators:
        analysis = analyse(values[indicator.pk], indicator.frequency, indicator.desired_direction, indicator.target)
        rows = [
            {
                "label": r.label,
                "value": number(r.value),
                "change": signed(r.change),
                "change_percent": signed(r.change_percent, "%") if r.change_percent is not None else "",
            }
            for r in analysis.rows
        ]
        latest = rows[-1] if rows else None
        found.append(
            {
                "id": indicator.pk,
                "anchor": f"indicator-{indicator.pk}",
                "name": indicator.name,
                "unit": indicator.unit,
                "source": indicator.source,
                "area": indicator.authority.name if indicator.authority_id else "",
                "desired_label": indicator.get_desired_direction_display(),
                "frequency_label": indicator.get_frequency_display(),
                "target": number(indicator.target) if indicator.target is not None else "",
                "target_value": float(indicator.target) if indicator.target is not None else None,
                "direction": analysis.direction,
                "rag": analysis.rag or "",
                "latest": latest,
                "series": [{"label": r.label, "value": float(r.value)} for r in analysis.rows],
                "table": rows[-TABLE_PERIODS:],
            }
        )
    return found


# -- Funding and the county roll-up -------------------------------------------------------------------


def _funding(partnership: Partnership, quarter: Quarter) -> dict:
    allocations = [a for a in allocations_of(partnership) if a.year == quarter.year]
    total = {
        "amount": sum((a.amount for a in allocations), Decimal(0)),
        "committed": sum((a.committed for a in allocations), Decimal(0)),
    }
    return {
        "year": FundingAllocation(year=quarter.year).financial_year,
        "allocations": [
            {
                "source": a.source,
                "notes": a.notes,
                "amount": money(a.amount),
                "committed": money(a.committed),
                "remaining": money(a.remaining),
                "overcommitted": a.remaining < 0,
                "actions": a.action_count,
            }
            for a in allocations
        ],
        "total": {
            "amount": money(total["amount"]),
            "committed": money(total["committed"]),
            "remaining": money(total["amount"] - total["committed"]),
        },
    }


def _area_kind(partnership: Partnership) -> str:
    kinds = {a.kind for a in partnership.authorities.all()}
    if kinds == {Authority.Kind.UNITARY}:
        return "Unitary"
    if partnership.kind == Partnership.Kind.JOINT:
        return "Joint"
    return "District"


def _rollup(county: Partnership, sections: list[dict], quarter: Quarter) -> dict | None:
    """For a county board: each county priority's progress in the district and unitary CSPs whose
    priorities support it, as RAG counts of their actions."""
    if county.kind != Partnership.Kind.COUNTY:
        return None
    districts = list(Partnership.objects.filter(county_board=county).prefetch_related("authorities").order_by("name"))
    supporting = _supporting(county, [s["id"] for s in sections])
    rags = _rags_by_priority(supporting, quarter)
    by_pair: dict[tuple[int, int], list[Priority]] = defaultdict(list)
    for priority in supporting:
        by_pair[(priority.supports_id, priority.plan.partnership_id)].append(priority)
    rows = [_rollup_row(section, districts, by_pair, rags) for section in sections]
    return {
        "districts": [d.name for d in districts],
        "priorities": rows,
        "counts": sum_counts(row["counts"] for row in rows),
    }


def _supporting(county: Partnership, county_priority_ids: list[int]) -> list[Priority]:
    """The priorities of the agreed plans of the CSPs under the board that support its priorities."""
    return list(
        Priority.objects.filter(
            supports_id__in=county_priority_ids,
            plan__partnership__county_board=county,
            plan__status=Plan.Status.AGREED,
        )
        .exclude(status=Priority.Status.RETIRED)
        .select_related("plan")
        .order_by("plan__partnership__name", "order", "id")
    )


def _rags_by_priority(priorities: list[Priority], quarter: Quarter) -> dict[int, Counter]:
    """{priority id: RAG counts of its active actions that count in ``quarter``, by their latest
    accepted returns}."""
    actions = [
        action
        for action in Action.objects.active()
        .filter(priority__in=priorities)
        .exclude(status=Action.Status.CANCELLED)
        .only("id", "priority_id", "status", "created", "start_date", "due_date", "archived_at")
        if counts_in(action, quarter)
    ]
    accepted = latest_accepted([a.pk for a in actions], quarter)
    rags: dict[int, Counter] = defaultdict(Counter)
    for action in actions:
        rags[action.priority_id][action_rag(action, accepted.get(action.pk))] += 1
    return rags


def _rollup_row(section: dict, districts: list[Partnership], by_pair: dict, rags: dict[int, Counter]) -> dict:
    """One county priority in the roll-up: each CSP's priorities supporting it and their RAG counts."""
    district_rows = []
    for district in districts:
        linked = by_pair.get((section["id"], district.pk), [])
        counts: Counter = Counter()
        for priority in linked:
            counts.update(rags[priority.pk])
        district_rows.append(
            {
                "partnership": district.name,
                "slug": district.slug,
                "area_kind": _area_kind(district),
                "priorities": [p.title for p in linked],
                "counts": counts_dict(counts),
            }
        )
    return {
        "priority": section["title"],
        "number": section["number"],
        "districts": [d for d in district_rows if d["priorities"]],
        "not_linked": [d["partnership"] for d in district_rows if not d["priorities"]],
        "counts": sum_counts(d["counts"] for d in district_rows),
    }


# -- The snapshot -------------------------------------------------------------------------------------


def _branding(partnership: Partnership) -> dict:
    found = queries.settings_of(partnership)
    branding = {"colour": "", "logo": "", "logo_alt": "", "marking": ReportSettings.Marking.OFFICIAL.value}
    if found.pk is None:  # never set: the report's own look
        return branding
    branding.update(colour=found.colour, logo_alt=found.logo_alt, marking=found.protective_marking)
    if found.logo:
        try:
            with found.logo.open("rb") as handle:
                content = handle.read(logos.MAX_LOGO_BYTES + 1)
        except OSError:
            content = b""
        # Checked again here, from the header, before any renderer decodes it: a logo stored before
        # the form checked dimensions, or put in place by other means, is left out.
        image = logos.header(io.BytesIO(content)) if content and len(content) <= logos.MAX_LOGO_BYTES else None
        if image and not image.too_large:
            branding["logo"] = f"data:{image.content_type};base64,{base64.b64encode(content).decode()}"
        elif content:
            log.warning("report logo of %s left out: not a PNG or JPEG within the limits", partnership.slug)
    return branding


def build(
    partnership: Partnership,
    quarter: Quarter,
    *,
    status: str = "draft",
    version: int | None = None,
    issued_at: datetime | None = None,
    issued_by: str = "",
) -> dict:
    """Everything the quarterly report of ``partnership`` for ``quarter`` shows, as plain data."""
    partnership = Partnership.objects.prefetch_related("authorities").get(pk=partnership.pk)
    plans = _plans(partnership)
    sections, action_dicts, changes = _priorities(plans, quarter)
    required, recorded = _decisions(partnership, quarter, sections, action_dicts)
    when = issued_at or timezone.now()
    return {
        "schema": SCHEMA,
        "partnership": _partnership(partnership),
        "quarter": _quarter(quarter),
        "document": {
            "status": status,
            "version": version,
            "date": day(when),
            "timestamp": timezone.localtime(when).isoformat(timespec="seconds"),
            "issued_by": issued_by,
            "title": f"{partnership.name}: quarterly monitoring report, {quarter.label}",
        },
        "branding": _branding(partnership),
        "plans": [_plan_heading(partnership, plan, quarter) for plan in plans],
        "priorities": sections,
        "summary": _summary(sections, list(action_dicts.values()), changes),
        "decisions_required": required,
        "decisions_recorded": recorded,
        "indicators": _indicators(partnership, quarter),
        "funding": _funding(partnership, quarter),
        "rollup": _rollup(partnership, sections, quarter),
        "appendix": _appendix(sections),
    }


def _partnership(partnership: Partnership) -> dict:
    return {
        "name": partnership.name,
        "slug": partnership.slug,
        "kind": partnership.kind,
        "kind_label": partnership.get_kind_display(),
        "is_county": partnership.kind == Partnership.Kind.COUNTY,
    }


def _quarter(quarter: Quarter) -> dict:
    return {
        "label": quarter.label,
        "slug": quarter.slug,
        "months": quarter.months,
        "previous": quarter.previous().label,
        "deadline": day(quarter.deadline()),
    }


def _plan_heading(partnership: Partnership, plan: Plan, quarter: Quarter) -> dict:
    # A county board's plan is its Community Safety Agreement.
    county = partnership.kind == Partnership.Kind.COUNTY
    kind_label = "Community Safety Agreement" if county else "Plan"
    return {
        "title": plan.title,
        "kind_label": kind_label,
        "period": plan.period_label,
        "period_note": period_note(kind_label, plan, quarter),
    }


def period_note(kind_label: str, plan: Plan, quarter: Quarter) -> str:
    """What the board must be told when the plan driving a quarter's report is not the plan for that
    quarter: its period ended before the quarter did, or starts after it. Empty when it covers it."""
    if plan.period_end < quarter.end:
        when = f"ended on {day(plan.period_end)}"
    elif plan.period_start > quarter.end:
        when = f"starts on {day(plan.period_start)}"
    else:
        return ""
    return (
        f"The {kind_label.lower()} “{plan.title}” is for {plan.period_label}, which {when}: it does not cover "
        f"{quarter.label} ({quarter.months}), yet its priorities are reported because it is still agreed."
    )


def _summary(sections: list[dict], actions: list[dict], changes: list[dict]) -> dict:
    """The executive summary: RAG counts over every priority, now and last quarter, and the returns
    expected, received, accepted and outstanding."""
    this_quarter = [a["this_quarter"] for a in actions if a["this_quarter"]]
    return {
        "counts": sum_counts(s["counts"] for s in sections),
        "previous_counts": sum_counts(s["previous_counts"] for s in sections),
        "actions": len(actions),
        "expected": sum(a["expected"] for a in actions),
        "closed": sum(not a["expected"] for a in actions),  # complete: they count, and owe no return
        "received": sum(1 for progress in this_quarter if progress["status"] in DONE),
        "accepted": sum(1 for progress in this_quarter if progress["status"] == "accepted"),
        "outstanding": sum(a["outstanding"] for a in actions),
        "changes": changes,
    }


def _appendix(sections: list[dict]) -> list[dict]:
    """Each priority's returns for the quarter, in full."""
    return [
        {
            "number": s["number"],
            "title": s["title"],
            "returns": [{"action": a, "progress": a["this_quarter"]} for a in s["actions"]],
        }
        for s in sections
    ]
