from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read API for people with a role and their BI tools: personal access tokens, the way a
    token signs a request in, and the API's schema and documentation."""

    name = "csp_portal.api"
    label = "api"
    verbose_name = "Read API"

    def ready(self) -> None:
        from . import schema  # noqa: F401 - registers the bearer token with drf-spectacular
