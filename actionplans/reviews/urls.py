"""Mounted at partnerships/<slug>/reviews/: the review register and case files, recommendations
(the reviews' and the PCC's) and their reports."""

from django.urls import path  # noqa: F401 - each block below adds its own paths

app_name = "reviews"

urlpatterns = [
    # -- The register and case files (views/register.py)
    # -- Recommendations and the PCC's register (views/recommendations.py)
    # -- Reports: recommendations status, ASB figures, county roll-up (views/reporting.py)
]
