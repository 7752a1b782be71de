"""``manage.py import_police_uk FILE_OR_FOLDER...``: police.uk street-level crime into monthly counts."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ... import police_uk
from ...services.crime import describe, import_police_uk, street_files


class Command(BaseCommand):
    help = (
        "Import data.police.uk street-level crime files (e.g. 2022-05-lancashire-street.csv) as monthly counts "
        "per local authority and crime type. A folder is searched for *-street.csv files, so an unpacked "
        "police.uk download can be named as it is. Importing a force's month again replaces it. A file with "
        "problems is refused with the line and column of the first ones, and nothing is stored."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="FILE_OR_FOLDER")

    def handle(self, *args, paths: list[str], **options) -> None:
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        files = street_files(paths)
        if not files:
            raise CommandError("No police.uk street-level files (*-street.csv) found there.")
        started = time.perf_counter()
        try:
            summary = import_police_uk([(path, str(path)) for path in files])
        except police_uk.Refused as refused:
            raise CommandError("Nothing was imported.\n" + "\n".join(refused.lines())) from None
        seconds = time.perf_counter() - started
        for line in describe(summary):
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {summary['rows']:,} rows as {summary['counts_stored']:,} monthly counts in {seconds:.1f} s."
            )
        )
