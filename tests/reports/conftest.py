"""Plans, actions, returns and funding for report tests, on top of the fixed cast.

Lancaster's plan has two priorities; its 2025/26 Q2 returns include an accepted escalation (support
needed from the board), a submitted red return and a completed action. Chorley and South Ribble has
an escalation of its own, which Lancaster's report must never show. The county board's Community
Safety Agreement has the 'Domestic abuse' priority that Lancaster's domestic violence priority supports.
"""

from __future__ import annotations

import re
import subprocess
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from actionplans.models import Action, ProgressReturn
from assessments.models import Indicator, IndicatorValue
from csp_portal.quarters import Quarter
from priorities.models import Plan, Priority
from reports import rendering
from reports.models import Decision, Meeting
from tests.actionplans.factories import (
    ActionFactory,
    AllocationFactory,
    OutcomeFactory,
    PlanFactory,
    PriorityFactory,
    ReturnFactory,
)
from tests.factories import PartnershipFactory

Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)
ESCALATION = "The board to confirm the partnership's match-funding for the IDVA service next year."
CSR_ESCALATION = "The board to lend a van for the vehicle crime roadshow."
ACCEPTED, SUBMITTED = ProgressReturn.Status.ACCEPTED, ProgressReturn.Status.SUBMITTED
ON_PLAN = datetime(2025, 4, 1, 9, tzinfo=UTC)


@dataclass
class Data:
    county_priority: Priority
    dv: Priority
    roads: Priority
    campaign: Action
    marac: Action
    speed: Action
    escalation: ProgressReturn
    csr_escalation: ProgressReturn


def meeting_on(partnership, day: date, quarter: Quarter = Q2, **values) -> Meeting:
    """A board meeting of ``partnership`` at 10:00 (local time) on ``day``, reviewing ``quarter``."""
    starts = timezone.make_aware(datetime.combine(day, time(10)))
    return Meeting.objects.get_or_create(
        partnership=partnership, starts=starts, defaults={"year": quarter.year, "number": quarter.number, **values}
    )[0]


def decide(progress: ProgressReturn, outcome: str, text: str, day: date = date(2025, 10, 20)) -> Decision:
    """The board's decision on the escalation of ``progress``, at its partnership's meeting on ``day``."""
    meeting = meeting_on(progress.action.priority.plan.partnership, day)
    return Decision.objects.create(
        progress_return=progress, meeting=meeting, outcome=outcome, decision=text, recorded_at=timezone.now()
    )


def returned(action, quarter, rag, status=ACCEPTED, **values) -> ProgressReturn:
    return ReturnFactory(action=action, year=quarter.year, number=quarter.number, rag=rag, status=status, **values)


@pytest.fixture
def data(cast) -> Data:
    county_plan = PlanFactory(partnership=cast.lancashire, title="Lancashire Community Safety Agreement")
    county_priority = PriorityFactory(plan=county_plan, title="Domestic abuse", order=1)
    plan = PlanFactory(partnership=cast.lancaster, title="Lancaster District Community Safety Plan")
    dv = PriorityFactory(
        plan=plan,
        title="Domestic violence and abuse",
        order=1,
        lead_role="Domestic Abuse Lead",
        supports=county_priority,
    )
    outcome = OutcomeFactory(priority=dv, text="Reduce the number of repeat referrals to MARAC")
    roads = PriorityFactory(plan=plan, title="Road safety", order=2)
    allocation = AllocationFactory(partnership=cast.lancaster, year=2025, amount=Decimal("10000"))
    campaign = ActionFactory(
        priority=dv,
        title="DV prevention campaign",
        lead_user=cast.lead,
        outcome=outcome,
        budget=Decimal("2500"),
        funding=allocation,
        status=Action.Status.IN_PROGRESS,
        order=1,
    )
    marac = ActionFactory(priority=dv, title="MARAC improvements", lead_user=cast.lead, order=2, created=ON_PLAN)
    speed = ActionFactory(priority=roads, title="Speed awareness events", order=1, status=Action.Status.COMPLETE)
    returned(campaign, Q1, "green", narrative="Leaflets printed.")
    escalation = returned(
        campaign, Q2, "amber", narrative="Two schools declined.", risks="Funding gap.", support_needed=ESCALATION
    )
    returned(marac, Q2, "red", status=SUBMITTED, narrative="The coordinator post is vacant.", risks="Vacancy.")
    returned(speed, Q2, "complete", narrative="All six events held.")

    csr_plan = PlanFactory(partnership=cast.chorley_south_ribble, title="Chorley and South Ribble Plan")
    vehicles = PriorityFactory(plan=csr_plan, title="Vehicle crime", order=1, supports=county_priority)
    patrols = ActionFactory(priority=vehicles, title="Vehicle crime patrols", order=1)
    csr_escalation = returned(patrols, Q2, "red", risks="No van.", support_needed=CSR_ESCALATION)
    return Data(county_priority, dv, roads, campaign, marac, speed, escalation, csr_escalation)


@pytest.fixture
def indicator(cast) -> Indicator:
    """A quarterly figure entered by hand, with a target."""
    found = Indicator.objects.create(
        partnership=cast.lancaster,
        name="Repeat referrals to MARAC",
        unit="referrals",
        source="MARAC coordinator",
        frequency=Indicator.Frequency.QUARTER,
        target=Decimal("30"),
    )
    for quarter, value in zip([Q2 - 4, Q2 - 3, Q2 - 2, Q2 - 1, Q2], [40, 38, 36, 35, 31], strict=True):
        IndicatorValue.objects.create(indicator=found, period_start=quarter.start, value=Decimal(value))
    return found


@pytest.fixture
def media(tmp_path, settings, monkeypatch):
    """Stored PDFs and logos in a throwaway MEDIA_ROOT; a worker started afterwards reads it too."""
    root = tmp_path / "media"
    root.mkdir()
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    settings.MEDIA_ROOT = root
    return root


FAKE_PDF = b"%PDF-1.7\n% a stand-in for WeasyPrint in tests that are not about the layout\n%%EOF\n"


@pytest.fixture
def fake_weasyprint(monkeypatch):
    """Replace WeasyPrint's layout with a stand-in PDF whose body is the HTML's text, so that
    service tests run in milliseconds; the HTML still comes from the real template."""
    calls = []

    def render_pdf(html: str) -> rendering.Rendered:
        calls.append(html)
        body = re.sub(r"<[^>]+>", " ", html)
        return rendering.Rendered(pdf=FAKE_PDF + body.encode(), pages=3, seconds=0.0)

    monkeypatch.setattr(rendering, "render_pdf", render_pdf)
    return calls


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pdftotext reads it, whitespace collapsed."""
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects with their compressed streams unpacked, to look for catalogue entries."""
    unpacked = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            unpacked.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(unpacked)


def flat(text: str) -> str:
    return " ".join(text.split())


def grow(cast, data, times: int) -> None:
    """Ten times the priorities, actions, returns, escalations, indicators and districts."""
    for n in range(times):
        priority = PriorityFactory(plan=data.dv.plan, title=f"Priority {n}", supports=data.county_priority)
        OutcomeFactory(priority=priority)
        for m in range(3):
            action = ActionFactory(priority=priority, title=f"Action {n}.{m}", lead_user=cast.lead)
            returned(action, Q1, "green")
            returned(action, Q2, "red", support_needed=f"Help {n}.{m}")
        indicator = Indicator.objects.create(partnership=cast.lancaster, name=f"Indicator {n}", source="x")
        IndicatorValue.objects.create(indicator=indicator, period_start=date(2024, 4, 1), value=n)
        district = PartnershipFactory(county_board=cast.lancashire)
        plan = Plan.objects.create(
            partnership=district,
            title="Plan",
            period_start=date(2025, 4, 1),
            period_end=date(2026, 3, 31),
            status="agreed",
        )
        ActionFactory(priority=PriorityFactory(plan=plan, supports=data.county_priority))
        Decision.objects.create(
            progress_return=ProgressReturn.objects.filter(action__priority=priority).first(),
            meeting=meeting_on(cast.lancaster, date(2025, 7, 20 + n % 5), Q1),
            outcome=Decision.Outcome.DEFERRED,
            decision="Later.",
            recorded_at=data.escalation.action.created,
        )
