"""Filters and sort orders of the crime-data imports list (django-filter; see csp_portal.filtering)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from csp_portal.filtering import Filters, FirstRows, SortBy, first_rows
from csp_portal.organisations.models import Partnership, User

from .models import CrimeImport

SHOWN = 100  # imports listed at once; the count says how many more match


class ImportFilter(Filters):
    status = filters.ChoiceFilter(choices=CrimeImport.Status.choices, label="Status", empty_label="Any status")
    requested_by = filters.ModelChoiceFilter(
        queryset=User.objects.none(), label="Uploaded by", empty_label="Anyone (or the command line)"
    )
    sort = SortBy(
        fields=(("created", "when"), ("status", "status"), ("requested_by__full_name", "who")),
        choices=[("when", "Oldest first"), ("status", "Status"), ("who", "Uploaded by")],
        label="Sort by",
        empty_label="Newest first",
        then=("-created", "-pk"),
    )

    class Meta:
        model = CrimeImport
        fields: list[str] = []


def import_table(partnership: Partnership, data) -> ImportFilter:
    """The imports the partnership's analysts follow (its own uploads and the command-line imports
    every partnership's counts come from), newest first, filtered and sorted as ``data`` asks."""
    imports = CrimeImport.objects.filter(Q(partnership=partnership) | Q(partnership=None))
    uploaders = User.objects.filter(pk__in=imports.values("requested_by_id")).order_by("full_name", "pk")
    rows = imports.select_related("requested_by").order_by("-created", "-pk")
    return ImportFilter(data, queryset=rows).limited(requested_by=uploaders)


def imports_listed(partnership: Partnership, data) -> tuple[ImportFilter, FirstRows]:
    """The filter form and the first SHOWN imports it keeps, with their count: four queries."""
    table = import_table(partnership, data)
    return table, first_rows(table, SHOWN)
