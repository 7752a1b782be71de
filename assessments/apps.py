from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """The evidence: strategic assessments, threat rankings, local profiles, crime data, indicators."""

    name = "assessments"
