from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import role_requests, services
from .forms import SwitchPartnershipForm
from .permissions import COUNTY_VIEWER, DISTRICT_VIEWER, PSEUDO_ROLES, partnership_for, roles_by_partnership
from .queries import invitations_in, members_of, partnership_overview, partnerships_listed


@login_required
def partnership_list(request):
    return render(request, "organisations/partnership_list.html", {"partnerships": partnerships_listed(request.user)})


@login_required
def partnership_detail(request, slug: str):
    partnership = partnership_overview(partnership_for(request.user, slug, "organisations.view_partnership"))
    my_roles = roles_by_partnership(request.user).get(partnership.pk, frozenset())
    return render(
        request,
        "organisations/partnership_detail.html",
        {
            "partnership": partnership,
            "my_roles": sorted(my_roles - PSEUDO_ROLES),
            "via_county": COUNTY_VIEWER in my_roles,
            "via_district": DISTRICT_VIEWER in my_roles,
            "can_view_members": request.user.has_perm("organisations.view_partnership_members", partnership),
        },
    )


@login_required
def partnership_members(request, slug: str):
    """The agencies sitting on the partnership, its people and their roles, and the invitations
    not yet used; officers and site administrators change them from here."""
    partnership = partnership_for(request.user, slug, "organisations.view_partnership_members")
    memberships, roles = members_of(partnership)
    return render(
        request,
        "organisations/partnership_members.html",
        {
            "partnership": partnership,
            "memberships": memberships,
            "roles": roles,
            "invitations": list(invitations_in(partnership)),
            "role_requests": list(role_requests.waiting_in(partnership)),
            "can_manage": request.user.has_perm("organisations.manage_people", partnership),
        },
    )


@login_required
@require_POST
def switch_partnership(request):
    form = SwitchPartnershipForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "organisations/switch_failed.html", {"form": form}, status=400)
    partnership = form.cleaned_data["partnership"]
    services.switch_partnership(request, actor=request.user, partnership=partnership)
    messages.success(request, f"You are now working in {partnership.name}.")
    return redirect(partnership)
