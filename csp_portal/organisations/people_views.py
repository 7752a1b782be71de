"""A partnership's people and agencies, run by its officers (and site administrators): invite
someone to a role, change or end a role, send an invitation again, seat an agency, change or end
its membership; and the invited person's page, where their one-time link lets them choose their
own password."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from csp_portal import pages

from . import queries, services
from .forms import AddMembershipForm, InviteForm, MembershipForm, RoleForm, SetOwnPasswordForm, error_links
from .models import Membership, Partnership, Role
from .permissions import partnership_for

MANAGE = "organisations.manage_people"


def _posted(request):
    """The form's data when posted (even with no field filled in), else None: an unbound form."""
    return request.POST if request.method == "POST" else None


def _members_page(partnership: Partnership):
    return redirect("partnership_members", partnership.slug)


def _page(request, template: str, partnership: Partnership, form=None, **context):
    context = {"partnership": partnership, "form": form, "errors": error_links(form), **context}
    return render(request, f"organisations/{template}.html", context)


def _submitted(request, form, write: Callable[[dict], object], said: Callable[[object], str]) -> bool:
    """Posted and valid: call ``write`` (the one service) with the form's values, and say what it
    did. False when nothing was written; a service's refusal is then shown on the form."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        done = write(form.cleaned_data)
    except ValidationError as error:
        pages.show_refusal(form, error)
        return False
    messages.success(request, said(done))
    return True


def _invited(role: Role) -> str:
    if role.user.has_usable_password():
        return f"{role.user} is now {role.get_role_display().lower()}, and has been told."
    return (
        f"An invitation has been sent to {role.user.email}. Its link works for {services.INVITATION_LASTS.days} days."
    )


@login_required
def invite(request, slug: str):
    """Invite someone by e-mail to a role in the partnership."""
    partnership = partnership_for(request.user, slug, MANAGE)
    form = InviteForm(_posted(request), agencies=queries.agencies())
    if _submitted(request, form, lambda data: services.invite(partnership, actor=request.user, **data), _invited):
        return _members_page(partnership)
    return _page(request, "invite", partnership, form, link_days=services.INVITATION_LASTS.days)


@login_required
def role_edit(request, slug: str, role_id: int):
    """Change a person's role, or whether a board member votes."""
    partnership = partnership_for(request.user, slug, MANAGE)
    role = pages.one_or_404(queries.roles_in(partnership), "role", pk=role_id)
    form = RoleForm(_posted(request), initial={"role": role.role, "voting": role.voting})

    def write(data: dict) -> bool:
        return services.change_role(role, actor=request.user, kind=data["role"], voting=data["voting"])

    if _submitted(request, form, write, lambda _: f"{role.user}'s role has been saved."):
        return _members_page(partnership)
    return _page(request, "role_form", partnership, form, role=role)


@login_required
def role_end(request, slug: str, role_id: int):
    """Ask, then end a person's role in the partnership."""
    partnership = partnership_for(request.user, slug, MANAGE)
    role = pages.one_or_404(queries.roles_in(partnership), "role", pk=role_id)
    refusal = None
    if request.method == "POST":
        try:
            services.end_role(role, actor=request.user)
        except ValidationError as error:
            refusal = error.messages[0]
        else:
            messages.success(request, f"{role.user} is no longer {role.get_role_display().lower()}, and has been told.")
            return _members_page(partnership)
    return _page(request, "role_end", partnership, role=role, refusal=refusal)


@login_required
@require_POST
def invitation_resend(request, slug: str, invitation_id: int):
    """Send a pending invitation again: a new link, which replaces the old one."""
    partnership = partnership_for(request.user, slug, MANAGE)
    invitation = pages.one_or_404(queries.invitations_in(partnership), "invitation", pk=invitation_id)
    try:
        services.resend_invitation(invitation, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, f"A new invitation has been sent to {invitation.person.email}. The old link no longer works."
        )
    return _members_page(partnership)


@login_required
def membership_add(request, slug: str):
    """Seat an agency on the partnership, voting or not."""
    partnership = partnership_for(request.user, slug, MANAGE)
    form = AddMembershipForm(_posted(request), agencies=queries.agencies_not_in(partnership))

    def write(data: dict) -> Membership:
        return services.add_membership(partnership, actor=request.user, **form.values())

    if _submitted(request, form, write, lambda done: f"{done.agency.name} now sits on {partnership.name}."):
        return _members_page(partnership)
    return _page(request, "membership_form", partnership, form)


@login_required
def membership_edit(request, slug: str, membership_id: int):
    """Change whether an agency votes, or who sits for it."""
    partnership = partnership_for(request.user, slug, MANAGE)
    membership = pages.one_or_404(queries.memberships_in(partnership), "agency", pk=membership_id)
    initial = {"is_voting": membership.is_voting, "representative": membership.representative}
    form = MembershipForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.change_membership(membership, actor=request.user, **form.cleaned_data)
        messages.success(request, f"{membership.agency.name}'s membership has been saved.")
        return _members_page(partnership)
    return _page(request, "membership_form", partnership, form, membership=membership)


@login_required
def membership_remove(request, slug: str, membership_id: int):
    """Ask, then take an agency off the partnership."""
    partnership = partnership_for(request.user, slug, MANAGE)
    membership = pages.one_or_404(queries.memberships_in(partnership), "agency", pk=membership_id)
    if request.method == "POST":
        services.remove_membership(membership, actor=request.user)
        messages.success(request, f"{membership.agency.name} no longer sits on {partnership.name}.")
        return _members_page(partnership)
    return _page(request, "membership_remove", partnership, membership=membership)


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept_invitation(request, invitation_token: str):
    """The invited person's one-time link: they choose their own password and are signed in. A
    link used already, expired or replaced says what to do instead."""
    invitation = queries.invitation_by_token(invitation_token)
    if invitation is None or invitation.used_at is not None or invitation.is_expired or not invitation.person.is_active:
        status = 404 if invitation is None else 410
        return render(request, "organisations/invitation_refused.html", {"invitation": invitation}, status=status)
    form = SetOwnPasswordForm(_posted(request), person=invitation.person)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(request, invitation=invitation, password=form.cleaned_data["password1"])
        except ValidationError:
            return render(request, "organisations/invitation_refused.html", {"invitation": invitation}, status=410)
        messages.success(request, "Your password is set and you are signed in.")
        return redirect("home")
    context = {"invitation": invitation, "form": form, "errors": error_links(form)}
    return render(request, "organisations/invitation_accept.html", context)
