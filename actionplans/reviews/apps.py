from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Statutory reviews (DHR/DARDR, ASB Case Reviews, OWHR), their recommendations and the PCC's."""

    name = "actionplans.reviews"
    label = "reviews"
    verbose_name = "Statutory reviews"

    def ready(self) -> None:
        from . import permissions  # noqa: F401 - register the rules
