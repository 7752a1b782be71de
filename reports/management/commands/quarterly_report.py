"""Render one partnership's quarterly monitoring report to a PDF file, now, through the same
service as the background job: ``manage.py quarterly_report lancaster 2025/26-Q2 -o report.pdf``.

With ``--issued N`` it renders issued version N again from its stored snapshot and says whether the
result matches the archived PDF's checksum."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from csp_portal.organisations.models import Partnership
from csp_portal.quarters import Quarter
from reports import services
from reports.models import ReportVersion


class Command(BaseCommand):
    help = "Render a partnership's quarterly monitoring report (draft from today's data, or an issued version) to PDF."

    def add_arguments(self, parser):
        parser.add_argument("partnership", help="The partnership's slug, e.g. lancaster.")
        parser.add_argument("quarter", help="The quarter, e.g. 2025/26-Q2 or '2025/26 Q2'.")
        parser.add_argument("-o", "--output", required=True, help="Where to write the PDF.")
        parser.add_argument("--html", help="Also write the HTML the PDF is made from to this file.")
        parser.add_argument(
            "--issued", type=int, metavar="N", help="Render issued version N again from its stored snapshot."
        )

    def handle(self, *args, **options):
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with the slug {options['partnership']!r}.")
        try:
            quarter = Quarter.parse(options["quarter"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        started = time.perf_counter()
        archived = None
        if options["issued"]:
            archived = ReportVersion.objects.filter(
                partnership=partnership, year=quarter.year, number=quarter.number, version=options["issued"]
            ).first()
            if archived is None:
                raise CommandError(f"{partnership.name} has no issued version {options['issued']} of {quarter.label}.")
            produced = services.rerender_version(archived)
        else:
            produced = services.produce(partnership, quarter)
        elapsed = time.perf_counter() - started
        output = Path(options["output"])
        output.write_bytes(produced.rendered.pdf)
        if options["html"]:
            Path(options["html"]).write_text(produced.html, encoding="utf-8")
        checksum = hashlib.sha256(produced.rendered.pdf).hexdigest()
        self.stdout.write(
            f"Wrote {output}: {partnership.name}, {quarter.label}, {produced.rendered.pages} pages, "
            f"{len(produced.rendered.pdf) / 1024:,.0f} KB, SHA-256 {checksum}. "
            f"{elapsed:.2f} s in all, {produced.rendered.seconds:.2f} s of it in WeasyPrint."
        )
        if archived is None:
            return
        if checksum == archived.checksum:
            self.stdout.write(f"The checksum matches the archived version {archived.version} ({archived.checksum}).")
        else:
            self.stdout.write(
                f"The checksum differs from the archived version {archived.version}'s ({archived.checksum}). The data "
                "is the snapshot issued with it, so the difference comes from a template, stylesheet, font or "
                "WeasyPrint that has changed since; the archived PDF remains the record."
            )
