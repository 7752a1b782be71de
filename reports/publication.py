"""Publishing a quarter's progress summary as a public web page, and reading it.

A partnership's officer publishes, for one quarter, how the partnership's public plan is going: per
current priority and in total, the RAG counts of its public actions, and each action's title, lead
agency, RAG and percentage complete, with a commentary in the officer's own words. The officer
previews exactly what the public will see, publishes it (a snapshot of plain JSON, stored in
``PublishedQuarter``), publishes it again, or withdraws it. The public page, open to anyone without
signing in, is rendered from the snapshot alone and cached under a key that names the publication
and its time, so publishing again or withdrawing shows at once.

The summary is of the plan the public already reads (priorities.publication: its current priorities
and public action statuses), and it counts as the board report does (reports.snapshot: an action
counts in the quarters it lived in; its RAG is its latest accepted return's, never a draft's nor a
submitted one's). Never a return's narrative, risks or support needed, an officer's comment, a board
decision, a budget, or anyone's name or e-mail address: an action's lead is named by agency only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from actionplans.models import Action
from csp_portal import writes
from csp_portal.organisations.models import Partnership, User
from csp_portal.quarters import Quarter
from priorities.models import Plan, Priority, PublishedPlan
from priorities.publication import PUBLIC_ACTION_STATUSES, PUBLIC_PRIORITY_STATUSES, cached_page, withdraw_public

from . import snapshot
from .models import PublishedQuarter

CONTENT_TEMPLATE = "reports/public/progress_content.html"
NO_PUBLIC_PLAN = (
    "The partnership has no public plan: publish its plan first (from the plan's page), since the progress "
    "summary is of the plan the public can read."
)
NOT_STARTED = "{label} has not started yet: its progress can be published once it has."

# -- What the public sees ----------------------------------------------------------------------------


def public_plan_of(partnership: Partnership) -> PublishedPlan | None:
    """The partnership's public plan (its publication, with the plan), or None."""
    return (
        PublishedPlan.objects.filter(partnership=partnership, withdrawn_at__isnull=True)
        .select_related("plan__partnership")
        .first()
    )


def _public_actions(plan: Plan, quarter: Quarter) -> list[Action]:
    """The plan's public actions that count in ``quarter``, by the board report's rule: one query."""
    actions = (
        Action.objects.active()
        .filter(
            priority__plan=plan,
            priority__archived_at__isnull=True,
            priority__status__in=PUBLIC_PRIORITY_STATUSES,
            status__in=list(PUBLIC_ACTION_STATUSES),
        )
        .select_related("lead_agency")
        .order_by("priority_id", "order", "id")
    )
    return [action for action in actions if snapshot.counts_in(action, quarter)]


def _action_rows(plan: Plan, quarter: Quarter) -> dict[int, list[dict]]:
    """{priority id: its public actions' public fields and RAG in ``quarter``}: two queries."""
    actions = _public_actions(plan, quarter)
    accepted = snapshot.latest_accepted([action.pk for action in actions], quarter)
    rows: dict[int, list[dict]] = defaultdict(list)
    for action in actions:
        progress = accepted.get(action.pk)
        rag = snapshot.action_rag(action, progress)
        rows[action.priority_id].append(
            {
                "title": action.title,
                "lead_agency": action.lead_agency.name if action.lead_agency_id else "",
                "rag": rag,
                "rag_label": snapshot.RAG_LABELS[rag],
                "percent_complete": progress.percent_complete if progress is not None else None,
                # The quarter of the accepted return the RAG comes from, when it is an earlier one's.
                "rag_from": progress.quarter.label if progress is not None and progress.quarter != quarter else "",
            }
        )
    return rows


def _published_titles(plan: Plan) -> dict[str, set[str]]:
    """{priority title: its action titles} as the plan's public page shows them; empty if not public."""
    published = (
        PublishedPlan.objects.filter(plan=plan, withdrawn_at__isnull=True).values_list("snapshot", flat=True).first()
    )
    return {
        priority["title"]: {action["title"] for action in priority["actions"]}
        for priority in (published or {"priorities": []})["priorities"]
    }


def _counts(actions: list[dict]) -> dict[str, int]:
    return snapshot.counts_dict(Counter(action["rag"] for action in actions))


def public_summary(plan: Plan, quarter: Quarter) -> dict:
    """The quarter's progress of the public plan as the public will see it, as plain JSON: what the
    preview shows and what publishing stores. Four queries, whatever the plan's size.

    Only what the public plan already shows is summarised: a priority or an action added since the
    plan was last published stays out until the plan is published again."""
    public = _published_titles(plan)
    priorities = [
        priority
        for priority in Priority.objects.filter(plan=plan, status__in=PUBLIC_PRIORITY_STATUSES).order_by("order", "pk")
        if priority.title in public
    ]
    rows = _action_rows(plan, quarter)
    actions = {
        priority.pk: [row for row in rows.get(priority.pk, []) if row["title"] in public[priority.title]]
        for priority in priorities
    }
    sections = [
        {
            "number": number,
            "title": priority.title,
            "watching_brief": priority.status == Priority.Status.WATCHING,
            "counts": _counts(actions.get(priority.pk, [])),
            "actions": actions.get(priority.pk, []),
        }
        for number, priority in enumerate(priorities, start=1)
    ]
    return {
        "partnership": {"name": plan.partnership.name, "slug": plan.partnership.slug},
        "plan": {"title": plan.title},
        "quarter": {
            "slug": quarter.slug,
            "label": quarter.label,
            "year": quarter.year,
            "number": quarter.number,
            "months": quarter.months,
        },
        "counts": snapshot.sum_counts(section["counts"] for section in sections),
        "priorities": sections,
    }


def in_words(counts: dict[str, int]) -> str:
    """'2 green, 1 amber, 1 no accepted return': the counts that are not nought, in the report's order."""
    return ", ".join(
        f"{counts[key]} {snapshot.RAG_LABELS[key].lower()}" for key in snapshot.RAG_ORDER if counts.get(key)
    )


def render_content(summary: dict) -> str:
    """The public page's content below its commentary: the same for the preview and the public page."""
    priorities = [priority | {"counts_in_words": in_words(priority["counts"])} for priority in summary["priorities"]]
    statuses = [{"label": snapshot.RAG_LABELS[key], "count": summary["counts"][key]} for key in snapshot.RAG_ORDER]
    return render_to_string(CONTENT_TEMPLATE, {"summary": summary | {"priorities": priorities}, "statuses": statuses})


# -- Reads -------------------------------------------------------------------------------------------


def publication_of(partnership: Partnership, quarter: Quarter) -> PublishedQuarter | None:
    """The quarter's progress summary, public or withdrawn, or None if it was never published."""
    return (
        PublishedQuarter.objects.filter(partnership=partnership, year=quarter.year, number=quarter.number)
        .select_related("published_by")
        .first()
    )


@dataclass(frozen=True)
class PublicQuarter:
    """A published quarter's public page: its heading, the officer's commentary and the content
    rendered from its snapshot."""

    partnership: str
    slug: str
    plan: str
    label: str
    months: str
    published_at: datetime
    commentary: str
    html: str


def public_quarter(slug: str, quarter: Quarter) -> PublicQuarter | None:
    """The partnership's public progress summary of ``quarter``, or None (never published, or
    withdrawn, or the partnership's plan is no longer public: the summary is of a public plan). One
    query when the page is cached, two when it is not, whatever its size. The commentary comes with
    the first, so it is always the stored one."""
    current = (
        PublishedQuarter.objects.filter(
            partnership__slug=slug,
            partnership__published_plans__withdrawn_at__isnull=True,  # at most one: a constraint
            year=quarter.year,
            number=quarter.number,
            withdrawn_at__isnull=True,
        )
        .values("pk", "published_at", "commentary")
        .first()
    )
    if current is None:
        return None
    page = cached_page(
        PublishedQuarter,
        current,
        "public-quarter",
        lambda summary: PublicQuarter(
            partnership=summary["partnership"]["name"],
            slug=summary["partnership"]["slug"],
            plan=summary["plan"]["title"],
            label=summary["quarter"]["label"],
            months=summary["quarter"].get("months", ""),
            published_at=current["published_at"],
            commentary="",
            html=render_content(summary),
        ),
    )
    return replace(page, commentary=current["commentary"])


# -- Writes ------------------------------------------------------------------------------------------


@transaction.atomic
def publish_quarter(
    partnership: Partnership, quarter: Quarter, *, commentary: str, actor: User | None
) -> PublishedQuarter:
    """Publish the quarter's progress of the partnership's public plan as it is now, with the
    officer's commentary, replacing what was public for the quarter before. The history keeps each
    version, who published it and when. Refused when the partnership has no public plan."""
    if quarter > Quarter.current():
        raise ValidationError(NOT_STARTED.format(label=quarter.label))
    # Lock the public plan, so two officers publishing at once queue (and the plan stays public).
    public = (
        PublishedPlan.objects.select_for_update()
        .filter(partnership=partnership, withdrawn_at__isnull=True)
        .select_related("plan__partnership")
        .first()
    )
    if public is None:
        raise ValidationError(NO_PUBLIC_PLAN)
    publication = PublishedQuarter.objects.filter(
        partnership=partnership, year=quarter.year, number=quarter.number
    ).first() or PublishedQuarter(partnership=partnership, year=quarter.year, number=quarter.number)
    publication.snapshot = public_summary(public.plan, quarter)
    publication.commentary = commentary.strip()
    publication.published_at = timezone.now()
    publication.published_by = actor
    publication.withdrawn_at = None
    writes.save(publication, actor=actor)
    return publication


@transaction.atomic
def withdraw_quarter(partnership: Partnership, quarter: Quarter, *, actor: User | None) -> bool:
    """Take the quarter's public page down at once; False if it was not public."""
    return withdraw_public(
        PublishedQuarter.objects.filter(partnership=partnership, year=quarter.year, number=quarter.number),
        actor=actor,
    )
