"""The home page: where everyone lands after signing in."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from csp_portal.organisations.role_request_views import no_role

from .queries import home_of


@login_required
def home(request):
    """What each of the person's roles asks of them now, across all their partnerships. People
    without a role yet are told so; administrators without one go to the list of partnerships."""
    work = home_of(request.user)
    if work.empty:
        if request.user.is_superuser:
            return redirect("partnership_list")
        return no_role(request)
    return render(request, "reports/home/home.html", {"home": work})
