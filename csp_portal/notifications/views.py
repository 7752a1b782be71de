"""A person's notifications: the list, opening one (which marks it read), and their e-mail choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from csp_portal.forms import error_links
from csp_portal.pages import one_or_404

from . import queries, services
from .forms import DeliveryForm


@login_required
def notification_list(request):
    return render(request, "notifications/list.html", {"notifications": queries.notifications_of(request.user)})


@login_required
def notification_open(request, notification_id: int):
    notification = one_or_404(queries.notification_of(request.user), "notification", pk=notification_id)
    path = services.open_notification(notification, actor=request.user)
    # The path was written by the portal itself; checked all the same, so it can only lead within it.
    return redirect(path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) else "notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications:list")


@login_required
def choices(request):
    form = DeliveryForm(request.POST or None, choices=queries.choices_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.choose_deliveries(actor=request.user, choices=form.cleaned_data)
        messages.success(request, "Your choices have been saved.")
        return redirect("notifications:choices")
    return render(request, "notifications/choices.html", {"form": form, "errors": error_links(form)})
