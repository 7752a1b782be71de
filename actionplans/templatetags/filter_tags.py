"""The long tables' rows as their filter form keeps and orders them (see actionplans/filters.py)."""

from django import template

from ..filters import in_table_order

register = template.Library()


@register.filter
def kept_by(rows: list, table) -> list:
    """``{% for row in returns.rows|kept_by:table %}``: the rows (each with an ``action``) that the
    FilterSet ``table`` keeps, in its order."""
    return in_table_order(rows, table)
