"""Indexes of the full-text search (reports/search/queries.py) on PostgreSQL.

With every CSP of England and Wales in one database the search box would otherwise compute the
search document of every progress return and action to find a handful (docs/benchmarks.md,
"National data"). The index holds exactly the expression the search filters on, so the planner finds
the matching rows first. The embedded SQLite database that ``make run`` uses has no full-text search
and matches words as substrings instead, so there the index is nothing.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db.backends.ddl_references import Statement

CONFIG = "english"  # as reports.search.queries.CONFIG


class SearchIndex(GinIndex):
    """A GIN index of the English search document of ``fields``, as the search box builds it."""

    def __init__(self, *fields: str, name: str):
        self.search_fields = fields
        super().__init__(SearchVector(*fields, config=CONFIG), name=name)

    def deconstruct(self):
        path, _, kwargs = super().deconstruct()
        return path, self.search_fields, {"name": kwargs["name"]}

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("SELECT 1")
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("SELECT 1")
        return super().remove_sql(model, schema_editor, **kwargs)
