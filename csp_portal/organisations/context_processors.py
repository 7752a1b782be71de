from django.conf import settings

from .queries import switcher_choices


def service(request) -> dict:
    """What the base template shows on every page: the service name and the partnership switcher."""
    user = getattr(request, "user", None)
    partnership = getattr(request, "partnership", None)

    def may_view_current_members() -> bool:
        return bool(partnership) and user.has_perm("organisations.view_partnership_members", partnership)

    return {
        "service_name": settings.SERVICE_NAME,
        "current_partnership": partnership,
        "switcher_partnerships": (lambda: switcher_choices(user)) if user is not None else list,
        "may_view_current_members": may_view_current_members if user is not None else False,
    }
