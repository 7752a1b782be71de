from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    """The evidence: strategic assessments, threat rankings, local profiles, crime data, indicators."""

    name = "assessments"
    verbose_name = "Evidence: assessments, crime data and indicators"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the rules
