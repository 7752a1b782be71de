"""What a board would notice, pinned so it cannot come back: a plan from another period driving a
report unannounced, counts of a past quarter that disagree, a local profile and a dashboard that
disagree about an authority's indicators, the word 'None', status words said twice, a preview in
another colour than the PDF, suggestions of the wrong kind of agency, a refused file naming one
problem, raw history, and a README missing a package the report tests need."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplans import agency_names, importer
from actionplans.models import Action, ProgressReturn
from assessments import police_uk
from assessments.models import CrimeImport, Indicator
from csp_portal import history
from csp_portal.organisations.models import Agency
from csp_portal.quarters import Quarter
from reports import rendering, snapshot
from reports.models import ReportJob, ReportSettings
from tests.actionplans.factories import ActionFactory, PlanFactory, PriorityFactory, ReturnFactory
from tests.assessments.helpers import lancashire_authorities, row, write_csv

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
Q3_2026 = Quarter(2026, 3)


def text_of(html: str) -> str:
    """The page's words, tags and spacing gone."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# 1. A plan from another period says so where it drives a report


@pytest.fixture
def old_plan(cast):
    plan = PlanFactory(
        partnership=cast.lancaster,
        title="Lancaster District Community Safety Plan 2011-12",
        period_start=date(2011, 4, 1),
        period_end=date(2012, 3, 31),
    )
    ActionFactory(priority=PriorityFactory(plan=plan, title="Road safety"), title="Speed watch")
    return plan


def test_a_plan_whose_period_ended_is_named_with_its_period_and_the_quarter(cast, old_plan):
    (plan,) = snapshot.build(cast.lancaster, Q3_2026)["plans"]
    assert plan["period_note"] == (
        "The plan “Lancaster District Community Safety Plan 2011-12” is for 2011/12, which ended on 31 March 2012: "
        "it does not cover 2026/27 Q3 (October to December 2026), yet its priorities are reported because it is "
        "still agreed."
    )


def test_the_dashboard_and_the_draft_report_warn_of_a_plan_from_another_period(cast, old_plan, login):
    client = login(cast.officer)
    dashboard = client.get(reverse("reports:dashboard", args=["lancaster"]), {"quarter": "2026/27 Q3"})
    assert dashboard.status_code == 200
    warning = re.search(
        r'<div class="govuk-warning-text" data-plan-period>(.*?)</div>', dashboard.content.decode(), re.S
    )
    assert warning and "2011/12" in warning.group(1) and "2026/27 Q3" in warning.group(1)
    quarter_page = client.get(reverse("reports:report_quarter", args=["lancaster", Q3_2026])).content.decode()
    assert "data-plan-period" in quarter_page
    draft = rendering.render_html(snapshot.build(cast.lancaster, Q3_2026))
    assert '<p class="warning">The plan “Lancaster District Community Safety Plan 2011-12” is for 2011/12' in draft
    assert "(2011/12: does not cover 2026/27 Q3)" in text_of(draft)


def test_a_plan_covering_the_quarter_drives_the_report_without_a_warning(cast, login):
    PlanFactory(partnership=cast.lancaster, period_start=date(2026, 4, 1), period_end=date(2029, 3, 31))
    assert snapshot.build(cast.lancaster, Q3_2026)["plans"][0]["period_note"] == ""
    page = login(cast.officer).get(reverse("reports:dashboard", args=["lancaster"]), {"quarter": "2026/27 Q3"})
    assert "data-plan-period" not in page.content.decode()


# 2. A past quarter counts the actions of that quarter, by the rule of Action.owes_return


def test_a_past_quarter_counts_only_the_actions_under_way_in_it_and_they_match_the_returns_due(cast, login):
    plan = PlanFactory(partnership=cast.lancaster, period_start=date(2025, 4, 1), period_end=date(2028, 3, 31))
    priority = PriorityFactory(plan=plan)
    for _ in range(3):
        ActionFactory(priority=priority)  # on the plan since April 2025
    for _ in range(3):
        ActionFactory(priority=priority, created=datetime(2026, 6, 1, 9, tzinfo=UTC))  # added a year later
    ActionFactory(priority=priority, due_date=date(2025, 5, 31))  # finished before 2025/26 Q2 began
    done = ActionFactory(priority=priority, status=Action.Status.COMPLETE)
    quarter = Quarter(2025, 2)
    report = snapshot.build(cast.lancaster, quarter)
    summary = report["summary"]
    counted = [a["id"] for s in report["priorities"] for a in s["actions"]]
    owing = [a for a in Action.objects.all() if a.owes_return(quarter)]
    assert summary["expected"] == len(owing) == 3
    assert (summary["actions"], summary["closed"], summary["counts"]["total"]) == (4, 1, 4)
    assert done.pk in counted and set(counted) == {a.pk for a in owing} | {done.pk}
    page = login(cast.officer).get(reverse("reports:dashboard", args=["lancaster"]), {"quarter": "2025/26 Q2"})
    words = text_of(page.content.decode())
    assert "the 4 actions under way in 2025/26 Q2, 1 of them complete and owing no return. 0 of the 3 returns" in words
    assert "4 actions" in words and "7 actions" not in words and "8 actions" not in words


# 3. The local profile and the dashboard agree on the indicators measuring an authority


def test_the_local_profile_lists_the_indicators_the_districts_dashboard_shows(cast, login):
    lancaster = cast.lancaster.authorities.get()
    named = Indicator.objects.create(partnership=cast.lancaster, name="Repeat referrals to MARAC", authority=lancaster)
    area_wide = Indicator.objects.create(partnership=cast.lancaster, name="Alcohol-related violent crime")
    Indicator.objects.create(partnership=cast.lancashire, name="Burglary, Lancashire")  # the whole county
    dashboard = login(cast.officer).get(reverse("reports:dashboard", args=["lancaster"])).content.decode()
    assert named.name in dashboard and area_wide.name in dashboard
    for person, partnership in ((cast.officer, "lancaster"), (cast.analyst, "lancashire")):
        profile = login(person).get(reverse("assessments:local_profile", args=[partnership, "E07000121"]))
        body = profile.content.decode()
        assert named.name in body and area_wide.name in body, partnership
        assert "Burglary, Lancashire" not in body and "No indicators measure" not in body


# 4. No 'None' on the partnership pages


def test_partnership_pages_say_not_set_rather_than_none(cast, login):
    client = login(cast.admin)
    for address in (reverse("partnership_list"), cast.lancashire.get_absolute_url()):
        body = client.get(address).content.decode()
        assert not re.search(r">\s*None(\s+recorded)?\s*<", body), address
        assert "Not set" in body or "Not applicable" in body, address


# 5. A status said once, in one word per state


def test_a_finished_report_job_says_ready_once(cast, login):
    job = ReportJob.objects.create(
        partnership=cast.lancaster, year=2025, number=2, status=ReportJob.Status.FAILED, stage="Failed", error="Boom"
    )
    body = login(cast.officer).get(job.get_absolute_url()).content.decode()
    tag = re.search(r"data-job-status>(.*?)</strong>\s*<span data-job-stage>(.*?)</span>", body, re.S)
    assert (tag.group(1).strip(), tag.group(2).strip()) == ("Failed", "")


def test_a_refused_import_reads_refused_everywhere_and_once(cast, login):
    job = CrimeImport.objects.create(
        partnership=cast.lancashire,
        requested_by=cast.analyst,
        file_names="2024-01-lancashire-street.csv",
        status=CrimeImport.Status.FAILED,
        stage="Refused",
        error="2024-01-lancashire-street.csv, line 2, column 2 (Month): the month is missing.",
        finished=timezone.now(),
    )
    client = login(cast.analyst)
    body = client.get(reverse("assessments:import_detail", args=["lancashire", job.pk])).content.decode()
    tag = re.search(r"data-import-status>(.*?)</strong>\s*<span data-import-stage>(.*?)</span>", body, re.S)
    assert (tag.group(1).strip(), tag.group(2).strip()) == ("Refused", "")
    assert "Failed" not in text_of(body)
    state = client.get(reverse("assessments:import_status", args=["lancashire", job.pk])).json()
    assert (state["status_label"], state["stage"]) == ("Refused", "")


# 6. The preview in the PDF's colours


def test_the_preview_uses_the_partnerships_colour_as_the_pdf_does(cast, login):
    ReportSettings.objects.create(partnership=cast.lancaster, colour="#00703c")
    PlanFactory(partnership=cast.lancaster)
    response = login(cast.officer).get(reverse("reports:report_preview", args=["lancaster", Quarter(2025, 2)]))
    body = response.content.decode()
    nonce = re.search(r'<style nonce="([^"]+)">:root \{ --accent: #00703c; \}</style>', body)
    assert nonce, "the preview leaves out the partnership's colour"
    policy = response["Content-Security-Policy"]
    assert f"'nonce-{nonce.group(1)}'" in re.search(r"style-src[^;]*", policy).group(0)
    pdf_html = rendering.render_html(snapshot.build(cast.lancaster, Quarter(2025, 2)))
    assert "<style>:root { --accent: #00703c; }</style>" in pdf_html


def test_a_stored_colour_that_is_not_a_colour_never_reaches_the_style_rule(cast):
    report = snapshot.build(cast.lancaster, Quarter(2025, 2))
    report["branding"]["colour"] = "red; } body { display: none"
    assert "--accent" not in rendering.render_html(report).split("</head>")[0].split("report.css")[1]


# 7. Suggestions of the same kind of agency


AGENCIES = [
    ("Lancashire Constabulary", Agency.Type.POLICE),
    ("Lancashire Victim Services", Agency.Type.VOLUNTARY),
    ("Lancashire Fire and Rescue Service", Agency.Type.FIRE),
    ("Lancashire and South Cumbria Integrated Care Board", Agency.Type.HEALTH),
    ("Lancaster City Council", Agency.Type.LOCAL_AUTHORITY),
    ("Lancashire County Council", Agency.Type.LOCAL_AUTHORITY),
    ("Office of the Police and Crime Commissioner for Lancashire", Agency.Type.OPCC),
    ("Lancaster District Women's Aid", Agency.Type.VOLUNTARY),
]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Lancashire Police Service", "Lancashire Constabulary"),
        ("Lancashire Police", "Lancashire Constabulary"),
        ("Lancs Fire & Rescue", "Lancashire Fire and Rescue Service"),
        ("NHS Lancashire", "Lancashire and South Cumbria Integrated Care Board"),
        ("Lancashire ICB", "Lancashire and South Cumbria Integrated Care Board"),
        ("Lancaster Council", "Lancaster City Council"),
        ("Lancashire PCC", "Office of the Police and Crime Commissioner for Lancashire"),
        ("Lancashire Victim Service", "Lancashire Victim Services"),
        ("Lancaster Womens Aid", "Lancaster District Women's Aid"),
        ("Cumbria Constabulary", None),
        ("Women's Aid", None),
        ("Lancashire Fire Service", "Lancashire Fire and Rescue Service"),
    ],
)
def test_an_agency_name_is_matched_by_kind_and_meaningful_words(typed, meant):
    agencies = [Agency(name=name, agency_type=kind) for name, kind in AGENCIES]
    found = agency_names.best_match(typed, agencies)
    assert (found.name if found else None) == meant


def test_the_import_suggests_the_constabulary_for_a_police_service(cast):
    for name, kind in AGENCIES:
        Agency.objects.get_or_create(name=name, defaults={"agency_type": kind})
    plan = PlanFactory(partnership=cast.lancaster)
    PriorityFactory(plan=plan, title="Road safety")
    data = (
        b"Priority,Action,Activity,Resources Required,Timescale,Lead Agency and others responsible,Targets\r\n"
        b"Road safety,Speed watch,,,,Lancashire Police Service; Lancs Fire & Rescue,\r\n"
    )
    with pytest.raises(importer.ImportFailed) as caught:
        importer.import_actions(plan, actor=cast.officer, data=data, filename="plan.csv")
    assert [str(problem) for problem in caught.value.problems] == [
        "Row 2, column F (Lead Agency and others responsible): lead agency 'Lancashire Police Service' not found; "
        "did you mean 'Lancashire Constabulary'?",
        "Row 2, column F (Lead Agency and others responsible): agency 'Lancs Fire & Rescue' not found; did you mean "
        "'Lancashire Fire and Rescue Service'?",
    ]


# 8. A refused police.uk file lists its problems, with a count of the rest


def test_a_refused_police_uk_file_lists_twenty_problems_with_rows_and_columns_and_counts_the_rest(tmp_path):
    lancashire_authorities()
    rows = [row(month="2024-1") for _ in range(25)] + [row(lsoa=("E09999999", "Nowhere 001A")) for _ in range(5)]
    path = write_csv(tmp_path / "2024-01-lancashire-street.csv", [row(), *rows])
    with pytest.raises(police_uk.Refused) as caught:
        police_uk.read_file(path)
    refused = caught.value
    assert len(refused.problems) == police_uk.MAX_PROBLEMS == 20
    assert refused.more == 10
    assert all(p.line and p.column_number for p in refused.problems)
    assert str(refused.problems[0]) == (
        "2024-01-lancashire-street.csv, line 3, column 2 (Month): '2024-1' is not a month: police.uk gives months "
        "as YYYY-MM, e.g. 2022-05."
    )
    assert refused.lines()[-1] == "And 10 more problems like these."


# 9. History in the product's words and dates


def test_history_shows_field_labels_as_named_and_dates_as_the_product_writes_them(cast):
    action = ActionFactory(priority=PriorityFactory(plan=PlanFactory(partnership=cast.lancaster)))
    progress = ReturnFactory(action=action, rag=ProgressReturn.Rag.AMBER)
    progress.rag = ProgressReturn.Rag.RED
    progress.submitted_at = datetime(2026, 12, 7, 14, 5, tzinfo=UTC)
    progress.save()
    action.due_date = date(2027, 3, 31)
    action.save()
    changed = history.changes(ProgressReturn.history.filter(id=progress.pk))[0]
    fields = {f.label: (f.before, f.after) for f in changed.fields}
    assert fields["RAG status"] == ("Amber", "Red")
    assert fields["Submitted at"][1] == "7 December 2026, 14:05"
    due = {f.label: f.after for f in history.changes(Action.history.filter(id=action.pk))[0].fields}
    assert "31 March 2027" in due.values()
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}", f.after) for f in changed.fields)


# 10. The README's packages are the ones the report tests need


def test_the_readme_and_ci_install_harfbuzz_subsetting_for_the_pdf_tests():
    readme = (ROOT / "README.md").read_text()
    apt_line = re.search(r"`apt-get install ([^`]+)`", readme).group(1).split()
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"} <= set(apt_line)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "missing+=(libharfbuzz-subset0)" in ci
