"""Reads for the report pages that are more than a queryset; each runs a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from actionplans.models import Action, ProgressReturn
from csp_portal.organisations.models import Partnership
from csp_portal.quarters import Quarter

from .models import Decision, ReportJob, ReportSettings, ReportVersion

QUARTERS_OFFERED = 8


def versions_of(partnership: Partnership, quarter: Quarter | None = None) -> QuerySet[ReportVersion]:
    """Issued reports (of ``quarter``, if given), newest quarter and version first (without their
    snapshots, which are large)."""
    versions = ReportVersion.objects.filter(partnership=partnership)
    if quarter is not None:
        versions = versions.filter(year=quarter.year, number=quarter.number)
    return (
        versions.select_related("issued_by", "partnership").defer("snapshot").order_by("-year", "-number", "-version")
    )


def jobs_in(partnership: Partnership) -> QuerySet[ReportJob]:
    """The partnership's report jobs, with who asked and what they made."""
    return ReportJob.objects.filter(partnership=partnership).select_related("requested_by", "result", "partnership")


def jobs_of(partnership: Partnership, quarter: Quarter | None = None, limit: int = 10) -> list[ReportJob]:
    jobs = jobs_in(partnership)
    if quarter is not None:
        jobs = jobs.filter(year=quarter.year, number=quarter.number)
    return list(jobs.order_by("-created", "-pk")[:limit])


def settings_of(partnership: Partnership) -> ReportSettings:
    found = ReportSettings.objects.filter(partnership=partnership).first()
    return found or ReportSettings(partnership=partnership)


def quarters_offered(today_quarter: Quarter | None = None) -> list[Quarter]:
    """The quarter under way and the seven before it, newest first."""
    current = today_quarter or Quarter.current()
    return [current - n for n in range(QUARTERS_OFFERED)]


def returns_in(partnership: Partnership) -> QuerySet[ProgressReturn]:
    """The progress returns of the partnership's actions, with what the decision page shows."""
    return ProgressReturn.objects.filter(action__priority__plan__partnership=partnership).select_related(
        "action__priority__plan__partnership", "action__lead_user", "action__lead_agency"
    )


def decisions_on(progress: ProgressReturn) -> list[Decision]:
    return list(progress.board_decisions.select_related("recorded_by").order_by("meeting_date", "id"))


def action_decisions(action: Action) -> list[Decision]:
    """The board's decisions on the escalations of an action's returns, newest meeting first."""
    return list(
        Decision.objects.filter(progress_return__action=action)
        .select_related("progress_return", "recorded_by")
        .order_by("-meeting_date", "-id")
    )
