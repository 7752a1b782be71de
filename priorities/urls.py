"""Mounted at partnerships/<slug>/plans/: a partnership's plans, priorities and priority setting."""

from django.urls import path

from . import public_views
from .views import exercises, plans

app_name = "priorities"

plan = "<int:plan_id>/"
priority = plan + "priorities/<int:priority_id>/"
exercise = plan + "priority-setting/<int:exercise_id>/"

urlpatterns = [
    path("", plans.plan_list, name="plan_list"),
    path("new/", plans.plan_create, name="plan_create"),
    path(plan, plans.plan_detail, name="plan_detail"),
    path(plan + "edit/", plans.plan_edit, name="plan_edit"),
    path(plan + "history/", plans.plan_history, name="plan_history"),
    path(plan + "download.<str:file_format>", plans.plan_export, name="plan_export"),
    path(plan + "publish/", public_views.plan_publish, name="plan_publish"),
    path(plan + "withdraw/", public_views.plan_withdraw, name="plan_withdraw"),
    path(plan + "priorities/archived/", plans.archived_priorities, name="archived_priorities"),
    path(plan + "priorities/new/", plans.priority_create, name="priority_create"),
    path(priority, plans.priority_detail, name="priority_detail"),
    path(priority + "edit/", plans.priority_edit, name="priority_edit"),
    path(priority + "outcomes/", plans.priority_outcomes, name="priority_outcomes"),
    path(priority + "move/", plans.priority_move, name="priority_move"),
    path(priority + "archive/", plans.priority_archive, name="priority_archive"),
    path(priority + "restore/", plans.priority_restore, name="priority_restore"),
    path(priority + "history/", plans.priority_history, name="priority_history"),
    path(plan + "priority-setting/new/", exercises.exercise_create, name="exercise_create"),
    path(exercise, exercises.exercise_detail, name="exercise_detail"),
    path(exercise + "edit/", exercises.exercise_edit, name="exercise_edit"),
    path(exercise + "criteria/", exercises.exercise_criteria, name="exercise_criteria"),
    path(exercise + "candidates/", exercises.exercise_candidates, name="exercise_candidates"),
    path(exercise + "candidates/<int:candidate_id>/remove/", exercises.candidate_remove, name="candidate_remove"),
    path(exercise + "candidates/<int:candidate_id>/convert/", exercises.candidate_convert, name="candidate_convert"),
    path(exercise + "score/", exercises.exercise_score, name="exercise_score"),
    path(exercise + "result/", exercises.exercise_result, name="exercise_result"),
]
