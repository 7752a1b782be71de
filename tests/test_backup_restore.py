"""The backup in docs/operations.md brings everything back: the demo data is dumped with the real
pg_dump -Fc, restored with pg_restore --no-owner into a new, empty database, and every table of
every product model holds the same rows there (count and checksum)."""

import io
import json
import subprocess
import time
import uuid

import psycopg2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from csp_portal.backup import fingerprints, product_tables
from priorities import services as priority_services
from priorities.models import Priority
from tests import worker
from tests.priorities.factories import PlanFactory
from tests.services import find_postgres_bin


def tool(name: str) -> str:
    directory = find_postgres_bin()
    if directory is None or not (directory / name).exists():
        pytest.skip(f"{name} is not installed: the backup and restore test needs PostgreSQL's client tools")
    return str(directory / name)


def connect_to(database: str):
    conf = connection.settings_dict
    return psycopg2.connect(
        dbname=database,
        user=conf["USER"] or None,
        password=conf["PASSWORD"] or None,
        host=conf["HOST"] or "localhost",
        port=conf["PORT"] or None,
    )


@pytest.fixture
def empty_database():
    """A new database beside the test database, dropped at the end whatever happens."""
    name = f"restore_check_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_dump_of_the_demo_restores_into_a_new_database_with_every_record(tmp_path, empty_database):
    pg_dump, pg_restore = tool("pg_dump"), tool("pg_restore")
    started = time.monotonic()
    call_command("load_demo", "--force", "--password", "demo-password-for-tests", stdout=io.StringIO())
    # An archived priority is data too: it must come back, still archived.
    archived = Priority.objects.filter(plan__partnership__slug="lancaster").first()
    priority_services.archive_priority(archived, actor=None)
    manifest = tmp_path / "manifest.json"
    call_command("backup_manifest", "--write", str(manifest), stdout=io.StringIO())
    dump = tmp_path / "csp.dump"

    subprocess.run([pg_dump, "-Fc", "--file", str(dump), worker.test_database_url()], check=True, timeout=60)
    restored_url = worker.test_database_url().rsplit("/", 1)[0] + f"/{empty_database}"
    subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", "--dbname", restored_url, str(dump)], check=True, timeout=60
    )

    original = fingerprints()
    with connect_to(empty_database) as restored_connection, restored_connection.cursor() as cursor:
        restored = fingerprints(cursor)
        cursor.execute("SELECT archived_at IS NOT NULL FROM priorities_priority WHERE id = %s", [archived.pk])
        assert cursor.fetchone() == (True,)
    assert set(original) == set(product_tables())
    different = {table: (original[table], restored[table]) for table in original if original[table] != restored[table]}
    assert different == {}
    # The demo is realistic: the data that matters most is there, not just empty tables matching.
    for table in ("priorities_plan", "priorities_priority", "actionplans_action", "actionplans_progressreturn"):
        assert original[table][0] > 0, table
    assert sum(count for count, _ in restored.values()) == sum(json.loads(manifest.read_text()).values())
    assert time.monotonic() - started < 60


@pytest.mark.django_db
def test_the_manifest_check_passes_on_the_same_rows_and_names_a_table_that_lost_some(cast, tmp_path):
    manifest = tmp_path / "manifest.json"
    PlanFactory(partnership=cast.lancaster)
    call_command("backup_manifest", "--write", str(manifest), stdout=io.StringIO())
    assert json.loads(manifest.read_text())["priorities_plan"] == 1

    out = io.StringIO()
    call_command("backup_manifest", "--check", str(manifest), stdout=out)
    assert "have at least the manifest's rows" in out.getvalue()

    PlanFactory(partnership=cast.lancaster)  # a newer row is fine: the dump follows the manifest
    call_command("backup_manifest", "--check", str(manifest), stdout=io.StringIO())

    missing = json.loads(manifest.read_text()) | {"priorities_plan": 5}
    manifest.write_text(json.dumps(missing))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of .* tables have fewer rows than the manifest"):
        call_command("backup_manifest", "--check", str(manifest), stdout=out)
    assert "priorities_plan: 5 rows in the manifest, 2 here" in out.getvalue()
