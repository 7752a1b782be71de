"""Mounted at my-actions/: what the signed-in person leads, across all their partnerships."""

from django.urls import path

from .views import returns

urlpatterns = [
    path("", returns.my_actions, name="my_actions"),
    path("<quarter:quarter>/", returns.my_actions, name="my_actions_quarter"),
]
