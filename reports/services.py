"""Writes about reports, named for what the user does: request a report (a draft, or an issued
version), run the job that renders it, record the board's decision on an escalation, set how the
partnership's reports look, and draft every partnership's report when a quarter ends.

Rendering is ``produce``: snapshot (reports/snapshot.py), then HTML from the one template, then a
tagged PDF (reports/rendering.py). The Celery task, the management command and the benchmark all
call it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from actionplans.models import ProgressReturn
from csp_portal import queueing, writes
from csp_portal.organisations.models import Partnership, User
from csp_portal.quarters import Quarter
from priorities.models import Plan

from . import notices, rendering, review_reports, snapshot
from .models import Decision, Meeting, ReportJob, ReportSettings, ReportVersion

log = logging.getLogger(__name__)

# Errors worth another attempt: the database or the file store was briefly unreachable, or another
# job took the version number first. Anything else fails the job at once, with the reason.
TRANSIENT = (OperationalError, InterfaceError, IntegrityError, OSError)
MAX_ATTEMPTS = 4
# The scheduled drafts are made in the first days of a quarter (a missed day catches up), not
# whenever the schedule first runs.
DRAFT_WITHIN_DAYS = 14
RENDER_TASK = "reports.render_report"  # sent by name: the tasks module imports this one
WAITING = "Waiting for a worker"
DELAYED = (
    "Rendering is delayed: the background service is unavailable. Your request is saved and rendering "
    "will start automatically when the service is back."
)
# A job still 'rendering' this long after a worker claimed it outlived the hard time limit, so its
# worker is gone (killed, or its machine lost): the sweep hands it to another.
STALLED_MARGIN = timedelta(minutes=1)


class RetryRender(Exception):
    """Raised to the task so that Celery tries again later, with backoff."""


@dataclass
class Produced:
    snapshot: dict
    html: str
    rendered: rendering.Rendered


def produce(
    partnership: Partnership,
    quarter: Quarter,
    *,
    status: str = "draft",
    version: int | None = None,
    issued_at: datetime | None = None,
    issued_by: str = "",
    stage=lambda text: None,
) -> Produced:
    """The quarterly report of ``partnership`` for ``quarter`` from today's data, as a PDF."""
    stage("Reading the plan, returns, indicators and funding")
    data = snapshot.build(
        partnership, quarter, status=status, version=version, issued_at=issued_at, issued_by=issued_by
    )
    return produce_from(data, stage=stage)


def produce_from(data: dict, *, stage=lambda text: None) -> Produced:
    """The PDF of a snapshot: an issued version is rendered again from the one it stored."""
    stage("Drawing the charts and writing the document")
    html = rendering.render_html(data)
    stage("Laying out the pages")
    rendered = rendering.render_pdf(html)
    return Produced(data, html, rendered)


def rerender_version(version: ReportVersion) -> Produced:
    """Render an issued version again from its stored snapshot: the same content, whatever has
    changed in the plan since; the same bytes too while the template, stylesheet, fonts and WeasyPrint
    are those it was issued with. The stored PDF stays the record."""
    return produce_from(version.snapshot)


# -- Requesting a report ------------------------------------------------------------------------------


def request_report(partnership: Partnership, quarter: Quarter, *, actor: User | None, kind: str) -> ReportJob:
    """Queue the quarterly report for rendering: a draft to check, or the next issued version.
    The job row is written now and the task sent once it is committed."""
    if kind not in ReportJob.QUARTERLY:
        raise ValidationError({"kind": "Choose whether to make a draft or issue the report"})
    if quarter > Quarter.current():
        raise ValidationError({"quarter": f"{quarter.label} has not started yet."})
    if not Plan.objects.filter(partnership=partnership, status=Plan.Status.AGREED).exists():
        raise ValidationError({"quarter": f"{partnership.name} has no agreed plan to report on."})
    with transaction.atomic():
        in_flight = ReportJob.objects.select_for_update().filter(
            partnership=partnership,
            year=quarter.year,
            number=quarter.number,
            kind=ReportJob.Kind.ISSUE,
            status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RENDERING],
        )
        if kind == ReportJob.Kind.ISSUE and in_flight.exists():
            raise ValidationError(
                {"kind": f"The {quarter.label} report is being issued already: wait for it to finish"}
            )
        return _queued_job(partnership, quarter, kind=kind, requested_by=actor)


def _queued_job(partnership: Partnership, quarter: Quarter, **values) -> ReportJob:
    """A job row written now, its task sent once the transaction commits."""
    job = ReportJob.objects.create(
        partnership=partnership, year=quarter.year, number=quarter.number, stage=WAITING, **values
    )
    transaction.on_commit(lambda: dispatch(job.pk, background=job.scheduled))
    return job


@transaction.atomic
def request_recommendations_report(partnership: Partnership, *, actor: User | None) -> ReportJob:
    """Queue the recommendations status report's PDF (as of the day it is rendered); the job is
    filed under the quarter it was asked in."""
    return _queued_job(partnership, Quarter.current(), kind=ReportJob.Kind.RECOMMENDATIONS, requested_by=actor)


def produce_recommendations(partnership: Partnership, *, stage=lambda text: None) -> Produced:
    """The recommendations status report of ``partnership`` from today's data, as a tagged PDF in
    the quarterly report's fonts and styles."""
    stage("Reading the recommendations, their actions and returns")
    html = review_reports.render_pdf_html(review_reports.recommendations_report(partnership))
    stage("Laying out the pages")
    return Produced({}, html, rendering.render_pdf(html))


def dispatch(job_id: int, *, background: bool = False) -> bool:
    """Hand a queued job to the workers, once. While the queue is unreachable the job waits, its
    stage says rendering is delayed, and ``resend_waiting_jobs`` sends it later. The quarter-end
    drafts go ``background``: behind any report a person has just asked for."""
    priority = queueing.BACKGROUND if background else None
    return queueing.dispatch(
        ReportJob.objects.all(), job_id, RENDER_TASK, delayed=DELAYED, waiting=WAITING, priority=priority
    )


def resend_waiting_jobs(now: datetime | None = None) -> int:
    """The sweep (every minute, and on a job's status page): send the jobs requested while the queue
    was down or lost by a Redis restart, and give jobs whose worker died mid-render to another
    worker (or fail them once they have had every attempt). Returns how many were sent."""
    now = now or timezone.now()
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    _recover_stalled(now - limit - STALLED_MARGIN)
    return queueing.resend_waiting(
        ReportJob.objects.all(),
        RENDER_TASK,
        delayed=DELAYED,
        waiting=WAITING,
        lost_after=limit,
        now=now,
        background=Q(scheduled=True),
    )


def _recover_stalled(claimed_before: datetime) -> None:
    stalled = ReportJob.objects.filter(status=ReportJob.Status.RENDERING, started__lt=claimed_before)
    for job in stalled.select_related("partnership", "requested_by"):
        if job.attempts >= MAX_ATTEMPTS:
            _fail(job, f"The report could not be rendered: its worker stopped {job.attempts} times. Please try again.")
            continue
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RENDERING, started=job.started).update(
            status=ReportJob.Status.QUEUED,
            sent=None,
            stage="The worker rendering it stopped: waiting for another",
            error=f"Attempt {job.attempts} stopped with its worker; it will be tried again.",
        )


# -- Running the job ----------------------------------------------------------------------------------


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _set_stage(job_id: int, text: str) -> None:
    ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RENDERING).update(stage=text[:200])


def run_job(job_id: int, *, final_attempt: bool = True, notify: bool = True) -> ReportJob | None:
    """Render a queued job. Safe to run twice: a job already ready or failed is left alone, and a
    job left 'rendering' by a worker that died is claimed again by the redelivered task."""
    claimed = ReportJob.objects.filter(
        pk=job_id, status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RENDERING]
    ).update(
        status=ReportJob.Status.RENDERING,
        started=timezone.now(),
        attempts=F("attempts") + 1,
        worker=_worker_name(),
        stage="Starting",
    )
    job = ReportJob.objects.select_related("partnership", "requested_by", "result").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    try:
        produced = _render(job)
        job = _store(job, produced)
    except TRANSIENT as error:
        reason = f"{type(error).__name__}: {error}"[:500]
        if final_attempt:
            _fail(job, f"The report could not be rendered after {job.attempts} attempts. Last error: {reason}", notify)
            return _reloaded(job)
        _requeue(job, f"Attempt {job.attempts} failed ({reason}); it will be tried again shortly.")
        raise RetryRender(reason) from error
    except SoftTimeLimitExceeded:
        _fail(
            job, "Rendering took longer than the time allowed. Please try again, or tell a site administrator.", notify
        )
        return _reloaded(job)
    except Exception as error:
        log.exception("report job %s failed", job_id)
        _fail(job, f"The report could not be rendered: {type(error).__name__}: {error}"[:1000], notify)
        return _reloaded(job)
    if notify:
        _notify(job)
    return job


def _render(job: ReportJob) -> Produced:
    quarter = job.quarter
    if job.kind == ReportJob.Kind.RECOMMENDATIONS:
        return produce_recommendations(job.partnership, stage=lambda text: _set_stage(job.pk, text))
    if job.kind == ReportJob.Kind.ISSUE:
        latest = ReportVersion.objects.filter(partnership=job.partnership, year=quarter.year, number=quarter.number)
        version = (latest.aggregate(top=Max("version"))["top"] or 0) + 1
        return produce(
            job.partnership,
            quarter,
            status="issued",
            version=version,
            issued_at=timezone.now(),
            issued_by=job.requested_by.full_name if job.requested_by_id else "",
            stage=lambda text: _set_stage(job.pk, text),
        )
    return produce(job.partnership, quarter, stage=lambda text: _set_stage(job.pk, text))


def _store(job: ReportJob, produced: Produced) -> ReportJob:
    """Write the PDF, then mark the job ready in the transaction that records the file: if the job
    was finished meanwhile (a duplicate delivery), the new file is thrown away."""
    _set_stage(job.pk, "Storing the PDF")
    pdf = produced.rendered.pdf
    checksum = hashlib.sha256(pdf).hexdigest()
    quarter = job.quarter
    name = f"{job.partnership.slug}-{quarter.slug}-{job.kind}-{job.pk}.pdf"
    file_field = (ReportVersion if job.kind == ReportJob.Kind.ISSUE else ReportJob)._meta.get_field("pdf")
    storage = file_field.storage
    stored = storage.save(file_field.generate_filename(None, name), ContentFile(pdf))
    try:
        with transaction.atomic():
            locked = ReportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ReportJob.Status.RENDERING:
                storage.delete(stored)
                return locked
            if job.kind == ReportJob.Kind.ISSUE:
                document = produced.snapshot["document"]
                version = ReportVersion(
                    partnership=job.partnership,
                    year=quarter.year,
                    number=quarter.number,
                    version=document["version"],
                    snapshot=produced.snapshot,
                    checksum=checksum,
                    size=len(pdf),
                    pages=produced.rendered.pages,
                    issued_by=job.requested_by,
                    issued_at=datetime.fromisoformat(document["timestamp"]),
                )
                version.pdf.name = stored
                version.save()
                locked.result = version
            else:
                locked.pdf.name = stored
            locked.checksum, locked.pages = checksum, produced.rendered.pages
            locked.status, locked.stage, locked.error = ReportJob.Status.READY, "Ready", ""
            locked.finished = timezone.now()
            locked.save()
    except BaseException:
        storage.delete(stored)
        raise
    return locked


def _reloaded(job: ReportJob) -> ReportJob:
    return ReportJob.objects.select_related("partnership", "requested_by", "result").get(pk=job.pk)


def _fail(job: ReportJob, error: str, notify: bool = True) -> None:
    ReportJob.objects.filter(pk=job.pk).exclude(status=ReportJob.Status.READY).update(
        status=ReportJob.Status.FAILED, error=error, stage="Failed", finished=timezone.now()
    )
    if notify:
        _notify(_reloaded(job))


def _requeue(job: ReportJob, error: str) -> None:
    try:
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RENDERING).update(
            status=ReportJob.Status.QUEUED, error=error, stage="Waiting to try again"
        )
    except (OperationalError, InterfaceError):
        log.warning("report job %s: could not record the failed attempt", job.pk)


# -- Telling people -----------------------------------------------------------------------------------


def _notify(job: ReportJob) -> None:
    """Tell whoever asked (for a scheduled draft, the partnership's officers) that the report is
    ready or failed; when a report is issued, tell the board too."""
    if job.kind == ReportJob.Kind.ISSUE and job.status == ReportJob.Status.READY:
        notices.report_issued(job)
    if job.is_finished:
        notices.report_ready(job)


# -- The board's decisions ----------------------------------------------------------------------------


@transaction.atomic
def record_decision(
    progress: ProgressReturn, *, actor: User | None, meeting: Meeting, outcome: str, decision: str
) -> Decision:
    """Record what the board decided about an escalation at one of its meetings."""
    errors = {}
    if progress.status not in snapshot.DONE or not progress.support_needed.strip():
        errors["decision"] = "Only a submitted return that asks the board for support takes a decision."
    held = timezone.localtime(meeting.starts).date()
    if meeting.partnership_id != progress.action.partnership_id:
        errors["meeting"] = "Choose a meeting of this partnership's board"
    elif held > timezone.localdate():
        errors["meeting"] = "Choose a meeting that has taken place: decisions are recorded after the meeting"
    elif held < progress.quarter.start:
        errors["meeting"] = (
            f"The board meeting must be after the escalation's quarter began ({snapshot.day(progress.quarter.start)})"
        )
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = "Choose what the board decided"
    if not decision.strip():
        errors["decision"] = "Enter what the board decided"
    if not errors and Decision.objects.filter(progress_return=progress, meeting=meeting).exists():
        errors["meeting"] = f"A decision from the meeting on {snapshot.day(held)} is already recorded"
    if errors:
        raise ValidationError(errors)
    record = Decision(
        progress_return=progress,
        meeting=meeting,
        outcome=outcome,
        decision=decision.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    writes.save(record, actor=actor)
    notices.decision_recorded(record, actor=actor)
    return record


# -- Report settings ----------------------------------------------------------------------------------


@transaction.atomic
def change_settings(partnership: Partnership, *, actor: User | None, values: dict, logo=None, remove_logo=False):
    """Set the partnership's report logo, accent colour and protective marking."""
    found, _ = ReportSettings.objects.select_for_update().get_or_create(partnership=partnership)
    for name in ("colour", "protective_marking", "logo_alt"):
        if name in values:
            setattr(found, name, values[name] or "")
    if remove_logo and found.logo:
        found.logo.delete(save=False)
    if logo is not None:
        found.logo.save(f"{partnership.slug}{os.path.splitext(logo.name)[1].lower()}", logo, save=False)
    found.full_clean()  # the model's own rules too, not only its fields'
    writes.save(found, actor=actor)
    return found


# -- The quarter-end schedule -------------------------------------------------------------------------


def _not_yet_drafted(quarter: Quarter) -> Q:
    return (
        Q(drafted_year__isnull=True)
        | Q(drafted_year__lt=quarter.year)
        | Q(drafted_year=quarter.year, drafted_number__lt=quarter.number)
    )


def draft_quarter_end_reports(today: date | None = None) -> list[ReportJob]:
    """The daily job: in the first days of a quarter, draft every partnership's report for the
    quarter just ended and tell its officers when it is ready. Each partnership's quarter is
    claimed with a conditional UPDATE of its settings row, so overlapping runs draft it once."""
    today = today or timezone.localdate()
    quarter = Quarter.of(today).previous()
    if (today - quarter.end).days > DRAFT_WITHIN_DAYS:
        return []
    partnerships = Partnership.objects.filter(plans__status=Plan.Status.AGREED).distinct().order_by("pk")
    existing = set(ReportSettings.objects.values_list("partnership_id", flat=True))
    ReportSettings.objects.bulk_create(
        [ReportSettings(partnership=p) for p in partnerships if p.pk not in existing], ignore_conflicts=True
    )
    jobs = []
    for partnership in partnerships:
        with transaction.atomic():
            claimed = (
                ReportSettings.objects.filter(partnership=partnership)
                .filter(_not_yet_drafted(quarter))
                .update(drafted_year=quarter.year, drafted_number=quarter.number)
            )
            if claimed:
                jobs.append(_scheduled_job(partnership, quarter))
    return jobs


def _scheduled_job(partnership: Partnership, quarter: Quarter) -> ReportJob:
    return _queued_job(partnership, quarter, kind=ReportJob.Kind.DRAFT, scheduled=True)
