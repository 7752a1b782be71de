"""Publishing a plan as a public web page: the officer previews, publishes, publishes again and
withdraws, each in the history with who did it; anyone reads the public pages without signing in,
rendered from what was published and nothing else."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action
from csp_portal.organisations.models import Agency
from priorities import publication
from priorities.models import Plan, Priority, PublishedPlan
from tests import demo_copy
from tests.actionplans.factories import ActionFactory, ReturnFactory
from tests.factories import AgencyFactory

from .conftest import url
from .factories import CommitmentFactory, CurrentWorkFactory, OutcomeFactory, PlanFactory, PriorityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def public_url(plan: Plan) -> str:
    return reverse("public:plan", args=[plan.partnership.slug])


def main_of(html: str) -> str:
    return html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]


def content_of(html: str) -> str:
    """The published content of a preview or public page: from its summary list to the end of main."""
    main = main_of(html)
    content = " ".join(main[main.index('<dl class="govuk-summary-list">') :].split())
    return re.sub(r"(\s*</div>)*$", "", content)  # less the page's columns closing


@pytest.fixture
def agencies():
    names = {"police": "Lancashire Constabulary", "council": "Lancaster City Council"}
    return {key: Agency.objects.get_or_create(name=name)[0] for key, name in names.items()}


@pytest.fixture
def public_plan(world, cast, agencies):
    """The Lancaster plan with an action of each status, one archived, and a draft progress return."""
    world.abuse.lead_agency = agencies["police"]
    world.abuse.save()
    action = ActionFactory(
        priority=world.abuse,
        title="Train frontline staff in DASH risk assessment",
        lead_agency=agencies["council"],
        lead_user=cast.lead,
        due_date=date(2026, 3, 31),
        status=Action.Status.IN_PROGRESS,
    )
    ActionFactory(priority=world.abuse, title="Refuge campaign", status=Action.Status.COMPLETE, timescale="2025/26")
    ActionFactory(priority=world.abuse, title="Cancelled idea", status=Action.Status.CANCELLED)
    ActionFactory(priority=world.abuse, title="Draft idea", status=Action.Status.DRAFT)
    ActionFactory(priority=world.roads, title="Archived speed checks", archived_at=datetime(2025, 6, 1, tzinfo=UTC))
    ReturnFactory(action=action, narrative="Draft narrative", risks="Risk text", support_needed="Escalation text")
    return world.plan


# -- What is public ----------------------------------------------------------------------------------


def test_the_public_content_holds_the_public_fields_and_nothing_else(public_plan, world):
    content = publication.public_content(public_plan)
    assert content["partnership"] == {
        "name": "Lancaster District CSP",
        "slug": "lancaster",
        "authorities": ["Lancaster"],
    }
    assert content["plan"]["title"] == "Lancaster District Plan 2022-2025"
    abuse, roads = content["priorities"]
    assert (abuse["title"], abuse["lead_agency"]) == ("Domestic violence and abuse", "Lancashire Constabulary")
    assert [p["heading"] for p in abuse["outcomes"]] == [
        "Reduce repeat referrals to MARAC",
        "Increase reporting of domestic abuse",
    ]
    assert abuse["current_work"] == [{"heading": "Partners attend:", "sub_points": ["MARAC", "MAPPA"]}]
    assert abuse["actions"] == [
        {
            "title": "Train frontline staff in DASH risk assessment",
            "lead_agency": "Lancaster City Council",
            "due_date": "2026-03-31",
            "timescale": "To March 2026",
            "status": "In progress",
        },
        {
            "title": "Refuge campaign",
            "lead_agency": "",
            "due_date": None,
            "timescale": "2025/26",
            "status": "Complete",
        },
    ]
    assert roads["actions"] == []  # its only action is archived
    text = repr(content)
    for private in ("Chief Inspector", "Liam Lead", "@", "Draft narrative", "Risk text", "Escalation text"):
        assert private not in text


def test_archived_and_retired_priorities_are_left_out(public_plan, world, cast):
    PriorityFactory(plan=public_plan, title="Retired theme", status=Priority.Status.RETIRED)
    PriorityFactory(plan=public_plan, title="Watched theme", status=Priority.Status.WATCHING)
    from priorities import services

    services.archive_priority(world.roads, actor=cast.officer)
    content = publication.public_content(public_plan)
    assert [(p["title"], p["watching_brief"]) for p in content["priorities"]] == [
        ("Domestic violence and abuse", False),
        ("Watched theme", True),
    ]


def test_the_public_action_statuses_are_the_action_plans_own_labels():
    for status, label in publication.PUBLIC_ACTION_STATUSES.items():
        assert Action.Status(status).label == label
    assert set(publication.PUBLIC_ACTION_STATUSES) == {s.value for s in Action.Status} - {"draft", "cancelled"}


# -- Preview, publish, publish again, withdraw ----------------------------------------------------------


def test_the_preview_is_what_is_published(public_plan, login, cast):
    client = login(cast.officer)
    preview = client.get(url("plan_publish", public_plan))
    assert preview.status_code == 200
    assert not PublishedPlan.objects.exists()  # the preview publishes nothing

    response = client.post(url("plan_publish", public_plan))
    assert response.status_code == 302
    published = PublishedPlan.objects.get(plan=public_plan)
    assert published.snapshot == publication.public_content(public_plan)
    public = Client().get(public_url(public_plan))
    assert public.status_code == 200
    assert content_of(public.content.decode()) == content_of(preview.content.decode())


def test_publish_again_and_withdraw_are_each_in_the_history_with_the_officer(public_plan, login, cast, world):
    client = login(cast.officer)
    client.post(url("plan_publish", public_plan))
    world.abuse.title = "Domestic abuse and stalking"
    world.abuse.save()
    client.post(url("plan_publish", public_plan))
    client.post(url("plan_withdraw", public_plan))
    admin = login(cast.admin)
    admin.post(url("plan_publish", public_plan))

    published = PublishedPlan.objects.get(plan=public_plan)
    versions = list(published.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.history_user, v.withdrawn_at is None) for v in versions] == [
        ("+", cast.officer, True),
        ("~", cast.officer, True),
        ("~", cast.officer, False),
        ("~", cast.admin, True),
    ]
    assert versions[0].snapshot["priorities"][0]["title"] == "Domestic violence and abuse"
    assert versions[1].snapshot["priorities"][0]["title"] == "Domestic abuse and stalking"
    assert published.published_by == cast.admin


def test_edits_after_publishing_stay_private_until_published_again(public_plan, login, cast, world):
    officer = login(cast.officer)
    officer.post(url("plan_publish", public_plan))
    anonymous = Client()
    assert "Domestic violence and abuse" in anonymous.get(public_url(public_plan)).content.decode()

    world.abuse.title = "Unpublished new title"
    world.abuse.save()
    OutcomeFactory(priority=world.abuse, text="Unpublished outcome")
    page = anonymous.get(public_url(public_plan)).content.decode()
    assert "Unpublished" not in page
    assert "Domestic violence and abuse" in page

    officer.post(url("plan_publish", public_plan))
    page = anonymous.get(public_url(public_plan)).content.decode()
    assert "Unpublished new title" in page and "Unpublished outcome" in page


def test_withdrawing_takes_the_page_down_at_once(public_plan, login, cast):
    officer = login(cast.officer)
    officer.post(url("plan_publish", public_plan))
    anonymous = Client()
    assert anonymous.get(public_url(public_plan)).status_code == 200  # and now cached
    assert "Lancaster District CSP" in anonymous.get(reverse("public:index")).content.decode()

    response = officer.post(url("plan_withdraw", public_plan), follow=True)
    assert "is no longer public" in response.content.decode()
    assert anonymous.get(public_url(public_plan)).status_code == 404
    assert "Lancaster District CSP" not in anonymous.get(reverse("public:index")).content.decode()
    assert "Withdrawn on" in officer.get(url("plan_detail", public_plan)).content.decode()


def test_publishing_another_plan_replaces_the_partnerships_public_plan(public_plan, cast):
    publication.publish_plan(public_plan, actor=cast.officer)
    newer = PlanFactory(partnership=cast.lancaster, title="Lancaster District Plan 2025-2028")
    publication.publish_plan(newer, actor=cast.officer)
    assert PublishedPlan.objects.get(plan=public_plan).withdrawn_at is not None
    assert "Lancaster District Plan 2025-2028" in Client().get(public_url(newer)).content.decode()


def test_an_archived_plan_cannot_be_published(public_plan, login, cast):
    public_plan.status = Plan.Status.ARCHIVED
    public_plan.save()
    response = login(cast.officer).post(url("plan_publish", public_plan))
    assert response.status_code == 200
    assert "restore it first" in response.content.decode()
    assert not PublishedPlan.objects.exists()


def test_the_plan_page_says_whether_and_when_it_was_published(public_plan, login, cast):
    officer = login(cast.officer)
    page = officer.get(url("plan_detail", public_plan)).content.decode()
    assert "Not published: the public sees nothing of this plan." in page
    assert url("plan_publish", public_plan) in page

    officer.post(url("plan_publish", public_plan))
    page = officer.get(url("plan_detail", public_plan)).content.decode()
    assert "Published on" in page and "by Olivia Officer" in page
    assert public_url(public_plan) in page and url("plan_withdraw", public_plan) in page
    board = login(cast.board_member).get(url("plan_detail", public_plan)).content.decode()
    assert public_url(public_plan) in board
    assert url("plan_withdraw", public_plan) not in board and url("plan_publish", public_plan) not in board


def test_the_public_page_shows_no_signed_in_navigation_even_to_the_officer(public_plan, login, cast):
    publication.publish_plan(public_plan, actor=cast.officer)
    officer_view = login(cast.officer).get(public_url(public_plan)).content.decode()
    assert "Your account" not in officer_view
    assert 'aria-label="Menu"' not in officer_view and "govuk-service-navigation" not in officer_view


# -- The anonymous crawl --------------------------------------------------------------------------------

MARKERS = {
    "draft return": "MARKER-DRAFT-RETURN-5c1",
    "risk": "MARKER-RISK-77a",
    "escalation": "MARKER-ESCALATION-9e2",
    "e-mail": "marker-person-3f0@example.org",
    "lead person": "MARKER-PERSON-NAME-b4d",
    "lead role": "MARKER-LEAD-ROLE-a19",
    "why": "MARKER-WHY-0c3",
    "activity": "MARKER-ACTIVITY-e88",
    "unpublished plan": "MARKER-UNPUBLISHED-PLAN-d51",
    "draft action": "MARKER-DRAFT-ACTION-12f",
}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def crawl(client: Client, start: str) -> dict[str, str]:
    """Every page under /public/ reachable from ``start`` by links: url -> HTML."""
    seen: dict[str, str] = {}
    queue = [start]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        seen[path] = html = response.content.decode()
        parser = Links()
        parser.feed(html)
        for href in parser.found:
            target = urlsplit(urljoin(path, href))
            if not target.netloc and target.path.startswith("/public/"):
                queue.append(target.path)
    return seen


def test_an_anonymous_visitor_reaches_nothing_private(public_plan, world, cast):
    cast.lead.email = MARKERS["e-mail"]
    cast.lead.full_name = MARKERS["lead person"]
    cast.lead.save()
    world.abuse.lead_user = cast.lead
    world.abuse.lead_role = MARKERS["lead role"]
    world.abuse.why = MARKERS["why"]
    world.abuse.save()
    action = ActionFactory(
        priority=world.abuse, title="Street triage", lead_user=cast.lead, activity=MARKERS["activity"]
    )
    ActionFactory(priority=world.abuse, title=MARKERS["draft action"], status=Action.Status.DRAFT)
    ReturnFactory(
        action=action, narrative=MARKERS["draft return"], risks=MARKERS["risk"], support_needed=MARKERS["escalation"]
    )
    hidden = PlanFactory(partnership=cast.chorley_south_ribble, title=MARKERS["unpublished plan"])
    PriorityFactory(plan=hidden, title=MARKERS["unpublished plan"] + " priority")
    publication.publish_plan(public_plan, actor=cast.officer)

    anonymous = Client()
    pages = crawl(anonymous, reverse("public:index"))
    assert set(pages) == {reverse("public:index"), public_url(public_plan)}
    assert "Street triage" in pages[public_url(public_plan)]
    for path, html in pages.items():
        for what, marker in MARKERS.items():
            assert marker.lower() not in html.lower(), f"{what} on {path}"
    assert anonymous.get(public_url(hidden)).status_code == 404
    assert anonymous.get(reverse("public:plan", args=["no-such-partnership"])).status_code == 404


# -- Queries and cache ----------------------------------------------------------------------------------


def grow(plan: Plan, size: int) -> None:
    for _ in range(size):
        priority = PriorityFactory(plan=plan, lead_agency=AgencyFactory())
        OutcomeFactory(priority=priority, text="Grown outcome")
        CurrentWorkFactory(priority=priority, text="Current work\n- a sub-point")
        CommitmentFactory(priority=priority, text="A commitment")
        ActionFactory(priority=priority, lead_agency=AgencyFactory(), due_date=date(2026, 3, 31))


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_public_pages_run_one_or_two_queries_whatever_the_plans_size(public_plan, cast, login):
    anonymous = Client()
    grow(public_plan, 1)
    publication.publish_plan(public_plan, actor=cast.officer)
    assert [queries_of(anonymous, public_url(public_plan)) for _ in range(2)] == [2, 1]  # then cached
    assert [queries_of(anonymous, reverse("public:index")) for _ in range(2)] == [2, 1]

    grow(public_plan, 10)
    other = PlanFactory(partnership=cast.chorley_south_ribble)
    grow(other, 10)
    publication.publish_plan(public_plan, actor=cast.officer)
    publication.publish_plan(other, actor=cast.csr_officer)
    assert [queries_of(anonymous, public_url(public_plan)) for _ in range(2)] == [2, 1]
    assert [queries_of(anonymous, reverse("public:index")) for _ in range(2)] == [2, 1]
    assert anonymous.get(public_url(public_plan)).content.decode().count("Grown outcome") == 11


def test_preview_and_publishing_do_not_grow_with_the_plan(public_plan, cast, login):
    officer = login(cast.officer)
    grow(public_plan, 1)
    small = [
        queries_of(officer, url("plan_publish", public_plan)),
        queries_of(officer, url("plan_detail", public_plan)),
    ]
    with CaptureQueriesContext(connection) as before:
        publication.publish_plan(public_plan, actor=cast.officer)
    grow(public_plan, 10)
    large = [
        queries_of(officer, url("plan_publish", public_plan)),
        queries_of(officer, url("plan_detail", public_plan)),
    ]
    with CaptureQueriesContext(connection) as after:
        publication.publish_plan(public_plan, actor=cast.officer)
    assert large == small
    assert len(after) == len(before)


# -- The demo -------------------------------------------------------------------------------------------


def test_the_demo_publishes_lancasters_plan_and_loading_it_again_changes_nothing():
    demo_copy.load_demo()  # the rows of one run of the command, copied back
    versions = PublishedPlan.history.count()
    demo_copy.load_demo_again()
    assert PublishedPlan.history.count() == versions
    published = PublishedPlan.objects.get(partnership__slug="lancaster", withdrawn_at__isnull=True)
    assert published.snapshot == publication.public_content(published.plan)
    page = Client().get(reverse("public:plan", args=["lancaster"]))
    assert page.status_code == 200
    assert published.plan.title in page.content.decode()
