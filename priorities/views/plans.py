"""A partnership's plans (for a county board, its Community Safety Agreement) and their priorities."""

from __future__ import annotations

from copy import copy
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from csp_portal import pages
from csp_portal.exports import FORMATS, table_response
from csp_portal.organisations.permissions import partnership_for

from .. import publication, queries, services
from ..forms import ConfirmForm, MoveForm, OutcomeFormSet, PlanForm, PriorityForm, error_links
from .common import CHANGE, VIEW, context, edit_list, find_plan, find_priority, posted

# -- Plans -------------------------------------------------------------------------------------------


@login_required
def plan_list(request, slug: str):
    partnership = partnership_for(request.user, slug, VIEW)
    return render(
        request,
        "priorities/plan_list.html",
        {
            "partnership": partnership,
            "plans": queries.plans_of(partnership),
            "can_change": request.user.has_perm(CHANGE, partnership),
            "is_county": partnership.kind == partnership.Kind.COUNTY,
        },
    )


def _default_period() -> dict:
    """The current financial year's start, and a three-year cycle from it."""
    today = date.today()
    first = today.year if today.month >= 4 else today.year - 1
    return {"period_start": date(first, 4, 1), "period_end": date(first + 3, 3, 31)}


@login_required
def plan_create(request, slug: str):
    partnership = partnership_for(request.user, slug, CHANGE)
    form = PlanForm(posted(request), partnership=partnership, initial=_default_period())
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, partnership=partnership, **form.cleaned_data)
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"“{plan.title}” has been created. Add its priorities.")
            return redirect("priorities:plan_detail", partnership.slug, plan.pk)
    is_county = partnership.kind == partnership.Kind.COUNTY
    return render(
        request,
        "priorities/plan_form.html",
        {
            "partnership": partnership,
            "form": form,
            "errors": error_links(form),
            "heading": "Start the Community Safety Agreement" if is_county else "Start a partnership plan",
        },
    )


@login_required
def plan_detail(request, slug: str, plan_id: int):
    plan = find_plan(request, slug, plan_id)
    priorities, exercises = queries.plan_overview(plan)
    moved = MoveForm(request.GET) if "moved" in request.GET else None
    return render(
        request,
        "priorities/plan_detail.html",
        context(
            request,
            plan,
            priorities=priorities,
            exercises=exercises,
            shows_supports=bool(plan.partnership.county_board_id),
            publication=publication.publication_of(plan),
            moved=moved.cleaned_data if moved is not None and moved.is_valid() else None,
        ),
    )


@login_required
def plan_edit(request, slug: str, plan_id: int):
    plan = find_plan(request, slug, plan_id, CHANGE)
    form = PlanForm(posted(request), instance=copy(plan), partnership=plan.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_plan(plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, "The plan has been saved." if changed else "Nothing was changed.")
            return redirect("priorities:plan_detail", plan.partnership.slug, plan.pk)
    return render(
        request,
        "priorities/plan_form.html",
        context(request, plan, form=form, errors=error_links(form), heading=f"Edit {plan.kind_label.lower()}"),
    )


@login_required
def plan_history(request, slug: str, plan_id: int):
    plan = find_plan(request, slug, plan_id)
    return render(request, "priorities/history.html", context(request, plan, changes=queries.plan_changes(plan)))


@login_required
def plan_export(request, slug: str, plan_id: int, file_format: str):
    if file_format not in FORMATS:
        raise Http404("Plans download as csv or xlsx.")
    plan = find_plan(request, slug, plan_id)
    return table_response(
        queries.plan_export_rows(plan),
        queries.EXPORT_COLUMNS,
        filename=slugify(plan.title) or "plan",
        file_format=file_format,
        sheet="Priorities",
    )


# -- Priorities --------------------------------------------------------------------------------------


@login_required
def priority_create(request, slug: str, plan_id: int):
    plan = find_plan(request, slug, plan_id, CHANGE)
    form = PriorityForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.create_priority(plan, actor=request.user, **form.cleaned_content())
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"“{priority.title}” has been added to the plan.")
            return redirect("priorities:priority_detail", plan.partnership.slug, plan.pk, priority.pk)
    return render(
        request,
        "priorities/priority_form.html",
        context(request, plan, form=form, errors=error_links(form), heading="Add a priority"),
    )


@login_required
def priority_detail(request, slug: str, plan_id: int, priority_id: int):
    priority = find_priority(request, slug, plan_id, priority_id)
    page = queries.priority_page(priority, request.user)
    return render(
        request, "priorities/priority_detail.html", context(request, priority.plan, page=page, priority=page.priority)
    )


@login_required
def priority_edit(request, slug: str, plan_id: int, priority_id: int):
    priority = find_priority(request, slug, plan_id, priority_id, CHANGE)
    plan = priority.plan
    form = PriorityForm(posted(request), instance=copy(priority), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_priority(priority, actor=request.user, **form.cleaned_content())
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"“{priority.title}” has been saved.")
            return redirect("priorities:priority_detail", plan.partnership.slug, plan.pk, priority.pk)
    return render(
        request,
        "priorities/priority_form.html",
        context(request, plan, form=form, errors=error_links(form), priority=priority, heading="Edit the priority"),
    )


@login_required
def priority_outcomes(request, slug: str, plan_id: int, priority_id: int):
    priority = find_priority(request, slug, plan_id, priority_id, CHANGE)
    plan = priority.plan
    return edit_list(
        request,
        plan,
        OutcomeFormSet(posted(request), queryset=queries.outcomes_in(priority), prefix="outcomes"),
        lambda rows: services.update_outcomes(priority, actor=request.user, rows=rows),
        back=reverse("priorities:priority_detail", args=[plan.partnership.slug, plan.pk, priority.pk]),
        saved="The outcomes have been saved.",
        parent=priority,
        priority=priority,
    )


@login_required
@require_POST
def priority_move(request, slug: str, plan_id: int, priority_id: int):
    priority = find_priority(request, slug, plan_id, priority_id, CHANGE)
    plan = priority.plan
    form = MoveForm(request.POST)
    if not form.is_valid():
        return render(request, "priorities/bad_request.html", context(request, plan), status=400)
    direction = form.cleaned_data["direction"]
    if services.move_priority(priority, actor=request.user, direction=direction):
        messages.success(request, f"“{priority.title}” moved {direction} to number {priority.order}.")
    # A different query string (not only a fragment) makes the browser load the page again; the
    # page puts the keyboard focus back on the button that was pressed.
    url = reverse("priorities:plan_detail", args=[plan.partnership.slug, plan.pk])
    return redirect(f"{url}?moved={priority.pk}&direction={direction}#priority-{priority.pk}")


@login_required
def priority_archive(request, slug: str, plan_id: int, priority_id: int):
    priority = find_priority(request, slug, plan_id, priority_id, CHANGE)
    plan = priority.plan
    if request.method == "POST" and ConfirmForm(request.POST).is_valid():
        services.archive_priority(priority, actor=request.user)
        messages.success(
            request,
            f"“{priority.title}” has been archived with its actions. Its history is kept and it can be restored.",
        )
        return redirect("priorities:plan_detail", plan.partnership.slug, plan.pk)
    return render(request, "priorities/priority_archive.html", context(request, plan, priority=priority))


@login_required
@require_POST
def priority_restore(request, slug: str, plan_id: int, priority_id: int):
    priority = find_priority(request, slug, plan_id, priority_id, CHANGE, archived_ok=True)
    plan = priority.plan
    try:
        services.restore_priority(priority, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("priorities:archived_priorities", plan.partnership.slug, plan.pk)
    messages.success(request, f"“{priority.title}” is back on the plan, at number {priority.order}.")
    return redirect("priorities:priority_detail", plan.partnership.slug, plan.pk, priority.pk)


@login_required
def archived_priorities(request, slug: str, plan_id: int):
    plan = find_plan(request, slug, plan_id)
    return render(
        request,
        "priorities/archived_priorities.html",
        context(request, plan, priorities=queries.archived_priorities(plan)),
    )


@login_required
def priority_history(request, slug: str, plan_id: int, priority_id: int):
    priority = find_priority(request, slug, plan_id, priority_id)
    return render(
        request,
        "priorities/history.html",
        context(request, priority.plan, priority=priority, changes=queries.priority_changes(priority)),
    )
