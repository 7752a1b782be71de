"""The read API's schema and documentation, under /api/v1/ (csp_portal/urls.py); its data is
actionplans/api/urls.py."""

from django.urls import path

from . import docs_views

urlpatterns = [
    path("schema/", docs_views.Schema.as_view(), name="api_schema"),
    path("docs/", docs_views.docs, name="api_docs"),
]
