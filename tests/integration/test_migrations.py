"""Alembic migrations take an empty PostgreSQL to the stores' current schema and back."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import MetaData, inspect

from pace.store import EventStore
from pace.store.migrate import (
    SCHEMAS,
    MigrationError,
    current,
    differences,
    downgrade,
    run,
    target_metadata,
    upgrade,
)
from services.sharing import consent, minimise

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]


def table_names(url: str) -> set[str]:
    return run(url, lambda connection: set(inspect(connection).get_table_names()))


def schema_differences(url: str, store: str) -> list[object]:
    return run(url, differences, store)


@pytest.mark.parametrize("store", sorted(SCHEMAS))
def test_upgrade_gives_the_current_schema_and_downgrade_removes_it(postgres_url, store):
    upgrade(postgres_url, store)

    assert schema_differences(postgres_url, store) == []
    assert table_names(postgres_url) == {*target_metadata(store).tables, "alembic_version"}

    downgrade(postgres_url, store)

    assert table_names(postgres_url) <= {"alembic_version"}
    assert current(postgres_url, store) == []

    upgrade(postgres_url, store)

    assert schema_differences(postgres_url, store) == []


def test_upgrading_twice_changes_nothing(postgres_url):
    upgrade(postgres_url, "booking")
    at = current(postgres_url, "booking")

    upgrade(postgres_url, "booking")

    assert current(postgres_url, "booking") == at
    assert "0006_booking_trajectories" in at  # the head of the booking branch


def open_store(url: str, *tables: MetaData) -> None:
    """Open and close an EventStore: the service's own create_all, as on a first start."""

    async def open_and_close() -> None:
        store = await EventStore.open(url, "gent")
        for metadata in tables:
            await store.db.write(metadata.create_all)
        await store.close()

    asyncio.run(open_and_close())


def test_a_store_the_service_made_itself_is_stamped_not_made_again(postgres_url):
    open_store(postgres_url, consent.metadata, minimise.metadata)  # as sharing makes it

    upgrade(postgres_url, "sharing")

    assert current(postgres_url, "sharing") == ["0007_sharing_consent"]  # store@head below it


def test_tables_that_differ_without_history_are_refused(postgres_url):
    open_store(postgres_url)  # the event store's tables, none of booking's views

    with pytest.raises(MigrationError, match="differ from the current schema"):
        upgrade(postgres_url, "booking")


def test_a_migrated_database_is_one_the_store_opens_without_creating_anything(postgres_url):
    upgrade(postgres_url, "intake")
    before = table_names(postgres_url)

    open_store(postgres_url)

    assert table_names(postgres_url) == before
    assert schema_differences(postgres_url, "intake") == []


def test_the_comparison_sees_a_missing_index(postgres_url):
    upgrade(postgres_url, "booking")
    run(postgres_url, lambda connection: connection.exec_driver_sql(
        "DROP INDEX ix_booking_bookings_family_id"))

    found = schema_differences(postgres_url, "booking")

    assert [d[0] for d in found] == ["add_index"]
