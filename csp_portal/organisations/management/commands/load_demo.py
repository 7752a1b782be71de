"""``manage.py load_demo``: the pan-Lancashire demonstration data and demo accounts."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from csp_portal.notifications import services as notifications

from ... import demo


class Command(BaseCommand):
    help = (
        "Create or refresh the pan-Lancashire demonstration data: authorities, police divisions, partnerships, "
        "agencies, memberships and one demo account per role. Safe to run again; passwords are reset each time. "
        "Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password",
            default=demo.DEFAULT_PASSWORD,
            help=f"Password for every demo account (default: '{demo.DEFAULT_PASSWORD}').",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though DEBUG is off, e.g. on a shared demonstration server.",
        )

    def handle(self, *args, password: str, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a production database. load_demo creates accounts with a "
                "known password; run it with --force only if this really is a demonstration site."
            )
        if not password:
            raise CommandError("The demo password must not be empty.")
        try:
            with notifications.without_emails():  # the demo's people are not real: nobody is e-mailed
                ctx = demo.load(password=password)
        except demo.DemoConflict as exc:
            raise CommandError(f"{exc} Nothing was changed.") from exc
        for line in ctx.lines:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password '{password}'):"))
        width = max(len(email) for email, _ in ctx.accounts)
        for email, description in ctx.accounts:
            self.stdout.write(f"  {email:<{width}}  {description}")
        self.stdout.write(
            "Site administrators also enter a two-factor code. For admin@demo.example, add the demo secret "
            f"{demo.DEMO_TOTP_SECRET} to an authenticator app (time-based, 6 digits), or run "
            "'manage.py demo_code' for the current code."
        )
