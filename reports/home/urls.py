"""Mounted at the site's root: the home page of one's own work."""

from django.urls import path

from . import views

urlpatterns = [path("", views.home, name="home")]
