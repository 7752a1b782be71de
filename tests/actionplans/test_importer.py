"""Importing an action plan from a spreadsheet, and exporting it back: seed 001's table typed into a
file reproduces it; a file with errors writes nothing and lists every error; a round trip is lossless."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from actionplans import importer
from actionplans.models import Action
from csp_portal.organisations.models import Agency
from priorities.models import Outcome

from .factories import AllocationFactory, PlanFactory, PriorityFactory

pytestmark = pytest.mark.django_db

SEED_FILE = importer.__file__.replace("importer.py", "data/lancaster_action_plan_2011_12.csv")
AGENCIES = [
    "Probation Service North West",
    "Lancaster City Council",
    "Lancashire County Council",
    "Lancashire Fire and Rescue Service",
    "Lancashire Youth Offending Team",
]
PRIORITIES = {
    "Domestic violence and abuse": [
        "Reduce the number of repeat referrals to MARAC",
        "Increase reporting of domestic violence incidents",
    ],
    "Violence against the person": ["Reduce alcohol-related violent crime"],
    "Road safety": ["Reduce casualties from collisions involving vehicles"],
    "Anti-social behaviour": [
        "Reduce incidents of environmental anti-social behaviour",
        "Reduce incidents of disorder",
        "Reduce repeat referrals to ASBRAC",
    ],
    "Serious acquisitive crime": [
        "Reduce vehicle crime",
        "Reduce burglary in dwellings",
        "Reduce reoffending by prolific and priority offenders (PPOs)",
    ],
}


@pytest.fixture
def seed_plan(cast):
    """Lancaster's 2011-12 plan with its five priorities and outcomes, and no actions yet."""
    for name in AGENCIES:
        Agency.objects.create(name=name, agency_type="other")
    AllocationFactory(partnership=cast.lancaster, year=2011, source="OPCC grant", amount=Decimal("10000"))
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Community Safety Plan 2011-12")
    for order, (title, outcomes) in enumerate(PRIORITIES.items(), start=1):
        priority = PriorityFactory(plan=plan, title=title, order=order)
        for number, text in enumerate(outcomes, start=1):
            Outcome.objects.create(priority=priority, text=text, order=number)
    return plan


def seed_bytes() -> bytes:
    with open(SEED_FILE, "rb") as handle:
        return handle.read()


def seed_rows() -> list[dict]:
    return list(csv.DictReader(io.StringIO(seed_bytes().decode("utf-8"))))


def as_xlsx(rows: list[dict], columns: list[str]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_csv(rows: list[dict], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_seed_action_plan_typed_into_a_spreadsheet_is_reproduced(cast, seed_plan):
    created = importer.import_actions(seed_plan, actor=cast.officer, data=seed_bytes(), filename="lancaster.csv")
    assert len(created) == 15
    by_priority = {title: list(Action.objects.filter(priority__title=title).order_by("order")) for title in PRIORITIES}
    assert [len(actions) for actions in by_priority.values()] == [4, 3, 2, 3, 3]

    first = by_priority["Domestic violence and abuse"][0]
    assert first.title == "Maintain existing service provision i.e. IDVA and MARAC"
    assert first.activity == "Support Lancashire-wide IDVA bid\nSupport additional Lancaster IDVA bid"
    assert first.resources == "Match-funding for IDVA & MARAC service"
    assert first.timescale == "April 2011"
    assert first.lead_agency.name == "Probation Service North West"
    assert first.other_partners == "All"

    taxis = by_priority["Violence against the person"][2]
    assert taxis.lead_agency.name == "Lancaster City Council"
    assert [a.name for a in taxis.others_responsible.all()] == ["Lancashire Constabulary"]
    assert taxis.other_partners == "Council Licensing; Police Licensing (MALT); Security Industry"
    assert taxis.outcome.heading == "Reduce alcohol-related violent crime"
    assert taxis.targets == "Reduce overall alcohol fuelled street violence"

    street_pride = by_priority["Anti-social behaviour"][0]
    assert street_pride.budget == Decimal("1000") and str(street_pride.funding) == "OPCC grant 2011/12"
    assert by_priority["Anti-social behaviour"][2].budget == Decimal("40000")
    assert by_priority["Anti-social behaviour"][2].funding is None

    recovery = by_priority["Serious acquisitive crime"][0]
    assert recovery.lead_agency is None
    assert recovery.other_partners == "LDAAT; N Lancs Joint Commissioning Group; TEG"
    assert all(a.history.get().history_user == cast.officer for a in created)


def test_the_same_table_as_an_excel_workbook_is_reproduced_too(cast, seed_plan):
    rows = seed_rows()
    data = as_xlsx(rows, list(rows[0].keys()))
    created = importer.import_actions(seed_plan, actor=cast.officer, data=data, filename="lancaster.xlsx")
    assert [a.title for a in created] == [row["Action"] for row in rows]
    assert created[9].budget == Decimal("1000")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_is_lossless(cast, seed_plan, file_format):
    importer.import_actions(seed_plan, actor=cast.officer, data=seed_bytes(), filename="lancaster.csv")
    action = Action.objects.get(title="Alcohol PCSO")
    action.lead_user, action.status = cast.lead, "in_progress"
    action.start_date, action.due_date = date(2011, 4, 1), date(2012, 3, 31)
    action.save()
    exported = importer.export_rows(seed_plan)
    data = as_csv(exported, importer.COLUMNS) if file_format == "csv" else as_xlsx(exported, importer.COLUMNS)

    copy = PlanFactory(partnership=cast.lancaster, title="A copy")
    for priority in seed_plan.priorities.all():
        twin = PriorityFactory(plan=copy, title=priority.title, order=priority.order)
        for outcome in priority.outcomes.all():
            Outcome.objects.create(priority=twin, text=outcome.text, order=outcome.order)
    grant = seed_plan.partnership.funding_allocations.get()
    grant.amount = Decimal("20000")  # room for the copy's commitment as well
    grant.save()
    importer.import_actions(copy, actor=cast.officer, data=data, filename=f"export.{file_format}")
    assert importer.export_rows(copy) == exported
    assert exported[5]["Lead person"] == "Liam Lead <lead@lancaster.example>"
    assert (exported[5]["Status"], exported[5]["Due date"]) == ("In progress", "2012-03-31")


def test_a_file_full_of_errors_writes_nothing_and_lists_every_error(cast, seed_plan):
    rows = seed_rows()[:4]
    rows[0]["Lead Agency and others responsible"] = "Probation Servce North West; All"  # row 2
    rows[1]["Priority"] = "Domestic violence"  # row 3
    rows[2]["Action"] = ""  # row 4
    rows[2]["Budget"] = "a lot"
    rows[3]["Lead Agency and others responsible"] = "Lancashire Constabularly"  # row 5
    rows[3]["Outcome"] = "Reduce repeat referals to MARAC"
    rows.append(dict(rows[0], **{"Lead Agency and others responsible": "Probation Service North West"}))  # row 6
    rows.append(
        dict(rows[0], **{"Action": "Commit too much", "Budget": "12000", "Funding source": "OPCC grant 2011/12"})
    )
    rows[-1]["Lead Agency and others responsible"] = "Lancaster City Council; Lancashire Constabulary"  # row 7
    rows.append(dict(rows[0], **{"Action": "Wrong date", "Due date": "31/02/2012", "Status": "Finished"}))  # row 8
    rows[-1]["Lead Agency and others responsible"] = ""
    columns = [*seed_rows()[0].keys(), "Due date", "Status"]
    with pytest.raises(importer.ImportFailed) as caught:
        importer.import_actions(seed_plan, actor=cast.officer, data=as_csv(rows, columns), filename="broken.csv")
    assert [str(problem) for problem in caught.value.problems] == [
        "Row 2, column I (Lead Agency and others responsible): lead agency 'Probation Servce North West' not found; "
        "did you mean 'Probation Service North West'?",
        "Row 3, column A (Priority): priority 'Domestic violence' is not in Lancaster District Community Safety Plan "
        "2011-12",
        "Row 4, column C (Action): enter the action",
        "Row 4, column F (Budget): 'a lot' is not an amount of pounds such as 1000 or 2500.50",
        "Row 5, column B (Outcome): outcome 'Reduce repeat referals to MARAC' is not an outcome of 'Domestic violence "
        "and abuse'; did you mean 'Reduce the number of repeat referrals to MARAC'?",
        "Row 5, column I (Lead Agency and others responsible): lead agency 'Lancashire Constabularly' not found; did "
        "you mean 'Lancashire Constabulary'?",
        "Row 6, column C (Action): 'Maintain existing service provision i.e. IDVA and MARAC' appears twice under "
        "'Domestic violence and abuse'",
        "Row 7, column F (Budget): the OPCC grant 2011/12 has £10,000.00 left; the actions up to this row commit "
        "£12,000.00",
        "Row 8, column K (Due date): '31/02/2012' is not a date such as 2012-03-31 or 31/03/2012",
        "Row 8, column L (Status): status 'Finished' is not one of Draft, Not started, In progress, Complete, "
        "Cancelled",
    ]
    assert not Action.objects.exists()


def test_a_funding_source_without_a_budget_column_asks_for_one(cast, seed_plan):
    """A rule about a column the file leaves out names the column to add (this once raised KeyError)."""
    data = (
        b"Priority,Action,Activity,Resources Required,Timescale,Lead Agency and others responsible,Targets,"
        b"Funding source\r\nRoad safety,Speed watch,,,,,,OPCC grant 2011/12\r\n"
    )
    with pytest.raises(importer.ImportFailed) as caught:
        importer.import_actions(seed_plan, actor=cast.officer, data=data, filename="plan.csv")
    assert [str(problem) for problem in caught.value.problems] == [
        "Row 2: enter the budget this action commits from the OPCC grant 2011/12 in a 'Budget' column"
    ]


def test_missing_columns_are_reported_before_any_row(cast, seed_plan):
    data = b"Action,Activity,Targets,Colour\r\nPatrols,Visits,Fewer\r\n"
    with pytest.raises(importer.ImportFailed) as caught:
        importer.import_actions(seed_plan, actor=cast.officer, data=data, filename="short.csv")
    messages = [str(problem) for problem in caught.value.problems]
    assert messages[0] == (
        "Row 1: the columns 'Resources Required', 'Timescale', 'Lead Agency and others responsible' are missing"
    )
    assert messages[1].startswith("Row 1: unknown columns 'Colour'")
    assert messages[2] == "Row 1: there is no Priority column: add one, or choose the priority above"


def test_actions_already_in_the_plan_are_not_imported_twice(cast, seed_plan):
    importer.import_actions(seed_plan, actor=cast.officer, data=seed_bytes(), filename="lancaster.csv")
    with pytest.raises(importer.ImportFailed) as caught:
        importer.import_actions(seed_plan, actor=cast.officer, data=seed_bytes(), filename="lancaster.csv")
    assert len(caught.value.problems) == 15
    assert "is already in the action plan" in str(caught.value.problems[0])
    assert Action.objects.count() == 15


def test_a_file_without_a_priority_column_goes_to_the_chosen_priority(cast, seed_plan):
    roads = seed_plan.priorities.get(title="Road safety")
    data = as_csv(
        [{"Action": "Speed watch", "Lead Agency and others responsible": "Lancashire Constabulary"}],
        importer.SEED_COLUMNS,
    )
    created = importer.import_actions(seed_plan, actor=cast.officer, data=data, filename="roads.csv", priority=roads)
    assert created[0].priority == roads and created[0].lead_agency.name == "Lancashire Constabulary"


def test_a_file_that_is_not_a_table_is_refused(cast, seed_plan):
    with pytest.raises(importer.ImportFailed) as caught:
        importer.import_actions(seed_plan, actor=cast.officer, data=b"\x00\x01not a workbook", filename="x.xlsx")
    assert str(caught.value.problems[0]).startswith("The file: it could not be read as a table")
