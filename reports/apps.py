from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Quarterly monitoring reports rendered to PDF, and dashboards."""

    name = "reports"
