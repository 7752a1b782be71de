"""Mounted at partnerships/<slug:slug>/evidence/."""

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/document/", views.assessment_document, name="assessment_document"),
    path("assessments/<int:pk>/threats/new/", views.threat_create, name="threat_create"),
    path("assessments/<int:pk>/threats/<int:threat_pk>/edit/", views.threat_edit, name="threat_edit"),
    path("assessments/<int:pk>/threats/<int:threat_pk>/delete/", views.threat_delete, name="threat_delete"),
    path("assessments/<int:pk>/<slug:part>/new/", views.part_create, name="part_create"),
    path("assessments/<int:pk>/<slug:part>/<int:item_pk>/edit/", views.part_edit, name="part_edit"),
    path("assessments/<int:pk>/<slug:part>/<int:item_pk>/delete/", views.part_delete, name="part_delete"),
    path("crime/", views.crime_data, name="crime_data"),
    path("crime/counts.csv", views.crime_counts_csv, name="crime_counts_csv"),
    path("crime/upload/", views.crime_upload, name="crime_upload"),
    path("crime/imports/", views.import_list, name="import_list"),
    path("crime/imports/<int:job_pk>/", views.import_detail, name="import_detail"),
    path("crime/imports/<int:job_pk>/status/", views.import_status, name="import_status"),
    path("harm-weights/", views.harm_weights, name="harm_weights"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("areas/<str:code>/", views.local_profile, name="local_profile"),
]
