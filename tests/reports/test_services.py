"""The services behind the report jobs, issued versions, the board's decisions and the schedule.

Most tests put a stand-in for WeasyPrint's layout (``fake_weasyprint``): they are about the job, not
the page layout. The few that are about reproducing a document render real PDFs."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone

from actionplans.models import ProgressReturn
from csp_portal import queueing
from csp_portal.organisations.models import Role
from csp_portal.quarters import Quarter
from reports import services, snapshot, tasks
from reports.models import Decision, ReportJob, ReportSettings, ReportVersion
from tests.actionplans.factories import ActionFactory
from tests.mail import emails_sent

from .conftest import ESCALATION, Q2, flat, meeting_on, pdf_text

pytestmark = pytest.mark.django_db


def job_for(cast, kind=ReportJob.Kind.DRAFT, **extra) -> ReportJob:
    return ReportJob.objects.create(
        partnership=cast.lancaster, year=Q2.year, number=Q2.number, kind=kind, requested_by=cast.officer, **extra
    )


# Requesting


def test_requesting_a_report_writes_a_queued_job_and_sends_it_after_commit(
    cast, data, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.render_report, "apply_async", lambda args, **options: sent.append(*args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.request_report(cast.lancaster, Q2, actor=cast.officer, kind="issue")
        assert sent == []  # nothing is sent before the row is committed
    for callback in callbacks:
        callback()
    assert sent == [job.pk]
    assert (job.status, job.kind, job.requested_by, job.quarter) == ("queued", "issue", cast.officer, Q2)


@pytest.mark.parametrize(
    ("quarter", "kind", "message"),
    [(Quarter.current() + 1, "draft", "has not started yet"), (Q2, "final", "Choose whether to make a draft")],
)
def test_a_bad_request_queues_nothing(cast, data, quarter, kind, message):
    with pytest.raises(ValidationError, match=message):
        services.request_report(cast.lancaster, quarter, actor=cast.officer, kind=kind)
    assert not ReportJob.objects.exists()


def test_a_second_issue_waits_for_the_first_to_finish(cast, data, monkeypatch):
    monkeypatch.setattr(tasks.render_report, "apply_async", lambda args, **options: None)
    services.request_report(cast.lancaster, Q2, actor=cast.officer, kind="issue")
    with pytest.raises(ValidationError, match="being issued already"):
        services.request_report(cast.lancaster, Q2, actor=cast.officer, kind="issue")
    services.request_report(cast.lancaster, Q2, actor=cast.officer, kind="draft")  # drafts may run alongside
    assert ReportJob.objects.count() == 2


def test_a_partnership_without_an_agreed_plan_has_nothing_to_report(cast):
    with pytest.raises(ValidationError, match="no agreed plan"):
        services.request_report(cast.lancaster, Q2, actor=cast.officer, kind="draft")


# Running the job


def test_a_draft_job_stores_its_pdf_then_is_ready_and_emails_the_requester(cast, data, media, fake_weasyprint):
    with emails_sent():
        job = services.run_job(job_for(cast).pk)
    assert job.status == ReportJob.Status.READY
    assert job.attempts == 1
    content = job.pdf.read()
    assert content.startswith(b"%PDF") and job.checksum == hashlib.sha256(content).hexdigest()
    assert job.result is None and job.finished is not None
    (message,) = mail.outbox
    assert message.to == [cast.officer.email]
    assert "Draft 2025/26 Q2 report ready" in message.subject
    assert f"/partnerships/lancaster/reports/jobs/{job.pk}/" in message.body
    assert "because you asked for this report" in message.body and message.alternatives


def test_issuing_keeps_every_version_with_its_snapshot_and_checksum(cast, data, media, fake_weasyprint):
    with emails_sent():
        first = services.run_job(job_for(cast, ReportJob.Kind.ISSUE).pk).result
        second = services.run_job(job_for(cast, ReportJob.Kind.ISSUE).pk).result
    assert (first.version, second.version) == (1, 2)
    assert first.snapshot["document"] | {} == first.snapshot["document"]
    assert first.snapshot["document"]["status"] == "issued"
    assert first.snapshot["document"]["issued_by"] == "Olivia Officer"
    assert first.checksum == hashlib.sha256(first.pdf.read()).hexdigest()
    to_officer = [m.subject for m in mail.outbox if m.to == [cast.officer.email]]
    assert to_officer == ["Issued 2025/26 Q2 report ready: Lancaster District CSP"] * 2


def test_an_issued_version_cannot_be_changed_or_deleted(cast, data, media, fake_weasyprint):
    version = services.run_job(job_for(cast, ReportJob.Kind.ISSUE).pk).result
    version.checksum = "0" * 64
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    assert ReportVersion.objects.get().checksum != "0" * 64


def test_rendering_an_issued_version_again_gives_the_same_document_after_the_plan_changed(cast, data, media):
    """A real render: the stored snapshot gives the same text and the same bytes."""
    version = services.run_job(job_for(cast, ReportJob.Kind.ISSUE).pk, notify=False).result
    data.dv.title = "Violence against women and girls"
    data.dv.save()
    ActionFactory(priority=data.roads, title="A new action after the issue")
    data.escalation.support_needed = "Something else entirely."
    data.escalation.save()

    again = services.rerender_version(ReportVersion.objects.get(pk=version.pk))
    text = pdf_text(again.rendered.pdf)
    assert "Domestic violence and abuse" in text and flat(ESCALATION) in text
    assert "Violence against women and girls" not in text and "A new action after the issue" not in text
    assert hashlib.sha256(again.rendered.pdf).hexdigest() == version.checksum
    assert "Violence against women and girls" in pdf_text(services.produce(cast.lancaster, Q2).rendered.pdf)


def test_a_finished_job_is_left_alone_when_its_task_runs_again(cast, data, media, fake_weasyprint):
    job = services.run_job(job_for(cast).pk)
    fake_weasyprint.clear()
    again = services.run_job(job.pk)
    assert (again.status, again.attempts, again.checksum) == ("ready", 1, job.checksum)
    assert fake_weasyprint == []  # not rendered twice


def test_a_job_left_rendering_by_a_dead_worker_is_finished_by_the_redelivered_task(cast, data, media, fake_weasyprint):
    job = job_for(cast, status=ReportJob.Status.RENDERING, attempts=1, stage="Laying out the pages")
    finished = services.run_job(job.pk)
    assert (finished.status, finished.attempts) == ("ready", 2)


def test_a_worker_dying_after_writing_the_file_leaves_no_ready_report(cast, data, media, fake_weasyprint, monkeypatch):
    """Killed between storing the PDF and committing: the job stays 'rendering', no version exists,
    and the orphan file is removed; the redelivered task then finishes it."""
    job = job_for(cast, ReportJob.Kind.ISSUE)
    real_save = ReportVersion.save

    def die(self, *args, **kwargs):
        raise KeyboardInterrupt  # what a killed process looks like from inside: not an Exception

    monkeypatch.setattr(ReportVersion, "save", die)
    with pytest.raises(KeyboardInterrupt):
        services.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.RENDERING
    assert not ReportVersion.objects.exists()
    assert not any(media.rglob("*.pdf"))

    monkeypatch.setattr(ReportVersion, "save", real_save)
    finished = services.run_job(job.pk)
    assert finished.status == "ready" and finished.result.version == 1


def test_a_transient_failure_is_retried_then_fails_with_the_reason(cast, data, media, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services.snapshot, "build", broken)
    job = job_for(cast)
    with pytest.raises(services.RetryRender):
        services.run_job(job.pk, final_attempt=False)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.QUEUED
    assert "Attempt 1 failed (OperationalError: could not connect to server)" in job.error
    assert mail.outbox == []

    with emails_sent():
        failed = services.run_job(job.pk, final_attempt=True)
    assert failed.status == ReportJob.Status.FAILED
    assert failed.error.startswith("The report could not be rendered after 2 attempts")
    assert "could not be rendered" in mail.outbox[0].subject


def test_a_broken_render_fails_at_once_with_the_reason(cast, data, media, monkeypatch):
    def broken(html):
        raise ValueError("no fonts")

    monkeypatch.setattr(services.rendering, "render_pdf", broken)
    job = services.run_job(job_for(cast).pk, final_attempt=False)
    assert job.status == ReportJob.Status.FAILED
    assert job.error == "The report could not be rendered: ValueError: no fonts"


def test_the_task_acknowledges_late_and_retries_with_backoff():
    task = tasks.render_report
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.autoretry_for == (services.RetryRender,)
    assert task.retry_backoff and task.retry_jitter
    assert task.max_retries == services.MAX_ATTEMPTS - 1


def test_the_task_retries_a_transient_failure_and_then_succeeds(cast, data, media, fake_weasyprint, monkeypatch):
    real_build = snapshot.build
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(services.snapshot, "build", flaky)
    job = job_for(cast)
    tasks.render_report.apply(args=[job.pk], throw=False)  # eager: Celery runs the retry at once
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("ready", 2)


# The board's decisions


def test_the_officer_records_the_boards_decision(cast, data):
    decision = services.record_decision(
        data.escalation,
        actor=cast.officer,
        meeting=meeting_on(cast.lancaster, date(2025, 10, 20)),
        outcome=Decision.Outcome.AGREED,
        decision=" Agreed: the OPCC grant pays.\n",
    )
    assert (decision.decision, decision.recorded_by) == ("Agreed: the OPCC grant pays.", cast.officer)
    assert decision.history.get().history_user == cast.officer


@pytest.mark.parametrize(
    ("change", "values", "field"),
    [
        ({}, {"meeting": timezone.localdate() + timedelta(days=1)}, "meeting"),
        ({}, {"meeting": date(2025, 6, 30)}, "meeting"),
        ({}, {"meeting": "chorley-south-ribble"}, "meeting"),
        ({}, {"decision": "   "}, "decision"),
        ({}, {"outcome": "maybe"}, "outcome"),
        ({"support_needed": ""}, {}, "decision"),
        ({"status": ProgressReturn.Status.DRAFT}, {}, "decision"),
    ],
)
def test_a_decision_that_does_not_make_sense_is_refused(cast, data, change, values, field):
    for name, value in change.items():
        setattr(data.escalation, name, value)
    data.escalation.save()
    arguments = {"meeting": date(2025, 10, 20), "outcome": "agreed", "decision": "Agreed."} | values
    if arguments["meeting"] == "chorley-south-ribble":  # another partnership's meeting
        arguments["meeting"] = meeting_on(cast.chorley_south_ribble, date(2025, 10, 20))
    else:
        arguments["meeting"] = meeting_on(cast.lancaster, arguments["meeting"])
    with pytest.raises(ValidationError) as refused:
        services.record_decision(data.escalation, actor=cast.officer, **arguments)
    assert field in refused.value.message_dict
    assert not Decision.objects.exists()


def test_one_decision_per_meeting(cast, data):
    arguments = {"meeting": meeting_on(cast.lancaster, date(2025, 10, 20)), "outcome": "deferred", "decision": "Later."}
    services.record_decision(data.escalation, actor=cast.officer, **arguments)
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_decision(data.escalation, actor=cast.officer, **arguments)
    later = meeting_on(cast.lancaster, date(2026, 1, 19), Q2 + 1)
    services.record_decision(data.escalation, actor=cast.officer, **arguments | {"meeting": later})
    assert Decision.objects.count() == 2


# The quarter-end schedule


def test_the_schedule_drafts_every_partnership_once_and_tells_its_officers(
    cast, data, media, fake_weasyprint, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks.render_report, "apply_async", lambda args, **options: services.run_job(*args))
    day_after = date(2025, 10, 1)  # 2025/26 Q2 ended yesterday
    with emails_sent(), django_capture_on_commit_callbacks(execute=True):
        jobs = services.draft_quarter_end_reports(day_after)
    assert sorted(j.partnership.slug for j in jobs) == ["chorley-south-ribble", "lancashire", "lancaster"]
    assert {(j.quarter, j.kind, j.scheduled, j.requested_by) for j in jobs} == {(Q2, "draft", True, None)}
    assert ReportJob.objects.filter(status="ready").count() == 3
    lancaster = next(m for m in mail.outbox if "Lancaster District CSP" in m.subject)
    assert lancaster.to == [cast.officer.email]
    assert "has ended" in lancaster.body

    with django_capture_on_commit_callbacks(execute=True):
        assert services.draft_quarter_end_reports(day_after + timedelta(days=1)) == []
    assert ReportJob.objects.count() == 3


def test_the_schedule_sends_its_drafts_behind_those_people_ask_for_and_so_does_the_sweep(
    cast, data, monkeypatch, django_capture_on_commit_callbacks
):
    sent = {}
    monkeypatch.setattr(tasks.render_report, "apply_async", lambda args, **options: sent.update({args[0]: options}))
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = services.draft_quarter_end_reports(date(2025, 10, 1))
        asked = services.request_report(cast.lancaster, Q2, actor=cast.officer, kind="draft")
    assert {sent[job.pk]["priority"] for job in scheduled} == {queueing.BACKGROUND}
    assert sent[asked.pk]["priority"] is None

    # Redis lost every message: the sweep sends each job again at the priority it had.
    ReportJob.objects.update(sent=None)
    sent.clear()
    assert services.resend_waiting_jobs() == 4
    assert {sent[job.pk]["priority"] for job in scheduled} == {queueing.BACKGROUND}
    assert sent[asked.pk]["priority"] is None


def test_two_overlapping_runs_draft_a_quarter_once(cast, data, monkeypatch):
    monkeypatch.setattr(tasks.render_report, "apply_async", lambda args, **options: None)
    ReportSettings.objects.create(partnership=cast.lancaster)
    # The other run claimed Lancaster's quarter between this run's read and its UPDATE.
    ReportSettings.objects.filter(partnership=cast.lancaster).update(drafted_year=2025, drafted_number=2)
    jobs = services.draft_quarter_end_reports(date(2025, 10, 2))
    assert cast.lancaster not in [j.partnership for j in jobs]


def test_the_schedule_does_nothing_in_the_middle_of_a_quarter(cast, data):
    assert services.draft_quarter_end_reports(date(2025, 11, 20)) == []
    assert not ReportJob.objects.exists()


def test_officers_only_are_told_of_a_scheduled_draft(cast, data, media, fake_weasyprint):
    Role.objects.create(user=cast.board_member, partnership=cast.lancaster, role=Role.Kind.OFFICER)
    job = job_for(cast, scheduled=True)
    job.requested_by = None
    job.save()
    with emails_sent():
        services.run_job(job.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.officer.email, cast.board_member.email])


# Report settings


def test_changing_the_report_settings_keeps_history(cast):
    found = services.change_settings(
        cast.lancaster, actor=cast.officer, values={"colour": "#00703c", "protective_marking": "OFFICIAL-SENSITIVE"}
    )
    assert (found.colour, found.protective_marking) == ("#00703c", "OFFICIAL-SENSITIVE")
    assert found.history.first().history_user == cast.officer
    assert snapshot.build(cast.lancaster, Q2)["branding"]["marking"] == "OFFICIAL-SENSITIVE"
