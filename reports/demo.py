"""Demonstration reports: each demo partnership's board has met (and meets next), Lancaster District
CSP's board has recorded its decisions on the escalations of an earlier quarter at one of its
meetings, and been issued the report of the newest quarter with returns.

Two quarterly indicators for Lancaster give the report charts to draw; their figures are ILLUSTRATIVE,
invented for the demo and labelled so, not real statistics (``data/demo_reports.toml``, with the
board's decisions). The report is rendered here, through the same service as the background job (it
takes a few seconds), once: loading the demo again keeps it.

Runs after the action plans' step (order 650), which writes the returns. Then, once Lancaster's plan
is public (the priorities' step, order 800), its progress summary of the newest quarter with accepted
returns is published, with the officer's commentary (``data/demo_reports.toml``).
"""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from actionplans.models import ProgressReturn
from actionplans.queries import reporting_quarter
from assessments.models import Indicator, IndicatorValue
from csp_portal.organisations.demo import DemoContext, demo_step, read_data
from csp_portal.organisations.models import Authority, User
from csp_portal.quarters import Quarter

from . import meeting_services, publication, queries, services
from .models import Decision, Meeting, ReportJob, ReportSettings, ReportVersion

DATA = read_data(__file__, "demo_reports.toml")
ILLUSTRATIVE = DATA["illustrative"]
DECISIONS = [(Decision.Outcome(row["outcome"]), row["text"]) for row in DATA["decisions"]]
MEETINGS = {row["partnership"]: row for row in DATA["meetings"]}


def _logo() -> bytes:
    """A plain placeholder logo: the letters CSP on the partnership's colour."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 119, 119], fill="#00703c")
    draw.text((22, 38), "CSP", fill="#ffffff", font_size=40)
    draw.text((136, 26), "Lancaster District", fill="#0b0c0c", font_size=26)
    draw.text((136, 64), "Community Safety", fill="#0b0c0c", font_size=26)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _indicators(lancaster, reported: Quarter) -> None:
    authority = Authority.objects.filter(ons_code="E07000121").first()
    quarters = [reported - n for n in range(8, 0, -1)]
    for row in DATA["indicators"]:
        indicator, _ = Indicator.objects.update_or_create(
            partnership=lancaster,
            name=row["name"],
            defaults={
                "unit": row["unit"],
                "source": ILLUSTRATIVE,
                "desired_direction": Indicator.Direction.DOWN,
                "frequency": Indicator.Frequency.QUARTER,
                "target": Decimal(row["target"]) if "target" in row else None,
                "authority": authority,
                "crime_type": "",
            },
        )
        for quarter, value in zip(quarters, row["figures"], strict=True):
            IndicatorValue.objects.update_or_create(
                indicator=indicator, period_start=quarter.start, defaults={"value": Decimal(value)}
            )


def _at(day, clock: str) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(clock)))


def _meeting(partnership, quarter: Quarter, row: dict, officer: User) -> Meeting:
    """The demo meeting that reviews ``quarter``, made once with its attendance if it is held."""
    found = Meeting.objects.filter(partnership=partnership, year=quarter.year, number=quarter.number).first()
    if found is not None:
        return found
    day = quarter.end + timedelta(days=row["days_after_quarter"])
    if day.weekday() >= 5:  # a Saturday or Sunday moves to the Monday
        day += timedelta(days=7 - day.weekday())
    meeting = meeting_services.add_meeting(
        partnership,
        actor=officer,
        reviews=quarter,
        starts=_at(day, row["starts"]),
        ends=_at(day, row["ends"]),
        place=row["place"],
        notes=row["notes"],
    )
    if day < timezone.localdate():
        members = [role.user_id for role in queries.board_members(partnership)]
        meeting_services.record_attendance(meeting, actor=officer, attended=members, apologies=[])
    return meeting


def _meetings(ctx: DemoContext, officer: User) -> int:
    """Each demo partnership's meetings that reviewed the last three quarters, and its next one."""
    current = Quarter.current()
    made = 0
    for slug, row in MEETINGS.items():
        partnership = ctx.partnership(slug)
        for quarter in (current - 3, current - 2, current - 1, current):
            meeting = _meeting(partnership, quarter, row, officer)
            made += 1
            if timezone.localtime(meeting.starts).date() >= timezone.localdate():
                break  # the next meeting: none is planned after it yet
    return made


def _decisions(lancaster, quarter: Quarter, officer: User) -> int:
    escalations = (
        ProgressReturn.objects.filter(
            action__priority__plan__partnership=lancaster,
            year=quarter.year,
            number=quarter.number,
            status__in=[ProgressReturn.Status.SUBMITTED, ProgressReturn.Status.ACCEPTED],
        )
        .exclude(support_needed="")
        .order_by("action__priority__order", "action__order")
    )
    meeting = Meeting.objects.get(partnership=lancaster, year=quarter.year, number=quarter.number)
    recorded = 0
    for progress, (outcome, text) in zip(escalations, DECISIONS, strict=False):
        if not Decision.objects.filter(progress_return=progress).exists():
            services.record_decision(progress, actor=officer, meeting=meeting, outcome=outcome, decision=text)
            recorded += 1
    return recorded


@demo_step(order=700)
def reports(ctx: DemoContext) -> None:
    """Lancaster's report look, two illustrative indicators, board meetings, decisions and one issued
    report."""
    lancaster = ctx.partnership("lancaster")
    officer = User.objects.filter(email="officer@demo.example").first()
    if officer is None or not ProgressReturn.objects.filter(action__priority__plan__partnership=lancaster).exists():
        ctx.report("Reports: skipped, the Lancaster action plan and its returns are missing.")
        return
    found, _ = ReportSettings.objects.get_or_create(partnership=lancaster)
    if not found.logo:
        # One file, however often the demo is loaded into a fresh database with the same media folder.
        name = ReportSettings._meta.get_field("logo").generate_filename(found, "lancaster-demo-logo.png")
        found.logo.storage.delete(name)
        found.logo.save("lancaster-demo-logo.png", ContentFile(_logo()), save=False)
        found.logo_alt, found.colour = "Lancaster District Community Safety Partnership", "#00703c"
        found.save()
    reported = reporting_quarter() - 1
    _indicators(lancaster, reported + 1)
    meetings = _meetings(ctx, officer)
    decided = _decisions(lancaster, reported - 1, officer)
    issued = ReportVersion.objects.filter(partnership=lancaster, year=reported.year, number=reported.number).first()
    if issued is None:
        job = ReportJob.objects.create(
            partnership=lancaster,
            year=reported.year,
            number=reported.number,
            kind=ReportJob.Kind.ISSUE,
            requested_by=officer,
            stage="Waiting for a worker",
        )
        job = services.run_job(job.pk, notify=False)
        issued = job.result
    ctx.report(
        f"Reports: {decided} board decision(s) recorded on {(reported - 1).label} escalations; the {reported.label} "
        f"report of {lancaster.name} issued as version {issued.version if issued else '?'} "
        f"({issued.pages if issued else '?'} pages); two Lancaster indicators with illustrative figures; "
        f"{meetings} board meetings, past and next."
    )


@demo_step(order=850)
def public_progress(ctx: DemoContext) -> None:
    """Lancaster's progress summary of the newest quarter with accepted returns on its public plan's
    actions, published by its officer. Published again only if what it shows changed, so loading the
    demo twice changes nothing."""
    lancaster = ctx.partnership("lancaster")
    officer = User.objects.filter(email="officer@demo.example").first()
    public = publication.public_plan_of(lancaster)
    latest = (
        ProgressReturn.objects.filter(
            action__priority__plan_id=public.plan_id if public else None, status=ProgressReturn.Status.ACCEPTED
        )
        .order_by("-year", "-number")
        .values("year", "number")
        .first()
    )
    if public is None or latest is None:
        ctx.report("Public progress: skipped, Lancaster has no public plan or no accepted return.")
        return
    quarter = Quarter(latest["year"], latest["number"])
    commentary = DATA["progress_commentary"]
    current = publication.publication_of(lancaster, quarter)
    if (
        current is None
        or not current.is_public
        or current.commentary != commentary
        or current.snapshot != publication.public_summary(public.plan, quarter)
    ):
        publication.publish_quarter(lancaster, quarter, commentary=commentary, actor=officer)
    ctx.report(f"Public progress: {quarter.label}, at /public/{lancaster.slug}/progress/{quarter.slug}/.")
