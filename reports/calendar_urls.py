"""Mounted at calendar/: each person's board meetings for calendar apps, at a secret address that
needs no sign-in."""

from django.urls import path

from . import meeting_views

urlpatterns = [
    path("<str:token>.ics", meeting_views.calendar_feed, name="calendar_feed"),
]
