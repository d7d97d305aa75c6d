"""Alembic migrations take an empty database to the stores' current schema and back.

The current schema is each service's metadata (its tables' one definition): the revisions
beside the service must give exactly that, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect

from apps.bootstrap import store_schemas
from pace.store import EventStore
from pace.store.migrate import (
    MIGRATIONS,
    STORE_VERSIONS,
    MigrationError,
    current,
    differences,
    downgrade,
    run,
    target_metadata,
    upgrade,
)
from services.sharing import views as sharing_views

pytestmark = [pytest.mark.timeout(120)]
SCHEMAS = store_schemas()
HEADS = {  # what databases migrated before the revisions moved beside their service hold
    "intake": "0010_intake_contact_notes",
    "booking": "0009_booking_open_trajectories",
    "trajectory": "0012_trajectory_follow_ups",
    "sharing": "0007_sharing_consent",
    "reporting": "0005_reporting",
    "figures": "0011_figures",
}
STORE_HEAD = "0013_stream_positions"  # the event store's own branch, under every service's


def table_names(url: str) -> set[str]:
    return run(url, lambda connection: set(inspect(connection).get_table_names()))


def schema_differences(url: str, store: str) -> list[object]:
    return run(url, differences, SCHEMAS[store])


@pytest.mark.parametrize("store", sorted(SCHEMAS))
def test_upgrade_gives_the_current_schema_and_downgrade_removes_it(database_url, store):
    schema = SCHEMAS[store]

    upgrade(database_url, schema)

    assert set(current(database_url)) == {HEADS[store], STORE_HEAD}
    assert schema_differences(database_url, store) == []
    assert table_names(database_url) == {*target_metadata(schema).tables, "alembic_version"}

    downgrade(database_url, schema)

    assert table_names(database_url) <= {"alembic_version"}
    assert current(database_url) == []

    upgrade(database_url, schema)

    assert schema_differences(database_url, store) == []


@pytest.mark.parametrize("store", sorted(SCHEMAS))
def test_each_service_keeps_its_revisions_beside_it(store):
    schema = SCHEMAS[store]
    scripts = ScriptDirectory(str(MIGRATIONS),
                              version_locations=[str(STORE_VERSIONS), str(schema.versions)])

    where = {r.revision: (r.branch_labels, Path(r.path).parent) for r in scripts.walk_revisions()}

    assert {"0001_event_store", STORE_HEAD, HEADS[store]} <= set(where)
    for labels, folder in where.values():
        assert (labels, folder) in (({"store"}, STORE_VERSIONS), ({store}, schema.versions))


def test_upgrading_twice_changes_nothing(database_url):
    upgrade(database_url, SCHEMAS["booking"])
    at = current(database_url)

    upgrade(database_url, SCHEMAS["booking"])

    assert current(database_url) == at
    assert "0009_booking_open_trajectories" in at  # the head of the booking branch


def test_a_revision_that_drifts_from_the_metadata_is_seen(database_url):
    upgrade(database_url, SCHEMAS["trajectory"])
    run(database_url, lambda connection: connection.exec_driver_sql(
        "ALTER TABLE trajectory_parent_list ADD COLUMN mentor VARCHAR(64)"))

    found = schema_differences(database_url, "trajectory")

    assert [(d[0], d[3].name) for d in found] == [("remove_column", "mentor")]


def open_store(url: str, *tables: MetaData) -> None:
    """Open and close an EventStore: the service's own create_all, as on a first start."""

    async def open_and_close() -> None:
        store = await EventStore.open(url, "gent")
        for metadata in tables:
            await store.db.write(metadata.create_all)
        await store.close()

    asyncio.run(open_and_close())


def test_a_store_the_service_made_itself_is_stamped_not_made_again(database_url):
    open_store(database_url, sharing_views.metadata)  # as sharing makes it

    upgrade(database_url, SCHEMAS["sharing"])

    assert set(current(database_url)) == {"0007_sharing_consent", STORE_HEAD}


def test_tables_that_differ_without_history_are_refused(database_url):
    open_store(database_url)  # the event store's tables, none of booking's views

    with pytest.raises(MigrationError, match="differ from the current schema"):
        upgrade(database_url, SCHEMAS["booking"])


def test_a_migrated_database_is_one_the_store_opens_without_creating_anything(database_url):
    upgrade(database_url, SCHEMAS["intake"])
    before = table_names(database_url)

    open_store(database_url)

    assert table_names(database_url) == before
    assert schema_differences(database_url, "intake") == []


def test_the_comparison_sees_a_missing_index(database_url):
    upgrade(database_url, SCHEMAS["booking"])
    run(database_url, lambda connection: connection.exec_driver_sql(
        "DROP INDEX ix_booking_bookings_family_id"))

    found = schema_differences(database_url, "booking")

    assert [d[0] for d in found] == ["add_index"]


def migrate_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          timeout=60, check=False)


def test_the_command_line_upgrades_a_store_with_the_services_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'booking.db'}"

    done = migrate_command("apps.migrate", "upgrade", "booking", url)

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"booking: at 0009_booking_open_trajectories, {STORE_HEAD}\n"
    assert schema_differences(url, "booking") == []


def test_the_library_alone_refuses_to_migrate_and_says_where_to_go():
    done = migrate_command("pace.store.migrate", "upgrade")

    assert done.returncode == 1
    assert "composition root" in done.stderr
