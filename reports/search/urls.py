"""Mounted at search/: the search box's results."""

from django.urls import path

from . import views

urlpatterns = [path("", views.search_page, name="search")]
