"""Publishing a partnership's plan as a public web page, and reading the public pages.

The officer previews the public content, publishes it (a snapshot of plain JSON, stored in
``PublishedPlan``), publishes it again after changes, or withdraws it. The public pages, open to
anyone without signing in, are rendered from the stored snapshot alone, so an edit made since
stays private until the plan is published again; each is cached under a key that names the
publication and its time, so publishing again or withdrawing shows at once.

What is public is chosen here, field by field, and nothing else leaves: the plan's title and
period, the partnership and its authorities, each current priority (active or a watching brief)
with its lead agency and its three lists, and the priority's actions with their title, lead agency,
due date or timescale and status. Never a person's name or e-mail address, a priority's or
action's narrative, a risk, an escalation, a progress return or a budget. Draft, cancelled and
archived actions, and archived and retired priorities, are left out.

Priorities never import the action plans built on them: the actions are read through the
priority's reverse relation, with the public statuses spelled out below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, FilteredRelation, Max, Q, QuerySet
from django.db.models.fields.json import KT
from django.template.loader import render_to_string
from django.utils import timezone

from csp_portal import writes
from csp_portal.organisations.models import User
from csp_portal.quarters import Quarter

from .models import Plan, Priority, PublishedPlan

# The action statuses the public sees, with their labels (actionplans.models.Action.Status; a test
# holds the two together). A draft action is still being worked out; a cancelled one is not done.
PUBLIC_ACTION_STATUSES = {"not_started": "Not started", "in_progress": "In progress", "complete": "Complete"}
PUBLIC_PRIORITY_STATUSES = (Priority.Status.ACTIVE, Priority.Status.WATCHING)
# The keys name the publication and its time, so publishing again or withdrawing shows at once; the
# time limit only bounds how long a new release's page layout waits to reach a page already cached.
CACHE_SECONDS = 10 * 60
CONTENT_TEMPLATE = "priorities/public/plan_content.html"
Page = TypeVar("Page")

# -- What the public sees ----------------------------------------------------------------------------


def _points(items) -> list[dict]:
    return [{"heading": item.heading, "sub_points": item.sub_points} for item in items]


def _public_actions(plan: Plan) -> dict[int, list[dict]]:
    """The public fields of the plan's public actions, by priority, in their order: one query."""
    rows = (
        Priority.objects.filter(
            plan=plan,
            actions__archived_at__isnull=True,
            actions__status__in=list(PUBLIC_ACTION_STATUSES),
        )
        .order_by("order", "pk", "actions__order", "actions__pk")
        .values(
            "pk",
            "actions__title",
            "actions__lead_agency__name",
            "actions__due_date",
            "actions__timescale",
            "actions__status",
        )
    )
    found: dict[int, list[dict]] = {}
    for row in rows:
        due = row["actions__due_date"]
        found.setdefault(row["pk"], []).append(
            {
                "title": row["actions__title"],
                "lead_agency": row["actions__lead_agency__name"] or "",
                "due_date": due.isoformat() if due else None,
                "timescale": row["actions__timescale"],
                "status": PUBLIC_ACTION_STATUSES[row["actions__status"]],
            }
        )
    return found


def public_content(plan: Plan) -> dict:
    """The plan as the public will see it, as plain JSON: what the preview shows and what publishing
    stores. Six queries, whatever the plan's size."""
    partnership = plan.partnership
    priorities = (
        Priority.objects.filter(plan=plan, status__in=PUBLIC_PRIORITY_STATUSES)
        .select_related("lead_agency")
        .prefetch_related("outcomes", "current_work", "commitments")
        .order_by("order", "pk")
    )
    actions = _public_actions(plan)
    return {
        "partnership": {
            "name": partnership.name,
            "slug": partnership.slug,
            "authorities": list(partnership.authorities.order_by("name").values_list("name", flat=True)),
        },
        "plan": {
            "title": plan.title,
            "kind": plan.kind_label,
            "period": plan.period_label,
            "period_start": plan.period_start.isoformat(),
            "period_end": plan.period_end.isoformat(),
        },
        "priorities": [
            {
                "title": priority.title,
                "watching_brief": priority.status == Priority.Status.WATCHING,
                "lead_agency": priority.lead_agency.name if priority.lead_agency_id else "",
                "outcomes": _points(priority.outcomes.all()),
                "current_work": _points(priority.current_work.all()),
                "commitments": _points(priority.commitments.all()),
                "actions": actions.get(priority.pk, []),
            }
            for priority in priorities
        ],
    }


def _dated(snapshot: dict) -> dict:
    """The snapshot with its ISO dates as dates, for the template to write them out."""
    plan = snapshot["plan"]
    period = {name: date.fromisoformat(plan[name]) for name in ("period_start", "period_end")}
    priorities = [
        priority
        | {
            "actions": [
                action | {"due_date": date.fromisoformat(action["due_date"]) if action["due_date"] else None}
                for action in priority["actions"]
            ]
        }
        for priority in snapshot["priorities"]
    ]
    return snapshot | {
        "plan": plan | period,
        "priorities": priorities,
    }


def render_content(snapshot: dict) -> str:
    """The public page's content below its heading: the same for the preview and the public page."""
    return render_to_string(CONTENT_TEMPLATE, {"content": _dated(snapshot)})


# -- Reads -------------------------------------------------------------------------------------------


def publication_of(plan: Plan) -> PublishedPlan | None:
    """The plan's publication, public or withdrawn, or None if it was never published."""
    return PublishedPlan.objects.filter(plan=plan).select_related("published_by").first()


@dataclass(frozen=True)
class PublicPlan:
    """A published plan's public page: its heading, the content rendered from its snapshot, and the
    quarters whose progress the partnership has published, newest first (``quarters``: each with
    the partnership's slug, the quarter and when it was published)."""

    title: str
    partnership: str
    kind: str
    published_at: datetime
    html: str
    quarters: tuple[dict, ...] = ()


def _current_with_quarters(slug: str) -> list[dict]:
    """The partnership's public plan (its pk and publication time), a row for each quarter whose
    progress is public (reports.PublishedQuarter, read through the partnership's reverse relation so
    that priorities need not import the reports built on them), newest first: one query."""
    public_quarter = FilteredRelation(
        "partnership__published_quarters",
        condition=Q(partnership__published_quarters__withdrawn_at__isnull=True),
    )
    return list(
        PublishedPlan.objects.filter(partnership__slug=slug, withdrawn_at__isnull=True)
        .annotate(public_quarter=public_quarter)
        .order_by(F("public_quarter__year").desc(nulls_last=True), F("public_quarter__number").desc(nulls_last=True))
        .values("pk", "published_at", "public_quarter__year", "public_quarter__number", "public_quarter__published_at")
    )


def public_plan(slug: str) -> PublicPlan | None:
    """The partnership's public plan with its published quarters, or None (never published, or
    withdrawn). One query when the page is cached, two when it is not, whatever the plan's size and
    however many quarters are published (they come with the first, so they are always current)."""
    rows = _current_with_quarters(slug)
    if not rows:
        return None
    current = rows[0]
    quarters = tuple(
        {
            "slug": slug,
            "quarter": Quarter(row["public_quarter__year"], row["public_quarter__number"]),
            "published_at": row["public_quarter__published_at"],
        }
        for row in rows
        if row["public_quarter__year"] is not None
    )
    page = cached_page(
        PublishedPlan,
        current,
        "public-plan",
        lambda snapshot: PublicPlan(
            title=snapshot["plan"]["title"],
            partnership=snapshot["partnership"]["name"],
            kind=snapshot["plan"]["kind"],
            published_at=current["published_at"],
            html=render_content(snapshot),
        ),
    )
    return replace(page, quarters=quarters)


def cached_page(model: type[models.Model], current: dict, prefix: str, build: Callable[[dict], Page]) -> Page:
    """The public page of the publication ``current`` (a ``model`` row's pk and published_at): from
    the cache, or built from its snapshot (one query) and cached under a key that names the
    publication and its time, so that publishing again or withdrawing shows at once."""
    key = f"{prefix}:{current['pk']}:{current['published_at'].isoformat()}"
    page = cache.get(key)
    if page is None:
        page = build(model.objects.values_list("snapshot", flat=True).get(pk=current["pk"]))
        cache.set(key, page, CACHE_SECONDS)
    return page


def public_plans() -> list[dict]:
    """The partnerships with a public plan, by name, each with its slug, name, plan title, period and
    publication time. One query when cached, two when not."""
    state = PublishedPlan.objects.aggregate(
        public=Count("pk", filter=Q(withdrawn_at__isnull=True)),
        published=Max("published_at"),
        withdrawn=Max("withdrawn_at"),
    )
    key = "public-plans:{public}:{published}:{withdrawn}".format(
        **{name: value.isoformat() if isinstance(value, datetime) else value for name, value in state.items()}
    )
    rows = cache.get(key)
    if rows is None:
        rows = list(
            PublishedPlan.objects.filter(withdrawn_at__isnull=True)
            .order_by("partnership__name")
            .values(
                "published_at",
                slug=F("partnership__slug"),
                name=F("partnership__name"),
                title=KT("snapshot__plan__title"),
                period=KT("snapshot__plan__period"),
            )
        )
        cache.set(key, rows, CACHE_SECONDS)
    return rows


# -- Writes ------------------------------------------------------------------------------------------


@transaction.atomic
def publish_plan(plan: Plan, *, actor: User | None) -> PublishedPlan:
    """Publish the plan's public content as it is now, replacing what was public before (this
    plan's earlier version, or another plan of the partnership, which is withdrawn: a partnership
    has one public plan). The history keeps each version, who published it and when."""
    if plan.status == Plan.Status.ARCHIVED:
        raise ValidationError("An archived plan cannot be published: restore it first.")
    now = timezone.now()
    # Lock the partnership's publications, so two officers publishing at once queue.
    held = {row.plan_id: row for row in PublishedPlan.objects.select_for_update().filter(partnership=plan.partnership)}
    for other in held.values():
        if other.plan_id != plan.pk and other.is_public:
            other.withdrawn_at = now
            writes.save(other, actor=actor, update_fields=["withdrawn_at"])
    publication = held.get(plan.pk) or PublishedPlan(plan=plan, partnership=plan.partnership)
    publication.snapshot = public_content(plan)
    publication.published_at = now
    publication.published_by = actor
    publication.withdrawn_at = None
    writes.save(publication, actor=actor)
    return publication


@transaction.atomic
def withdraw_plan(plan: Plan, *, actor: User | None) -> bool:
    """Take the plan's public page down at once; False if it was not public."""
    return withdraw_public(PublishedPlan.objects.filter(plan=plan), actor=actor)


def withdraw_public(publications: QuerySet, *, actor: User | None) -> bool:
    """Take down at once the public one of ``publications`` (a published plan, or a quarter's
    progress summary: rows with ``withdrawn_at``), locked first; False if none was public. The
    caller holds the transaction."""
    publication = publications.select_for_update().filter(withdrawn_at__isnull=True).first()
    if publication is None:
        return False
    publication.withdrawn_at = timezone.now()
    writes.save(publication, actor=actor, update_fields=["withdrawn_at"])
    return True
