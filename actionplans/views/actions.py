"""An action's pages: adding, reading, editing (in place with htmx), reordering, moving, archiving and
restoring it, and its history."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csp_portal import pages

from .. import queries, services
from ..forms import ActionForm, MoveForm
from ..models import Action
from .common import (
    CHANGE,
    REVIEW,
    action_row,
    find_action,
    find_plan_action,
    find_priority,
    in_plan,
    may_write_return,
    page,
    plan_section,
    posted,
    saved_again,
)


def _form(data, action: Action) -> ActionForm:
    return ActionForm(
        data, instance=copy(action), priority=action.priority, partnership=action.partnership, prefix=f"a{action.pk}"
    )


@login_required
def action_add(request, slug: str, priority_id: int):
    priority = find_priority(request, slug, priority_id, CHANGE)
    form = ActionForm(posted(request), priority=priority, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            action = services.add_action(priority, actor=request.user, values=form.values(), others=form.others())
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            if request.htmx:
                return plan_section(request, priority, focus=("edit", action.pk))
            messages.success(request, f"“{action.title}” has been added to the action plan.")
            return redirect(in_plan(action))
    if request.htmx and not form.errors:
        form.focus_first_field()
    template = "actionplans/includes/action_add_form.html" if request.htmx else "actionplans/action_form.html"
    return render(request, template, page(priority, form=form))


@login_required
def action_detail(request, slug: str, action_id: int):
    action = find_action(request, slug, action_id)
    if request.htmx:
        return action_row(request, action)
    return render(
        request,
        "actionplans/action_detail.html",
        page(
            action,
            returns=queries.returns_of(action, request.user),
            can_change=request.user.has_perm(CHANGE, action),
            can_write=may_write_return(request.user, action),
            can_review=request.user.has_perm(REVIEW, action),
            quarter=queries.reporting_quarter(),
        ),
    )


@login_required
def action_edit(request, slug: str, action_id: int):
    action = find_action(request, slug, action_id, CHANGE)
    form = _form(posted(request), action)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.edit_action(
                action,
                actor=request.user,
                version=form.cleaned_data["version"],
                values=form.values(),
                others=form.others(),
            )
        except services.ActionConflict as error:
            conflict, action = error, saved_again(action)
            form = _form(None, action)
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            if request.htmx:
                return action_row(request, saved_again(action))
            messages.success(request, "The action has been saved." if changed else "Nothing was changed.")
            return redirect(in_plan(action))
    if request.htmx and not form.errors and conflict is None:
        form.focus_first_field()
    template = "actionplans/includes/action_edit_row.html" if request.htmx else "actionplans/action_form.html"
    return render(request, template, page(action, form=form, conflict=conflict, columns=9))


@login_required
@require_POST
def action_reorder(request, slug: str, action_id: int):
    action = find_plan_action(request, slug, action_id)
    direction = request.POST.get("direction", "")
    try:
        moved = services.move_action(action, actor=request.user, direction=direction)
    except ValidationError as error:
        return HttpResponse(error.messages[0], status=400)
    if request.htmx:
        return plan_section(request, action.priority, focus=(direction, action.pk))
    if moved:
        messages.success(request, f"“{action.title}” has been moved {direction}.")
    return redirect(in_plan(action))


@login_required
def action_move(request, slug: str, action_id: int):
    action = find_plan_action(request, slug, action_id)
    form = MoveForm(posted(request), action=action)
    if request.method == "POST" and form.is_valid():
        old_priority = action.priority
        try:
            services.move_action_to_priority(action, actor=request.user, priority=form.cleaned_data["priority"])
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"“{action.title}” has moved to {action.priority.title}.")
            return redirect("actionplans:priority_plan", slug, old_priority.pk)
    return render(request, "actionplans/action_move.html", page(action, form=form))


@login_required
def action_archive(request, slug: str, action_id: int):
    action = find_action(request, slug, action_id, CHANGE)
    if request.method == "POST":
        try:
            services.archive_action(action, actor=request.user)
        except ValidationError as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(request, f"“{action.title}” has been archived. Its returns and history are kept.")
        return redirect(in_plan(action).split("#")[0])
    return render(request, "actionplans/action_archive.html", page(action))


@login_required
@require_POST
def action_restore(request, slug: str, action_id: int):
    action = find_action(request, slug, action_id, CHANGE)
    try:
        services.restore_action(action, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(in_plan(action).split("#")[0] + "?archived=1")
    messages.success(request, f"“{action.title}” is back on the action plan.")
    return redirect(in_plan(action))


@login_required
def action_history(request, slug: str, action_id: int):
    action = find_action(request, slug, action_id)
    return render(
        request, "actionplans/action_history.html", page(action, changes=queries.action_changes(action, request.user))
    )
