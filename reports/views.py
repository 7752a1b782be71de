"""The dashboard, the quarterly reports and the board's decisions. Each page finds the partnership
named in the URL (404 outside the user's partnerships), checks the permission (403 for a role that
may only read), parses the input, calls one service and renders."""

from __future__ import annotations

from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionplans.queries import reporting_quarter
from csp_portal import pages
from csp_portal.forms import ErrorLink
from csp_portal.organisations.permissions import partnership_for
from csp_portal.quarters import Quarter

from . import briefing, live_snapshot, publication, queries, rendering, services
from .changes import changes_since
from .forms import DecisionForm, QuarterForm, ReportSettingsForm, RequestForm, error_links
from .models import ReportJob

VIEW = "reports.view_reports"
PREPARE = "reports.prepare_reports"


def _may_prepare(request, partnership) -> bool:
    return request.user.has_perm(PREPARE, partnership)


def _since_issued(partnership, quarter: Quarter, data: dict) -> dict:
    """The quarter's latest issued version, and what has changed since it was issued."""
    issued = queries.latest_issued(partnership, quarter)
    return {"issued": issued, "changes": changes_since(issued.snapshot, data) if issued else None}


# -- The dashboard ------------------------------------------------------------------------------------


@login_required
def dashboard(request, slug: str):
    """The board's briefing between meetings: each priority's RAG, the red and worsened actions, the
    decisions the board is asked to make, what changed since the report was issued, indicator
    trends, funding, and the issued reports to download."""
    partnership = partnership_for(request.user, slug, VIEW)
    quarter = reporting_quarter()
    form = QuarterForm(request.GET or None, initial={"quarter": quarter.label})
    if form.is_valid():
        quarter = form.cleaned_data["quarter"]
    data = live_snapshot.current(partnership, quarter)
    return render(
        request,
        "reports/dashboard.html",
        {
            "partnership": partnership,
            "quarter": quarter,
            "report": data,
            "form": form,
            "errors": error_links(form),
            "bars": briefing.rag_bars(data),
            "to_look_at": briefing.to_look_at(data),
            **_since_issued(partnership, quarter, data),
            "versions": list(queries.versions_of(partnership)[:5]),
            "can_prepare": _may_prepare(request, partnership),
        },
    )


# -- Issued reports -----------------------------------------------------------------------------------


@login_required
def report_list(request, slug: str):
    """Every issued report of the partnership, to download; officers prepare a quarter's report."""
    partnership = partnership_for(request.user, slug, VIEW)
    return render(
        request,
        "reports/report_list.html",
        {
            "partnership": partnership,
            "versions": list(queries.versions_of(partnership)),
            "quarters": queries.quarters_offered(),
            "can_prepare": _may_prepare(request, partnership),
        },
    )


@login_required
def report_download(request, slug: str, version_id: int):
    partnership = partnership_for(request.user, slug, VIEW)
    version = pages.one_or_404(queries.versions_of(partnership), "report", pk=version_id)
    return _pdf_response(version.pdf, version.filename)


@login_required
@csp_update({"style-src": [NONCE]})  # the partnership's accent colour, as the PDF has it, in one nonce'd rule
def report_page(request, slug: str, version_id: int):
    """An issued report as a web page, for phones and screen readers: its stored snapshot through the
    PDF's own template, so that it shows what the PDF shows however the plan has changed since, with
    the PDF to download at the top. Whoever may download the PDF may read it."""
    partnership = partnership_for(request.user, slug, VIEW)
    version = pages.one_or_404(queries.issued_in(partnership), "report", pk=version_id)
    back = reverse("reports:report_quarter", args=[partnership.slug, version.quarter])
    return HttpResponse(rendering.render_html(version.snapshot, issued=version, request=request, back_url=back))


def _pdf_response(file, filename: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The PDF of this report is missing: please tell a site administrator.") from None
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- Preparing a quarter's report ---------------------------------------------------------------------


def _quarter_context(request, partnership, quarter: Quarter, **extra) -> dict:
    can_prepare = _may_prepare(request, partnership)
    versions = list(queries.versions_of(partnership, quarter))
    context = {
        "partnership": partnership,
        "quarter": quarter,
        "versions": versions,
        "can_prepare": can_prepare,
        "jobs": queries.jobs_of(partnership, quarter) if can_prepare else [],
        "next_version": (max((v.version for v in versions), default=0) + 1),
        "future": quarter > Quarter.current(),
        "progress_publication": publication.publication_of(partnership, quarter),
    }
    if can_prepare:
        data = live_snapshot.current(partnership, quarter)
        context.update(report=data, missing=briefing.missing(data), **_since_issued(partnership, quarter, data))
    context.update(extra)
    return context


@login_required
def report_quarter(request, slug: str, quarter: Quarter):
    """A quarter's report: its issued versions and, for officers, the returns still owed or waiting
    for review, what changed since the last issue, the preview, drafts, issuing and the escalations
    whose decisions they record after the meeting."""
    partnership = partnership_for(request.user, slug, VIEW)
    return render(request, "reports/quarter.html", _quarter_context(request, partnership, quarter))


@login_required
@csp_update({"style-src": [NONCE]})  # the partnership's accent colour, as the PDF has it, in one nonce'd rule
def report_preview(request, slug: str, quarter: Quarter):
    """The draft report from today's data as HTML, from the template the PDF uses."""
    partnership = partnership_for(request.user, slug, PREPARE)
    data = live_snapshot.current(partnership, quarter)
    back = reverse("reports:report_quarter", args=[partnership.slug, quarter])
    return HttpResponse(rendering.render_html(data, preview=True, request=request, back_url=back))


@login_required
@require_POST
def report_request(request, slug: str, quarter: Quarter):
    """Queue a draft PDF; the job page follows it. Issuing asks first, on its own page."""
    partnership = partnership_for(request.user, slug, PREPARE)
    if request.POST.get("kind") == ReportJob.Kind.ISSUE:
        return redirect("reports:report_issue", slug=partnership.slug, quarter=quarter)
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            job = services.request_report(partnership, quarter, actor=request.user, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            return redirect(job)
    context = _quarter_context(request, partnership, quarter, request_form=form, errors=error_links(form))
    return render(request, "reports/quarter.html", context)


@login_required
def report_issue(request, slug: str, quarter: Quarter):
    """Issuing asks first: the returns still owed or not yet accepted and the escalations the board
    has not decided, then the issue of the next version, which cannot be undone. The version the
    page named is posted back, so that a version issued meanwhile is not followed by another unseen."""
    partnership = partnership_for(request.user, slug, PREPARE)
    context = _quarter_context(request, partnership, quarter)
    if request.method == "POST":
        confirmed = request.POST.get("version", "")
        refusal = None
        if confirmed != str(context["next_version"]):
            refusal = (
                f"Version {context['next_version'] - 1} has been issued since this page was opened: check what is "
                f"still missing, then issue version {context['next_version']}"
                if confirmed.isdigit()
                else "Issue the report with the button on this page, once you have checked what is still missing"
            )
        else:
            try:
                job = services.request_report(partnership, quarter, actor=request.user, kind=ReportJob.Kind.ISSUE)
            except ValidationError as error:
                refusal = " ".join(error.messages)
            else:
                return redirect(job)
        context["errors"] = [ErrorLink("issue", refusal)]
    return render(request, "reports/issue.html", context)


# -- Jobs ---------------------------------------------------------------------------------------------


def _job(request, slug: str, job_id: int) -> ReportJob:
    partnership = partnership_for(request.user, slug, PREPARE)
    return pages.one_or_404(queries.jobs_in(partnership), "report job", pk=job_id)


def _followed_job(request, slug: str, job_id: int) -> ReportJob:
    """The job whose progress someone is watching: if the queue was down when it was requested, it
    is sent now that they look again, rather than at the next sweep."""
    job = _job(request, slug, job_id)
    if job.status == ReportJob.Status.QUEUED and job.sent is None and services.dispatch(job.pk):
        job = _job(request, slug, job_id)
    return job


def job_state(job: ReportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": "" if job.is_finished else job.stage,  # the status tag already says how it ended
        "finished": job.is_finished,
        "error": job.error,
        "attempts": job.attempts,
        "download_url": job.download_url or "",
        "pages": job.pages,
        "version": job.result.version if job.result_id else None,
        "what": "recommendations status report" if job.kind == ReportJob.Kind.RECOMMENDATIONS else "",
    }


@login_required
def report_job(request, slug: str, job_id: int):
    """A report job's progress: the page follows it without reloading (or on refresh, without JS)."""
    job = _followed_job(request, slug, job_id)
    return render(
        request,
        "reports/job.html",
        {"partnership": job.partnership, "job": job, "quarter": job.quarter, "state": job_state(job)},
    )


@login_required
def report_job_status(request, slug: str, job_id: int):
    return JsonResponse(job_state(_followed_job(request, slug, job_id)), headers={"Cache-Control": "no-store"})


@login_required
def report_job_download(request, slug: str, job_id: int):
    """A draft's PDF (an issue job's PDF is its issued version)."""
    job = _job(request, slug, job_id)
    if job.status != ReportJob.Status.READY:
        raise Http404("This report is not ready.")
    if job.result_id:
        return redirect(job.result.get_absolute_url())
    if job.kind == ReportJob.Kind.RECOMMENDATIONS:
        day = timezone.localtime(job.finished or job.created).date()
        return _pdf_response(job.pdf, f"{job.partnership.slug}-recommendations-{day.isoformat()}-{job.pk}.pdf")
    return _pdf_response(job.pdf, f"{job.partnership.slug}-{job.quarter.slug}-draft-{job.pk}.pdf")


# -- The board's decisions ----------------------------------------------------------------------------


@login_required
def report_decision(request, slug: str, return_id: int):
    """Record what the board decided about an escalation."""
    partnership = partnership_for(request.user, slug, PREPARE)
    progress = pages.one_or_404(queries.returns_in(partnership), "escalation", pk=return_id)
    if not progress.support_needed.strip():  # a return that asks nothing of the board has nothing to decide
        raise Http404("No such escalation in this partnership.")
    form = DecisionForm(request.POST or None, meetings=queries.meetings_to_decide_at(progress))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decision(progress, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(
                request, "The board's decision has been recorded. It shows on the action and in the next report."
            )
            return redirect("reports:report_quarter", slug=partnership.slug, quarter=progress.quarter)
    return render(
        request,
        "reports/decision.html",
        {
            "partnership": partnership,
            "progress": progress,
            "action": progress.action,
            "quarter": progress.quarter,
            "decisions": queries.decisions_on(progress),
            "form": form,
            "errors": error_links(form),
        },
    )


# -- How the reports look -----------------------------------------------------------------------------


@login_required
def report_settings(request, slug: str):
    partnership = partnership_for(request.user, slug, PREPARE)
    current = queries.settings_of(partnership)
    form = ReportSettingsForm(request.POST or None, request.FILES or None, instance=current)
    if request.method == "POST" and form.is_valid():
        logo = form.cleaned_data.get("logo")
        try:
            services.change_settings(
                partnership,
                actor=request.user,
                values={name: form.cleaned_data.get(name) for name in ("protective_marking", "colour", "logo_alt")},
                logo=logo if isinstance(logo, UploadedFile) else None,
                remove_logo=form.cleaned_data.get("remove_logo", False),
            )
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, "The report settings have been saved. New reports and drafts use them.")
            return redirect("reports:report_list", slug=partnership.slug)
    return render(
        request,
        "reports/settings.html",
        {"partnership": partnership, "form": form, "errors": error_links(form), "current": current},
    )
