"""Pages for action plans, funding and progress returns. Each finds its object inside the partnership
named in the URL (404 outside the user's partnerships), checks the permission (403 for a role that
may only read), parses the input, calls one service and renders.

The action plan table is edited in place with htmx: the same URLs answer an htmx request with the
fragment to swap in (``request.htmx``) and an ordinary request with the full page, so every form
works without JavaScript too.
"""

from __future__ import annotations

from copy import copy

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django_htmx.http import retarget

from csp_portal.exports import FORMATS, table_response
from csp_portal.organisations.permissions import authorize, partnership_for
from csp_portal.quarters import Quarter
from priorities.models import Plan

from . import importer, queries, services
from .forms import ActionForm, FundingForm, ImportForm, MoveForm, ReturnForm, ReviewForm, error_links
from .models import Action, FundingAllocation, ProgressReturn

VIEW = "actionplans.view_actions"
CHANGE = "actionplans.change_actions"
REVIEW = "actionplans.review_returns"
WRITE_RETURN = "actionplans.write_return"


# -- Finding things ----------------------------------------------------------------------------------


def _priority(request, slug: str, priority_id: int, permission: str = VIEW):
    partnership = partnership_for(request.user, slug)
    priority = queries.priority_in(partnership, priority_id, archived_too=permission == VIEW)
    if priority is None:
        raise Http404("No such priority in this partnership.")
    authorize(request.user, permission, priority)
    return priority


def _action(request, slug: str, action_id: int, permission: str = VIEW) -> Action:
    partnership = partnership_for(request.user, slug)
    action = queries.action_with_context(partnership, action_id)
    if action is None:
        raise Http404("No such action in this partnership.")
    authorize(request.user, permission, action)
    return action


def _data(request):
    return request.POST if request.method == "POST" else None


def _may_write_return(user, action: Action) -> bool:
    """Only the action's lead writes its returns: not even a site administrator writes one for them
    (Django grants superusers every permission, so ask the rule itself)."""
    return rules.has_perm(WRITE_RETURN, user, action)


def _quarters_shown(today=None) -> list[Quarter]:
    last = queries.reporting_quarter(today)
    return [last - n for n in range(queries.QUARTERS_SHOWN - 1, -1, -1)]


def _plan_context(request, priority, focus: tuple[str, int] | None = None, **extra) -> dict:
    quarters = _quarters_shown()
    # An archived priority's actions were archived with it: they are shown, and nothing changes.
    archived = request.GET.get("archived") == "1" or priority.is_archived
    return {
        "partnership": priority.plan.partnership,
        "plan": priority.plan,
        "priority": priority,
        "rows": queries.withhold_drafts(queries.action_plan(priority, quarters, archived=archived), request.user),
        "quarters": quarters,
        "archived": archived,
        "can_change": request.user.has_perm(CHANGE, priority) and not priority.is_archived,
        "focus_kind": focus[0] if focus else None,
        "focus_pk": focus[1] if focus else None,
        **extra,
    }


def _plan_section(request, priority, focus: tuple[str, int] | None = None) -> HttpResponse:
    """The action plan table, to swap in after a change made from it."""
    response = render(request, "actionplans/includes/plan_section.html", _plan_context(request, priority, focus))
    return retarget(response, "#action-plan")


# -- The partnership's action plans ------------------------------------------------------------------


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
            "deadline": queries.deadline(quarter),
            "can_change": request.user.has_perm(CHANGE, partnership),
        },
    )


@login_required
def priority_plan(request, slug: str, priority_id: int):
    priority = _priority(request, slug, priority_id)
    return render(request, "actionplans/priority_plan.html", _plan_context(request, priority))


# -- Actions -----------------------------------------------------------------------------------------


def _agencies(form) -> list:
    return list(form.cleaned_data.get("others_responsible") or [])


@login_required
def action_add(request, slug: str, priority_id: int):
    priority = _priority(request, slug, priority_id, CHANGE)
    form = ActionForm(_data(request), priority=priority, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            action = services.add_action(priority, actor=request.user, values=form.values(), others=_agencies(form))
        except ValidationError as error:
            form.add_error(None, error) if not hasattr(error, "error_dict") else _field_errors(form, error)
        else:
            if request.htmx:
                return _plan_section(request, priority, focus=("edit", action.pk))
            messages.success(request, f"“{action.title}” has been added to the action plan.")
            return redirect(reverse("actionplans:priority_plan", args=[slug, priority.pk]) + f"#action-{action.pk}")
    if request.htmx and not form.errors:
        _focus_first_field(form)
    context = {
        "partnership": priority.plan.partnership,
        "plan": priority.plan,
        "priority": priority,
        "form": form,
        "errors": error_links(form),
    }
    if request.htmx:
        return render(request, "actionplans/includes/action_add_form.html", context)
    return render(request, "actionplans/action_add.html", context)


def _focus_first_field(form) -> None:
    """After an htmx swap, the keyboard goes to the form's first field."""
    form.fields["title"].widget.attrs["data-app-focus"] = ""


def _field_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
def action_detail(request, slug: str, action_id: int):
    action = _action(request, slug, action_id)
    if request.htmx:
        row = queries.withhold_drafts([queries.action_plan_row(action, _quarters_shown())], request.user)[0]
        return render(
            request,
            "actionplans/includes/action_row.html",
            {
                "row": row,
                "partnership": action.partnership,
                "priority": action.priority,
                "quarters": _quarters_shown(),
                "can_change": request.user.has_perm(CHANGE, action),
                "focus_kind": "edit",
                "focus_pk": action.pk,
            },
        )
    return render(
        request,
        "actionplans/action_detail.html",
        {
            "partnership": action.partnership,
            "plan": action.priority.plan,
            "priority": action.priority,
            "action": action,
            "returns": [
                progress.withhold_from(request.user, action.lead_user_id) for progress in queries.returns_of(action)
            ],
            "can_change": request.user.has_perm(CHANGE, action),
            "can_write": _may_write_return(request.user, action),
            "can_review": request.user.has_perm(REVIEW, action),
            "quarter": queries.reporting_quarter(),
        },
    )


@login_required
def action_edit(request, slug: str, action_id: int):
    action = _action(request, slug, action_id, CHANGE)
    form = ActionForm(_data(request), instance=copy(action), priority=action.priority, prefix=f"a{action.pk}")
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.edit_action(
                action,
                actor=request.user,
                version=form.cleaned_data["version"],
                values=form.values(),
                others=_agencies(form),
            )
        except services.ActionConflict as error:
            conflict = error
            action = queries.action_with_context(action.partnership, action.pk)
            form = ActionForm(instance=copy(action), priority=action.priority, prefix=f"a{action.pk}")
        except ValidationError as error:
            _field_errors(form, error) if hasattr(error, "error_dict") else form.add_error(None, error)
        else:
            if request.htmx:
                return action_detail(_as_get(request), slug, action_id)
            messages.success(request, "The action has been saved." if changed else "Nothing was changed.")
            return redirect(
                reverse("actionplans:priority_plan", args=[slug, action.priority_id]) + f"#action-{action.pk}"
            )
    if request.htmx and not form.errors and conflict is None:
        _focus_first_field(form)
    context = {
        "partnership": action.partnership,
        "plan": action.priority.plan,
        "priority": action.priority,
        "action": action,
        "form": form,
        "errors": error_links(form),
        "conflict": conflict,
        "columns": 9,
    }
    if request.htmx:
        return render(request, "actionplans/includes/action_edit_row.html", context)
    return render(request, "actionplans/action_edit.html", context)


def _as_get(request):
    request.method = "GET"
    return request


@login_required
@require_POST
def action_reorder(request, slug: str, action_id: int):
    action = _action(request, slug, action_id, CHANGE)
    direction = request.POST.get("direction", "")
    try:
        moved = services.move_action(action, actor=request.user, direction=direction)
    except ValidationError as error:
        return HttpResponse(error.messages[0], status=400)
    if request.htmx:
        return _plan_section(request, action.priority, focus=(direction, action.pk))
    if moved:
        messages.success(request, f"“{action.title}” has been moved {direction}.")
    return redirect(reverse("actionplans:priority_plan", args=[slug, action.priority_id]) + f"#action-{action.pk}")


@login_required
def action_move(request, slug: str, action_id: int):
    action = _action(request, slug, action_id, CHANGE)
    form = MoveForm(_data(request), action=action)
    if request.method == "POST" and form.is_valid():
        old_priority = action.priority
        try:
            services.move_action_to_priority(action, actor=request.user, priority=form.cleaned_data["priority"])
        except ValidationError as error:
            form.add_error("priority", error)
        else:
            messages.success(request, f"“{action.title}” has moved to {action.priority.title}.")
            return redirect("actionplans:priority_plan", slug, old_priority.pk)
    return render(
        request,
        "actionplans/action_move.html",
        {
            "partnership": action.partnership,
            "plan": action.priority.plan,
            "priority": action.priority,
            "action": action,
            "form": form,
            "errors": error_links(form),
        },
    )


@login_required
def action_archive(request, slug: str, action_id: int):
    action = _action(request, slug, action_id, CHANGE)
    if request.method == "POST":
        try:
            services.archive_action(action, actor=request.user)
        except ValidationError as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(request, f"“{action.title}” has been archived. Its returns and history are kept.")
        return redirect("actionplans:priority_plan", slug, action.priority_id)
    return render(
        request,
        "actionplans/action_archive.html",
        {
            "partnership": action.partnership,
            "plan": action.priority.plan,
            "priority": action.priority,
            "action": action,
        },
    )


@login_required
@require_POST
def action_restore(request, slug: str, action_id: int):
    action = _action(request, slug, action_id, CHANGE)
    try:
        services.restore_action(action, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(reverse("actionplans:priority_plan", args=[slug, action.priority_id]) + "?archived=1")
    messages.success(request, f"“{action.title}” is back on the action plan.")
    return redirect(reverse("actionplans:priority_plan", args=[slug, action.priority_id]) + f"#action-{action.pk}")


@login_required
def action_history(request, slug: str, action_id: int):
    action = _action(request, slug, action_id)
    return render(
        request,
        "actionplans/action_history.html",
        {
            "partnership": action.partnership,
            "plan": action.priority.plan,
            "priority": action.priority,
            "action": action,
            "changes": queries.action_changes(action, request.user),
        },
    )


# -- Progress returns --------------------------------------------------------------------------------


def _return_context(request, action: Action, quarter: Quarter, progress: ProgressReturn | None, **extra) -> dict:
    if progress is not None and not extra.get("editable"):
        progress = progress.withhold_from(request.user, action.lead_user_id)
    return {
        "partnership": action.partnership,
        "plan": action.priority.plan,
        "priority": action.priority,
        "action": action,
        "quarter": quarter,
        "deadline": queries.deadline(quarter),
        "progress": progress,
        "closed": services.is_closed(action.partnership, quarter),
        **extra,
    }


@login_required
def return_edit(request, slug: str, action_id: int, quarter: Quarter):
    """The lead writes (or reads back) the action's return for the quarter."""
    action = _action(request, slug, action_id)
    progress = action.returns.filter(year=quarter.year, number=quarter.number).first()
    may_write = _may_write_return(request.user, action)
    closed = services.is_closed(action.partnership, quarter)
    editable = may_write and not closed and (progress is None or progress.is_editable)
    if request.method == "POST" and not may_write:
        raise PermissionDenied("Only the action's lead writes its return.")
    form = ReturnForm(_data(request), instance=copy(progress) if progress else None)
    conflict = None
    if request.method == "POST" and editable and form.is_valid():
        submit = request.POST.get("intent") == "submit"
        verb = services.submit_return if submit else services.save_return
        try:
            verb(action, quarter, actor=request.user, values=form.cleaned_data, version=form.cleaned_data["version"])
        except services.ReturnConflict as error:
            conflict = error
            progress = error.object
            editable = progress.is_editable
            form = ReturnForm(instance=copy(progress))
        except ValidationError as error:
            _field_errors(form, error) if hasattr(error, "error_dict") else form.add_error(None, error)
        else:
            if submit:
                messages.success(request, f"Your {quarter.label} return for “{action.title}” has been submitted.")
            else:
                messages.success(
                    request, f"Your {quarter.label} return for “{action.title}” has been saved as a draft."
                )
            return redirect("my_actions_quarter", quarter)
    elif request.method == "POST" and not editable:
        form.add_error(None, "This return can no longer be changed.")
    return render(
        request,
        "actionplans/return_form.html",
        _return_context(
            request,
            action,
            quarter,
            progress,
            form=form,
            errors=error_links(form),
            editable=editable,
            conflict=conflict,
        ),
    )


@login_required
def return_review(request, slug: str, action_id: int, quarter: Quarter):
    action = _action(request, slug, action_id, REVIEW)
    progress = (
        action.returns.select_related("submitted_by", "reviewed_by")
        .filter(year=quarter.year, number=quarter.number)
        .first()
    )
    if progress is None:
        raise Http404("No return has been written for this quarter.")
    form = ReviewForm(_data(request))
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        comment = form.cleaned_data["comment"]
        try:
            if decision == "accept":
                services.accept_return(progress, actor=request.user, comment=comment)
            elif decision == "return":
                services.send_back_return(progress, actor=request.user, comment=comment)
            else:
                raise ValidationError("Choose whether to accept the return or return it to the lead.")
        except ValidationError as error:
            _field_errors(form, error) if hasattr(error, "error_dict") else form.add_error(None, error)
        else:
            done = "accepted" if decision == "accept" else "returned to the lead"
            messages.success(request, f"The {quarter.label} return for “{action.title}” has been {done}.")
            return redirect("actionplans:quarter_status", slug, quarter)
    return render(
        request,
        "actionplans/return_review.html",
        _return_context(request, action, quarter, progress, form=form, errors=error_links(form)),
    )


# -- Quarters ----------------------------------------------------------------------------------------


@login_required
def quarter_current(request, slug: str):
    partnership_for(request.user, slug, VIEW)
    return redirect("actionplans:quarter_status", slug, queries.reporting_quarter())


@login_required
def quarter_status(request, slug: str, quarter: Quarter):
    partnership = partnership_for(request.user, slug, VIEW)
    rows = queries.quarter_rows(partnership, quarter)
    outstanding = [row for row in rows if row.outstanding]
    counts = dict.fromkeys(ProgressReturn.Status.values, 0)
    for row in rows:
        if row.progress is not None:
            counts[row.progress.status] += 1
            row.progress.withhold_from(request.user, row.action.lead_user_id)
    leads = sorted({row.action.lead_user for row in outstanding if row.action.lead_user_id}, key=lambda u: u.full_name)
    return render(
        request,
        "actionplans/quarter_status.html",
        {
            "partnership": partnership,
            "quarter": quarter,
            "deadline": queries.deadline(quarter),
            "rows": rows,
            "outstanding": outstanding,
            "counts": counts,
            "leads_outstanding": leads,
            "no_lead": [row for row in outstanding if not row.action.lead_user_id],
            "closure": partnership.closed_quarters.filter(year=quarter.year, number=quarter.number)
            .select_related("closed_by")
            .first(),
            "last_chased": queries.last_chased(partnership, quarter),
            "can_review": request.user.has_perm(REVIEW, partnership),
            "previous": quarter.previous(),
            "next": quarter.next() if quarter < Quarter.current() else None,
            "may_close": quarter <= Quarter.current(),
        },
    )


@login_required
@require_POST
def quarter_chase(request, slug: str, quarter: Quarter):
    partnership = partnership_for(request.user, slug, REVIEW)
    try:
        chased = services.chase_leads(partnership, quarter, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if chased:
            messages.success(
                request, f"{chased} lead{'s' if chased != 1 else ''} chased by e-mail for {quarter.label}."
            )
        else:
            messages.info(request, f"Nobody owes a {quarter.label} return: no e-mail was sent.")
    return redirect("actionplans:quarter_status", slug, quarter)


@login_required
@require_POST
def quarter_close(request, slug: str, quarter: Quarter):
    partnership = partnership_for(request.user, slug, REVIEW)
    reopen = request.POST.get("intent") == "reopen"
    try:
        if reopen:
            services.reopen_quarter(partnership, quarter, actor=request.user)
        else:
            services.close_quarter(partnership, quarter, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if reopen:
            messages.success(request, f"{quarter.label} is open again: its returns can be changed.")
        else:
            messages.success(request, f"{quarter.label} is closed: its returns are now read-only.")
    return redirect("actionplans:quarter_status", slug, quarter)


@login_required
def escalations(request, slug: str, quarter: Quarter):
    partnership = partnership_for(request.user, slug, VIEW)
    return render(
        request,
        "actionplans/escalations.html",
        {"partnership": partnership, "quarter": quarter, "escalations": queries.escalations(partnership, quarter)},
    )


# -- Funding -----------------------------------------------------------------------------------------


@login_required
def funding(request, slug: str):
    partnership = partnership_for(request.user, slug, VIEW)
    can_change = request.user.has_perm(CHANGE, partnership)
    if request.method == "POST" and not can_change:
        authorize(request.user, CHANGE, partnership)
    form = FundingForm(_data(request)) if can_change else None
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.add_allocation(
                partnership,
                actor=request.user,
                year=form.cleaned_data["year"],
                source=form.cleaned_data["source"],
                amount=form.cleaned_data["amount"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The {allocation} of £{allocation.amount:,.2f} has been added.")
            return redirect("actionplans:funding", slug)
    return render(
        request,
        "actionplans/funding.html",
        {
            "partnership": partnership,
            "allocations": queries.allocations_of(partnership),
            "form": form,
            "errors": error_links(form) if form else [],
            "can_change": can_change,
        },
    )


@login_required
def funding_edit(request, slug: str, allocation_id: int):
    partnership = partnership_for(request.user, slug)
    allocation = FundingAllocation.objects.filter(partnership=partnership, pk=allocation_id).first()
    if allocation is None:
        raise Http404("No such allocation in this partnership.")
    authorize(request.user, CHANGE, allocation)
    form = FundingForm(_data(request), instance=copy(allocation))
    form.fields["year"].disabled = True
    form.fields["source"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.change_allocation(
                allocation, actor=request.user, amount=form.cleaned_data["amount"], notes=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            form.add_error("amount", error)
        else:
            messages.success(request, f"The {allocation} has been saved.")
            return redirect("actionplans:funding", slug)
    return render(
        request,
        "actionplans/funding_edit.html",
        {"partnership": partnership, "allocation": allocation, "form": form, "errors": error_links(form)},
    )


# -- Import and export -------------------------------------------------------------------------------


def _plan(request, slug: str, plan_id: int, permission: str) -> Plan:
    partnership = partnership_for(request.user, slug)
    plan = Plan.objects.select_related("partnership").filter(partnership=partnership, pk=plan_id).first()
    if plan is None:
        raise Http404("No such plan in this partnership.")
    authorize(request.user, permission, plan)
    return plan


@login_required
def plan_import(request, slug: str, plan_id: int):
    plan = _plan(request, slug, plan_id, CHANGE)
    form = ImportForm(_data(request), request.FILES or None, partnership=plan.partnership)
    form.fields["priority"].queryset = form.fields["priority"].queryset.filter(plan=plan)
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
    plan = _plan(request, slug, plan_id, VIEW)
    stamp = timezone.localdate().isoformat()
    return table_response(
        importer.export_rows(plan),
        importer.COLUMNS,
        f"{slugify(plan.title)}-actions-{stamp}",
        file_format,
        "Action plan",
    )


# -- My actions --------------------------------------------------------------------------------------


@login_required
def my_actions(request, quarter: Quarter | None = None):
    quarter = quarter or queries.reporting_quarter()
    rows = queries.my_actions(request.user, quarter)
    due = [row for row in rows if row.due_expected or row.due is not None]
    return render(
        request,
        "actionplans/my_actions.html",
        {
            "quarter": quarter,
            "deadline": queries.deadline(quarter),
            "rows": rows,
            "due": due,
            "to_do": sum(1 for row in due if row.due_outstanding),
            "overdue": [(row, q) for row in rows for q in row.overdue],
            "previous": quarter.previous(),
            "next": quarter.next() if quarter < Quarter.current() else None,
            "is_current": quarter == queries.reporting_quarter(),
        },
    )
