from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    """Authorities, partnerships, partner agencies, people and their roles."""

    name = "csp_portal.organisations"
    label = "organisations"
    verbose_name = "Organisations, people and roles"

    def ready(self) -> None:
        from . import permissions, signals  # noqa: F401 - registers the rules and the sign-in audit
        from .labels import use_plain_names

        use_plain_names()
