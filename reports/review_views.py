"""The reports of statutory reviews: the recommendations status report (page, CSV and a PDF made by
the report jobs), the ASB Case Review annual figures (page and CSV) and a county board's roll-up of
its district CSPs. Everyone with a role in the partnership reads them (board members included);
they show recommendations' progress and counts, never a review's case file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from csp_portal.exports import table_response
from csp_portal.organisations.models import Partnership
from csp_portal.organisations.permissions import partnership_for

from . import review_reports, services

VIEW = "reviews.view_recommendations"
PREPARE = "reports.prepare_reports"


@login_required
def recommendations_report(request, slug: str):
    """Every recommendation of the partnership's reviews and of the PCC: how many are open, overdue,
    implemented, awaiting actions or not accepted, overall and by source, then each with its
    actions done, lead agencies, due date and the evidence of completion."""
    partnership = partnership_for(request.user, slug, VIEW)
    can_prepare = request.user.has_perm(PREPARE, partnership)
    return render(
        request,
        "reports/review_recommendations.html",
        {
            "partnership": partnership,
            "report": review_reports.recommendations_report(partnership),
            "can_prepare": can_prepare,
            "jobs": review_reports.recommendation_jobs(partnership) if can_prepare else [],
        },
    )


@login_required
def recommendations_csv(request, slug: str):
    partnership = partnership_for(request.user, slug, VIEW)
    report = review_reports.recommendations_report(partnership)
    return table_response(
        review_reports.csv_rows(report),
        review_reports.CSV_COLUMNS,
        f"{partnership.slug}-recommendations-{report.today.isoformat()}",
        "csv",
    )


@login_required
@require_POST
def recommendations_request(request, slug: str):
    """Queue the report's PDF; the job page follows it."""
    partnership = partnership_for(request.user, slug, PREPARE)
    return redirect(services.request_recommendations_report(partnership, actor=request.user))


@login_required
def asb_figures(request, slug: str):
    """The four ASB Case Review figures councils publish, for each financial year."""
    partnership = partnership_for(request.user, slug, VIEW)
    return render(
        request,
        "reports/review_asb_figures.html",
        {"partnership": partnership, "figures": review_reports.asb_figures(partnership)},
    )


@login_required
def asb_figures_csv(request, slug: str):
    partnership = partnership_for(request.user, slug, VIEW)
    figures = review_reports.asb_figures(partnership)
    stamp = timezone.localdate().isoformat()
    return table_response(
        review_reports.asb_csv_rows(figures),
        review_reports.ASB_COLUMNS,
        f"{partnership.slug}-asb-case-review-figures-{stamp}",
        "csv",
    )


@login_required
def review_rollup(request, slug: str):
    """A county board's district CSPs: their recommendations by state and this year's ASB Case
    Review figures. A district or unitary CSP has none to roll up, and the page says so."""
    partnership = partnership_for(request.user, slug, VIEW)
    is_county = partnership.kind == Partnership.Kind.COUNTY
    return render(
        request,
        "reports/review_rollup.html",
        {"partnership": partnership, "rollup": review_reports.review_rollup(partnership) if is_county else None},
    )
