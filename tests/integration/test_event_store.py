"""The event store's guarantees, each run on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, text, update

from contracts.base import DomainEvent, pseudonymous, public
from pace.store import (
    NO_STREAM,
    ConcurrencyError,
    DuplicateEventError,
    EventStore,
    NewEvent,
    tables,
)

pytestmark = pytest.mark.timeout(60)

T0 = datetime(2020, 2, 1, 9, 0, tzinfo=UTC)


class NoteTaken(DomainEvent):
    context = "testing"
    family_id: str = pseudonymous()
    number: int = public()


def new(number: int, family: str = "f-1") -> NewEvent:
    return NewEvent(NoteTaken(family_id=family, number=number), uuid.uuid4(), T0, uuid.uuid4())


@pytest.fixture
async def store(database_url: str):
    store = await EventStore.open(database_url, "mechelen")
    yield store
    await store.close()


async def test_appended_events_come_back_in_stream_order(store: EventStore) -> None:
    await store.append("family-1", [new(1), new(2)], expected_version=NO_STREAM)
    await store.append("family-1", [new(3)], expected_version=2)

    stream = await store.read_stream("family-1")

    assert [r.envelope.stream_version for r in stream] == [1, 2, 3]
    assert [r.envelope.payload["number"] for r in stream] == [1, 2, 3]
    assert stream[0].envelope.partner == "mechelen"
    assert stream[0].envelope.event_type == "NoteTaken"


async def test_append_at_a_stale_version_raises_a_concurrency_error(store: EventStore) -> None:
    await store.append("family-1", [new(1)], expected_version=NO_STREAM)

    with pytest.raises(ConcurrencyError, match="at version 1, the append expected 0"):
        await store.append("family-1", [new(2)], expected_version=NO_STREAM)

    assert len(await store.read_stream("family-1")) == 1


async def test_concurrent_appends_at_the_same_version_exactly_one_wins(
    store: EventStore, database_url: str
) -> None:
    other = await EventStore.open(database_url, "mechelen")  # a second writer, as another process
    try:
        attempts = [s.append("session-1", [new(i)], expected_version=NO_STREAM)
                    for i, s in enumerate([store, other] * 10)]
        results = await asyncio.gather(*attempts, return_exceptions=True)
    finally:
        await other.close()

    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(e, ConcurrencyError) for e in losers)
    assert len(await store.read_stream("session-1")) == 1


async def test_reappending_the_same_event_id_does_not_duplicate(store: EventStore) -> None:
    event = new(1)
    first = await store.append("family-1", [event], expected_version=NO_STREAM)

    again = await store.append("family-1", [event], expected_version=NO_STREAM)

    assert again[0].position == first[0].position
    assert len(await store.read_all()) == 1


async def test_a_partly_stored_append_is_refused(store: EventStore) -> None:
    stored = new(1)
    await store.append("family-1", [stored])

    with pytest.raises(DuplicateEventError):
        await store.append("family-1", [stored, new(2)])

    assert len(await store.read_all()) == 1


async def test_global_order_is_gap_free_under_concurrent_writers(
    store: EventStore, database_url: str
) -> None:
    other = await EventStore.open(database_url, "mechelen")
    try:
        await asyncio.gather(*[
            s.append(f"family-{i % 7}", [new(i), new(i)])
            for i, s in enumerate([store, other] * 40)
        ])
    finally:
        await other.close()

    positions = [r.position for r in await store.read_all(limit=10_000)]

    assert positions == list(range(1, 161))


async def test_read_all_pages_from_a_position(store: EventStore) -> None:
    for i in range(10):
        await store.append(f"family-{i}", [new(i)])

    page = await store.read_all(after=4, limit=3)

    assert [r.position for r in page] == [5, 6, 7]


async def test_read_as_of_a_timestamp_keeps_what_was_recorded_by_then(database_url: str) -> None:
    now = [T0]
    store = await EventStore.open(database_url, "mechelen", clock=lambda: now[0])
    try:
        await store.append("family-1", [new(1)])
        now[0] = T0 + timedelta(days=1)
        await store.append("family-1", [new(2)])

        then = await store.read_stream("family-1", as_of=T0 + timedelta(hours=1))
        all_then = await store.read_all(as_of=T0 + timedelta(hours=1))
    finally:
        await store.close()

    assert [r.envelope.payload["number"] for r in then] == [1]
    assert len(all_then) == 1


async def test_an_untouched_chain_verifies(store: EventStore) -> None:
    for i in range(20):
        await store.append(f"family-{i % 3}", [new(i)])

    report = await store.verify(page=7)

    assert report.ok, report.problems
    assert report.checked == 20


async def test_verify_catches_an_edited_row(store: EventStore) -> None:
    for i in range(5):
        await store.append("family-1", [new(i)])
    await store.db.write(lambda conn: conn.execute(
        update(tables.events).where(tables.events.c.position == 3)
        .values(payload='{"family_id":"f-1","number":99}')))

    report = await store.verify()

    assert not report.ok
    assert [p.position for p in report.problems] == [3]
    assert "content does not match" in str(report.problems[0])


async def test_verify_catches_a_deleted_row(store: EventStore) -> None:
    for i in range(5):
        await store.append("family-1", [new(i)])
    await store.db.write(lambda conn: conn.execute(
        delete(tables.events).where(tables.events.c.position == 2)))

    report = await store.verify()

    assert not report.ok
    assert report.problems[0].position == 3
    assert "records 2..2 are missing" in str(report.problems[0])


async def test_verify_catches_a_deleted_last_row(store: EventStore) -> None:
    for i in range(3):
        await store.append("family-1", [new(i)])
    await store.db.write(lambda conn: conn.execute(text("DELETE FROM events WHERE position = 3")))

    report = await store.verify()

    assert not report.ok
    assert "chain head says 3 records, found 2" in str(report.problems[-1])


async def test_a_transaction_commits_appends_and_inbox_marker_together(store: EventStore) -> None:
    def fail_after_writing(tx):
        tx.append("family-1", [new(1)])
        tx.mark_processed("trajectory", ["evt-1"])
        raise RuntimeError("handler failed after writing")

    def handle(tx):
        assert tx.processed_among("trajectory", ["evt-1"]) == set()
        tx.mark_processed("trajectory", ["evt-1"])
        tx.append("family-1", [new(2)])

    with pytest.raises(RuntimeError):
        await store.in_transaction(fail_after_writing)
    await store.in_transaction(handle)

    seen = await store.in_transaction(lambda tx: tx.processed_among("trajectory", ["evt-1"]))
    assert seen == {"evt-1"}
    assert [r.envelope.payload["number"] for r in await store.read_all()] == [2]


async def test_appends_inside_a_transaction_see_each_other(store: EventStore) -> None:
    def two_appends(tx):
        tx.append("family-1", [new(1)], expected_version=NO_STREAM)
        tx.append("family-1", [new(2)], expected_version=1)
        return [r.envelope.stream_version for r in tx.read_stream("family-1")]

    assert await store.in_transaction(two_appends) == [1, 2]
    assert (await store.verify()).ok


async def test_a_second_writer_sees_streams_written_by_the_first(
    store: EventStore, database_url: str
) -> None:
    other = await EventStore.open(database_url, "mechelen")
    try:
        await store.append("family-1", [new(1)], expected_version=NO_STREAM)
        await other.append("family-1", [new(2)], expected_version=1)

        with pytest.raises(ConcurrencyError):
            await store.append("family-1", [new(3)], expected_version=1)
        await store.append("family-1", [new(3)], expected_version=2)
    finally:
        await other.close()

    assert (await store.verify()).ok


async def test_cursors_persist(store: EventStore) -> None:
    assert await store.cursor("relay") == 0

    await store.save_cursor("relay", 41)
    await store.save_cursor("relay", 42)

    assert await store.cursor("relay") == 42
