from django.apps import AppConfig


class ActionplansConfig(AppConfig):
    """Actions, leads, targets and quarterly progress returns."""

    name = "actionplans"
    verbose_name = "Action plans"

    def ready(self) -> None:
        from . import permissions, receivers  # noqa: F401 - register the rules and the signal receivers
