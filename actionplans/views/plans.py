"""The partnership's action plans: the list of plans, a priority's action plan, and a plan's actions
imported from or downloaded as a spreadsheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from csp_portal.exports import FORMATS, table_response
from csp_portal.forms import error_links
from csp_portal.organisations.permissions import partnership_for

from .. import filters, importer, queries
from ..forms import ImportForm
from .common import CHANGE, VIEW, find, find_priority, plan_context, posted


@login_required
def index(request, slug: str):
    partnership = partnership_for(request.user, slug, VIEW)
    quarter = queries.reporting_quarter()
    return render(
        request,
        "actionplans/index.html",
        {
            "partnership": partnership,
            "plans": queries.plans_with_priorities(partnership),
            "quarter": quarter,
            "deadline": quarter.deadline(),
            "can_change": request.user.has_perm(CHANGE, partnership),
        },
    )


@login_required
def action_list(request, slug: str):
    """Every current action of the partnership in one table, filtered and sorted as the person asks."""
    partnership = partnership_for(request.user, slug, VIEW)
    quarter = queries.reporting_quarter()
    table = filters.action_table(partnership, request.GET, quarter)
    return render(
        request,
        "actionplans/action_list.html",
        {"partnership": partnership, "quarter": quarter, "table": table, "actions": list(table.qs)},
    )


@login_required
def priority_plan(request, slug: str, priority_id: int):
    priority = find_priority(request, slug, priority_id)
    return render(request, "actionplans/priority_plan.html", plan_context(request, priority))


@login_required
def plan_import(request, slug: str, plan_id: int):
    plan = find(request, slug, CHANGE, queries.plans_in, "plan", plan_id)
    form = ImportForm(posted(request), request.FILES or None, plan=plan)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = importer.import_actions(
                plan,
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
                priority=form.cleaned_data["priority"],
            )
        except importer.ImportFailed as failure:
            problems = failure.problems
        else:
            messages.success(
                request, f"{len(created)} action{'s' if len(created) != 1 else ''} imported into {plan.title}."
            )
            return redirect("actionplans:index", slug)
    return render(
        request,
        "actionplans/plan_import.html",
        {
            "partnership": plan.partnership,
            "plan": plan,
            "form": form,
            "errors": error_links(form),
            "problems": problems,
            "problems_shown": problems[: importer.MAX_PROBLEMS_SHOWN],
            "problems_not_shown": max(0, len(problems) - importer.MAX_PROBLEMS_SHOWN),
            "columns": importer.COLUMNS,
            "seed_columns": importer.SEED_COLUMNS,
        },
    )


@login_required
def plan_export(request, slug: str, plan_id: int, file_format: str):
    if file_format not in FORMATS:
        raise Http404("Action plans download as csv or xlsx.")
    plan = find(request, slug, VIEW, queries.plans_in, "plan", plan_id)
    stamp = timezone.localdate().isoformat()
    return table_response(
        importer.export_rows(plan),
        importer.COLUMNS,
        f"{slugify(plan.title)}-actions-{stamp}",
        file_format,
        "Action plan",
    )
