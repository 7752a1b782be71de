"""Priority setting: an exercise in which the chosen participants score candidate issues against
criteria, and the ranked result from which candidates become priorities of the plan."""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from csp_portal import pages

from .. import forms, queries, services
from ..forms import error_links
from ..models import Exercise
from .common import CHANGE, SCORE, context, edit_list, find_candidate, find_exercise, find_plan, posted


def _exercise_url(exercise: Exercise, page: str = "exercise_detail") -> str:
    return reverse(f"priorities:{page}", args=[exercise.plan.partnership.slug, exercise.plan_id, exercise.pk])


def _back_to(exercise: Exercise, page: str = "exercise_detail") -> HttpResponseRedirect:
    return redirect(_exercise_url(exercise, page))


@login_required
def exercise_create(request, slug: str, plan_id: int):
    plan = find_plan(request, slug, plan_id, CHANGE)
    form = forms.ExerciseForm(posted(request), plan=plan)
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
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"“{exercise.title}” is open for scoring.")
            return _back_to(exercise)
    return render(request, "priorities/exercise_form.html", context(request, plan, form=form, errors=error_links(form)))


@login_required
def exercise_detail(request, slug: str, plan_id: int, exercise_id: int):
    exercise = find_exercise(request, slug, plan_id, exercise_id)
    participants = queries.participants_of(exercise)
    candidates = queries.candidates_of(exercise)
    criteria = queries.criteria_of(exercise)
    return render(
        request,
        "priorities/exercise_detail.html",
        context(
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
    exercise = find_exercise(request, slug, plan_id, exercise_id, CHANGE)
    form = forms.ExerciseEditForm(posted(request), instance=copy(exercise))
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
            pages.show_refusal(form, error)
        else:
            messages.success(request, "The exercise has been saved.")
            return _back_to(exercise)
    return render(
        request,
        "priorities/exercise_edit.html",
        context(request, exercise.plan, exercise=exercise, form=form, errors=error_links(form)),
    )


@login_required
def exercise_criteria(request, slug: str, plan_id: int, exercise_id: int):
    exercise = find_exercise(request, slug, plan_id, exercise_id, CHANGE)
    return edit_list(
        request,
        exercise.plan,
        forms.CriterionFormSet(posted(request), queryset=queries.criteria_in(exercise), prefix="criteria"),
        lambda rows: services.update_criteria(exercise, actor=request.user, rows=rows),
        back=_exercise_url(exercise),
        saved="The criteria have been saved.",
        parent=exercise,
        exercise=exercise,
    )


@login_required
def exercise_candidates(request, slug: str, plan_id: int, exercise_id: int):
    exercise = find_exercise(request, slug, plan_id, exercise_id, CHANGE)
    form = forms.AddCandidatesForm(posted(request), exercise=exercise)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_candidates(
                exercise,
                actor=request.user,
                threats=list(form.cleaned_data.get("threats") or []),
                titles=form.cleaned_data["candidate_titles"],
            )
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"{added} candidate{'s' if added != 1 else ''} added.")
            return _back_to(exercise, "exercise_candidates")
    return render(
        request,
        "priorities/candidates.html",
        context(
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
    exercise = find_exercise(request, slug, plan_id, exercise_id, CHANGE)
    candidate = find_candidate(exercise, candidate_id)
    try:
        services.remove_candidate(candidate, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{candidate.title}” has been removed, with its scores.")
    return _back_to(exercise, "exercise_candidates")


@login_required
def exercise_score(request, slug: str, plan_id: int, exercise_id: int):
    exercise = find_exercise(request, slug, plan_id, exercise_id, SCORE)
    candidates = queries.candidates_of(exercise)
    criteria = queries.criteria_of(exercise)
    given = queries.scores_given(exercise, request.user)
    data = posted(request) if exercise.is_open else None
    form = forms.ScoreSheetForm(data, candidates=candidates, criteria=criteria, initial_scores=given)
    if data is not None and form.is_valid():
        try:
            scored = services.record_scores(exercise, actor=request.user, scores=form.scores())
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(request, f"Your scores have been saved: {scored} of {len(candidates) * len(criteria)}.")
            return _back_to(exercise)
    return render(
        request,
        "priorities/score_form.html",
        context(
            request,
            exercise.plan,
            exercise=exercise,
            form=form,
            errors=error_links(form),
            scored=len(given),
        ),
    )


@login_required
def exercise_result(request, slug: str, plan_id: int, exercise_id: int):
    exercise = find_exercise(request, slug, plan_id, exercise_id)
    # While scoring is open only those running the exercise see the ranking, so that nobody's
    # scores follow the others'.
    ranking_hidden = exercise.is_open and not request.user.has_perm(CHANGE, exercise)
    return render(
        request,
        "priorities/result.html",
        context(
            request,
            exercise.plan,
            exercise=exercise,
            ranking_hidden=ranking_hidden,
            result=None if ranking_hidden else queries.exercise_result(exercise),
        ),
    )


@login_required
def candidate_convert(request, slug: str, plan_id: int, exercise_id: int, candidate_id: int):
    exercise = find_exercise(request, slug, plan_id, exercise_id, CHANGE)
    candidate = find_candidate(exercise, candidate_id)
    plan = exercise.plan
    if candidate.priority_id:
        messages.info(request, f"“{candidate.title}” is already in the plan.")
        return redirect("priorities:priority_detail", plan.partnership.slug, plan.pk, candidate.priority_id)
    form = forms.ConvertForm(posted(request), candidate=candidate, initial={"title": candidate.title})
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.convert_candidate(
                candidate, actor=request.user, title=form.cleaned_data["title"], status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            pages.show_refusal(form, error)
        else:
            messages.success(
                request,
                f"“{priority.title}” is now {'a watching brief' if priority.status == 'watching' else 'a priority'}.",
            )
            return redirect("priorities:priority_edit", plan.partnership.slug, plan.pk, priority.pk)
    return render(
        request,
        "priorities/convert_form.html",
        context(request, plan, exercise=exercise, candidate=candidate, form=form, errors=error_links(form)),
    )
