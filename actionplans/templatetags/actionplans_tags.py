"""Template helpers for the navigation."""

from django import template

from csp_portal.organisations.permissions import LEAD, roles_by_partnership

register = template.Library()


@register.filter
def holds_lead_role(user) -> bool:
    """Whether the user is an action lead anywhere: 'My actions' is for them. Reads the roles the
    permission checks have usually loaded already."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(LEAD in roles for roles in roles_by_partnership(user).values())
