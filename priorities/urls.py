"""Mounted at partnerships/<slug>/plans/: a partnership's plans, priorities and priority setting."""

from django.urls import path

from . import views

app_name = "priorities"

plan = "<int:plan_id>/"
priority = plan + "priorities/<int:priority_id>/"
exercise = plan + "priority-setting/<int:exercise_id>/"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path(plan, views.plan_detail, name="plan_detail"),
    path(plan + "edit/", views.plan_edit, name="plan_edit"),
    path(plan + "history/", views.plan_history, name="plan_history"),
    path(plan + "download.<str:file_format>", views.plan_export, name="plan_export"),
    path(plan + "priorities/archived/", views.archived_priorities, name="archived_priorities"),
    path(plan + "priorities/new/", views.priority_create, name="priority_create"),
    path(priority, views.priority_detail, name="priority_detail"),
    path(priority + "edit/", views.priority_edit, name="priority_edit"),
    path(priority + "outcomes/", views.priority_outcomes, name="priority_outcomes"),
    path(priority + "move/", views.priority_move, name="priority_move"),
    path(priority + "archive/", views.priority_archive, name="priority_archive"),
    path(priority + "restore/", views.priority_restore, name="priority_restore"),
    path(priority + "history/", views.priority_history, name="priority_history"),
    path(plan + "priority-setting/new/", views.exercise_create, name="exercise_create"),
    path(exercise, views.exercise_detail, name="exercise_detail"),
    path(exercise + "edit/", views.exercise_edit, name="exercise_edit"),
    path(exercise + "criteria/", views.exercise_criteria, name="exercise_criteria"),
    path(exercise + "candidates/", views.exercise_candidates, name="exercise_candidates"),
    path(exercise + "candidates/<int:candidate_id>/remove/", views.candidate_remove, name="candidate_remove"),
    path(exercise + "candidates/<int:candidate_id>/convert/", views.candidate_convert, name="candidate_convert"),
    path(exercise + "score/", views.exercise_score, name="exercise_score"),
    path(exercise + "result/", views.exercise_result, name="exercise_result"),
]
