"""What every partnership page does the same way: find the object the address names within the
partnership (or answer 404), and show a service's refusal on the form that asked for the change.

Views find, authorize, call one service and render (reports/views.py shows the shape); the
querysets they look in come from their app's queries.py.
"""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

Row = TypeVar("Row", bound=models.Model)


def one_or_404(queryset: models.QuerySet[Row], what: str = "object", **lookup) -> Row:
    """The row of ``queryset`` matching ``lookup``, or 404. The queryset is already limited to the
    partnership (and plan, assessment, action...) the rest of the address names, so an object of
    another partnership is not found at this one's address."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(f"No such {what} here.")
    return found


def show_refusal(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on ``form``: each message naming one of the form's fields on
    that field, the rest (and a message naming none) above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
