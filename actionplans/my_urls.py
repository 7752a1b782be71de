"""Mounted at my-actions/: what the signed-in person leads, across all their partnerships."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_actions, name="my_actions"),
    path("<quarter:quarter>/", views.my_actions, name="my_actions_quarter"),
]
