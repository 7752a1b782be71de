"""Mounted at public/: the partnerships' published plans, open to anyone without signing in."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("<slug:slug>/", public_views.plan, name="plan"),
]
