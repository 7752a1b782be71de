"""What the long tables' filter forms share (django-filter FilterSets in each app's filters.py):
the choices offered are the partnership's own, a value the form does not accept is left out of the
filtering and shown on its field (never a failure), and a chosen sort order falls back on the
table's own order where rows tie. The form is rendered by templates/includes/filter_form.html."""

from __future__ import annotations

from dataclasses import dataclass

import django_filters as filters
from django.db.models import QuerySet


class Filters(filters.FilterSet):
    """A table's filters; ``limited`` sets the choices and checks the form."""

    def __init__(self, data=None, *args, **kwargs):
        # Only the names the form knows (anything else in the address is not its business), and
        # always bound, to nothing chosen at first, so that ``limited`` checks what was asked.
        data = {name: data[name] for name in self.base_filters if data is not None and data.get(name)}
        super().__init__(data, *args, **kwargs)

    def limited(self, **choices: QuerySet) -> Filters:
        """Offer only ``choices`` (the partnership's own) in the named fields, then check the form."""
        for name, queryset in choices.items():
            self.form.fields[name].queryset = queryset
        self.form.full_clean()
        return self

    @property
    def applied(self) -> int:
        """How many filters and sort orders are in force."""
        return sum(1 for value in self.form.cleaned_data.values() if value not in (None, "", []))

    @property
    def form_fields(self):
        """Each field of the form with its options as (value, label, chosen), for the template: a
        refused value leaves the field at its first option."""
        for field in self.form:
            chosen = "" if field.errors else str(self.data.get(field.name, ""))
            yield field, [(str(value), label, str(value) == chosen) for value, label in field.field.choices]

    @property
    def refused(self) -> list[str]:
        """The labels of the filters whose value was not accepted (and is ignored)."""
        return [str(self.form.fields[name].label) for name in self.form.errors]


class SortBy(filters.OrderingFilter):
    """The sort order chosen, then ``then`` (the table's own order) where it ties."""

    def __init__(self, *args, then: tuple[str, ...] = ("pk",), **kwargs):
        self.then = then
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], *self.then)


@dataclass
class FirstRows:
    """The first rows of a filtered table, and how many it holds in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def first_rows(table: Filters, limit: int) -> FirstRows:
    """The table's first ``limit`` rows and its count: two queries."""
    return FirstRows(list(table.qs[:limit]), table.qs.count())
