"""``manage.py export_crime_counts [-o FILE]``: the monthly crime counts as CSV."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from ...queries import CRIME_COUNT_COLUMNS, crime_count_rows, write_crime_counts_csv


class Command(BaseCommand):
    help = (
        "Write the imported monthly crime counts as CSV with the columns: "
        + ", ".join(CRIME_COUNT_COLUMNS)
        + ". Crimes with no location and crimes in authorities not set up here have an empty code."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")

    def handle(self, *args, output: str | None, **options) -> None:
        rows = crime_count_rows()
        if output:
            with open(output, "w", newline="", encoding="utf-8") as handle:
                count = write_crime_counts_csv(handle, rows)
            self.stderr.write(f"Wrote {count:,} rows to {output}.")
        else:
            write_crime_counts_csv(sys.stdout, rows)
