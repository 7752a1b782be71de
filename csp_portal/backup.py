"""What a backup must bring back: every table of the product's models (their history tables and
many-to-many links included), with its row count and a checksum of its rows."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

PRODUCT_APPS = ("organisations", "assessments", "priorities", "actionplans", "reports")


def product_tables() -> list[str]:
    """The database tables of every model of the product's apps, sorted."""
    tables = {
        model._meta.db_table
        for label in PRODUCT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


def row_counts(cursor=None) -> dict[str, int]:
    """Rows per product table, in the database ``cursor`` reads (the site's own by default)."""
    return {table: count for table, (count, _) in fingerprints(cursor).items()}


def fingerprints(cursor=None) -> dict[str, tuple[int, str]]:
    """(row count, md5 of all rows in a fixed order) per product table. Two databases holding the
    same data give the same fingerprints, whatever order the rows were written in."""
    if cursor is None:
        with connection.cursor() as own:
            return fingerprints(own)
    result = {}
    for table in product_tables():
        # A model's table name, never user input.
        sql = "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM %s t"
        cursor.execute(sql % connection.ops.quote_name(table))
        result[table] = tuple(cursor.fetchone())
    return result
