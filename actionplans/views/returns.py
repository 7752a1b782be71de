"""The quarterly progress returns: the lead writes one, the officer reviews it, follows up the
quarter's returns, chases leads and closes the quarter; the board reads the escalations; a lead's
own actions and returns are in My actions."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csp_portal import pages
from csp_portal.organisations.permissions import partnership_for
from csp_portal.quarters import Quarter

from .. import queries, services
from ..forms import ReturnForm, ReviewForm
from ..models import Action, ProgressReturn
from .common import REVIEW, VIEW, find_action, may_write_return, neighbours, page, posted

# What the officer decides about a submitted return: the service, and what became of the return.
DECISIONS = {
    "accept": (services.accept_return, "accepted"),
    "return": (services.send_back_return, "returned to the lead"),
}


def _return_page(
    request, action: Action, quarter: Quarter, progress: ProgressReturn | None, *, closed: bool, **extra
) -> dict:
    """The context of a return's page; a draft shown to anyone but its lead is blanked."""
    if progress is not None and not extra.get("editable"):
        progress = progress.withhold_from(request.user, action.lead_user_id)
    return page(action, quarter=quarter, deadline=quarter.deadline(), progress=progress, closed=closed, **extra)


@login_required
def return_edit(request, slug: str, action_id: int, quarter: Quarter):
    """The lead writes (or reads back) the action's return for the quarter."""
    action = find_action(request, slug, action_id)
    progress = queries.return_for(action, quarter)
    may_write = may_write_return(request.user, action)
    closed = services.is_closed(action.partnership, quarter)
    editable = may_write and not closed and (progress is None or progress.is_editable)
    if request.method == "POST" and not may_write:
        raise PermissionDenied("Only the action's lead writes its return.")
    form = ReturnForm(posted(request), instance=copy(progress) if progress else None)
    conflict = None
    if request.method == "POST" and editable and form.is_valid():
        submit = request.POST.get("intent") == "submit"
        verb = services.submit_return if submit else services.save_return
        try:
            verb(action, quarter, actor=request.user, values=form.cleaned_data, version=form.cleaned_data["version"])
        except services.ReturnConflict as error:
            conflict, progress = error, error.object
            editable = progress.is_editable
            form = ReturnForm(instance=copy(progress))
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            done = "submitted" if submit else "saved as a draft"
            messages.success(request, f"Your {quarter.label} return for “{action.title}” has been {done}.")
            return redirect("my_actions_quarter", quarter)
    elif request.method == "POST" and not editable:
        form.add_error(None, "This return can no longer be changed.")
    context = _return_page(
        request, action, quarter, progress, closed=closed, form=form, editable=editable, conflict=conflict
    )
    return render(request, "actionplans/return_form.html", context)


@login_required
def return_review(request, slug: str, action_id: int, quarter: Quarter):
    action = find_action(request, slug, action_id, REVIEW)
    progress = pages.one_or_404(
        queries.returns_with_people(action), "return for this quarter", year=quarter.year, number=quarter.number
    )
    form = ReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        decision = DECISIONS.get(request.POST.get("decision"))
        if decision is None:
            form.add_error(None, "Choose whether to accept the return or return it to the lead.")
        else:
            verb, done = decision
            try:
                verb(progress, actor=request.user, comment=form.cleaned_data["comment"])
            except ValidationError as error:
                pages.show_refusal(form, error)
            else:
                messages.success(request, f"The {quarter.label} return for “{action.title}” has been {done}.")
                return redirect("actionplans:quarter_status", slug, quarter)
    closed = services.is_closed(action.partnership, quarter)
    context = _return_page(request, action, quarter, progress, closed=closed, form=form)
    return render(request, "actionplans/return_review.html", context)


# -- A quarter's returns -----------------------------------------------------------------------------


@login_required
def quarter_current(request, slug: str):
    partnership_for(request.user, slug, VIEW)
    return redirect("actionplans:quarter_status", slug, queries.reporting_quarter())


@login_required
def quarter_status(request, slug: str, quarter: Quarter):
    partnership = partnership_for(request.user, slug, VIEW)
    return render(
        request,
        "actionplans/quarter_status.html",
        {
            "partnership": partnership,
            "quarter": quarter,
            "deadline": quarter.deadline(),
            "returns": queries.quarter_returns(partnership, quarter, request.user),
            "can_review": request.user.has_perm(REVIEW, partnership),
            "may_close": quarter <= Quarter.current(),
            **neighbours(quarter),
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


# -- My actions --------------------------------------------------------------------------------------


@login_required
def my_actions(request, quarter: Quarter | None = None):
    reporting = queries.reporting_quarter()
    quarter = quarter or reporting
    return render(
        request,
        "actionplans/my_actions.html",
        {
            "quarter": quarter,
            "deadline": quarter.deadline(),
            "mine": queries.MyQuarter(queries.my_actions(request.user, quarter)),
            "is_current": quarter == reporting,
            **neighbours(quarter),
        },
    )
