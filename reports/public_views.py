"""A quarter's public progress summary: the page anyone reads without signing in, rendered from what
the officer published; and the officer's preview, publish and withdraw. The public page gives `user`
as nobody signed in, so it is the same for everyone: the service's header without the navigation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from csp_portal.organisations.permissions import partnership_for
from csp_portal.quarters import Quarter

from . import publication
from .forms import CommentaryForm, error_links

PREPARE = "reports.prepare_reports"

# -- Anyone ------------------------------------------------------------------------------------------


@require_safe
def quarter(request, slug: str, quarter: Quarter):
    page = publication.public_quarter(slug, quarter)
    if page is None:
        raise Http404("This partnership has not published its progress in this quarter.")
    return render(request, "reports/public/progress.html", {"page": page, "user": AnonymousUser()})


# -- The partnership's officers ----------------------------------------------------------------------


def _refusal(public, quarter: Quarter) -> str | None:
    """Why the quarter's progress cannot be published now, or None."""
    if quarter > Quarter.current():
        return publication.NOT_STARTED.format(label=quarter.label)
    if public is None:
        return publication.NO_PUBLIC_PLAN
    return None


@login_required
def progress_publish(request, slug: str, quarter: Quarter):
    """GET: the preview, exactly what the public will see, and the commentary. POST: publish it."""
    partnership = partnership_for(request.user, slug, PREPARE)
    public = publication.public_plan_of(partnership)
    current = publication.publication_of(partnership, quarter)
    form = CommentaryForm(
        request.POST if request.method == "POST" else None,
        initial={"commentary": current.commentary if current else ""},
    )
    refusal = _refusal(public, quarter)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            publication.publish_quarter(
                partnership, quarter, commentary=form.cleaned_data["commentary"], actor=request.user
            )
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            public_url = reverse("public_progress:quarter", args=[partnership.slug, quarter])
            messages.success(
                request, f"The {quarter.label} progress summary is published: anyone can read it at {public_url}."
            )
            return redirect("reports:report_quarter", partnership.slug, quarter)
    summary = publication.public_summary(public.plan, quarter) if public is not None and refusal is None else None
    return render(
        request,
        "reports/progress_publish.html",
        {
            "partnership": partnership,
            "quarter": quarter,
            "form": form,
            "errors": error_links(form),
            "refusal": refusal,
            "publication": current,
            "plan_title": public.plan.title if public is not None else "",
            "commentary": (form["commentary"].value() or "").strip(),
            "content": publication.render_content(summary) if summary is not None else None,
        },
    )


@login_required
@require_POST
def progress_withdraw(request, slug: str, quarter: Quarter):
    partnership = partnership_for(request.user, slug, PREPARE)
    if publication.withdraw_quarter(partnership, quarter, actor=request.user):
        messages.success(request, f"The {quarter.label} progress summary is no longer public: its public page is gone.")
    else:
        messages.info(request, f"The {quarter.label} progress summary was not public.")
    return redirect("reports:report_quarter", partnership.slug, quarter)
