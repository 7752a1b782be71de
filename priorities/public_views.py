"""The public pages (no sign-in): the partnerships' published plans, rendered from what each officer
published; and the officer's preview, publish and withdraw. The public pages give `user` as nobody
signed in, so the page is the same for everyone: the service's header without the navigation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from . import publication
from .views.common import CHANGE, context, find_plan

# -- Anyone ------------------------------------------------------------------------------------------


@require_safe
def index(request):
    plans = publication.public_plans()
    return render(request, "priorities/public/index.html", {"plans": plans, "user": AnonymousUser()})


@require_safe
def plan(request, slug: str):
    page = publication.public_plan(slug)
    if page is None:
        raise Http404("This partnership has no published plan.")
    return render(request, "priorities/public/plan.html", {"page": page, "user": AnonymousUser()})


# -- The partnership's officers ----------------------------------------------------------------------


@login_required
def plan_publish(request, slug: str, plan_id: int):
    """GET: the preview, exactly what the public will see. POST: publish it."""
    plan = find_plan(request, slug, plan_id, CHANGE)
    refusal = None
    if request.method == "POST":
        try:
            publication.publish_plan(plan, actor=request.user)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            public_url = reverse("public:plan", args=[plan.partnership.slug])
            messages.success(request, f"“{plan.title}” is published: anyone can read it at {public_url}.")
            return redirect("priorities:plan_detail", plan.partnership.slug, plan.pk)
    return render(
        request,
        "priorities/plan_publish.html",
        context(
            request,
            plan,
            content=publication.render_content(publication.public_content(plan)),
            publication=publication.publication_of(plan),
            refusal=refusal,
        ),
    )


@login_required
@require_POST
def plan_withdraw(request, slug: str, plan_id: int):
    plan = find_plan(request, slug, plan_id, CHANGE)
    if publication.withdraw_plan(plan, actor=request.user):
        messages.success(request, f"“{plan.title}” is no longer public: its public page is gone.")
    else:
        messages.info(request, f"“{plan.title}” was not public.")
    return redirect("priorities:plan_detail", plan.partnership.slug, plan.pk)
