"""Status tags in GOV.UK tag colours, and typed paragraphs as GOV.UK body text."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join

register = template.Library()

COLOURS = {
    "draft": "grey",
    "agreed": "green",
    "archived": "grey",
    "active": "green",
    "watching": "yellow",
    "retired": "grey",
    "open": "blue",
    "closed": "grey",
}


@register.simple_tag
def status_tag(obj) -> str:
    """``{% status_tag plan %}``: the object's status as a coloured GOV.UK tag."""
    colour = COLOURS.get(obj.status, "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, obj.get_status_display())


@register.filter
def paragraphs(text: str) -> str:
    """Text typed with blank lines between paragraphs, as GOV.UK body paragraphs (escaped)."""
    blocks = [block.strip() for block in str(text or "").replace("\r\n", "\n").split("\n\n") if block.strip()]
    return format_html_join(
        "\n", '<p class="govuk-body">{}</p>', ((linebreaksbr(block, autoescape=True),) for block in blocks)
    )
