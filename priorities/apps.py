from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    """Partnership plans and the priorities chosen from the evidence."""

    name = "priorities"
    verbose_name = "Plans and priorities"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - registers the rules
