"""The read API's data, under /api/v1/partnerships/ (csp_portal/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.PartnershipList.as_view(), name="api_partnerships"),
    path("<slug:slug>/actions/", views.ActionList.as_view(), name="api_actions"),
    path("<slug:slug>/returns/", views.ReturnList.as_view(), name="api_returns"),
    path("<slug:slug>/indicators/", views.IndicatorList.as_view(), name="api_indicators"),
]
