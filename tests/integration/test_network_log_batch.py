"""The hub's network log written in batches: rows staged on the store transaction, inserted
with one statement at commit, atomically with the inbox markers (SQLite, PostgreSQL, memory)."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import Connection

from contracts import subjects
from contracts.envelope import Envelope
from pace.store import EventStore, InMemoryEventStore, StoreError
from pace.store.rows import StagedRows
from services.reporting import views as network_log
from tests.integration.test_relay_and_consumer import referral

pytestmark = pytest.mark.timeout(60)

CONSUMER = "network-log"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres),
                        "memory"])
def hub_url(request: pytest.FixtureRequest, tmp_path) -> str | None:
    """Where the hub's store lives: a SQLite file, a PostgreSQL database, or None (memory)."""
    if request.param == "memory":
        return None
    if request.param == "sqlite":
        return str(tmp_path / "hub.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def hub(hub_url: str | None):
    """The hub's store with the network log's table."""
    if hub_url is None:
        store = await InMemoryEventStore.open(subjects.HUB_DOMAIN)
    else:
        store = await EventStore.open(hub_url, subjects.HUB_DOMAIN)
    await store.db.write(network_log.metadata.create_all)
    yield store
    await store.close()


async def envelopes(tmp_path, count: int) -> list[Envelope]:
    """Shared envelopes as the hub receives them, from a real partner store."""
    partner = await EventStore.open(tmp_path / "partner.db", "mechelen")
    stored = await partner.append("stage", [referral(i) for i in range(count)])
    await partner.close()
    return [Envelope.model_validate_json(r.wire_bytes()) for r in stored]


def keep_all(tx, batch: list[Envelope]) -> None:
    """What the hub's consumer does for a batch: each envelope recorded, then the inbox marked."""
    for envelope in batch:
        network_log.record(tx, envelope)
    tx.mark_processed(CONSUMER, [str(e.event_id) for e in batch])


async def processed(store, ids: list[str]) -> set[str]:
    return await store.in_transaction(lambda tx: tx.processed_among(CONSUMER, ids))


async def test_a_batch_lands_in_arrival_order_as_compact_json(hub, tmp_path):
    received = await envelopes(tmp_path, 30)
    await hub.in_transaction(keep_all, received[:20])
    await hub.in_transaction(keep_all, received[20:])

    rows = await hub.db.read(network_log.after, 0)
    assert [orjson.loads(text)["event_id"] for _, text in rows] == [
        str(e.event_id) for e in received]
    assert [position for position, _ in rows] == sorted(position for position, _ in rows)
    assert rows[0][1] == orjson.dumps(received[0].model_dump(mode="json")).decode()
    assert await hub.db.read(network_log.counts) == {"mechelen": 30}
    assert await processed(hub, [str(e.event_id) for e in received]) == {
        str(e.event_id) for e in received}


async def test_a_refused_row_rolls_back_the_whole_batch_and_its_inbox_markers(hub, tmp_path):
    received = await envelopes(tmp_path, 10)
    await hub.in_transaction(keep_all, received[:3])

    def keep_with_one_already_kept(tx) -> None:
        for envelope in received[3:] + [received[0]]:  # the last row's insert is refused
            network_log.record(tx, envelope)
        tx.mark_processed(CONSUMER, [str(e.event_id) for e in received[3:]])

    with pytest.raises(StoreError, match="refused by the database"):
        await hub.in_transaction(keep_with_one_already_kept)

    assert await hub.db.read(network_log.counts) == {"mechelen": 3}
    assert await processed(hub, [str(e.event_id) for e in received[3:]]) == set()


async def test_a_plain_connection_still_records_at_once(database_url, tmp_path):
    received = await envelopes(tmp_path, 3)
    store = await EventStore.open(database_url, subjects.HUB_DOMAIN)
    try:
        await store.db.write(network_log.metadata.create_all)

        def record_and_count(connection: Connection) -> dict[str, int]:
            for envelope in received:
                network_log.record(connection, envelope)
            return network_log.counts(connection)  # visible inside the same transaction

        assert await store.db.write(record_and_count) == {"mechelen": 3}
    finally:
        await store.close()


def test_rows_staged_without_a_connection_are_refused_with_a_reason():
    staged = StagedRows()
    staged.add(network_log.network_events, {"event_id": "x"})
    with pytest.raises(RuntimeError, match="without a SQL connection"):
        staged.flush(None)
    staged.flush(None)  # nothing left staged: nothing to refuse
