"""The national data generator (benchmarks/load/national.py), at a tiny size: every CSP of the lookups,
three of them with a plan, and the rows it writes with COPY hang together."""

from collections import Counter

import pytest
from django.db.models import Count

from actionplans.models import Action, ProgressReturn, QuarterClosure
from actionplans.queries import reporting_quarter
from assessments.models import CrimeCount
from benchmarks.load import data, national
from csp_portal.organisations.models import Membership, Partnership, Role, User
from reports.models import ReportVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return national.generate(national.NationalSize(csps=3, actions=5, render=1, months=2), log=lambda *_: None)


def _plans_in_three_csps_and_their_county_board(scenario):
    assert Partnership.objects.exclude(kind="county").count() == 314
    filled = Partnership.objects.filter(plans__isnull=False)
    assert filled.count() == len(scenario["partnerships"]) == 4
    board = filled.get(kind="county")
    assert set(filled.exclude(kind="county")) == set(board.district_partnerships.all())
    assert scenario["actions"] == Action.objects.count() == 20
    assert Membership.objects.filter(partnership=board).exists()


def _every_action_has_a_lead_agency_and_a_lead_of_its_own_partnership():
    leads = set(Role.objects.filter(role="lead").values_list("user", "partnership"))
    for action in Action.objects.all():
        assert action.lead_agency_id is not None
        assert (action.lead_user_id, action.partnership_id) in leads
        assert action.priority.plan.partnership_id == action.partnership_id
        assert Membership.objects.filter(partnership=action.partnership, agency=action.lead_agency).exists()


def _people_hold_their_roles_in_each_partnership(scenario):
    counts = Counter(Role.objects.values_list("partnership__slug", "role"))
    for entry in scenario["partnerships"]:
        assert {role: counts[entry["slug"], role] for role in ("officer", "lead", "board")} == {
            "officer": data.OFFICERS,
            "lead": data.LEADS,
            "board": data.BOARD_MEMBERS,
        }


def _returns_every_quarter_the_older_ones_accepted_and_closed(scenario):
    reported = reporting_quarter()
    per_quarter = {
        (year, number): n
        for year, number, n in ProgressReturn.objects.order_by().values_list("year", "number").annotate(n=Count("id"))
    }
    assert len(per_quarter) == data.QUARTERS
    for back in range(2, data.QUARTERS):
        quarter = reported - back
        assert per_quarter[quarter.year, quarter.number] == 20
        assert not ProgressReturn.objects.filter(year=quarter.year, number=quarter.number).exclude(status="accepted")
    assert QuarterClosure.objects.count() == 4 * (data.QUARTERS - 2)
    assert scenario["returns"] == ProgressReturn.objects.count()


def test_the_generator_writes_consistent_data(scenario):
    """One generation, checked whole: writing it is what takes the time."""
    _plans_in_three_csps_and_their_county_board(scenario)
    _every_action_has_a_lead_agency_and_a_lead_of_its_own_partnership()
    _people_hold_their_roles_in_each_partnership(scenario)
    _returns_every_quarter_the_older_ones_accepted_and_closed(scenario)


def test_crime_counts_issued_reports_and_the_pages_read_them(scenario, client):
    authorities = Partnership.objects.exclude(kind="county").values("authorities").distinct().count()
    assert CrimeCount.objects.count() == authorities * 2 * len(national.CRIME_TYPES) == scenario["crime_counts"]
    assert ReportVersion.objects.count() == 2 * 4 == scenario["issued_reports"]
    entry = next(e for e in scenario["partnerships"] if e["slug"].endswith("county-board"))
    client.force_login(User.objects.get(email=entry["board"][0]))
    assert client.get(f"/partnerships/{entry['slug']}/reports/").status_code == 200
    assert client.get(f"/partnerships/{entry['slug']}/actions/priorities/{entry['priorities'][0]}/").status_code == 200
