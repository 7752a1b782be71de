"""Benchmark: the weekly digest for 10,000 people, sent over SMTP to a real local server.

    .venv/bin/python benchmarks/notification_digest.py [--people 10000] [--each 3] [--limit-seconds 600]

Creates ``--people`` people, each with ``--each`` notifications waiting for their weekly digest
(bulk inserts), then times ``send_weekly_digests()``: one claim, one read and one e-mail (plain text
and HTML) a person, sent with Django's SMTP backend to an aiosmtpd server on localhost. Prints the
people and e-mails per second and the queries per person, checks that every person received exactly
one e-mail, and exits 1 when the run takes longer than ``--limit-seconds`` (the digest must finish
well within the hour beat gives it).

PostgreSQL is the one in DATABASE_URL when that names one; otherwise a throwaway server is started
from the installed binaries (as the test suite does) and removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.action_plan_page import create_database  # noqa: E402


def build(people: int, each: int) -> None:
    from csp_portal.notifications.kinds import Delivery, Kind
    from csp_portal.notifications.models import Notification, Preference
    from csp_portal.organisations.models import Partnership, User

    partnership = Partnership.objects.create(name="Bench CSP", slug=f"bench-{os.getpid()}", kind="district")
    users = User.objects.bulk_create(
        User(email=f"person{n}@bench.example", full_name=f"Person {n}", password="!") for n in range(people)
    )
    Preference.objects.bulk_create(
        Preference(user=user, kind=Kind.RETURN_REVIEWED, delivery=Delivery.WEEKLY) for user in users
    )
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            partnership=partnership,
            kind=Kind.RETURN_REVIEWED,
            subject=f"Your 2025/26 Q3 return for “Action {n}” was accepted",
            body="Your progress return was accepted. It goes into the board's report.",
            path=f"/partnerships/{partnership.slug}/actions/{n}/returns/2025-26-Q3/",
            reason="you lead the action this return is for",
            status=Notification.Email.DIGEST,
        )
        for user in users
        for n in range(each)
    )


def run(args) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.test")
    os.environ.setdefault("REDIS_URL", "")
    from tests.smtp import SMTPServer

    with SMTPServer() as smtp:
        os.environ["EMAIL_URL"] = smtp.url
        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from csp_portal.notifications import services
        from csp_portal.notifications.models import Notification

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build(args.people, args.each)
        print(
            f"Made {args.people:,} people with {args.people * args.each:,} notifications in "
            f"{time.perf_counter() - started:.1f} s"
        )
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
            started = time.perf_counter()
            sent = services.send_weekly_digests()
            seconds = time.perf_counter() - started
        received = len(smtp.inbox.messages)
        left = Notification.objects.filter(status=Notification.Email.DIGEST).count()
    print(
        f"Weekly digest: {sent:,} e-mails in {seconds:.1f} s ({sent / seconds:,.0f} a second), "
        f"{len(queries) / max(sent, 1):.1f} queries a person; {received:,} received by the SMTP server"
    )
    ok = sent == received == args.people and left == 0 and seconds <= args.limit_seconds
    print("Target: every person one e-mail, all within", args.limit_seconds, "s:", "met" if ok else "MISSED")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--each", type=int, default=3)
    parser.add_argument("--limit-seconds", type=float, default=600)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(run(args))
    from tests.services import start_postgres

    with tempfile.TemporaryDirectory(prefix="bench-digest-") as workdir:
        os.chmod(workdir, 0o755)  # noqa: S103 - PostgreSQL runs as another user and keeps its data here # nosec B103
        service = start_postgres(Path(workdir))
        try:
            create_database(service.url)
            os.environ["DATABASE_URL"] = service.url
            print(f"Started a throwaway PostgreSQL: {service.url}")
            code = run(args)
        finally:
            service.stop()
    sys.exit(code)


if __name__ == "__main__":
    main()
