"""``manage.py quarterly_report`` and the demo: Lancaster's issued report names every priority,
action and escalation."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from actionplans.models import Action, ProgressReturn
from priorities.models import Priority
from reports import services
from reports.models import ReportJob, ReportVersion
from tests import demo_copy

from .conftest import flat, pdf_text

pytestmark = pytest.mark.django_db


def test_the_command_renders_a_draft_through_the_jobs_service(cast, data, tmp_path, fake_weasyprint):
    output, html = tmp_path / "report.pdf", tmp_path / "report.html"
    stdout = io.StringIO()
    call_command("quarterly_report", "lancaster", "2025/26-Q2", "-o", str(output), "--html", str(html), stdout=stdout)
    assert output.read_bytes().startswith(b"%PDF")
    assert "DV prevention campaign" in html.read_text()
    assert re.search(r"Wrote .*report.pdf: Lancaster District CSP, 2025/26 Q2, 3 pages", stdout.getvalue())
    assert not ReportJob.objects.exists()


def test_the_command_renders_an_issued_version_again_and_compares_checksums(
    cast, data, tmp_path, media, fake_weasyprint
):
    job = ReportJob.objects.create(
        partnership=cast.lancaster, year=2025, number=2, kind="issue", requested_by=cast.officer
    )
    services.run_job(job.pk, notify=False)
    data.dv.title = "Renamed since"
    data.dv.save()
    stdout = io.StringIO()
    call_command(
        "quarterly_report", "lancaster", "2025/26 Q2", "--issued", "1", "-o", str(tmp_path / "v1.pdf"), stdout=stdout
    )
    assert "The checksum matches the archived version 1" in stdout.getvalue()
    assert b"Renamed since" not in (tmp_path / "v1.pdf").read_bytes()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nowhere", "2025/26-Q2"], "No partnership with the slug 'nowhere'"),
        (["lancaster", "2025/27-Q2"], "is followed by 2026"),
        (["lancaster", "Q2"], "is not a quarter"),
        (["lancaster", "2025/26-Q2", "--issued", "3"], "has no issued version 3"),
    ],
)
def test_the_command_explains_bad_arguments(cast, data, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("quarterly_report", *arguments, "-o", str(tmp_path / "x.pdf"))


def test_the_demo_issues_lancasters_report_with_every_priority_action_and_escalation():
    demo_copy.load_demo()  # the demo as loaded once, its PDF written again under this MEDIA_ROOT
    version = ReportVersion.objects.get(partnership__slug="lancaster")
    text = pdf_text(version.pdf.read())
    quarter = version.quarter
    priorities = Priority.objects.filter(plan__partnership__slug="lancaster", plan__status="agreed")
    actions = Action.objects.filter(priority__in=priorities, archived_at__isnull=True).exclude(status="cancelled")
    escalations = ProgressReturn.objects.filter(
        action__in=actions, year=quarter.year, number=quarter.number, status__in=["submitted", "accepted"]
    ).exclude(support_needed="")
    assert priorities.count() == 5 and actions.count() >= 15 and escalations.exists()
    for expected in (
        [p.title for p in priorities] + [a.title for a in actions] + [e.support_needed for e in escalations]
    ):
        assert flat(expected) in text, expected
    assert f"Page {version.pages} of {version.pages}" in text
    assert "Board decisions since the last report" in text
    assert "Quarterly monitoring report" in text and quarter.label in text
