"""A partnership officer builds a plan like Chorley and South Ribble's 2022-2025 plan (seed 004)
entirely in the browser, reorders its priorities, and runs a priority-setting exercise; every page
passes axe-core. The plan form and the reorder buttons also work by keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from priorities.demo import CSR_PLAN
from priorities.forms import format_points
from priorities.models import Exercise, Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Chorley and South Ribble Community Safety Partnership Plan 2025-2028"
ASSESSMENT = "Lancashire Strategic Assessment 2022-2025 (Lancashire Community Safety Partnership Board)"
SEED_LISTS = [(3, 8, 11), (4, 5, 9), (4, 5, 12), (4, 10, 8)]  # outcomes, current work, commitments


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    for label, value in (("Day", day), ("Month", month), ("Year", year)):
        group.get_by_label(label).fill(value)


def threat(name: str) -> re.Pattern:
    """A threat's checkbox label: 'County Lines', or '4. County Lines' as the assessment ranks it.
    (Playwright passes the pattern to JavaScript, where a bare slash would end it.)"""
    return re.compile(r"(^|\. )" + re.escape(name).replace("/", r"\/") + "$")


def move(page, direction: str, title: str):
    """The 'Move up' or 'Move down' button in the priority's row."""
    return page.get_by_role("row").filter(has_text=title).get_by_role("button", name=f"Move {direction}")


def assert_order(page, titles: list[str]) -> None:
    """The plan's priorities read in this order (waiting for the page the move button loads)."""
    expect(page.locator("table tbody th a")).to_have_text(titles)


def test_officer_builds_a_plan_like_seed_004_in_the_browser(visit, demo):
    page = visit.page
    visit.sign_in("officer-csr@demo.example")
    page.get_by_role("link", name="Plan and priorities").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Partnership plans"
    visit.assert_accessible()

    page.get_by_role("link", name="Start a plan").click()
    visit.assert_accessible()
    page.get_by_role("button", name="Save plan").click()  # nothing typed: the error summary says so
    assert "Enter the plan's title" in page.get_by_role("alert").inner_text()
    visit.assert_accessible()

    page.get_by_label("Title").fill(TITLE)
    fill_date(page, "Plan period starts", "1", "4", "2025")
    fill_date(page, "Plan period ends", "31", "3", "2028")
    page.get_by_label("Draft").check()
    page.get_by_label("Foreword or summary").fill(CSR_PLAN.summary)
    page.get_by_label("Related strategies and plans").fill("\n".join(f"- {s}" for s in CSR_PLAN.related))
    page.get_by_label("Strategic assessment").select_option(label=ASSESSMENT)
    page.get_by_role("button", name="Save plan").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    visit.assert_accessible()

    for number, spec in enumerate(CSR_PLAN.priorities):
        if number:
            page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=TITLE).click()
        page.get_by_role("link", name="Add a priority").click()
        if number == 0:
            visit.assert_accessible()
            page.get_by_label("What we will do").fill("Promote campaigns\n- promote campaigns")
            page.get_by_role("button", name="Save priority").click()
            errors = page.get_by_role("alert").inner_text()
            assert "Enter the priority's title" in errors and "“promote campaigns” is listed twice" in errors
            visit.assert_accessible()
        page.get_by_label("Title", exact=True).fill(spec.title)
        page.get_by_label("Why it matters").fill(spec.why)
        page.get_by_label("What we want to achieve").fill(format_points(list(spec.outcomes)))
        page.get_by_label("What we currently do").fill(format_points(list(spec.current_work)))
        page.get_by_label("What we will do").fill(format_points(list(spec.commitments)))
        page.get_by_label("Which county priority does it support?").select_option(label=spec.supports)
        for name in spec.evidence:
            page.get_by_role("checkbox", name=threat(name)).check()
        page.get_by_role("button", name="Save priority").click()
        assert page.get_by_role("heading", level=1).inner_text() == spec.title
        if number == 0:
            assert "Lancashire Reducing Re-offending Board" in page.locator("main").inner_text()
            visit.assert_accessible()

    plan = Plan.objects.get(title=TITLE)
    lists = [(p.outcomes.count(), p.current_work.count(), p.commitments.count()) for p in plan.priorities.all()]
    assert lists == SEED_LISTS
    first = plan.priorities.first()
    assert first.current_work.first().sub_points[:2] == [
        "Lancashire Reducing Re-offending Board",
        "Multi-Agency Risk Assessment Conference",
    ]
    assert [p.supports.title for p in plan.priorities.all()] == [s.supports for s in CSR_PLAN.priorities]
    assert plan.assessment.title == "Lancashire Strategic Assessment 2022-2025"

    # Reorder: road safety up one place.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=TITLE).click()
    visit.assert_accessible()
    move(page, "up", "Road safety and vehicle crime").click()
    assert_order(
        page,
        [
            "Anti-social behaviour",
            "Vulnerability and exploitation",
            "Road safety and vehicle crime",
            "Domestic abuse and violence against women and girls",
        ],
    )
    visit.assert_accessible()

    # How each outcome is measured.
    page.get_by_role("link", name="Anti-social behaviour").click()
    page.get_by_role("link", name="Outcomes and measures").click()
    visit.assert_accessible()
    page.get_by_label("How it is measured").first.fill("Perception of ASB in the Lancashire Talking survey")
    page.get_by_role("button", name="Save outcomes").click()
    assert "Measured by: Perception of ASB in the Lancashire Talking survey" in page.locator("main").inner_text()

    page.get_by_role("link", name="Edit the priority").click()
    visit.assert_accessible()
    page.get_by_label("Watching brief").check()
    page.get_by_role("button", name="Save priority").click()
    page.get_by_role("link", name="See every change to this priority").click()
    assert "Watching brief" in page.locator("main").inner_text()
    visit.assert_accessible()

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="See every change to the plan and its priorities").click()
    assert "Rachel Evans" in page.locator("main").inner_text()
    visit.assert_accessible()

    page.get_by_role("link", name="Plans", exact=True).click()
    assert TITLE in page.locator("main").inner_text()
    visit.assert_accessible()

    # Published from a preview, then read as the public reads it, 1280 and 320 pixels wide.
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Publish this plan").click()
    visit.assert_accessible()
    page.get_by_role("button", name="Publish", exact=True).click()
    assert "is published" in page.locator("main").inner_text()
    page.get_by_role("link", name="the plan's public page").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert page.get_by_role("navigation", name="Menu").count() == 0  # no signed-in navigation
    visit.assert_accessible()
    page.set_viewport_size({"width": 320, "height": 800})
    visit.assert_accessible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # The data dictionary, linked from the public page, at 320 and 1280 pixels wide.
    page.get_by_role("link", name="open data", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Open data"
    visit.assert_accessible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 800})
    visit.assert_accessible()


def test_priority_setting_in_the_browser(visit, demo):
    page = visit.page
    visit.sign_in("officer-csr@demo.example")
    plan = Plan.objects.get(partnership__slug="chorley-south-ribble")
    visit.goto(f"/partnerships/chorley-south-ribble/plans/{plan.pk}/")
    page.get_by_role("link", name="Start a priority-setting exercise").click()
    visit.assert_accessible()
    page.get_by_label("Title").fill("Priority setting 2025")
    page.get_by_label(re.compile("Rachel Evans")).check()
    page.get_by_role("checkbox", name=threat("Fraud")).check()
    page.get_by_label("Other candidates").fill("Shoplifting\nHate crime")
    page.get_by_role("button", name="Start the exercise").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Priority setting 2025"
    visit.assert_accessible()

    page.get_by_role("link", name="Change the criteria and weights").click()
    visit.assert_accessible()
    page.get_by_label("Weight").first.fill("2")
    page.get_by_role("button", name="Save criteria").click()

    page.get_by_role("link", name="Add or remove candidates").click()
    visit.assert_accessible()
    page.get_by_role("button", name="Remove Hate crime and its scores").click()
    assert "has been removed" in page.locator("main").inner_text()
    page.get_by_role("link", name="Go back to the exercise").click()

    page.get_by_role("link", name="Score the candidates").click()
    visit.assert_accessible()
    exercise = Exercise.objects.get(title="Priority setting 2025")
    for candidate, value in (("Fraud", "2"), ("Shoplifting", "4")):
        for select in page.get_by_role("table", name=candidate).get_by_role("combobox").all():
            select.select_option(value)
    page.get_by_role("button", name="Save my scores").click()
    assert "Your scores have been saved: 14 of 14" in page.locator("main").inner_text()

    page.get_by_role("link", name="See the ranked result").click()
    visit.assert_accessible()
    ranked = page.get_by_role("table", name="Candidates, best first").locator("tbody th").all_inner_texts()
    assert ranked == ["Shoplifting", "Fraud"]
    page.get_by_role("row").filter(has_text="Shoplifting").get_by_role("link", name="Add to the plan").click()
    visit.assert_accessible()
    page.get_by_label("A watching brief").check()
    page.get_by_role("button", name="Add it to the plan").click()
    assert "is now a watching brief" in page.locator("main").inner_text()
    visit.assert_accessible()
    assert exercise.candidates.get(title="Shoplifting").priority.status == "watching"

    # The remaining forms: editing the exercise and the plan, and archiving and restoring a priority.
    visit.goto(f"/partnerships/chorley-south-ribble/plans/{plan.pk}/priority-setting/{exercise.pk}/edit/")
    visit.assert_accessible()
    page.get_by_label("Closed").check()
    page.get_by_role("button", name="Save exercise").click()
    page.get_by_role("link", name="See the ranked result").click()
    assert "Scoring is still open" not in page.locator("main").inner_text()
    visit.goto(f"/partnerships/chorley-south-ribble/plans/{plan.pk}/priority-setting/{exercise.pk}/score/")
    assert "This exercise is closed" in page.locator("main").inner_text()
    visit.assert_accessible()
    visit.goto(f"/partnerships/chorley-south-ribble/plans/{plan.pk}/edit/")
    visit.assert_accessible()
    shoplifting = exercise.candidates.get(title="Shoplifting").priority
    visit.goto(f"/partnerships/chorley-south-ribble/plans/{plan.pk}/priorities/{shoplifting.pk}/archive/")
    visit.assert_accessible()
    page.get_by_role("button", name="Archive the priority").click()
    assert "“Shoplifting” has been archived with its actions." in page.locator("main").inner_text()
    visit.goto(f"/partnerships/chorley-south-ribble/plans/{plan.pk}/priorities/archived/")
    visit.assert_accessible()
    page.locator("main").get_by_role("link", name="Shoplifting", exact=True).click()
    page.get_by_role("link", name="Actions archived with this priority").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shoplifting: archived actions")
    expect(page.locator("main")).to_contain_text("kept as they were, with their returns and history")
    visit.assert_accessible()
    page.go_back()
    page.go_back()
    page.get_by_role("button", name="Restore Shoplifting").click()
    page.locator("main").get_by_text("“Shoplifting” is back on the plan").wait_for()
    shoplifting.refresh_from_db()
    assert shoplifting.archived_at is None


def test_the_plan_form_and_reordering_work_by_keyboard_alone(visit, demo):
    page = visit.page
    keyboard = page.keyboard
    visit.sign_in("officer@demo.example")
    visit.goto("/partnerships/lancaster/plans/new/")
    page.get_by_label("Title").focus()
    keyboard.type("Lancaster District Plan 2025-2028")
    focused = []
    for _ in range(6):  # the two dates, day month year each, keep their suggested values
        keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.name"))
    assert focused == [f"period_{end}_{part}" for end in ("start", "end") for part in range(3)]
    keyboard.press("Tab")  # the first status, Draft
    keyboard.press("ArrowDown")  # Agreed
    assert page.evaluate("document.activeElement.value") == "agreed"
    keyboard.press("Tab")
    keyboard.type("Our commitments for the next three years.")
    keyboard.press("Tab")
    keyboard.type("Police and Crime Plan")
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "assessment"
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value || document.activeElement.textContent.trim()") == "Save plan"
    with page.expect_navigation():
        keyboard.press("Enter")
    plan = Plan.objects.get(title="Lancaster District Plan 2025-2028")
    assert (plan.status, plan.related_strategies, plan.partnership.slug) == (
        "agreed",
        "Police and Crime Plan",
        "lancaster",
    )
    visit.assert_accessible()

    demo_plan = Plan.objects.get(partnership__slug="lancaster", title__startswith="Lancaster District Community Safety")
    visit.goto(f"/partnerships/lancaster/plans/{demo_plan.pk}/")
    titles = ["Violence against the person", "Road safety", "Anti-social behaviour", "Serious acquisitive crime"]
    move(page, "down", "Domestic violence and abuse").focus()
    keyboard.press("Enter")
    assert_order(page, [titles[0], "Domestic violence and abuse", *titles[1:]])
    move(page, "up", "Domestic violence and abuse").focus()
    keyboard.press("Space")
    assert_order(page, ["Domestic violence and abuse", *titles])
