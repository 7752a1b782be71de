"""Template tags other apps use to show reports' data on their pages."""

from django import template

from .. import queries

register = template.Library()


@register.simple_tag
def action_decisions(action) -> list:
    """The board's decisions on the action's escalations, newest meeting first (one query)."""
    if action is None or not getattr(action, "pk", None):
        return []
    return queries.action_decisions(action)
