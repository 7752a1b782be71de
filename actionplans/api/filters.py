"""The API's filters, declared with django-filter. A quarter is written as in the portal's
addresses, '2025-26-Q3' (csp_portal.quarters); a value that is not one answers 400 naming it."""

from __future__ import annotations

import re

import django_filters as filters
from django import forms
from django.db.models import QuerySet

from csp_portal.quarters import QuarterConverter

from ..models import Action, ProgressReturn
from .queries import latest_rag

_QUARTER = re.compile(QuarterConverter.regex)


class QuarterField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if not _QUARTER.fullmatch(value):
            raise forms.ValidationError(f"Write a quarter as 2025-26-Q3, not {value!r}.")
        try:
            return QuarterConverter().to_python(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class QuarterFilter(filters.CharFilter):
    field_class = QuarterField


class ActionFilter(filters.FilterSet):
    quarter = QuarterFilter(
        method="as_of",
        help_text="The latest accepted RAG status up to and including this quarter, such as 2025-26-Q3 "
        "(by default, the latest of all).",
    )
    priority = filters.NumberFilter(field_name="priority_id", help_text="Only the actions of this priority (its id).")
    status = filters.ChoiceFilter(choices=Action.Status.choices, help_text="Only actions with this status.")

    class Meta:
        model = Action
        fields = ["quarter", "priority", "status"]

    def as_of(self, queryset: QuerySet[Action], name: str, value) -> QuerySet[Action]:
        return queryset.annotate(**latest_rag(value))


class ReturnFilter(filters.FilterSet):
    quarter = QuarterFilter(method="in_quarter", help_text="Only this quarter's returns, such as 2025-26-Q3.")
    action = filters.NumberFilter(field_name="action_id", help_text="Only this action's returns (its id).")
    rag = filters.ChoiceFilter(choices=ProgressReturn.Rag.choices, help_text="Only returns with this RAG status.")

    class Meta:
        model = ProgressReturn
        fields = ["quarter", "action", "rag"]

    def in_quarter(self, queryset: QuerySet[ProgressReturn], name: str, value) -> QuerySet[ProgressReturn]:
        return queryset.filter(year=value.year, number=value.number)
