"""Mounted at partnerships/<slug>/reviews/: the review register and case files, recommendations
(the reviews' and the PCC's) and their reports."""

from django.urls import path  # noqa: F401 - each block below adds its own paths

from .views import recommendations, register

app_name = "reviews"

urlpatterns = [
    # -- The register and case files (views/register.py)
    path("", register.review_list, name="review_list"),
    path("add/", register.review_add, name="review_add"),
    path("timescales/", register.review_timescales, name="review_timescales"),
    path("<int:review_id>/", register.review_detail, name="review_detail"),
    path("<int:review_id>/edit/", register.review_edit, name="review_edit"),
    path("<int:review_id>/qa-rounds/add/", register.qa_round_add, name="qa_round_add"),
    path("<int:review_id>/qa-rounds/<int:qa_round_id>/edit/", register.qa_round_edit, name="qa_round_edit"),
    path("<int:review_id>/people/", register.review_roles, name="review_roles"),
    path(
        "<int:review_id>/people/<int:review_role_id>/change/",
        register.review_role_change,
        name="review_role_change",
    ),
    path(
        "<int:review_id>/people/<int:review_role_id>/remove/",
        register.review_role_remove,
        name="review_role_remove",
    ),
    path("<int:review_id>/documents/add/", register.review_document_add, name="review_document_add"),
    path(
        "<int:review_id>/documents/<int:document_id>/",
        register.review_document_download,
        name="review_document_download",
    ),
    # -- Recommendations and the PCC's register (views/recommendations.py)
    path("recommendations/", recommendations.recommendation_list, name="recommendation_list"),
    path("recommendations/pcc/", recommendations.pcc_register, name="pcc_register"),
    path("recommendations/pcc/add/", recommendations.pcc_recommendation_add, name="pcc_recommendation_add"),
    path(
        "recommendations/<int:recommendation_id>/",
        recommendations.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "recommendations/<int:recommendation_id>/edit/",
        recommendations.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "recommendations/<int:recommendation_id>/actions/add/",
        recommendations.recommendation_action_add,
        name="recommendation_action_add",
    ),
    path("<int:review_id>/recommendations/add/", recommendations.recommendation_add, name="recommendation_add"),
    # -- Reports: recommendations status, ASB figures, county roll-up (views/reporting.py)
]
