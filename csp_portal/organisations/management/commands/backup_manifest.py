"""``manage.py backup_manifest``: the row count of every product table, written beside a backup and
checked after a restore. See docs/operations.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from csp_portal.backup import row_counts


class Command(BaseCommand):
    help = (
        "Write the row count of every product table to a JSON manifest (--write, just before pg_dump), or "
        "check a restored database against one (--check): every table must have at least the rows the "
        "manifest lists. Plans, priorities, actions and returns are never deleted, so fewer rows means "
        "something was lost."
    )

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--write", metavar="FILE", help="Write the manifest to FILE ('-': standard output).")
        group.add_argument("--check", metavar="FILE", help="Compare this database with FILE ('-': standard input).")

    def handle(self, *args, write: str | None, check: str | None, **options) -> None:
        counts = row_counts()
        if write is not None:
            manifest = json.dumps(counts, indent=1, sort_keys=True) + "\n"
            if write == "-":
                self.stdout.write(manifest, ending="")
                return
            Path(write).write_text(manifest)
            self.stdout.write(f"{len(counts)} tables, {sum(counts.values())} rows written to {write}.")
            return
        try:
            expected = json.loads(sys.stdin.read() if check == "-" else Path(check).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the manifest {check}: {exc}") from exc
        short = {table: (rows, counts.get(table)) for table, rows in expected.items() if counts.get(table, -1) < rows}
        for table, (rows, found) in sorted(short.items()):
            self.stdout.write(f"  {table}: {rows} rows in the manifest, {'no table' if found is None else found} here")
        if short:
            raise CommandError(f"{len(short)} of {len(expected)} tables have fewer rows than the manifest.")
        self.stdout.write(self.style.SUCCESS(f"All {len(expected)} tables have at least the manifest's rows."))
