from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    """Partnership plans and the priorities chosen from the evidence."""

    name = "priorities"
