"""Filters for plain-text e-mails."""

from django import template

register = template.Library()


@register.filter
def one_line(value) -> str:
    """Text a person typed, on one line: every run of whitespace, line breaks included, becomes one
    space. In a plain-text e-mail a line break in a title would let it pass for a line of the
    message, such as a link; single-line fields refuse them, and rows kept from before still
    arrive here."""
    return " ".join(str(value).split())
