"""What the plan and priority-setting pages share: finding the plan, priority, exercise or candidate
the address names (404 elsewhere; 403 for a role that may only read), what every page shows, and the
page that edits a list a row at a time."""

from __future__ import annotations

from collections.abc import Callable

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from csp_portal import pages
from csp_portal.organisations.permissions import authorize, partnership_for

from .. import queries
from ..forms import error_links
from ..forms.common import ListFormSet
from ..models import Candidate, Exercise, Plan, Priority

VIEW = "priorities.view_plan"
CHANGE = "priorities.change_plan"
SCORE = "priorities.score_exercise"


# -- Finding things ----------------------------------------------------------------------------------


def posted(request) -> QueryDict | None:
    """The form data of a POST, or None for a page that shows the form."""
    return request.POST if request.method == "POST" else None


def find_plan(request, slug: str, plan_id: int, permission: str = VIEW) -> Plan:
    plan = pages.one_or_404(queries.plans_in(partnership_for(request.user, slug)), "plan", pk=plan_id)
    authorize(request.user, permission, plan)
    return plan


def find_priority(
    request, slug: str, plan_id: int, priority_id: int, permission: str = VIEW, archived_ok: bool = False
) -> Priority:
    """The plan's priority; an archived one is only read (or restored, ``archived_ok``)."""
    plan = find_plan(request, slug, plan_id)
    priority = pages.one_or_404(queries.priorities_in(plan), "priority", pk=priority_id)
    authorize(request.user, permission, priority)
    if permission != VIEW and priority.is_archived and not archived_ok:
        raise Http404("The priority is archived: restore it to change it.")
    return priority


def find_exercise(request, slug: str, plan_id: int, exercise_id: int, permission: str = VIEW) -> Exercise:
    plan = find_plan(request, slug, plan_id)
    exercise = pages.one_or_404(queries.exercises_in(plan), "exercise", pk=exercise_id)
    authorize(request.user, VIEW, exercise)
    if permission == SCORE:
        # Scoring is for the named participants only: not even a site administrator scores for them
        # (Django grants superusers every permission, so ask the rule itself).
        if not rules.has_perm(SCORE, request.user, exercise):
            raise PermissionDenied("Only the exercise's participants score it.")
    elif permission != VIEW:
        authorize(request.user, permission, exercise)
    return exercise


def find_candidate(exercise: Exercise, candidate_id: int) -> Candidate:
    return pages.one_or_404(queries.candidates_in(exercise), "candidate", pk=candidate_id)


# -- What the pages show -----------------------------------------------------------------------------


def context(request, plan: Plan, **extra) -> dict:
    """What every page about a plan shows: the partnership, the plan, and whether the user may change it."""
    return {
        "partnership": plan.partnership,
        "plan": plan,
        "can_change": request.user.has_perm(CHANGE, plan),
        **extra,
    }


def edit_list(
    request,
    plan: Plan,
    formset: ListFormSet,
    save: Callable[[list[dict]], object],
    *,
    back: str,
    saved: str,
    **extra,
) -> HttpResponse:
    """The page that edits a list a row at a time (an exercise's criteria, a priority's outcomes):
    ``save`` writes the rows through the list's service, then the user goes ``back`` to the page of
    what the list belongs to (``extra`` names it, as ``parent`` and as the exercise or priority)."""
    if request.method == "POST" and formset.is_valid():
        try:
            save(formset.rows())
        except ValidationError as error:
            pages.show_refusal(formset.forms[0], error)
        else:
            messages.success(request, saved)
            return redirect(back)
    return render(
        request,
        "priorities/list_form.html",
        context(request, plan, formset=formset, errors=error_links(formset), back=back, **extra),
    )
