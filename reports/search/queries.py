"""The one search box: actions, priorities, progress returns, threats and people, within the
partnerships the person may open, and nothing else.

What each kind may show is the rule its own page applies: every role of a partnership (and the
read-only county and district roles) reads its actions, priorities, returns and evidence; only its
officers and site administrators see its people; and a draft return's words are its lead's own, so
a draft is searched only for its lead. Each kind is one query, capped at CAP rows with the full
count carried alongside (a window function), so a search runs the same few queries however much
there is to find.

On PostgreSQL the words are matched by full-text search (English stemming, ranked); the embedded
SQLite database that ``make run`` uses matches each word as a plain substring instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, Q, QuerySet, Window
from django.urls import reverse

from actionplans.models import Action, ProgressReturn
from assessments.models import Threat
from csp_portal.organisations.models import Partnership, Role, User
from priorities.models import Priority

MIN_LENGTH = 2
MAX_LENGTH = 100
CAP = 20  # rows of each kind shown; the count says how many more there are
CONFIG = "english"


@dataclass
class Hit:
    """One thing found: what it is called, where it lives, and the page that shows it."""

    title: str
    url: str
    partnership: str
    detail: str = ""


@dataclass
class Group:
    """The hits of one kind: the first CAP of ``total``."""

    kind: str
    hits: list[Hit]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


@dataclass
class Results:
    query: str
    problem: str = ""
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def cleaned(text: str) -> str:
    """The query as searched: control characters (a NUL would stop PostgreSQL) become spaces, and
    runs of spaces one."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def problem_with(query: str) -> str:
    """Why the query cannot be searched, or '' when it can."""
    if not query:
        return "Enter a word or two to search for."
    if len(query) < MIN_LENGTH:
        return f"Enter at least {MIN_LENGTH} characters to search for."
    if len(query) > MAX_LENGTH:
        return f"Enter at most {MAX_LENGTH} characters to search for."
    return ""


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def matching(queryset: QuerySet, fields: Iterable[str], query: str, *, full_text: bool | None = None) -> QuerySet:
    """The rows of ``queryset`` whose ``fields`` match the query, best first. Full text (PostgreSQL,
    English stemming, the web-search syntax: quotes, 'or', '-word') when available; otherwise every
    word must appear, as typed, in one of the fields (what the embedded SQLite database offers)."""
    fields = list(fields)
    if full_text is None:
        full_text = full_text_available()
    if full_text:
        vector = SearchVector(*fields, config=CONFIG)
        wanted = SearchQuery(query, config=CONFIG, search_type="websearch")
        found = queryset.annotate(search_document=vector).filter(search_document=wanted)
        return found.annotate(relevance=SearchRank(vector, wanted)).order_by("-relevance", "pk")
    words = query.split()
    each = [reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields)) for word in words]
    return queryset.filter(reduce(and_, each)).order_by("pk")


def first_of(queryset: QuerySet, to_hit: Callable[[object], Hit], kind: str) -> Group:
    """The first CAP rows and how many there are in all: one query (the count is a window over the
    whole match, computed before the rows are cut)."""
    rows = list(queryset.annotate(found=Window(Count("pk")))[:CAP])
    return Group(kind, [to_hit(row) for row in rows], rows[0].found if rows else 0)


# -- Who may see what -------------------------------------------------------------------------------


def visible_ids(user: User) -> QuerySet:
    """The partnerships whose plans, returns and evidence the user reads (a subquery)."""
    return Partnership.objects.for_user(user).values("pk")


def members_visible_ids(user: User) -> QuerySet:
    """The partnerships whose people the user may see, as the members page allows: where they are
    an officer, or all of them for a site administrator (a subquery)."""
    if user.is_active and user.is_superuser:
        return Partnership.objects.values("pk")
    return Role.objects.filter(user=user, role=Role.Kind.OFFICER).values("partnership_id")


# -- Each kind --------------------------------------------------------------------------------------


def actions(user: User, query: str) -> Group:
    found = Action.objects.active().filter(
        Q(priority__isnull=True) | Q(priority__archived_at__isnull=True), partnership_id__in=visible_ids(user)
    )
    found = matching(found, ["title", "activity", "resources", "targets", "timescale", "other_partners"], query)

    def hit(action: Action) -> Hit:
        partnership = action.partnership
        url = reverse("actionplans:action_detail", args=[partnership.slug, action.pk])
        serves = f"Priority: {action.priority.title}" if action.priority_id else str(action.recommendation)
        return Hit(action.title, url, partnership.name, serves)

    return first_of(found.select_related("partnership", "priority", "recommendation__review"), hit, "Actions")


def priorities(user: User, query: str) -> Group:
    found = Priority.objects.filter(plan__partnership_id__in=visible_ids(user))
    found = matching(found, ["title", "why", "lead_role", "owner"], query)

    def hit(priority: Priority) -> Hit:
        partnership = priority.plan.partnership
        url = reverse("priorities:priority_detail", args=[partnership.slug, priority.plan_id, priority.pk])
        return Hit(priority.title, url, partnership.name, f"Plan: {priority.plan.title}")

    return first_of(found.select_related("plan__partnership"), hit, "Priorities")


def progress_returns(user: User, query: str) -> Group:
    """Returns whose words match; a draft only for its action's lead, whose work it still is."""
    found = ProgressReturn.objects.filter(
        action__archived_at__isnull=True, action__partnership_id__in=visible_ids(user)
    ).filter(~Q(status=ProgressReturn.Status.DRAFT) | Q(action__lead_user_id=user.pk))
    found = matching(found, ["narrative", "risks", "support_needed", "officer_comment"], query)

    def hit(progress: ProgressReturn) -> Hit:
        partnership = progress.action.partnership
        url = reverse("actionplans:return_edit", args=[partnership.slug, progress.action_id, progress.quarter])
        detail = f"{progress.quarter.label}, {progress.get_status_display().lower()}"
        return Hit(progress.action.title, url, partnership.name, detail)

    return first_of(found.select_related("action__partnership"), hit, "Progress returns")


def threats(user: User, query: str) -> Group:
    found = Threat.objects.filter(assessment__partnership_id__in=visible_ids(user))
    found = matching(found, ["name", "description", "override_reason"], query)

    def hit(threat: Threat) -> Hit:
        assessment = threat.assessment
        url = reverse("assessments:assessment_detail", args=[assessment.partnership.slug, assessment.pk])
        return Hit(threat.name, f"{url}#threats", assessment.partnership.name, f"Assessment: {assessment.title}")

    return first_of(found.select_related("assessment__partnership"), hit, "Threats")


def people(user: User, query: str) -> Group:
    """People holding a role in a partnership whose members the user may see, each with the
    partnerships (of those) they work in; two queries."""
    roles = Role.objects.filter(partnership_id__in=members_visible_ids(user))
    found = User.objects.filter(pk__in=roles.values("user_id"))
    # Names are not English prose (no stemming): every word is matched as typed, on any database.
    found = matching(found, ["full_name", "job_title", "agency__name"], query, full_text=False)
    group = first_of(found.select_related("agency").order_by("full_name", "pk"), lambda person: person, "People")
    shown = {person.pk: person for person in group.hits}
    where: dict[int, list[Partnership]] = {pk: [] for pk in shown}
    for role in roles.filter(user_id__in=shown).select_related("partnership").order_by("partnership__name"):
        if role.partnership not in where[role.user_id]:
            where[role.user_id].append(role.partnership)
    group.hits = [_person_hit(person, where[person.pk]) for person in shown.values()]
    return group


def _person_hit(person: User, partnerships: list[Partnership]) -> Hit:
    first = partnerships[0]
    detail = ", ".join(part for part in (person.job_title, person.agency.name if person.agency_id else "") if part)
    url = reverse("partnership_members", args=[first.slug])
    return Hit(person.full_name or person.email, url, ", ".join(p.name for p in partnerships), detail)


KINDS = (actions, priorities, progress_returns, threats, people)


def search(user: User, text: str) -> Results:
    """What the user may open that matches ``text``, by kind: a fixed number of queries."""
    query = cleaned(text)
    problem = problem_with(query)
    if problem:
        return Results(query, problem)
    return Results(query, groups=[kind(user, query) for kind in KINDS])
