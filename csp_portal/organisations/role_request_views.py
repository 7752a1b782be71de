"""Asking for a role, and answering: someone signed in with no role asks a partnership's officers
for one (from the home page, which shows them what they asked and when); the partnership's officers
(and site administrators) give the role or decline it from its members page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csp_portal import pages

from . import role_requests
from .forms import error_links
from .permissions import partnership_for
from .role_request_forms import RoleRequestForm

MANAGE = "organisations.manage_people"


def _form(request) -> RoleRequestForm:
    ours, others = role_requests.partnerships_to_ask(request.user)
    agency = request.user.agency.name if request.user.agency_id else ""
    posted = request.POST if request.method == "POST" else None
    return RoleRequestForm(posted, ours=ours, others=others, agency_name=agency)


def _asking_page(request, template: str, form: RoleRequestForm):
    context = {"form": form, "errors": error_links(form), "waiting": list(role_requests.waiting(request.user))}
    return render(request, f"organisations/{template}.html", context)


def no_role(request):
    """The home page of someone signed in with no role: the form to ask for one, and what they
    have asked already. (Rendered by the home page, not an address of its own.)"""
    return _asking_page(request, "no_role", _form(request))


@login_required
def ask_for_role(request):
    """Ask a partnership's officers for a role; they are told at once."""
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            asked = role_requests.ask_for_role(
                actor=request.user, partnership=data["partnership"], role=data["role"], note=data["note"]
            )
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"Your request has been sent to the officers of {asked.partnership.name}.")
            return redirect("home")
    return _asking_page(request, "role_request_ask", form)


def _answering(answer, said, doc: str):
    """A view for the partnership's officers that answers the request the address names with the
    service ``answer``, says what it did (``said``), and goes back to the members page."""

    @login_required
    @require_POST
    def view(request, slug: str, role_request_id: int):
        partnership = partnership_for(request.user, slug, MANAGE)
        asked = pages.one_or_404(role_requests.requests_in(partnership), "request", pk=role_request_id)
        try:
            answer(asked, actor=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, said(asked))
        return redirect(role_requests.members_page(partnership))

    view.__doc__ = doc
    return view


give_role = _answering(
    role_requests.give_requested_role,
    lambda asked: f"{asked.person} is now {asked.get_role_display().lower()}, and has been told.",
    "Give the person the role they asked for; they are told.",
)
decline = _answering(
    role_requests.decline_role_request,
    lambda asked: f"{asked.person}'s request has been declined, and they have been told.",
    "Decline the request; the person is told, and may ask again.",
)
