"""A quarter's public progress summary: the officer previews it with a commentary, publishes it,
publishes it again and withdraws it, each in the history with who did it; anyone reads it without
signing in, rendered from what was published: the RAG counts of the public plan's actions by their
accepted returns (as the board report counts them) and nothing of the returns' words or anyone's name."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import Action, ProgressReturn
from csp_portal.organisations.models import Agency
from csp_portal.quarters import Quarter
from priorities.models import PublishedPlan
from priorities.publication import publish_plan, withdraw_plan
from reports import publication, snapshot
from reports.models import PublishedQuarter
from tests import demo_copy
from tests.actionplans.factories import ActionFactory, PlanFactory, PriorityFactory, ReturnFactory
from tests.priorities.test_publication import MARKERS as PLAN_MARKERS
from tests.priorities.test_publication import crawl

from .conftest import Q1, Q2, decide, returned

pytestmark = pytest.mark.django_db

COMMENTARY = "Most actions are on track.\nThe refuge campaign ends in March."


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public(cast, data):
    """Lancaster's plan published, its actions led by agencies (the campaign's also by a person)."""
    police = Agency.objects.get_or_create(name="Lancashire Constabulary")[0]
    Action.objects.filter(pk__in=[data.campaign.pk, data.speed.pk]).update(lead_agency=police)
    publish_plan(data.dv.plan, actor=cast.officer)
    return data


def officer_url(name: str, quarter: Quarter = Q2, slug: str = "lancaster") -> str:
    return reverse(f"reports:{name}", args=[slug, quarter])


def public_url(quarter: Quarter = Q2, slug: str = "lancaster") -> str:
    return reverse("public_progress:quarter", args=[slug, quarter])


def content_of(html: str) -> str:
    """The published figures of a preview or public page: from their first heading to the end of main."""
    main = html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]
    content = " ".join(main[main.index('<h2 class="govuk-heading-m">How the actions stand') :].split())
    return re.sub(r"(\s*</div>)*$", "", content)  # less the page's columns closing


# -- What is public ----------------------------------------------------------------------------------


def test_the_summary_holds_the_public_fields_and_the_accepted_rags_only(public, cast):
    summary = publication.public_summary(public.dv.plan, Q2)
    assert summary["partnership"] == {"name": "Lancaster District CSP", "slug": "lancaster"}
    assert summary["plan"] == {"title": "Lancaster District Community Safety Plan"}
    assert summary["quarter"] | {"months": None} == {
        "slug": "2025-26-Q2",
        "label": "2025/26 Q2",
        "year": 2025,
        "number": 2,
        "months": None,
    }
    dv, roads = summary["priorities"]
    assert dv["title"] == "Domestic violence and abuse"
    assert dv["actions"] == [
        {
            "title": "DV prevention campaign",
            "lead_agency": "Lancashire Constabulary",
            "rag": "amber",
            "rag_label": "Amber",
            "percent_complete": None,
            "rag_from": "",
        },
        {  # its Q2 return is red, submitted and not yet accepted: it does not count
            "title": "MARAC improvements",
            "lead_agency": "",
            "rag": "none",
            "rag_label": "No accepted return",
            "percent_complete": None,
            "rag_from": "",
        },
    ]
    assert dv["counts"] == {"red": 0, "amber": 1, "green": 0, "complete": 0, "not_started": 0, "none": 1, "total": 2}
    assert [a["rag"] for a in roads["actions"]] == ["complete"]
    assert summary["counts"] == {
        "red": 0,
        "amber": 1,
        "green": 0,
        "complete": 1,
        "not_started": 0,
        "none": 1,
        "total": 3,
    }
    text = repr(summary)
    for private in ("Two schools declined", "Funding gap", "match-funding", "vacant", "Vacancy", "Liam", "@"):
        assert private not in text


def test_the_counts_are_the_board_reports_for_the_public_actions(public, cast):
    drafted = ActionFactory(priority=public.roads, title="Drafted return", status=Action.Status.IN_PROGRESS)
    ReturnFactory(action=drafted, year=2025, number=2, rag="red", status="draft")  # a draft counts nowhere
    draft_action = ActionFactory(priority=public.roads, title="Still a draft", status=Action.Status.DRAFT)
    returned(draft_action, Q2, "green")
    publish_plan(public.dv.plan, actor=cast.officer)  # the plan as the public reads it now
    for quarter in (Q1, Q2):
        report = snapshot.build(cast.lancaster, quarter)
        summary = publication.public_summary(public.dv.plan, quarter)
        assert [(p["title"], p["counts"]) for p in summary["priorities"]] == [
            (p["title"], p["counts"]) for p in report["priorities"]
        ]
        assert summary["counts"] == report["summary"]["counts"]
    assert publication.public_summary(public.dv.plan, Q1)["priorities"][0]["actions"][0]["rag"] == "green"


def test_an_earlier_accepted_return_gives_the_rag_and_says_so(public):
    returned(public.marac, Q1, "green", percent_complete=40)
    marac = publication.public_summary(public.dv.plan, Q2)["priorities"][0]["actions"][1]
    assert (marac["rag"], marac["percent_complete"], marac["rag_from"]) == ("green", 40, "2025/26 Q1")


# -- Preview, publish, publish again, withdraw ---------------------------------------------------------


def accept_marac(percent_complete: int | None) -> None:
    """The officer accepts the MARAC action's Q2 return, as green."""
    ProgressReturn.objects.filter(action__title="MARAC improvements", year=2025, number=2).update(
        status=ProgressReturn.Status.ACCEPTED, rag="green", percent_complete=percent_complete
    )


def test_the_preview_is_what_is_published(public, login, cast):
    officer = login(cast.officer)
    preview = officer.get(officer_url("progress_publish"))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Shown to the public as written. Do not name people or include anything not yet public." in page
    assert '<label class="govuk-label' in page and 'for="id_commentary"' in page
    assert not PublishedQuarter.objects.exists()  # the preview publishes nothing

    response = officer.post(officer_url("progress_publish"), {"commentary": COMMENTARY})
    assert response.status_code == 302
    published = PublishedQuarter.objects.get()
    assert published.snapshot == publication.public_summary(public.dv.plan, Q2)
    assert published.commentary == COMMENTARY
    anonymous = Client().get(public_url())
    assert anonymous.status_code == 200
    assert content_of(anonymous.content.decode()) == content_of(preview.content.decode())
    shown = anonymous.content.decode()
    assert "Most actions are on track.<br>The refuge campaign ends in March." in shown
    again = officer.get(officer_url("progress_publish")).content.decode()
    assert "Most actions are on track.<br>The refuge campaign ends in March." in again  # as it will stay


def test_publish_again_and_withdraw_are_each_in_the_history_with_the_officer(public, login, cast):
    officer = login(cast.officer)
    officer.post(officer_url("progress_publish"), {"commentary": "First."})
    accept_marac(percent_complete=None)  # accepted since
    officer.post(officer_url("progress_publish"), {"commentary": "Second."})
    response = officer.post(officer_url("progress_withdraw"), follow=True)
    assert "The 2025/26 Q2 progress summary is no longer public" in response.content.decode()
    assert Client().get(public_url()).status_code == 404
    login(cast.admin).post(officer_url("progress_publish"), {"commentary": "Third."})

    published = PublishedQuarter.objects.get()
    versions = list(published.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.history_user, v.withdrawn_at is None, v.commentary) for v in versions] == [
        ("+", cast.officer, True, "First."),
        ("~", cast.officer, True, "Second."),
        ("~", cast.officer, False, "Second."),
        ("~", cast.admin, True, "Third."),
    ]
    assert versions[0].snapshot["counts"]["green"] == 0 and versions[1].snapshot["counts"]["green"] == 1
    assert published.published_by == cast.admin
    assert "Third." in Client().get(public_url()).content.decode()


def test_returns_accepted_after_publishing_stay_private_until_published_again(public, cast):
    publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    anonymous = Client()
    assert "No accepted return" in anonymous.get(public_url()).content.decode()  # and now cached
    accept_marac(percent_complete=55)
    assert "55%" not in anonymous.get(public_url()).content.decode()
    publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    assert "55%" in anonymous.get(public_url()).content.decode()


def test_without_a_public_plan_the_summary_is_refused_with_the_reason(data, login, cast):
    officer = login(cast.officer)
    page = officer.get(officer_url("progress_publish")).content.decode()
    assert "publish its plan first" in page and 'name="commentary"' not in page
    response = officer.post(officer_url("progress_publish"), {"commentary": "Too early."})
    assert response.status_code == 200 and "publish its plan first" in response.content.decode()
    assert not PublishedQuarter.objects.exists()


def test_a_quarter_not_yet_started_cannot_be_published(public, login, cast):
    later = Quarter.current() + 1
    response = login(cast.officer).post(officer_url("progress_publish", later), {"commentary": ""})
    assert response.status_code == 200 and "has not started yet" in response.content.decode()
    assert not PublishedQuarter.objects.exists()
    page = login(cast.officer).get(officer_url("report_quarter", later)).content.decode()
    assert officer_url("progress_publish", later) not in page


def test_a_long_commentary_is_refused_and_nothing_published(public, login, cast):
    response = login(cast.officer).post(officer_url("progress_publish"), {"commentary": "x" * 5001})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not PublishedQuarter.objects.exists()


def test_the_quarter_page_says_whether_and_when_it_was_published(public, login, cast):
    officer = login(cast.officer)
    page = officer.get(officer_url("report_quarter")).content.decode()
    assert "Not published: the public sees nothing of this quarter's progress." in page
    assert ">Publish a progress summary</a>" in page and officer_url("progress_publish") in page

    officer.post(officer_url("progress_publish"), {"commentary": ""})
    page = officer.get(officer_url("report_quarter")).content.decode()
    assert "Published on" in page and "by Olivia Officer" in page
    assert public_url() in page and officer_url("progress_withdraw") in page
    board = login(cast.board_member).get(officer_url("report_quarter")).content.decode()
    assert public_url() in board
    assert officer_url("progress_withdraw") not in board and officer_url("progress_publish") not in board

    officer = login(cast.officer)  # one client: signing in again as the officer
    officer.post(officer_url("progress_withdraw"))
    assert "Withdrawn on" in officer.get(officer_url("report_quarter")).content.decode()


def test_withdrawing_the_plan_takes_its_quarters_down_and_publishing_it_brings_them_back(public, cast):
    publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    anonymous = Client()
    assert anonymous.get(public_url()).status_code == 200
    withdraw_plan(public.dv.plan, actor=cast.officer)
    assert anonymous.get(public_url()).status_code == 404
    publish_plan(public.dv.plan, actor=cast.officer)
    assert anonymous.get(public_url()).status_code == 200


def test_the_public_plan_lists_its_published_quarters_newest_first(public, cast):
    plan_url = reverse("public:plan", args=["lancaster"])
    anonymous = Client()
    assert "Progress each quarter" not in anonymous.get(plan_url).content.decode()
    for quarter in (Q1, Q2):
        publication.publish_quarter(cast.lancaster, quarter, commentary="", actor=cast.officer)
    Q3 = Quarter(2025, 3)
    publication.publish_quarter(cast.lancaster, Q3, commentary="", actor=cast.officer)
    publication.withdraw_quarter(cast.lancaster, Q3, actor=cast.officer)
    page = anonymous.get(plan_url).content.decode()
    links = re.findall(r'href="(/public/lancaster/progress/[^"]+)"', page)
    assert links == [public_url(Q2), public_url(Q1)]
    assert "Progress in 2025/26 Q2" in page


# -- The anonymous crawl -------------------------------------------------------------------------------

MARKERS = PLAN_MARKERS | {
    "draft return": "MARKER-DRAFT-NARRATIVE-71c",
    "accepted narrative": "MARKER-ACCEPTED-NARRATIVE-0d8",
    "risk": "MARKER-RISK-3b6",
    "support needed": "MARKER-SUPPORT-NEEDED-e41",
    "officer comment": "MARKER-OFFICER-COMMENT-a07",
    "board decision": "MARKER-DECISION-58f",
    "unpublished quarter": "MARKER-OTHER-PARTNERSHIP-9c2",
}


def test_an_anonymous_visitor_reaches_nothing_private(public, cast):
    cast.lead.email = MARKERS["e-mail"]
    cast.lead.full_name = MARKERS["lead person"]
    cast.lead.save()
    accepted = returned(
        public.marac,
        Q1,
        "green",
        narrative=MARKERS["accepted narrative"],
        risks=MARKERS["risk"],
        support_needed=MARKERS["support needed"],
        officer_comment=MARKERS["officer comment"],
        submitted_by=cast.lead,
    )
    decide(accepted, "agreed", MARKERS["board decision"])
    drafted = ActionFactory(priority=public.roads, title="Drafted return", status=Action.Status.IN_PROGRESS)
    ReturnFactory(action=drafted, year=2025, number=2, narrative=MARKERS["draft return"], rag="red")
    other = PlanFactory(partnership=cast.chorley_south_ribble, title=MARKERS["unpublished quarter"])
    ActionFactory(priority=PriorityFactory(plan=other, title=MARKERS["unpublished quarter"]), title="CSR action")
    publish_plan(other, actor=cast.csr_officer)
    for quarter in (Q1, Q2):
        publication.publish_quarter(cast.lancaster, quarter, commentary="On track.", actor=cast.officer)
    withdraw_plan(other, actor=cast.csr_officer)  # its quarter, never published, and now its plan too

    anonymous = Client()
    pages = crawl(anonymous, reverse("public:index"))
    assert {public_url(Q1), public_url(Q2)} <= set(pages)
    q2 = pages[public_url(Q2)]
    assert "MARAC improvements" in q2 and "Green" in q2 and "as of 2025/26 Q1" in q2
    assert "DV prevention campaign" in q2 and "Amber" in q2
    for path, html in pages.items():
        for what, marker in MARKERS.items():
            assert marker.lower() not in html.lower(), f"{what} on {path}"
    assert anonymous.get(public_url(Q2, "chorley-south-ribble")).status_code == 404
    assert anonymous.get(public_url(Quarter(2025, 3))).status_code == 404
    assert anonymous.get(public_url(Q2, "no-such-partnership")).status_code == 404


def test_the_public_page_shows_no_signed_in_navigation_even_to_the_officer(public, login, cast):
    publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    officer_view = login(cast.officer).get(public_url()).content.decode()
    assert "Your account" not in officer_view and "govuk-service-navigation" not in officer_view


def test_the_counts_are_a_captioned_table_in_words_and_numbers(public, cast):
    publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    page = " ".join(Client().get(public_url()).content.decode().split())
    assert '<caption class="govuk-table__caption govuk-table__caption--s">All 3 actions by status, 2025/26 Q2' in page
    assert (
        '<th scope="row" class="govuk-table__header">No accepted return</th> '
        '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>'
    ) in page
    assert "2 actions: 1 amber, 1 no accepted return." in page
    assert "1 action: 1 complete." in page
    assert '<th scope="col" class="govuk-table__header">Status</th>' in page


# -- Queries and cache ----------------------------------------------------------------------------------


def grow(plan, size: int) -> None:
    start = plan.priorities.count()
    for n in range(start, start + size):
        priority = PriorityFactory(plan=plan, title=f"Grown priority {n}")
        for m in range(3):
            action = ActionFactory(priority=priority, title=f"Grown action {n}.{m}", lead_agency=Agency.objects.first())
            returned(action, Q2, "green", percent_complete=50, support_needed="Help")


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_public_pages_run_one_or_two_queries_whatever_the_size(public, cast):
    anonymous = Client()
    plan_url = reverse("public:plan", args=["lancaster"])
    grow(public.dv.plan, 1)
    publish_plan(public.dv.plan, actor=cast.officer)
    publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    assert [queries_of(anonymous, public_url()) for _ in range(2)] == [2, 1]  # then cached
    assert [queries_of(anonymous, plan_url) for _ in range(2)] == [2, 1]

    grow(public.dv.plan, 10)
    publish_plan(public.dv.plan, actor=cast.officer)
    for quarter in [Q2 - n for n in range(10)]:
        publication.publish_quarter(cast.lancaster, quarter, commentary="Ten quarters.", actor=cast.officer)
    assert [queries_of(anonymous, public_url()) for _ in range(2)] == [2, 1]
    assert [queries_of(anonymous, plan_url) for _ in range(2)] == [2, 1]
    assert anonymous.get(public_url()).content.decode().count("Grown action") == 33
    assert anonymous.get(plan_url).content.decode().count("/public/lancaster/progress/") == 10


def test_preview_publishing_and_the_quarter_page_do_not_grow_with_the_plan(public, login, cast):
    officer = login(cast.officer)
    grow(public.dv.plan, 1)
    publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    small = [queries_of(officer, officer_url("progress_publish")), queries_of(officer, officer_url("report_quarter"))]
    with CaptureQueriesContext(connection) as before:
        publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    grow(public.dv.plan, 10)
    large = [queries_of(officer, officer_url("progress_publish")), queries_of(officer, officer_url("report_quarter"))]
    with CaptureQueriesContext(connection) as after:
        publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    assert large == small
    assert len(after) == len(before)


def test_a_published_quarter_keeps_its_figures_when_the_plan_changes(public, cast):
    publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    public.dv.title = "Renamed since"
    public.dv.save()
    page = Client().get(public_url()).content.decode()
    assert "Renamed since" not in page and "Domestic violence and abuse" in page
    assert PublishedPlan.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_the_public_quarter_is_dated_and_about_its_plan(public, cast):
    publication.publish_quarter(cast.lancaster, Q2, commentary="", actor=cast.officer)
    page = Client().get(public_url()).content.decode()
    assert "Progress in 2025/26 Q2" in page and "July to September 2025" in page
    assert "Lancaster District Community Safety Plan" in page
    assert f"Published {date.today():%-d %B %Y}" in page


# -- The demo -------------------------------------------------------------------------------------------


def test_the_demo_publishes_lancasters_latest_quarter_and_loading_it_again_changes_nothing():
    demo_copy.load_demo()
    versions = PublishedQuarter.history.count()
    demo_copy.load_demo_again()
    assert PublishedQuarter.history.count() == versions
    published = PublishedQuarter.objects.get(partnership__slug="lancaster", withdrawn_at__isnull=True)
    plan = PublishedPlan.objects.get(partnership__slug="lancaster", withdrawn_at__isnull=True).plan
    latest = (
        ProgressReturn.objects.filter(action__priority__plan=plan, status="accepted")
        .order_by("-year", "-number")
        .first()
    )
    assert published.quarter == latest.quarter
    actions = [action for priority in published.snapshot["priorities"] for action in priority["actions"]]
    assert any(action["rag"] != "none" and not action["rag_from"] for action in actions)  # this quarter's returns
    assert published.snapshot == publication.public_summary(plan, published.quarter)
    assert published.published_by.email == "officer@demo.example"
    page = Client().get(public_url(published.quarter)).content.decode()
    assert "Most of our actions are on track this quarter." in page
    assert public_url(published.quarter) in Client().get(reverse("public:plan", args=["lancaster"])).content.decode()


def test_an_action_added_since_the_plan_was_published_stays_out_until_it_is_published_again(public, cast):
    before = publication.public_summary(public.dv.plan, Q2)
    added = ActionFactory(priority=public.dv, title="An action the public has not been shown")
    ReturnFactory(action=added, year=Q2.year, number=Q2.number, rag="green", status=ProgressReturn.Status.ACCEPTED)
    assert publication.public_summary(public.dv.plan, Q2) == before
    publish_plan(public.dv.plan, actor=cast.officer)
    titles = [action["title"] for action in publication.public_summary(public.dv.plan, Q2)["priorities"][0]["actions"]]
    assert "An action the public has not been shown" in titles
