"""Who may do what to action plans and progress returns.

Everyone with a role in the partnership reads its action plans and returns, and so do the read-only
pseudo-roles (a county role reads its districts' plans) and site administrators. The partnership's
officers change the plan (actions, funding), review returns, close quarters and chase leads. An
action's lead person writes and submits its progress returns, and nothing else: a lead cannot
change the plan itself. Board members read.
"""

import rules

from csp_portal.organisations.permissions import (
    PSEUDO_ROLES,
    has_any_role,
    is_officer,
    is_site_admin,
    roles_by_partnership,
)


def _action_of(obj):
    return getattr(obj, "action", obj)


@rules.predicate
def is_action_lead(user, obj) -> bool:
    """The user is the action's lead person and still holds a real role in its partnership."""
    if not user.is_authenticated or obj is None:
        return False
    action = _action_of(obj)
    if getattr(action, "lead_user_id", None) != user.pk:
        return False
    return bool(roles_by_partnership(user).get(action.partnership.pk, frozenset()) - PSEUDO_ROLES)


can_view = is_site_admin | has_any_role
can_change = is_site_admin | is_officer

rules.add_perm("actionplans.view_actions", can_view)
rules.add_perm("actionplans.change_actions", can_change)
rules.add_perm("actionplans.review_returns", can_change)
rules.add_perm("actionplans.write_return", is_action_lead)
