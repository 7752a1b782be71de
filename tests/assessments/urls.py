"""The project's URLs for the evidence tests: the sign-in, partnership and admin pages and the evidence
app, without the other apps' (built at the same time), so these tests depend only on what they test."""

from django.contrib import admin
from django.urls import include, path

from csp_portal.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("partnerships/<slug:slug>/evidence/", include("assessments.urls")),
    path("", include("csp_portal.organisations.urls")),
]
