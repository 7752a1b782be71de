"""Action plans in a real browser: an officer adds and edits actions in place; a lead completes the
quarter's returns; the officer accepts one and returns one; two sessions editing one action see the
conflict; every page passes axe-core; and the whole flow works by keyboard alone."""

import re

import pytest

from actionplans import queries
from actionplans.models import Action, ProgressReturn
from priorities.models import Priority

from .conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICER, LEAD = "officer@demo.example", "lead@demo.example"


def priority(title: str) -> Priority:
    return Priority.objects.get(plan__partnership__slug="lancaster", plan__title__contains="2011-12", title=title)


def plan_path(title: str) -> str:
    return f"/partnerships/lancaster/actions/priorities/{priority(title).pk}/"


def focused(visit) -> dict:
    return visit.page.evaluate(
        "() => ({id: document.activeElement.id, name: document.activeElement.name || '',"
        " text: document.activeElement.textContent.trim()})"
    )


def wait_for_focus(visit, key: str, value: str) -> None:
    """Wait until the focused element's ``key`` ('id' or 'name') is ``value``: focus moves once htmx
    has settled the swap, a moment after the new content appears."""
    visit.page.wait_for_function(
        "([key, value]) => document.activeElement && document.activeElement[key] === value", arg=[key, value]
    )


def tab_to(visit, matches, limit: int = 300) -> dict:
    """Press Tab until the focused element satisfies ``matches``; fail if it never does."""
    for _ in range(limit):
        visit.page.keyboard.press("Tab")
        element = focused(visit)
        if matches(element):
            return element
    raise AssertionError("the keyboard never reached the element")


def test_officer_adds_and_edits_actions_in_place(visit, demo):
    visit.sign_in(OFFICER)
    visit.goto(plan_path("Road safety"))
    visit.assert_accessible()
    url = visit.page.url
    visit.page.get_by_role("link", name="Add an action").click()
    title = visit.page.locator("#action-add").get_by_label("Action", exact=True)
    title.wait_for()
    wait_for_focus(visit, "name", "new-title")  # the keyboard is in the form's first field
    visit.assert_accessible()
    title.fill("Speed watch with PCSOs near primary schools")
    form = visit.page.locator("#action-add")
    form.get_by_label("Lead agency").select_option(label="Lancashire Constabulary")
    form.get_by_label("Lead person").select_option(label="Tom Hughes (lead@demo.example)")
    form.get_by_label("Timescale").fill("By March 2027")
    visit.page.get_by_role("button", name="Add action").click()
    row = visit.page.locator("tr", has_text="Speed watch with PCSOs near primary schools")
    row.wait_for()
    assert visit.page.url == url  # no page load
    action = Action.objects.get(title="Speed watch with PCSOs near primary schools")
    wait_for_focus(visit, "id", f"edit-{action.pk}")

    row.get_by_role("link", name=re.compile("^Edit")).click()
    form = visit.page.locator(f"#action-{action.pk} form")
    form.wait_for()
    wait_for_focus(visit, "name", f"a{action.pk}-title")
    visit.assert_accessible()
    form.get_by_label("Targets").fill("Fewer parking complaints outside schools")
    form.get_by_role("button", name="Save action").click()
    visit.page.locator(f"#action-{action.pk}", has_text="Fewer parking complaints").get_by_role(
        "link", name=re.compile("^Edit")
    ).wait_for()
    wait_for_focus(visit, "id", f"edit-{action.pk}")
    action.refresh_from_db()
    assert action.targets == "Fewer parking complaints outside schools" and action.version == 2
    visit.assert_accessible()


def test_an_officer_without_javascript_uses_the_same_urls_as_full_pages(browser, live_server, demo):
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("E-mail address").fill(OFFICER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + plan_path("Road safety"))
    page.get_by_role("link", name="Add an action").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Add an action"
    page.get_by_label("Action", exact=True).fill("Cycle training in priority schools")
    page.get_by_role("button", name="Add action").click()
    # What the board relies on is asked for, all at once, unless the action is saved as a draft.
    assert page.title().startswith("Error: ")
    assert "Choose the lead agency, or choose the status Draft" in page.content()
    assert "Choose the lead person, or choose the status Draft" in page.content()
    page.get_by_label("Status").select_option(label="Draft")
    page.get_by_role("button", name="Add action").click()
    assert "has been added to the action plan" in page.content()
    action = Action.objects.get(title="Cycle training in priority schools")
    page.locator(f"#edit-{action.pk}").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Edit")
    page.get_by_label("Action", exact=True).fill("")
    page.get_by_role("button", name="Save action").click()
    assert "Enter the action" in page.content()
    context.close()


def test_two_sessions_editing_one_action_see_the_conflict(visit, browser, live_server, demo):
    action = Action.objects.get(title="Alcohol PCSO")
    other = browser.new_context(locale="en-GB")
    second = other.new_page()
    second.goto(live_server.url + "/account/sign-in/")
    second.get_by_label("E-mail address").fill(OFFICER)
    second.get_by_label("Password").fill(DEMO_PASSWORD)
    second.get_by_role("button", name="Sign in").click()
    visit.sign_in(OFFICER)
    for page in (visit.page, second):
        page.goto(live_server.url + plan_path("Violence against the person"))
        page.locator(f"#edit-{action.pk}").click()
        page.locator(f"#action-{action.pk} form").wait_for()
    visit.page.locator(f"#action-{action.pk} form").get_by_label("Targets").fill("Twelve premises visited a month")
    visit.page.get_by_role("button", name="Save action").click()
    visit.page.locator(f"#edit-{action.pk}").wait_for()
    second.locator(f"#action-{action.pk} form").get_by_label("Targets").fill("Fewer licensing breaches")
    second.get_by_role("button", name="Save action").click()
    alert = second.locator(f"#action-{action.pk}").get_by_role("alert")
    alert.wait_for()
    text = alert.inner_text()
    assert "Your changes were not saved" in text
    assert "Fewer licensing breaches" in text and "Twelve premises visited a month" in text
    # Focus moves once htmx has settled the swap, a moment after the alert appears.
    second.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    action.refresh_from_db()
    assert action.targets == "Twelve premises visited a month"
    other.close()
    visit.page.goto(second.url)
    visit.page.locator(f"#edit-{action.pk}").click()
    visit.page.locator(f"#action-{action.pk} form").wait_for()
    visit.page.locator(f"#action-{action.pk} form").get_by_label("Targets").fill("Changed again")
    # the first session's page was loaded before: it is a fresh form at the saved version, so it saves
    visit.page.get_by_role("button", name="Save action").click()
    visit.page.locator(f"#edit-{action.pk}").wait_for()
    visit.assert_accessible()


def test_a_lead_completes_the_quarters_returns(visit, demo):
    quarter = queries.reporting_quarter()
    visit.sign_in(LEAD)
    visit.page.get_by_role("link", name="My actions").click()
    assert visit.page.get_by_role("heading", level=1).inner_text() == "My actions"
    visit.assert_accessible()
    task_list = visit.page.locator("ul.govuk-task-list").last
    to_do = task_list.locator("li", has_not_text=re.compile("Submitted|Accepted"))
    count = to_do.count()
    assert count >= 2
    for _ in range(count):
        to_do.first.get_by_role("link").click()
        assert visit.page.get_by_role("heading", level=1).inner_text() == f"{quarter.label} progress return"
        visit.page.get_by_label("Green").check()
        visit.page.get_by_label("Progress this quarter").fill("Patrols ran every weekend; two premises reviewed.")
        visit.page.get_by_label("Percentage complete (optional)").fill("60")
        visit.page.get_by_role("button", name="Submit to the partnership officer").click()
        assert "has been submitted" in visit.page.content()
    assert "returns are all submitted" in visit.page.content()
    lead_returns = ProgressReturn.objects.filter(
        action__lead_user__email=LEAD, year=quarter.year, number=quarter.number
    )
    assert lead_returns.exclude(status__in=["submitted", "accepted"]).count() == 0
    visit.assert_accessible()


def test_the_officer_accepts_one_return_and_returns_another(visit, demo):
    quarter = queries.reporting_quarter() - 1
    submitted = list(
        ProgressReturn.objects.filter(year=quarter.year, number=quarter.number, status="submitted").order_by("pk")
    )
    assert len(submitted) >= 2
    visit.sign_in(OFFICER)
    visit.goto(f"/partnerships/lancaster/actions/quarters/{quarter.slug}/")
    visit.assert_accessible()
    visit.page.locator(f'a[href$="/{submitted[0].action_id}/returns/{quarter.slug}/review/"]').click()
    visit.assert_accessible()
    visit.page.get_by_role("button", name="Accept the return").click()
    assert "has been accepted" in visit.page.content()
    visit.page.locator(f'a[href$="/{submitted[1].action_id}/returns/{quarter.slug}/review/"]').click()
    visit.page.get_by_role("button", name="Return it to the lead").click()
    assert "Say what the lead should change" in visit.page.get_by_role("alert").inner_text()
    visit.assert_accessible()
    visit.page.get_by_label("Comment for the lead").fill("Please add how many people the service reached.")
    visit.page.get_by_role("button", name="Return it to the lead").click()
    assert "has been returned to the lead" in visit.page.content()
    statuses = {r.pk: r.status for r in ProgressReturn.objects.filter(pk__in=[submitted[0].pk, submitted[1].pk])}
    assert statuses == {submitted[0].pk: "accepted", submitted[1].pk: "returned"}
    visit.assert_accessible()


def test_the_whole_flow_works_by_keyboard_alone(visit, demo):
    """The officer edits and reorders in place, then the lead writes a return, with the keyboard only."""
    first, second = Action.objects.filter(priority=priority("Road safety")).order_by("order")[:2]
    visit.sign_in(OFFICER)
    visit.goto(plan_path("Road safety"))
    tab_to(visit, lambda e: e["id"] == f"edit-{first.pk}")
    visit.page.keyboard.press("Enter")
    visit.page.locator(f"#action-{first.pk} form").wait_for()
    wait_for_focus(visit, "name", f"a{first.pk}-title")
    visit.page.keyboard.press("Control+A")
    visit.page.keyboard.type("Work with the county council on the road safety strategy")
    tab_to(visit, lambda e: e["text"] == "Save action")
    visit.page.keyboard.press("Enter")
    visit.page.locator(f"#action-{first.pk}", has_text="county council on the road").wait_for()
    wait_for_focus(visit, "id", f"edit-{first.pk}")
    tab_to(visit, lambda e: e["id"] == f"down-{first.pk}")
    visit.page.keyboard.press("Enter")
    visit.page.locator(f"#up-{first.pk}").wait_for()
    wait_for_focus(visit, "id", f"up-{first.pk}")  # the moved action keeps the keyboard
    assert list(Action.objects.filter(priority=priority("Road safety")).order_by("order")[:2]) == [second, first]
    visit.assert_accessible()

    visit.page.context.clear_cookies()
    visit.sign_in(LEAD)
    visit.goto("/my-actions/")
    tab_to(visit, lambda e: bool(re.search(r"campaign|PCSO|burglary", e["text"], re.I)) and e["id"] == "")
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    tab_to(visit, lambda e: e["name"] == "rag")
    for _ in range(3):  # radios: the arrow keys choose, from 'Not started' down to 'Green'
        visit.page.keyboard.press("ArrowDown")
    assert visit.page.get_by_label("Green").is_checked()
    tab_to(visit, lambda e: e["name"] == "narrative")
    visit.page.keyboard.type("Done by keyboard: the patrol plan is agreed.")
    tab_to(visit, lambda e: e["text"] == "Submit to the partnership officer")
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    assert "has been submitted" in visit.page.content()


def test_every_action_plan_page_passes_axe(visit, demo):
    action = Action.objects.get(title="Alcohol PCSO")
    quarter = queries.reporting_quarter()
    previous = quarter - 1
    plan = priority("Road safety").plan
    base = "/partnerships/lancaster/actions/"
    officer_pages = [
        base,
        plan_path("Domestic violence and abuse"),
        plan_path("Road safety") + "?archived=1",
        f"{base}priorities/{priority('Road safety').pk}/add/",
        f"{base}{action.pk}/",
        f"{base}{action.pk}/edit/",
        f"{base}{action.pk}/move/",
        f"{base}{action.pk}/archive/",
        f"{base}{action.pk}/history/",
        f"{base}quarters/{quarter.slug}/",
        f"{base}quarters/{previous.slug}/",
        f"{base}quarters/{previous.slug}/escalations/",
        f"{base}funding/",
        f"{base}plans/{plan.pk}/import/",
    ]
    submitted = ProgressReturn.objects.filter(year=previous.year, number=previous.number, status="submitted").first()
    officer_pages.append(f"{base}{submitted.action_id}/returns/{previous.slug}/review/")
    allocation = plan.partnership.funding_allocations.first()
    officer_pages.append(f"{base}funding/{allocation.pk}/")
    visit.sign_in(OFFICER)
    for path in officer_pages:
        response = visit.goto(path)
        assert response.status == 200, path
        visit.assert_accessible()
    # Forms with their errors showing
    visit.goto(f"{base}funding/")
    visit.page.get_by_role("button", name="Add allocation").click()
    assert "Enter where the money comes from" in visit.page.content()
    visit.assert_accessible()
    visit.goto(f"{base}plans/{plan.pk}/import/")
    visit.page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "plan.csv", "mimeType": "text/csv", "buffer": b"Action,Colour\r\nPatrols,Blue\r\n"}]
    )
    visit.page.get_by_role("button", name="Import actions").click()
    assert "Nothing was imported" in visit.page.content()
    visit.assert_accessible()

    visit.page.context.clear_cookies()
    visit.sign_in(LEAD)
    lead_action = (
        Action.objects.filter(lead_user__email=LEAD)
        .exclude(pk__in=ProgressReturn.objects.filter(year=quarter.year, number=quarter.number).values("action_id"))
        .first()
    )
    for path in ["/my-actions/", f"/my-actions/{previous.slug}/", f"{base}{lead_action.pk}/returns/{quarter.slug}/"]:
        assert visit.goto(path).status == 200, path
        visit.assert_accessible()
    visit.page.get_by_role("button", name="Submit to the partnership officer").click()
    assert "Choose a RAG status" in visit.page.content()
    visit.assert_accessible()
