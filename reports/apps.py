from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Quarterly monitoring reports rendered to PDF, and dashboards."""

    name = "reports"
    verbose_name = "Reports and dashboards"

    def ready(self) -> None:
        import logging

        from csp_portal import agenda

        from . import live_snapshot, notices, permissions  # noqa: F401 - registers the rules

        agenda.register(notices.countdown)
        live_snapshot.watch()

        # WeasyPrint logs every layout step, and fontTools every font it unpacks, at INFO: pages of
        # noise per report in the worker's log. Their warnings and errors still show.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        logging.getLogger("fontTools").setLevel(logging.WARNING)
