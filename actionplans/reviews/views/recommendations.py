"""Recommendations, the reviews' and the PCC's: the partnership's list of them and each one's page
with its actions and their evidence (everyone with a role reads them: a board member sees progress,
never the case file), adding and changing one, turning one into an action, and the PCC's register."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from actionplans.views.common import posted
from csp_portal import pages
from csp_portal.forms import error_links
from csp_portal.organisations.permissions import authorize, partnership_for

from .. import recommendation_queries as queries
from .. import recommendation_services as services
from ..models import Recommendation
from ..recommendation_forms import PccRecommendationForm, RecommendationActionForm, RecommendationForm

VIEW = "reviews.view_recommendations"
CHANGE = "reviews.change_recommendation"
KEEP_PCC = "reviews.start_review"  # on a partnership: the officers keep the PCC's register
OPEN_CASE_FILE = "reviews.open_case_file"
CHANGE_ACTIONS = "actionplans.change_actions"


def _recommendation(request, slug: str, recommendation_id: int, permission: str = VIEW) -> Recommendation:
    partnership = partnership_for(request.user, slug, VIEW)
    found = pages.one_or_404(queries.recommendations_in(partnership), "recommendation", pk=recommendation_id)
    authorize(request.user, permission, found)
    return found


def _detail_url(recommendation: Recommendation) -> str:
    return reverse("reviews:recommendation_detail", args=[recommendation.partnership.slug, recommendation.pk])


def may_add_actions(user, recommendation: Recommendation) -> bool:
    """Those who change the recommendation, and the partnership's officers, who run its actions."""
    return user.has_perm(CHANGE, recommendation) or user.has_perm(CHANGE_ACTIONS, recommendation.partnership)


def case_files_open_to(user, recommendations) -> set[int]:
    """The reviews among the recommendations' that the user may open (no query: roles are cached)."""
    reviews = {rec.review_id: rec.review for rec in recommendations if rec.review_id is not None}
    return {pk for pk, review in reviews.items() if user.has_perm(OPEN_CASE_FILE, review)}


@login_required
def recommendation_list(request, slug: str):
    """Every recommendation of the partnership, the reviews' and the PCC's, with its state."""
    partnership = partnership_for(request.user, slug, VIEW)
    table, rows = queries.recommendation_table(partnership, request.GET)
    return render(
        request,
        "reviews/recommendation_list.html",
        {
            "partnership": partnership,
            "table": table,
            "rows": rows,
            "case_files": case_files_open_to(request.user, [row.recommendation for row in rows]),
            "can_keep_pcc": request.user.has_perm(KEEP_PCC, partnership),
        },
    )


@login_required
def recommendation_detail(request, slug: str, recommendation_id: int):
    """A recommendation: where it came from, its state, and its actions with their evidence."""
    recommendation = _recommendation(request, slug, recommendation_id)
    progress = queries.recommendation_progress(recommendation)
    return render(
        request,
        "reviews/recommendation_detail.html",
        {
            "partnership": recommendation.partnership,
            "recommendation": recommendation,
            "progress": progress,
            "lines": queries.action_lines(progress),
            "case_files": case_files_open_to(request.user, [recommendation]),
            "can_change": request.user.has_perm(CHANGE, recommendation),
            "can_add_action": may_add_actions(request.user, recommendation),
            "why_no_actions": services.why_no_actions(recommendation),
        },
    )


def _form_page(request, recommendation: Recommendation | None, form, **extra):
    partnership = recommendation.partnership if recommendation else extra["partnership"]
    context = {"partnership": partnership, "recommendation": recommendation, "form": form, "errors": error_links(form)}
    return render(request, "reviews/recommendation_form.html", context | extra)


def _saved(request, recommendation: Recommendation, message: str):
    messages.success(request, message)
    return redirect(_detail_url(recommendation))


@login_required
def recommendation_add(request, slug: str, review_id: int):
    """Add one of a review's recommendations: its number (the next, unless changed), words,
    scope, level and date."""
    partnership = partnership_for(request.user, slug, VIEW)
    review = pages.one_or_404(queries.reviews_in(partnership), "review", pk=review_id)
    authorize(request.user, CHANGE, review)
    blank = Recommendation(partnership=partnership, review=review, number=queries.next_number(review))
    form = RecommendationForm(posted(request), instance=blank, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_recommendation(review, actor=request.user, values=form.values())
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            return _saved(request, added, f"Recommendation {added.number} of {review} has been added.")
    return _form_page(request, None, form, partnership=partnership, review=review)


@login_required
def recommendation_edit(request, slug: str, recommendation_id: int):
    """Change a recommendation; for the PCC's, record that it was considered, the decision with its
    reasons, and the response sent."""
    recommendation = _recommendation(request, slug, recommendation_id, CHANGE)
    if recommendation.is_from_pcc:
        form = PccRecommendationForm(posted(request), instance=copy(recommendation), considering=True)
    else:
        form = RecommendationForm(
            posted(request), instance=copy(recommendation), partnership=recommendation.partnership
        )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.change_recommendation(recommendation, actor=request.user, values=form.values())
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            return _saved(
                request, recommendation, "The recommendation has been saved." if changed else "Nothing was changed."
            )
    return _form_page(request, recommendation, form, review=recommendation.review)


@login_required
def recommendation_action_add(request, slug: str, recommendation_id: int):
    """Turn the recommendation into an action, with its lead agency and person, dates and targets."""
    recommendation = _recommendation(request, slug, recommendation_id)
    if not may_add_actions(request.user, recommendation):
        raise PermissionDenied("Your role does not allow this (reviews.change_recommendation).")
    why = services.why_no_actions(recommendation)
    form = RecommendationActionForm(None if why else posted(request), partnership=recommendation.partnership)
    if request.method == "POST" and not why and form.is_valid():
        try:
            action = services.add_action(recommendation, actor=request.user, values=form.values())
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            return _saved(request, recommendation, f"“{action.title}” has been added to the recommendation's actions.")
    context = {"partnership": recommendation.partnership, "recommendation": recommendation, "why": why}
    return render(
        request, "reviews/recommendation_action_form.html", context | {"form": form, "errors": error_links(form)}
    )


# -- The PCC's register ------------------------------------------------------------------------------------


@login_required
def pcc_register(request, slug: str):
    """The PCC's recommendations: received, considered, the decision and its reasons, the response."""
    partnership = partnership_for(request.user, slug, VIEW)
    return render(
        request,
        "reviews/pcc_register.html",
        {
            "partnership": partnership,
            "rows": queries.pcc_rows(partnership),
            "can_keep_pcc": request.user.has_perm(KEEP_PCC, partnership),
        },
    )


@login_required
def pcc_recommendation_add(request, slug: str):
    """Put a recommendation received from the PCC on the register."""
    partnership = partnership_for(request.user, slug, KEEP_PCC)
    form = PccRecommendationForm(posted(request), instance=Recommendation(partnership=partnership), considering=False)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.receive_pcc_recommendation(partnership, actor=request.user, values=form.values())
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            return _saved(request, added, "The PCC's recommendation is on the register, to be considered.")
    return _form_page(request, None, form, partnership=partnership, review=None, pcc=True)
