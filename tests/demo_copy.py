"""The demo, loaded once per test process and put back from a copy afterwards.

``load_demo`` takes about ten seconds, most of it WeasyPrint laying out the issued report, and the
browser tests each start from the demo. The first test of a process loads it for real; its rows are
then copied out of PostgreSQL (COPY, every table but the migrations record), and each later test,
starting from an emptied database, has the same rows copied back in one transaction (Django's
foreign keys are checked at commit), in well under a second. Files the demo stored (the issued
report's PDF, an assessment's document) stay under the same MEDIA_ROOT, which the copy checks.
Every test that starts from the demo uses the one password, so that they all share the one copy.
"""

from __future__ import annotations

import io

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from csp_portal.organisations.models import User

PASSWORD = "demo-password-for-tests"

_copy: dict = {}


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _copied_out() -> dict[str, str]:
    rows = {}
    with connection.cursor() as cursor:
        for table in _tables():
            buffer = io.StringIO()
            cursor.cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
            if buffer.tell():
                rows[table] = buffer.getvalue()
    return rows


def _copy_in(rows: dict[str, str]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # An emptied database still has the content types and permissions that post_migrate made
        # again after the last flush: empty it wholly, then put the demo's rows back.
        cursor.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in _tables()) + " CASCADE")
        for table, text in rows.items():
            cursor.cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.StringIO(text))
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(statement)
    ContentType.objects.clear_cache()


def load_demo(password: str = PASSWORD) -> str:
    """The demo with ``password`` for every account, in an empty database; returns what the command
    wrote when it loaded the demo (the copy keeps that too)."""
    # Its dates count from today, so a test that travels in time loads it afresh.
    key = (password, str(settings.MEDIA_ROOT), connection.settings_dict["NAME"], timezone.localdate())
    if _copy.get("key") == key and not User.objects.exists():
        _copy_in(_copy["rows"])
        return _copy["output"]
    output = load_demo_again(password)
    _copy.update(key=key, rows=_copied_out(), output=output)
    return output


def load_demo_again(password: str = PASSWORD) -> str:
    """The command itself, over what the database holds (as someone running it a second time); returns
    what it wrote."""
    output = io.StringIO()
    call_command("load_demo", "--force", "--password", password, stdout=output)
    return output.getvalue()
