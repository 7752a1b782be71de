"""The demo, loaded once per test process and put back from a copy afterwards.

``load_demo`` takes about ten seconds, most of it WeasyPrint laying out the issued report, and the
browser tests each start from the demo. The first test of a process loads it for real; its rows are
then copied out of PostgreSQL (COPY, every table but the migrations record), and each later test,
starting from an emptied database, has the same rows copied back in one transaction (Django's
foreign keys are checked at commit), in well under a second. Files the demo's rows name (the issued
report's PDF, an assessment's document) are kept with the copy and written again under the MEDIA_ROOT
of the test that asks, so a test with a throwaway MEDIA_ROOT of its own shares the copy too. Every
test that starts from the demo uses the one password, so that they all share the one copy.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
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


def _file_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def _stored_files() -> dict[tuple, bytes]:
    """The content of each file the demo's rows name, read from the storage of its field."""
    files = {}
    for model, field in _file_fields():
        for name in model._default_manager.values_list(field.attname, flat=True):
            if name:
                with field.storage.open(name) as file:
                    files[(model._meta.label, field.name, name)] = file.read()
    return files


def _stored_again(files: dict[tuple, bytes]) -> None:
    """The demo's files under the present MEDIA_ROOT, as the demo stored them."""
    storages = {(model._meta.label, field.name): field.storage for model, field in _file_fields()}
    for (label, field_name, name), content in files.items():
        path = Path(storages[label, field_name].path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


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
    key = (password, connection.settings_dict["NAME"], timezone.localdate())
    if _copy.get("key") == key and not User.objects.exists():
        _copy_in(_copy["rows"])
        _stored_again(_copy["files"])
        return _copy["output"]
    output = load_demo_again(password)
    _copy.update(key=key, rows=_copied_out(), files=_stored_files(), output=output)
    return output


def load_demo_again(password: str = PASSWORD) -> str:
    """The command itself, over what the database holds (as someone running it a second time); returns
    what it wrote."""
    output = io.StringIO()
    call_command("load_demo", "--force", "--password", password, stdout=output)
    return output.getvalue()
