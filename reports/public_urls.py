"""Mounted at public/<slug>/progress/: a partnership's published quarterly progress summaries, open to
anyone without signing in."""

from django.urls import path

from . import public_views

app_name = "public_progress"

urlpatterns = [
    path("<quarter:quarter>/", public_views.quarter, name="quarter"),
]
