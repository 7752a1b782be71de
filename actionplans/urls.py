"""Mounted at partnerships/<slug>/actions/: a partnership's action plans, funding, and the quarterly
progress returns. 'My actions', across partnerships, is in ``my_urls``."""

from django.urls import path

from .views import actions, funding, plans, returns

app_name = "actionplans"

action = "<int:action_id>/"
progress = action + "returns/<quarter:quarter>/"
quarter = "quarters/<quarter:quarter>/"
plan = "plans/<int:plan_id>/"

urlpatterns = [
    path("", plans.index, name="index"),
    path("all/", plans.action_list, name="action_list"),
    path("priorities/<int:priority_id>/", plans.priority_plan, name="priority_plan"),
    path("priorities/<int:priority_id>/add/", actions.action_add, name="action_add"),
    path(action, actions.action_detail, name="action_detail"),
    path(action + "edit/", actions.action_edit, name="action_edit"),
    path(action + "reorder/", actions.action_reorder, name="action_reorder"),
    path(action + "move/", actions.action_move, name="action_move"),
    path(action + "archive/", actions.action_archive, name="action_archive"),
    path(action + "restore/", actions.action_restore, name="action_restore"),
    path(action + "history/", actions.action_history, name="action_history"),
    path(progress, returns.return_edit, name="return_edit"),
    path(progress + "review/", returns.return_review, name="return_review"),
    path(progress + "withdraw/", returns.return_withdraw, name="return_withdraw"),
    path("quarters/", returns.quarter_current, name="quarter_current"),
    path(quarter, returns.quarter_status, name="quarter_status"),
    path(quarter + "chase/", returns.quarter_chase, name="quarter_chase"),
    path(quarter + "accept/", returns.quarter_accept, name="quarter_accept"),
    path(quarter + "close/", returns.quarter_close, name="quarter_close"),
    path(quarter + "escalations/", returns.escalations, name="escalations"),
    path("funding/", funding.funding, name="funding"),
    path("funding/<int:allocation_id>/", funding.funding_edit, name="funding_edit"),
    path(plan + "import/", plans.plan_import, name="plan_import"),
    path(plan + "download.<str:file_format>", plans.plan_export, name="plan_export"),
]
