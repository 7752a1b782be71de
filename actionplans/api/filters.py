"""The API's filters, declared with django-filter. A quarter is written as in the portal's
addresses, '2025-26-Q3' (csp_portal.quarters); a value that is not one answers 400 naming it."""

from __future__ import annotations

import re

import django_filters as filters
from django import forms
from django.db.models import DateField, QuerySet, Value

from assessments.models import Indicator
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


class IndicatorFilter(filters.FilterSet):
    authority = filters.CharFilter(
        field_name="authority__ons_code",
        help_text="Only the indicators that measure this council, by its ONS code such as E07000121 (an "
        "indicator of the partnership's whole area names no council and is left out).",
    )
    since = filters.DateFilter(
        method="figures_from",
        help_text="Only the figures of periods starting on or after this date, such as 2024-04-01.",
    )
    until = filters.DateFilter(
        method="figures_to",
        help_text="Only the figures of periods starting on or before this date, such as 2025-03-01.",
    )

    class Meta:
        model = Indicator
        fields = ["authority", "since", "until"]

    # The figures are read after the page is cut (queries.with_figures); the dates go with the rows.
    def figures_from(self, queryset: QuerySet[Indicator], name: str, value) -> QuerySet[Indicator]:
        return queryset.annotate(figures_since=Value(value, output_field=DateField()))

    def figures_to(self, queryset: QuerySet[Indicator], name: str, value) -> QuerySet[Indicator]:
        return queryset.annotate(figures_until=Value(value, output_field=DateField()))
