"""The partnership's funding: the money it has each year by source, and what its actions commit."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from csp_portal import pages
from csp_portal.forms import error_links
from csp_portal.organisations.permissions import authorize, partnership_for

from .. import queries, services
from ..forms import FundingForm
from .common import CHANGE, VIEW, find, posted


@login_required
def funding(request, slug: str):
    partnership = partnership_for(request.user, slug, VIEW)
    can_change = request.user.has_perm(CHANGE, partnership)
    if request.method == "POST" and not can_change:
        authorize(request.user, CHANGE, partnership)
    form = FundingForm(posted(request)) if can_change else None
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
            pages.show_refusal(form, error)
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
            "errors": error_links(form),
            "can_change": can_change,
        },
    )


@login_required
def funding_edit(request, slug: str, allocation_id: int):
    allocation = find(request, slug, CHANGE, queries.allocations_in, "allocation", allocation_id)
    form = FundingForm(posted(request), instance=copy(allocation))
    if request.method == "POST" and form.is_valid():
        try:
            services.change_allocation(
                allocation, actor=request.user, amount=form.cleaned_data["amount"], notes=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"The {allocation} has been saved.")
            return redirect("actionplans:funding", slug)
    return render(
        request,
        "actionplans/funding_edit.html",
        {"partnership": allocation.partnership, "allocation": allocation, "form": form, "errors": error_links(form)},
    )
