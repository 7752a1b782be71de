from django.conf import settings

from .queries import switcher_choices


def service(request) -> dict:
    """What the base template shows on every page: the service name and the partnership switcher."""
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "current_partnership": getattr(request, "partnership", None),
        "switcher_partnerships": (lambda: switcher_choices(user)) if user is not None else list,
    }
