"""Site administrators' own pages: the authorities and partnerships of the whole portal, listed,
added and changed in the product's pages (the Django admin stays for what these do not cover)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.urls import reverse

from csp_portal import pages

from . import queries, services
from .forms import AuthorityForm, PartnershipForm, error_links
from .models import Authority, Partnership
from .permissions import authorize_site


def site_admin_only(view: Callable) -> Callable:
    """Sign in first; then a site administrator only (403 for anyone else)."""

    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        authorize_site(request.user)
        return view(request, *args, **kwargs)

    return checked


def _posted(request):
    return request.POST if request.method == "POST" else None


def _form_page(request, form, write: Callable[[dict], object], *, back: str, heading: str, noun: str, **context):
    """Posted and valid: ``write`` it through the one service, say so and go back to the list
    (``back``); else the form, with a service's refusal shown on it."""
    if request.method == "POST" and form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} has been saved.")
            return redirect(back)
    context = {"form": form, "errors": error_links(form), "heading": heading, "noun": noun, **context}
    return render(request, "organisations/site/form.html", {**context, "back": back})


def _list_page(request, template: str, rows, heading: str, add_label: str, add_view: str):
    context = {"rows": rows, "heading": heading, "add_label": add_label, "add_url": reverse(add_view)}
    return render(request, f"organisations/site/{template}.html", context)


def _initial(row, form_class) -> dict | None:
    """The row's values for a change form's fields (None for an add form)."""
    return None if row is None else model_to_dict(row, fields=list(form_class.base_fields))


def _authority_form(request, authority: Authority | None = None) -> AuthorityForm:
    return AuthorityForm(
        _posted(request),
        initial=_initial(authority, AuthorityForm),
        other_than=getattr(authority, "pk", None),
        choices={"county": queries.county_councils(), "police_force": queries.police_forces()},
    )


def _partnership_form(request, partnership: Partnership | None = None) -> PartnershipForm:
    choices = {
        "county_board": queries.county_boards(),
        "police_force": queries.police_forces(),
        "authorities": queries.authorities_listed(),
    }
    return PartnershipForm(
        _posted(request),
        initial=_initial(partnership, PartnershipForm),
        other_than=getattr(partnership, "pk", None),
        choices=choices,
    )


@site_admin_only
def index(request):
    """Where site administrators start: authorities, partnerships and the Django admin."""
    return render(request, "organisations/site/index.html")


@site_admin_only
def authority_list(request):
    return _list_page(
        request, "authority_list", queries.authorities_listed(), "Authorities", "Add an authority", "site_authority_add"
    )


@site_admin_only
def authority_add(request):
    write = lambda data: services.add_authority(actor=request.user, **data)  # noqa: E731
    form = _authority_form(request)
    return _form_page(
        request, form, write, back=reverse("site_authority_list"), heading="Add an authority", noun="authority"
    )


@site_admin_only
def authority_edit(request, authority_id: int):
    authority = pages.one_or_404(queries.authorities_listed(), "authority", pk=authority_id)
    write = lambda data: services.change_authority(authority, actor=request.user, **data)  # noqa: E731
    form = _authority_form(request, authority)
    heading = f"Change {authority.name}"
    return _form_page(request, form, write, back=reverse("site_authority_list"), heading=heading, noun="authority")


@site_admin_only
def partnership_list(request):
    return _list_page(
        request,
        "partnership_list",
        queries.partnerships_administered(),
        "Partnerships",
        "Add a partnership",
        "site_partnership_add",
    )


@site_admin_only
def partnership_add(request):
    write = lambda data: services.add_partnership(actor=request.user, **data)  # noqa: E731
    form = _partnership_form(request)
    back = reverse("site_partnership_list")
    return _form_page(request, form, write, back=back, heading="Add a partnership", noun="partnership")


@site_admin_only
def partnership_edit(request, partnership_id: int):
    partnership = pages.one_or_404(queries.partnerships_administered(), "partnership", pk=partnership_id)
    write = lambda data: services.change_partnership(partnership, actor=request.user, **data)  # noqa: E731
    form = _partnership_form(request, partnership)
    back, heading = reverse("site_partnership_list"), f"Change {partnership.name}"
    return _form_page(request, form, write, back=back, heading=heading, noun="partnership", partnership=partnership)
