"""Pages for plans, priorities and priority setting. Each finds its object inside the partnership
named in the URL (404 outside the user's partnerships), checks the permission (403 for a role that
may only read), parses the input, calls one service and renders."""

from __future__ import annotations

from copy import copy
from datetime import date

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from csp_portal.exports import FORMATS, table_response
from csp_portal.organisations.permissions import authorize, partnership_for

from . import queries, services
from .forms import (
    AddCandidatesForm,
    ConfirmForm,
    ConvertForm,
    CriterionFormSet,
    ExerciseEditForm,
    ExerciseForm,
    MoveForm,
    OutcomeFormSet,
    PlanForm,
    PriorityForm,
    ScoreSheetForm,
    error_links,
)
from .models import Plan

VIEW = "priorities.view_plan"
CHANGE = "priorities.change_plan"
SCORE = "priorities.score_exercise"


# -- Finding things ----------------------------------------------------------------------------------


def _plan(request, slug: str, plan_id: int, permission: str = VIEW) -> Plan:
    partnership = partnership_for(request.user, slug)
    plan = queries.plan_with_partnership(partnership, plan_id)
    if plan is None:
        raise Http404("No such plan in this partnership.")
    authorize(request.user, permission, plan)
    return plan


def _priority(request, slug: str, plan_id: int, priority_id: int, permission: str = VIEW, archived_ok: bool = False):
    plan = _plan(request, slug, plan_id)
    priority = queries.priority_in(plan, priority_id)
    if priority is None:
        raise Http404("No such priority in this plan.")
    authorize(request.user, permission, priority)
    if permission != VIEW and priority.is_archived and not archived_ok:
        raise Http404("The priority is archived: restore it to change it.")
    return priority


def _exercise(request, slug: str, plan_id: int, exercise_id: int, permission: str = VIEW):
    plan = _plan(request, slug, plan_id)
    exercise = queries.exercise_in(plan, exercise_id)
    if exercise is None:
        raise Http404("No such exercise on this plan.")
    authorize(request.user, VIEW, exercise)
    if permission == SCORE:
        # Scoring is for the named participants only: not even a site administrator scores for them
        # (Django grants superusers every permission, so ask the rule itself).
        if not rules.has_perm(SCORE, request.user, exercise):
            raise PermissionDenied("Only the exercise's participants score it.")
    elif permission != VIEW:
        authorize(request.user, permission, exercise)
    return exercise


def _candidate(exercise, candidate_id: int):
    candidate = exercise.candidates.select_related("threat", "priority").filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404("No such candidate in this exercise.")
    candidate.exercise = exercise
    return candidate


def _data(request):
    return request.POST if request.method == "POST" else None


def _context(request, plan: Plan, **extra) -> dict:
    return {
        "partnership": plan.partnership,
        "plan": plan,
        "can_change": request.user.has_perm(CHANGE, plan),
        **extra,
    }


def _add_errors(form, error: ValidationError) -> None:
    form.add_error(None, error)


# -- Plans -------------------------------------------------------------------------------------------


@login_required
def plan_list(request, slug: str):
    partnership = partnership_for(request.user, slug, VIEW)
    return render(
        request,
        "priorities/plan_list.html",
        {
            "partnership": partnership,
            "plans": queries.plans_of(partnership),
            "can_change": request.user.has_perm(CHANGE, partnership),
            "is_county": partnership.kind == partnership.Kind.COUNTY,
        },
    )


def _default_period() -> dict:
    """The current financial year's start, and a three-year cycle from it."""
    today = date.today()
    first = today.year if today.month >= 4 else today.year - 1
    return {"period_start": date(first, 4, 1), "period_end": date(first + 3, 3, 31)}


@login_required
def plan_create(request, slug: str):
    partnership = partnership_for(request.user, slug, CHANGE)
    form = PlanForm(_data(request), partnership=partnership, initial=_default_period())
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, partnership=partnership, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{plan.title}” has been created. Add its priorities.")
            return redirect("priorities:plan_detail", partnership.slug, plan.pk)
    is_county = partnership.kind == partnership.Kind.COUNTY
    return render(
        request,
        "priorities/plan_form.html",
        {
            "partnership": partnership,
            "form": form,
            "errors": error_links(form),
            "heading": "Start the Community Safety Agreement" if is_county else "Start a partnership plan",
        },
    )


@login_required
def plan_detail(request, slug: str, plan_id: int):
    plan = _plan(request, slug, plan_id)
    priorities, exercises = queries.plan_overview(plan)
    moved = MoveForm(request.GET) if "moved" in request.GET else None
    return render(
        request,
        "priorities/plan_detail.html",
        _context(
            request,
            plan,
            priorities=priorities,
            exercises=exercises,
            shows_supports=bool(plan.partnership.county_board_id),
            moved=moved.cleaned_data if moved is not None and moved.is_valid() else None,
        ),
    )


@login_required
def plan_edit(request, slug: str, plan_id: int):
    plan = _plan(request, slug, plan_id, CHANGE)
    form = PlanForm(_data(request), instance=copy(plan), partnership=plan.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_plan(plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "The plan has been saved." if changed else "Nothing was changed.")
            return redirect("priorities:plan_detail", plan.partnership.slug, plan.pk)
    return render(
        request,
        "priorities/plan_form.html",
        _context(request, plan, form=form, errors=error_links(form), heading=f"Edit {plan.kind_label.lower()}"),
    )


@login_required
def plan_history(request, slug: str, plan_id: int):
    plan = _plan(request, slug, plan_id)
    return render(request, "priorities/history.html", _context(request, plan, changes=queries.plan_changes(plan)))


@login_required
def plan_export(request, slug: str, plan_id: int, file_format: str):
    if file_format not in FORMATS:
        raise Http404("Plans download as csv or xlsx.")
    plan = _plan(request, slug, plan_id)
    return table_response(
        queries.plan_export_rows(plan),
        queries.EXPORT_COLUMNS,
        filename=slugify(plan.title) or "plan",
        file_format=file_format,
        sheet="Priorities",
    )


# -- Priorities --------------------------------------------------------------------------------------


@login_required
def priority_create(request, slug: str, plan_id: int):
    plan = _plan(request, slug, plan_id, CHANGE)
    form = PriorityForm(_data(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.create_priority(plan, actor=request.user, **form.cleaned_content())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{priority.title}” has been added to the plan.")
            return redirect("priorities:priority_detail", plan.partnership.slug, plan.pk, priority.pk)
    return render(
        request,
        "priorities/priority_form.html",
        _context(request, plan, form=form, errors=error_links(form), heading="Add a priority"),
    )


@login_required
def priority_detail(request, slug: str, plan_id: int, priority_id: int):
    priority = _priority(request, slug, plan_id, priority_id)
    page = queries.priority_page(priority, request.user)
    return render(
        request, "priorities/priority_detail.html", _context(request, priority.plan, page=page, priority=page.priority)
    )


@login_required
def priority_edit(request, slug: str, plan_id: int, priority_id: int):
    priority = _priority(request, slug, plan_id, priority_id, CHANGE)
    plan = priority.plan
    form = PriorityForm(_data(request), instance=copy(priority), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_priority(priority, actor=request.user, **form.cleaned_content())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{priority.title}” has been saved.")
            return redirect("priorities:priority_detail", plan.partnership.slug, plan.pk, priority.pk)
    return render(
        request,
        "priorities/priority_form.html",
        _context(request, plan, form=form, errors=error_links(form), priority=priority, heading="Edit the priority"),
    )


@login_required
def priority_outcomes(request, slug: str, plan_id: int, priority_id: int):
    priority = _priority(request, slug, plan_id, priority_id, CHANGE)
    plan = priority.plan
    formset = OutcomeFormSet(_data(request), queryset=priority.outcomes.all(), prefix="outcomes")
    if request.method == "POST" and formset.is_valid():
        try:
            services.update_outcomes(priority, actor=request.user, rows=formset.rows())
        except ValidationError as error:
            formset.forms[0].add_error(None, error)
        else:
            messages.success(request, "The outcomes have been saved.")
            return redirect("priorities:priority_detail", plan.partnership.slug, plan.pk, priority.pk)
    return render(
        request,
        "priorities/outcomes_form.html",
        _context(request, plan, priority=priority, formset=formset, errors=error_links(formset)),
    )


@login_required
@require_POST
def priority_move(request, slug: str, plan_id: int, priority_id: int):
    priority = _priority(request, slug, plan_id, priority_id, CHANGE)
    plan = priority.plan
    form = MoveForm(request.POST)
    if not form.is_valid():
        return render(request, "priorities/bad_request.html", _context(request, plan), status=400)
    direction = form.cleaned_data["direction"]
    if services.move_priority(priority, actor=request.user, direction=direction):
        priority.refresh_from_db(fields=["order"])
        messages.success(request, f"“{priority.title}” moved {direction} to number {priority.order}.")
    # A different query string (not only a fragment) makes the browser load the page again; the
    # page puts the keyboard focus back on the button that was pressed.
    url = reverse("priorities:plan_detail", args=[plan.partnership.slug, plan.pk])
    return redirect(f"{url}?moved={priority.pk}&direction={direction}#priority-{priority.pk}")


@login_required
def priority_archive(request, slug: str, plan_id: int, priority_id: int):
    priority = _priority(request, slug, plan_id, priority_id, CHANGE)
    plan = priority.plan
    if request.method == "POST" and ConfirmForm(request.POST).is_valid():
        services.archive_priority(priority, actor=request.user)
        messages.success(
            request,
            f"“{priority.title}” has been archived with its actions. Its history is kept and it can be restored.",
        )
        return redirect("priorities:plan_detail", plan.partnership.slug, plan.pk)
    return render(request, "priorities/priority_archive.html", _context(request, plan, priority=priority))


@login_required
@require_POST
def priority_restore(request, slug: str, plan_id: int, priority_id: int):
    priority = _priority(request, slug, plan_id, priority_id, CHANGE, archived_ok=True)
    plan = priority.plan
    try:
        services.restore_priority(priority, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("priorities:archived_priorities", plan.partnership.slug, plan.pk)
    messages.success(request, f"“{priority.title}” is back on the plan, at number {priority.order}.")
    return redirect("priorities:priority_detail", plan.partnership.slug, plan.pk, priority.pk)


@login_required
def archived_priorities(request, slug: str, plan_id: int):
    plan = _plan(request, slug, plan_id)
    return render(
        request,
        "priorities/archived_priorities.html",
        _context(request, plan, priorities=queries.archived_priorities(plan)),
    )


@login_required
def priority_history(request, slug: str, plan_id: int, priority_id: int):
    priority = _priority(request, slug, plan_id, priority_id)
    return render(
        request,
        "priorities/history.html",
        _context(request, priority.plan, priority=priority, changes=queries.priority_changes(priority)),
    )


# -- Priority setting --------------------------------------------------------------------------------


@login_required
def exercise_create(request, slug: str, plan_id: int):
    plan = _plan(request, slug, plan_id, CHANGE)
    form = ExerciseForm(_data(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exercise = services.start_exercise(
                plan,
                actor=request.user,
                title=data["title"],
                participants=data["participants"],
                threats=list(data.get("threats") or []),
                titles=data["candidate_titles"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{exercise.title}” is open for scoring.")
            return redirect("priorities:exercise_detail", plan.partnership.slug, plan.pk, exercise.pk)
    return render(
        request, "priorities/exercise_form.html", _context(request, plan, form=form, errors=error_links(form))
    )


@login_required
def exercise_detail(request, slug: str, plan_id: int, exercise_id: int):
    exercise = _exercise(request, slug, plan_id, exercise_id)
    participants = queries.participants_of(exercise)
    candidates = queries.candidates_of(exercise)
    criteria = queries.criteria_of(exercise)
    return render(
        request,
        "priorities/exercise_detail.html",
        _context(
            request,
            exercise.plan,
            exercise=exercise,
            participants=participants,
            candidates=candidates,
            criteria=criteria,
            questions=len(candidates) * len(criteria),
            may_score=exercise.is_open and any(person.pk == request.user.pk for person in participants),
        ),
    )


@login_required
def exercise_edit(request, slug: str, plan_id: int, exercise_id: int):
    exercise = _exercise(request, slug, plan_id, exercise_id, CHANGE)
    form = ExerciseEditForm(_data(request), instance=copy(exercise))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_exercise(
                exercise,
                actor=request.user,
                title=data["title"],
                status=data["status"],
                participants=data["participants"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "The exercise has been saved.")
            return redirect("priorities:exercise_detail", exercise.plan.partnership.slug, exercise.plan_id, exercise.pk)
    return render(
        request,
        "priorities/exercise_edit.html",
        _context(request, exercise.plan, exercise=exercise, form=form, errors=error_links(form)),
    )


@login_required
def exercise_criteria(request, slug: str, plan_id: int, exercise_id: int):
    exercise = _exercise(request, slug, plan_id, exercise_id, CHANGE)
    formset = CriterionFormSet(_data(request), queryset=exercise.criteria.order_by("order", "id"), prefix="criteria")
    if request.method == "POST" and formset.is_valid():
        try:
            services.update_criteria(exercise, actor=request.user, rows=formset.rows())
        except ValidationError as error:
            formset.forms[0].add_error(None, error)
        else:
            messages.success(request, "The criteria have been saved.")
            return redirect("priorities:exercise_detail", exercise.plan.partnership.slug, exercise.plan_id, exercise.pk)
    return render(
        request,
        "priorities/criteria_form.html",
        _context(request, exercise.plan, exercise=exercise, formset=formset, errors=error_links(formset)),
    )


@login_required
def exercise_candidates(request, slug: str, plan_id: int, exercise_id: int):
    exercise = _exercise(request, slug, plan_id, exercise_id, CHANGE)
    form = AddCandidatesForm(_data(request), exercise=exercise)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_candidates(
                exercise,
                actor=request.user,
                threats=list(form.cleaned_data.get("threats") or []),
                titles=form.cleaned_data["candidate_titles"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{added} candidate{'s' if added != 1 else ''} added.")
            return redirect(
                "priorities:exercise_candidates", exercise.plan.partnership.slug, exercise.plan_id, exercise.pk
            )
    return render(
        request,
        "priorities/candidates.html",
        _context(
            request,
            exercise.plan,
            exercise=exercise,
            candidates=queries.candidates_of(exercise),
            form=form,
            errors=error_links(form),
        ),
    )


@login_required
@require_POST
def candidate_remove(request, slug: str, plan_id: int, exercise_id: int, candidate_id: int):
    exercise = _exercise(request, slug, plan_id, exercise_id, CHANGE)
    candidate = _candidate(exercise, candidate_id)
    try:
        services.remove_candidate(candidate, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{candidate.title}” has been removed, with its scores.")
    return redirect("priorities:exercise_candidates", exercise.plan.partnership.slug, exercise.plan_id, exercise.pk)


@login_required
def exercise_score(request, slug: str, plan_id: int, exercise_id: int):
    exercise = _exercise(request, slug, plan_id, exercise_id, SCORE)
    candidates = queries.candidates_of(exercise)
    criteria = queries.criteria_of(exercise)
    given = queries.scores_given(exercise, request.user)
    data = _data(request) if exercise.is_open else None
    form = ScoreSheetForm(data, candidates=candidates, criteria=criteria, initial_scores=given)
    if data is not None and form.is_valid():
        try:
            scored = services.record_scores(exercise, actor=request.user, scores=form.scores())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Your scores have been saved: {scored} of {len(candidates) * len(criteria)}.")
            return redirect("priorities:exercise_detail", exercise.plan.partnership.slug, exercise.plan_id, exercise.pk)
    return render(
        request,
        "priorities/score_form.html",
        _context(
            request,
            exercise.plan,
            exercise=exercise,
            form=form,
            criteria=criteria,
            errors=error_links(form),
            scored=len(given),
        ),
    )


@login_required
def exercise_result(request, slug: str, plan_id: int, exercise_id: int):
    exercise = _exercise(request, slug, plan_id, exercise_id)
    # While scoring is open only those running the exercise see the ranking, so that nobody's
    # scores follow the others'.
    ranking_hidden = exercise.is_open and not request.user.has_perm(CHANGE, exercise)
    return render(
        request,
        "priorities/result.html",
        _context(
            request,
            exercise.plan,
            exercise=exercise,
            ranking_hidden=ranking_hidden,
            result=None if ranking_hidden else queries.exercise_result(exercise),
        ),
    )


@login_required
def candidate_convert(request, slug: str, plan_id: int, exercise_id: int, candidate_id: int):
    exercise = _exercise(request, slug, plan_id, exercise_id, CHANGE)
    candidate = _candidate(exercise, candidate_id)
    plan = exercise.plan
    if candidate.priority_id:
        messages.info(request, f"“{candidate.title}” is already in the plan.")
        return redirect("priorities:priority_detail", plan.partnership.slug, plan.pk, candidate.priority_id)
    form = ConvertForm(_data(request), candidate=candidate, initial={"title": candidate.title})
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.convert_candidate(
                candidate, actor=request.user, title=form.cleaned_data["title"], status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"“{priority.title}” is now {'a watching brief' if priority.status == 'watching' else 'a priority'}.",
            )
            return redirect("priorities:priority_edit", plan.partnership.slug, plan.pk, priority.pk)
    return render(
        request,
        "priorities/convert_form.html",
        _context(request, plan, exercise=exercise, candidate=candidate, form=form, errors=error_links(form)),
    )
