"""Mounted at my-actions/: what the signed-in person leads, across all their partnerships."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from . import views
from .quarters import QuarterConverter

if "quarter" not in get_converters():
    register_converter(QuarterConverter, "quarter")

urlpatterns = [
    path("", views.my_actions, name="my_actions"),
    path("<quarter:quarter>/", views.my_actions, name="my_actions_quarter"),
]
