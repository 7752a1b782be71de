"""The reports tell people: a board decision tells the action's lead and the partnership's officers;
an issued report tells the partnership's board members."""

from datetime import date

import pytest
from django.utils import timezone

from csp_portal.notifications.kinds import Kind
from csp_portal.notifications.models import Notification
from reports import notices, services
from reports.models import Decision, ReportJob, ReportVersion

from .conftest import meeting_on

pytestmark = pytest.mark.django_db


def test_a_decision_tells_the_lead_and_the_officers_but_not_who_recorded_it(cast, data):
    decision = services.record_decision(
        data.escalation,
        actor=cast.officer,
        meeting=meeting_on(cast.lancaster, date(2025, 10, 20)),
        outcome=Decision.Outcome.AGREED,
        decision="Agreed: the OPCC grant pays.",
    )
    told = {n.recipient: n for n in Notification.objects.filter(kind=Kind.DECISION_RECORDED)}
    lead = decision.progress_return.action.lead_user
    assert cast.officer not in told and lead in told
    assert "20 October 2025" in told[lead].body and "Agreed" in told[lead].body
    assert told[lead].path == decision.progress_return.action.get_absolute_url()


def test_an_issued_report_tells_the_board(cast, data):
    version = ReportVersion(
        partnership=cast.lancaster,
        year=2025,
        number=2,
        version=1,
        snapshot={},
        checksum="0" * 64,
        size=1,
        pages=1,
        issued_by=cast.officer,
        issued_at=timezone.now(),
    )
    version.pdf.name = "reports/x.pdf"
    version.save()
    job = ReportJob.objects.create(
        partnership=cast.lancaster,
        year=2025,
        number=2,
        kind=ReportJob.Kind.ISSUE,
        requested_by=cast.officer,
        status=ReportJob.Status.READY,
        result=version,
    )
    notices.report_issued(job)
    [notice] = Notification.objects.filter(kind=Kind.REPORT_ISSUED)
    assert notice.recipient == cast.board_member
    assert notice.subject == "Lancaster District CSP: the 2025/26 Q2 quarterly monitoring report is issued"
    assert notice.path == "/partnerships/lancaster/reports/quarters/2025-26-Q2/"
