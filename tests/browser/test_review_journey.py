"""A Domestic Homicide Review in a real browser, from notification to a published report whose
recommendations are implemented through quarterly returns: the officer starts the review, records the
decision to hold it and the Home Office notification, a quality-assurance round 'resubmit' then
'approved', publishes the report, adds two recommendations and turns each into an action led by the
demo lead; the lead writes and submits the quarter's Complete return for each; the officer accepts
them; the recommendations page shows both implemented and the register shows the review published.
Every new page passes axe-core, its error pages included."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actionplans import queries
from actionplans.models import Action
from actionplans.reviews import progress
from actionplans.reviews.models import Recommendation, Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICER, LEAD = "officer@demo.example", "lead@demo.example"
REFERENCE = "LAN-DHR-2026-09"
RECOMMENDATIONS = [
    (
        "Agencies to record a household's earlier contacts in one shared chronology (browser test, fictional).",
        "Keep one shared chronology of a household's contacts with agencies",
    ),
    (
        "The partnership to brief GP practices on referring to the risk assessment conference (fictional).",
        "Brief every GP practice on referring to the risk assessment conference",
    ),
]


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def group(page, name: str):
    """A fieldset by its legend, whatever the case of its letters (labels made from field names)."""
    return page.get_by_role("group", name=re.compile("^" + re.escape(name), re.I))


def fill_date(page, legend: str, day) -> None:
    fields = group(page, legend)
    for label, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        fields.get_by_label(label).fill(str(value))


def save(visit, button: str, said: str) -> None:
    """Press ``button``; the next page says ``said`` (the form's success message) and passes axe."""
    visit.page.get_by_role("button", name=button).click()
    expect(visit.page.locator("body")).to_contain_text(said)
    visit.assert_accessible()


def start_the_review(visit) -> Review:
    page = visit.page
    visit.goto("/partnerships/lancaster/reviews/")
    visit.assert_accessible()
    page.get_by_role("link", name="Start a review").click()
    visit.assert_accessible()
    page.get_by_role("button", name="Start the review").click()  # nothing chosen: every problem at once
    alert = page.get_by_role("alert").inner_text()
    assert "Choose the kind of review" in alert and "Enter the case reference" in alert
    visit.assert_accessible()
    page.get_by_label("Domestic Homicide Review (DARDR)").check()
    page.get_by_label("Case reference").fill(REFERENCE)
    page.get_by_label("Summary (optional)").fill("A fictional review made up for the browser test.")
    fill_date(page, "First date", days_ago(400))
    save(visit, "Start the review", "you are its review officer")
    review = Review.objects.get(partnership__slug="lancaster", reference=REFERENCE)
    assert (review.kind, review.notified_on, review.roles.get().user.email) == ("dhr", days_ago(400), OFFICER)
    return review


def decide_to_hold_it(visit, review: Review) -> None:
    page = visit.page
    page.get_by_role("link", name="Change dates and decisions").click()
    visit.assert_accessible()
    page.get_by_label("Hold a review", exact=True).check()
    fill_date(page, "Decision made", days_ago(380))
    page.get_by_label("Reasons for the decision").fill("Fictional: the death met the statutory guidance's criteria.")
    fill_date(page, "Home Office told of the decision", days_ago(370))
    page.get_by_label("Independent chair", exact=True).fill("Independent chair (fictional)")
    fill_date(page, "Chair appointed", days_ago(360))
    fill_date(page, "Draft report ready", days_ago(250))
    fill_date(page, "Final report agreed by the partnership", days_ago(220))
    save(visit, "Save", "The review has been saved.")
    review.refresh_from_db()
    assert (review.decision, review.home_office_notified_on, review.final_report_on) == (
        "hold",
        days_ago(370),
        days_ago(220),
    )


def send_to_the_home_office(visit, sent: int, outcome: str, answered: int, feedback: str) -> None:
    page = visit.page
    page.get_by_role("link", name="Record the report sent to the Home Office").click()
    visit.assert_accessible()
    fill_date(page, "Sent to the Home Office", days_ago(sent))
    page.get_by_label(outcome).check()
    fill_date(page, "Outcome received", days_ago(answered))
    page.get_by_label("Panel's feedback (optional)").fill(feedback)
    save(visit, "Save the round", "The quality-assurance round has been recorded.")


def publish(visit, review: Review) -> None:
    page = visit.page
    page.get_by_role("link", name="Change round 1").click()  # the first round's page, read and left
    visit.assert_accessible()
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Change dates and decisions").click()
    fill_date(page, "Report published", days_ago(200))  # before the panel approved it: refused
    page.get_by_role("button", name="Save").click()
    assert "cannot be published before the panel approved it" in page.get_by_role("alert").inner_text()
    visit.assert_accessible()
    fill_date(page, "Report published", days_ago(30))
    save(visit, "Save", "The review has been saved.")
    assert [r.outcome for r in review.qa_rounds.all()] == ["resubmit", "approved"]
    review.refresh_from_db()
    assert review.published_on == days_ago(30)


def add_recommendation(visit, review: Review, text: str, action_title: str) -> Action:
    page = visit.page
    visit.goto(review.get_absolute_url())
    page.get_by_role("link", name="Add a recommendation").click()
    visit.assert_accessible()
    page.get_by_label("Recommendation", exact=True).fill(text)
    page.get_by_label("Multi-agency").check()
    page.get_by_label("Local", exact=True).check()
    fill_date(page, "To be done by", days_ago(-180))
    save(visit, "Save recommendation", "has been added")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Recommendation \d+$"))

    page.get_by_role("link", name="Add an action").click()
    visit.assert_accessible()
    page.get_by_role("button", name="Add action").click()  # nothing typed: every problem at once
    assert "Enter the action" in page.get_by_role("alert").inner_text()
    visit.assert_accessible()
    page.get_by_label("Action", exact=True).fill(action_title)
    page.get_by_label("Activity").fill("Agree it at the partnership and tell every agency's staff.")
    page.get_by_label("Lead agency").select_option(label="Lancashire Constabulary")
    page.get_by_label("Lead person").select_option(label="Tom Hughes (lead@demo.example)")
    fill_date(page, "Due date", days_ago(-90))
    save(visit, "Add action", "has been added to the recommendation's actions")
    action = Action.objects.get(recommendation__text=text)
    assert (action.lead_user.email, action.lead_agency.name, action.partnership.slug) == (
        LEAD,
        "Lancashire Constabulary",
        "lancaster",
    )
    return action


def on_the_plan_since(actions: list[Action], quarter) -> None:
    """The actions were on the plan when the quarter being reported began, so that they owe its
    return even on the first days of a quarter, when the quarter being reported is the one that
    just ended (a set-up detail, as the demo does; no history)."""
    since = timezone.make_aware(datetime.combine(quarter.start, time(9)))
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(created=since)


def the_lead_writes_complete_returns(visit, actions: list[Action], quarter) -> None:
    page = visit.page
    page.context.clear_cookies()
    visit.sign_in(LEAD)
    visit.goto("/my-actions/")
    for action in actions:
        page.get_by_role("link", name=action.title, exact=True).first.click()
        assert page.get_by_role("heading", level=1).inner_text() == f"{quarter.label} progress return"
        visit.assert_accessible()
        page.get_by_label("Complete", exact=True).check()
        page.get_by_label("Progress this quarter").fill(
            "Complete: agreed by the partnership and in use by every agency."
        )
        page.get_by_label("Percentage complete (optional)").fill("100")
        page.get_by_role("button", name="Submit to the partnership officer").click()
        assert "has been submitted" in page.content()


def the_officer_accepts_them(visit, actions: list[Action], quarter) -> None:
    page = visit.page
    page.context.clear_cookies()
    visit.sign_in(OFFICER)
    for action in actions:
        visit.goto(f"/partnerships/lancaster/actions/quarters/{quarter.slug}/")
        page.locator(f'a[href$="/{action.pk}/returns/{quarter.slug}/review/"]').click()
        page.get_by_role("button", name="Accept the return").click()
        assert "has been accepted" in page.content()


def test_a_homicide_review_from_notification_to_implemented_recommendations(visit, demo):
    quarter = queries.reporting_quarter()
    visit.sign_in(OFFICER)
    review = start_the_review(visit)
    decide_to_hold_it(visit, review)
    send_to_the_home_office(visit, 200, "Resubmit", 150, "Fictional: merge the agencies' chronologies.")
    send_to_the_home_office(visit, 120, "Approved for publication", 60, "Fictional: approved.")
    publish(visit, review)
    actions = [add_recommendation(visit, review, text, title) for text, title in RECOMMENDATIONS]
    on_the_plan_since(actions, quarter)

    the_lead_writes_complete_returns(visit, actions, quarter)
    the_officer_accepts_them(visit, actions, quarter)

    page = visit.page
    visit.goto("/partnerships/lancaster/reviews/recommendations/")
    visit.assert_accessible()
    for text, _ in RECOMMENDATIONS:
        row = page.get_by_role("row").filter(has_text=text)
        expect(row).to_contain_text("Implemented")
        expect(row).to_contain_text("1 of 1")
    visit.goto("/partnerships/lancaster/reviews/")
    expect(page.get_by_role("row").filter(has_text=REFERENCE)).to_contain_text("Published")
    visit.assert_accessible()
    # The same states by the one rule, from the rows the journey wrote.
    for recommendation in Recommendation.objects.filter(review=review):
        items = [progress.action_progress(a, list(a.returns.all())) for a in recommendation.actions.all()]
        assert progress.progress_of(recommendation, items, timezone.localdate()).state == "implemented"
