"""Mounted at partnerships/<slug>/reports/: the dashboard, the quarterly reports, their jobs, the
board's decisions and its meetings."""

from django.urls import path

from . import meeting_views, public_views, review_views, views

app_name = "reports"

quarter = "quarters/<quarter:quarter>/"
job = "jobs/<int:job_id>/"
meeting = "meetings/<int:meeting_id>/"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("issued/", views.report_list, name="report_list"),
    path("issued/<int:version_id>/", views.report_page, name="report_page"),
    path("issued/<int:version_id>/download/", views.report_download, name="report_download"),
    path(quarter, views.report_quarter, name="report_quarter"),
    path(quarter + "preview/", views.report_preview, name="report_preview"),
    path(quarter + "request/", views.report_request, name="report_request"),
    path(quarter + "issue/", views.report_issue, name="report_issue"),
    # The quarter's public progress summary: preview and publish, withdraw (public_urls.py: the page itself)
    path(quarter + "publish/", public_views.progress_publish, name="progress_publish"),
    path(quarter + "withdraw/", public_views.progress_withdraw, name="progress_withdraw"),
    path(job, views.report_job, name="report_job"),
    path(job + "status/", views.report_job_status, name="report_job_status"),
    path(job + "draft.pdf", views.report_job_download, name="report_job_download"),
    path("escalations/<int:return_id>/decision/", views.report_decision, name="report_decision"),
    path("settings/", views.report_settings, name="report_settings"),
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/add/", meeting_views.meeting_add, name="meeting_add"),
    path("meetings/subscribe/", meeting_views.calendar_subscribe, name="calendar_subscribe"),
    path(meeting, meeting_views.meeting_detail, name="meeting_detail"),
    path(meeting + "edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path(meeting + "attendance/", meeting_views.meeting_attendance, name="meeting_attendance"),
    path(meeting + "meeting.ics", meeting_views.meeting_ics, name="meeting_ics"),
    # Statutory reviews: the recommendations status report, the ASB Case Review figures, the county roll-up
    path("recommendations/", review_views.recommendations_report, name="recommendations_report"),
    path("recommendations/recommendations.csv", review_views.recommendations_csv, name="recommendations_csv"),
    path("recommendations/request/", review_views.recommendations_request, name="recommendations_request"),
    path("reviews/asb-figures/", review_views.asb_figures, name="asb_figures"),
    path("reviews/asb-figures.csv", review_views.asb_figures_csv, name="asb_figures_csv"),
    path("reviews/county/", review_views.review_rollup, name="review_rollup"),
]
