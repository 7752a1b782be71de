"""``manage.py load_areas``: every local authority, CSP and police force area of England and Wales."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from ..areas import LOOKUP_CSV, import_areas, summary


class Command(BaseCommand):
    help = (
        "Create or refresh all local authorities, community safety partnerships and police force areas of "
        f"England and Wales from the ONS December 2019 lookup ({LOOKUP_CSV.name}). Safe to run again: rows are "
        "matched on ONS codes, links are brought up to date, names and slugs are kept."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        result = import_areas()
        for line in summary(result):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))
