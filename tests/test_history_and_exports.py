"""The shared change history and table exports."""

import io

import pandas as pd
import pytest

from csp_portal import exports, history
from csp_portal.organisations.models import Agency, Membership

pytestmark = pytest.mark.django_db


def test_history_shows_who_changed_which_field_from_what_to_what(cast):
    membership = Membership.objects.get(partnership=cast.lancaster)
    membership._history_user = cast.officer
    membership.representative = "Superintendent, West"
    membership.is_voting = False
    membership.save()
    entries = history.changes(Membership.history.filter(id=membership.pk), subject=lambda r: "Police seat")
    latest = entries[0]
    assert (latest.kind, latest.who, latest.subject) == ("Changed", "Olivia Officer", "Police seat")
    assert [(f.label, f.before, f.after) for f in latest.fields] == [
        ("Voting member", "Yes", "No"),
        ("Representative", "Chief Inspector, Lancaster", "Superintendent, West"),
    ]
    assert entries[-1].kind == "Created"
    assert ("Agency", "", "Lancashire Constabulary") in [(f.label, f.before, f.after) for f in entries[-1].fields]


def test_history_queries_do_not_grow_with_its_length(cast, django_assert_max_num_queries):
    agency = Agency.objects.get(name="Lancashire Constabulary")
    for number in range(30):
        agency.name = f"Lancashire Constabulary {number}"
        agency.save()
    with django_assert_max_num_queries(2):
        entries = history.changes(Agency.history.filter(id=agency.pk))
    assert len(entries) == 31


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_table_downloads_as_csv_and_excel_with_the_same_content(file_format):
    rows = [{"Priority": "Anti-Social Behaviour", "Budget": "£1,000"}, {"Priority": "Road Safety", "Budget": ""}]
    response = exports.table_response(rows, ["Priority", "Budget"], "plan", file_format)
    assert response["Content-Disposition"] == f'attachment; filename="plan.{file_format}"'
    if file_format == "csv":
        assert response.content.startswith(b"\xef\xbb\xbf")  # Excel needs the mark to read UTF-8
        frame = pd.read_csv(io.BytesIO(response.content), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        frame = pd.read_excel(io.BytesIO(response.content), dtype=str, keep_default_na=False)
    assert frame.to_dict("records") == rows
