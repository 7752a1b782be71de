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
from csp_portal.forms import error_links
from csp_portal.organisations.permissions import partnership_for
from csp_portal.quarters import Quarter

from .. import notices, queries, services
from ..filters import return_table
from ..forms import AcceptReturnsForm, ChaseForm, ReturnForm, ReviewForm
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
    withdrawable = may_write and not closed and progress is not None and progress.status == progress.Status.SUBMITTED
    context = _return_page(
        request,
        action,
        quarter,
        progress,
        closed=closed,
        form=form,
        editable=editable,
        conflict=conflict,
        withdrawable=withdrawable,
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


@login_required
@require_POST
def return_withdraw(request, slug: str, action_id: int, quarter: Quarter):
    """The lead takes back a submitted return the officer has not reviewed yet, to change it."""
    action = find_action(request, slug, action_id)
    if not may_write_return(request.user, action):
        raise PermissionDenied("Only the action's lead withdraws its return.")
    progress = pages.one_or_404(
        queries.returns_with_people(action), "return for this quarter", year=quarter.year, number=quarter.number
    )
    try:
        services.withdraw_return(progress, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            f"Your {quarter.label} return for “{action.title}” has been withdrawn: it is a draft again, "
            "to change and submit when it is ready.",
        )
    return redirect("actionplans:return_edit", slug, action.pk, quarter)


# -- A quarter's returns -----------------------------------------------------------------------------


@login_required
def quarter_current(request, slug: str):
    partnership_for(request.user, slug, VIEW)
    return redirect("actionplans:quarter_status", slug, queries.reporting_quarter())


@login_required
def quarter_status(request, slug: str, quarter: Quarter):
    partnership = partnership_for(request.user, slug, VIEW)
    returns = queries.quarter_returns(partnership, quarter, request.user)
    can_review = request.user.has_perm(REVIEW, partnership)
    return render(
        request,
        "actionplans/quarter_status.html",
        {
            "partnership": partnership,
            "quarter": quarter,
            "table": return_table(partnership, request.GET, quarter),
            "deadline": quarter.deadline(),
            "returns": returns,
            "can_review": can_review,
            # The officer ticks the submitted returns to accept together.
            "bulk_accept": can_review and returns.closure is None and returns.counts["submitted"] > 0,
            "may_close": quarter <= Quarter.current(),
            **neighbours(quarter),
        },
    )


@login_required
def quarter_chase(request, slug: str, quarter: Quarter):
    """The officer chooses whom to chase for the quarter's returns (everyone who owes one, or the one
    person whose row they came from), adds a message of their own, sees each e-mail, then sends."""
    partnership = partnership_for(request.user, slug, REVIEW)
    owing = queries.outstanding_by_lead(partnership, quarter)
    one = request.GET.get("lead", "")
    initial = {"leads": [int(one)] if one.isdigit() else [lead.pk for lead in owing]}
    form = ChaseForm(posted(request), owing=owing, initial=initial)
    preview = []
    if request.method == "POST" and form.is_valid():
        leads, note = form.cleaned_data["leads"], form.cleaned_data["message"]
        if request.POST.get("intent") == "send":
            try:
                chased = services.chase_leads(partnership, quarter, actor=request.user, leads=leads, note=note)
            except ValidationError as error:
                pages.show_refusal(form, error)
            else:
                _say_chased(request, chased, quarter)
                return redirect("actionplans:quarter_status", slug, quarter)
        else:
            chosen = {lead: actions for lead, actions in owing.items() if lead.pk in leads}
            for message, lead, _ in notices.chase_messages(partnership, quarter, chosen, note=note, actor=request.user):
                preview.append((lead, " ".join(message.subject.split()), notices.as_emailed(message, lead)))
    context = {
        "partnership": partnership,
        "quarter": quarter,
        "deadline": quarter.deadline(),
        "owing": owing,
        "closed": services.is_closed(partnership, quarter),
        "form": form,
        "errors": error_links(form),
        "preview": preview,
    }
    return render(request, "actionplans/quarter_chase.html", context)


def _say_chased(request, chased: int, quarter: Quarter) -> None:
    if chased:
        messages.success(request, f"{chased} lead{'s' if chased != 1 else ''} chased by e-mail for {quarter.label}.")
    else:
        messages.info(request, f"Nobody you chose still owes a {quarter.label} return: no e-mail was sent.")


@login_required
@require_POST
def quarter_accept(request, slug: str, quarter: Quarter):
    """The officer accepts the submitted returns they ticked on the quarter's page, all at once."""
    partnership = partnership_for(request.user, slug, REVIEW)
    form = AcceptReturnsForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["returns"][0])
        return redirect("actionplans:quarter_status", slug, quarter)
    try:
        accepted = services.accept_returns(partnership, quarter, form.cleaned_data["returns"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        count = len(accepted)
        messages.success(
            request, f"{count} {quarter.label} return{'s' if count != 1 else ''} accepted for the board's report."
        )
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
