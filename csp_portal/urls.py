from django.contrib import admin
from django.urls import include, path, register_converter

from .health import healthz
from .quarters import QuarterConverter

# '2025-26-Q3' in any app's addresses; registered once, before the apps' URL modules are included.
register_converter(QuarterConverter, "quarter")

admin.site.site_header = "CSP Portal administration"
admin.site.site_title = "CSP Portal administration"
admin.site.index_title = "Authorities, partnerships, agencies and people"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("partnerships/<slug:slug>/plans/", include("priorities.urls")),
    # A quarter's public progress summary (reports), before the public plans' own addresses.
    path("public/<slug:slug>/progress/", include("reports.public_urls")),
    path("public/", include("priorities.public_urls")),
    path("open-data/", include("reports.open_data.urls")),
    path("partnerships/<slug:slug>/evidence/", include("assessments.urls")),
    path("partnerships/<slug:slug>/actions/", include("actionplans.urls")),
    path("partnerships/<slug:slug>/reports/", include("reports.urls")),
    path("partnerships/<slug:slug>/reviews/", include("actionplans.reviews.urls")),
    path("my-actions/", include("actionplans.my_urls")),
    path("notifications/", include("csp_portal.notifications.urls")),
    path("account/tokens/", include("csp_portal.api.account_urls")),
    # The read API: its schema and documentation here, its data from the action plans' layer.
    path("api/v1/", include("csp_portal.api.urls")),
    path("api/v1/partnerships/", include("actionplans.api.urls")),
    path("calendar/", include("reports.calendar_urls")),
    path("search/", include("reports.search.urls")),
    path("", include("reports.home.urls")),
    path("", include("csp_portal.organisations.urls")),
]
# Nothing under MEDIA_ROOT is served by URL, in any configuration (DEBUG included): uploaded and
# rendered files are drafts, evidence and board papers, each sent by a view that checks who asks.
