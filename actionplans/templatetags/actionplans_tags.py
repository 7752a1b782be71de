"""Template helpers for the navigation."""

from django import template

from csp_portal.organisations.permissions import LEAD, roles_by_partnership

from ..queries import leads_any_action

register = template.Library()


@register.filter
def leads_actions(user) -> bool:
    """Whether 'My actions' is for the user: an action lead anywhere (read from the roles the
    permission checks have usually loaded already), or anyone named as an action's lead, whatever
    their role (a board member who leads an action is chased for its returns)."""
    if not getattr(user, "is_authenticated", False):
        return False
    held = roles_by_partnership(user)
    return any(LEAD in roles for roles in held.values()) or (bool(held) and leads_any_action(user))
