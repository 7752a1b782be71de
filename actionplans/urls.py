"""Mounted at partnerships/<slug>/actions/: a partnership's action plans, funding, and the quarterly
progress returns. 'My actions', across partnerships, is in ``my_urls``."""

from django.urls import path

from . import views

app_name = "actionplans"

action = "<int:action_id>/"
progress = action + "returns/<quarter:quarter>/"
quarter = "quarters/<quarter:quarter>/"
plan = "plans/<int:plan_id>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("priorities/<int:priority_id>/", views.priority_plan, name="priority_plan"),
    path("priorities/<int:priority_id>/add/", views.action_add, name="action_add"),
    path(action, views.action_detail, name="action_detail"),
    path(action + "edit/", views.action_edit, name="action_edit"),
    path(action + "reorder/", views.action_reorder, name="action_reorder"),
    path(action + "move/", views.action_move, name="action_move"),
    path(action + "archive/", views.action_archive, name="action_archive"),
    path(action + "restore/", views.action_restore, name="action_restore"),
    path(action + "history/", views.action_history, name="action_history"),
    path(progress, views.return_edit, name="return_edit"),
    path(progress + "review/", views.return_review, name="return_review"),
    path("quarters/", views.quarter_current, name="quarter_current"),
    path(quarter, views.quarter_status, name="quarter_status"),
    path(quarter + "chase/", views.quarter_chase, name="quarter_chase"),
    path(quarter + "close/", views.quarter_close, name="quarter_close"),
    path(quarter + "escalations/", views.escalations, name="escalations"),
    path("funding/", views.funding, name="funding"),
    path("funding/<int:allocation_id>/", views.funding_edit, name="funding_edit"),
    path(plan + "import/", views.plan_import, name="plan_import"),
    path(plan + "download.<str:file_format>", views.plan_export, name="plan_export"),
]
