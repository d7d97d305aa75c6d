"""The event store's guarantees, each run on SQLite, on PostgreSQL and in memory."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, delete, insert, select, update

from contracts.base import DomainEvent, pseudonymous, public
from pace.store import (
    NO_STREAM,
    ConcurrencyError,
    DuplicateEventError,
    EventStore,
    InMemoryEventStore,
    NewEvent,
    StoreError,
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


class Backend:
    """Opens stores of one kind, a second writer on the same data, and tampers with records."""

    def __init__(self, url: str | None) -> None:
        self.url = url  # None: in memory

    async def open(self, **kwargs):
        if self.url is None:
            return await InMemoryEventStore.open("mechelen", **kwargs)
        return await EventStore.open(self.url, "mechelen", **kwargs)

    async def another(self, store):
        """A second writer on the same events, as another process of the service."""
        if self.url is None:
            return store.another_writer()
        return await EventStore.open(self.url, "mechelen")

    async def change_payload(self, store, position: int, payload: str) -> None:
        if self.url is None:
            store.log.rows[position - 1]["payload"] = payload
            return
        await store.db.write(lambda conn: conn.execute(
            update(tables.events).where(tables.events.c.position == position)
            .values(payload=payload)))

    async def delete(self, store, position: int) -> None:
        if self.url is None:
            del store.log.rows[position - 1]
            return
        await store.db.write(lambda conn: conn.execute(
            delete(tables.events).where(tables.events.c.position == position)))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres),
                        "memory"])
def backend(request: pytest.FixtureRequest, tmp_path) -> Backend:
    """Every test using it runs on SQLite, on PostgreSQL and in memory."""
    if request.param == "sqlite":
        return Backend(str(tmp_path / "store.db"))
    if request.param == "postgresql":
        return Backend(request.getfixturevalue("postgres_url"))
    return Backend(None)


@pytest.fixture
async def store(backend: Backend):
    store = await backend.open()
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
    store: EventStore, backend: Backend
) -> None:
    other = await backend.another(store)
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
    store: EventStore, backend: Backend
) -> None:
    other = await backend.another(store)
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


async def test_read_as_of_a_timestamp_keeps_what_was_recorded_by_then(backend: Backend) -> None:
    now = [T0]
    store = await backend.open(clock=lambda: now[0])
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


async def test_verify_catches_an_edited_row(store: EventStore, backend: Backend) -> None:
    for i in range(5):
        await store.append("family-1", [new(i)])
    await backend.change_payload(store, 3, '{"family_id":"f-1","number":99}')

    report = await store.verify()

    assert not report.ok
    assert [p.position for p in report.problems] == [3]
    assert "content does not match" in str(report.problems[0])


async def test_verify_catches_a_deleted_row(store: EventStore, backend: Backend) -> None:
    for i in range(5):
        await store.append("family-1", [new(i)])
    await backend.delete(store, 2)

    report = await store.verify()

    assert not report.ok
    assert report.problems[0].position == 3
    assert "records 2..2 are missing" in str(report.problems[0])


async def test_verify_catches_a_deleted_last_row(store: EventStore, backend: Backend) -> None:
    for i in range(3):
        await store.append("family-1", [new(i)])
    await backend.delete(store, 3)

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
    store: EventStore, backend: Backend
) -> None:
    other = await backend.another(store)
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


async def test_a_handlers_own_writes_commit_and_roll_back_with_its_appends(
    store: EventStore,
) -> None:
    notes = Table("notes", MetaData(), Column("n", Integer, primary_key=True))
    await store.db.write(notes.metadata.create_all)

    def fail_after_writing(tx):
        tx.connection.execute(insert(notes), {"n": 1})
        tx.append("family-1", [new(1)])
        raise RuntimeError("handler failed after writing")

    def write(tx):
        tx.connection.execute(insert(notes), {"n": 2})
        tx.append("family-1", [new(2)])

    with pytest.raises(RuntimeError):
        await store.in_transaction(fail_after_writing)
    await store.in_transaction(write)

    kept = await store.db.read(lambda conn: conn.execute(select(notes.c.n)).scalars().all())
    assert kept == [2]
    assert [r.envelope.payload["number"] for r in await store.read_all()] == [2]


async def test_listeners_hear_the_last_position_of_each_commit(store: EventStore) -> None:
    heard: list[int] = []
    store.on_commit(lambda records: heard.append(records[-1].position))

    await store.append("family-1", [new(1), new(2)])
    await store.in_transaction(lambda tx: tx.append("family-2", [new(3)]))
    await store.in_transaction(lambda tx: tx.mark_processed("trajectory", ["evt-1"]))

    assert heard == [2, 3]
    assert await store.last_position() == 3


async def test_a_consumer_marks_an_event_processed_once(store: EventStore) -> None:
    await store.in_transaction(lambda tx: tx.mark_processed("trajectory", ["evt-1"]))

    with pytest.raises(StoreError):
        await store.in_transaction(lambda tx: tx.mark_processed("trajectory", ["evt-1"]))

    other = await store.in_transaction(lambda tx: tx.processed_among("booking", ["evt-1"]))
    assert other == set()


@pytest.mark.parametrize("count", [1, 3, 256, 500, 513])
async def test_a_batch_of_inbox_markers_is_recorded_whole(store: EventStore, count: int) -> None:
    ids = [f"evt-{n}" for n in range(count)]
    await store.in_transaction(lambda tx: tx.mark_processed("trajectory", ids))

    seen = await store.in_transaction(
        lambda tx: tx.processed_among("trajectory", [*ids, "evt-unseen"]))
    assert seen == set(ids)


async def test_a_handlers_refused_sql_write_is_a_store_error_and_leaves_nothing(
    store: EventStore,
) -> None:
    notes = Table("unique_notes", MetaData(), Column("n", Integer, primary_key=True))
    await store.db.write(notes.metadata.create_all)

    def insert_twice(tx):
        tx.append("family-1", [new(1)])
        tx.connection.execute(insert(notes), {"n": 1})
        tx.connection.execute(insert(notes), {"n": 1})

    with pytest.raises(StoreError):
        await store.in_transaction(insert_twice)

    assert await store.read_all() == []


def projected_notes(store) -> Table:
    """A read model of NoteTaken numbers the store keeps inline. Number 13 makes the
    projection fail, as a bug in a view would."""
    notes = Table("projected_notes", MetaData(), Column("n", Integer, primary_key=True))

    def project(tx, record, event) -> None:
        if event.number == 13:
            raise RuntimeError("the view cannot take 13")
        tx.connection.execute(insert(notes), {"n": event.number})
        assert record.row["event_type"] == "NoteTaken"

    store.project_inline(project)
    store.project_inline(project)  # registered twice (a service built twice): projected once
    return notes


async def numbers_in(store, notes: Table) -> list[int]:
    return await store.db.read(
        lambda conn: conn.execute(select(notes.c.n).order_by(notes.c.n)).scalars().all())


async def test_an_inline_projection_commits_with_every_append_and_once_per_event(
    store: EventStore,
) -> None:
    notes = projected_notes(store)
    await store.db.write(notes.metadata.create_all)
    resent = new(1)

    await store.append("family-1", [resent], expected_version=NO_STREAM)
    await store.append("family-1", [resent])  # the same event again: stored and projected once
    await store.decide_and_append("family-2", lambda records: ([], [new(2), new(3)]))
    await store.in_transaction(lambda tx: tx.append("family-3", [new(4)]))

    assert await numbers_in(store, notes) == [1, 2, 3, 4]
    assert len(await store.read_all()) == 4


async def test_an_inline_projection_that_raises_fails_its_own_append_only(
    store: EventStore,
) -> None:
    notes = projected_notes(store)
    await store.db.write(notes.metadata.create_all)

    outcomes = await asyncio.gather(  # concurrent: one group commit where the store groups
        *[store.append(f"family-{n}", [new(n)], expected_version=NO_STREAM)
          for n in (11, 12, 13, 14)], return_exceptions=True)

    assert [type(o).__name__ for o in outcomes] == ["list", "list", "RuntimeError", "list"]
    assert await numbers_in(store, notes) == [11, 12, 14]
    assert sorted(r.envelope.payload["number"] for r in await store.read_all()) == [11, 12, 14]
    assert (await store.verify()).ok
