"""Relay and consumer runner against a real nats-server, on a SQLite and an in-memory store."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime

import nats
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update

from contracts import subjects
from contracts.intake import (
    ChildRef,
    ConsentPurpose,
    ConsentRecorded,
    ConsentWithdrawn,
    FamilyReferred,
    Gender,
    ParentRef,
    ReferralSource,
)
from pace.consumer import REASON_HEADER, ConsumerRunner
from pace.relay import Relay
from pace.store import EventStore, InMemoryEventStore, NewEvent, StoreUnavailableError
from pace.topology import ensure_streams, partner_streams

pytestmark = [pytest.mark.nats, pytest.mark.timeout(90)]

PARTNER = "mechelen"

projection_meta = MetaData()
referrals_seen = Table("referrals_seen", projection_meta,
                       Column("family_id", String(64), primary_key=True),
                       Column("times", Integer, nullable=False))


def referral(i: int) -> NewEvent:
    event = FamilyReferred(
        family_id=f"fam-{i:04d}", referral_source=ReferralSource.PUBLIC_EMPLOYMENT_SERVICE,
        referred_on=date(2020, 1, 6),
        parents=(ParentRef(parent_id=f"par-{i}", gender=Gender.FEMALE),),
        children=(ChildRef(child_id=f"chi-{i}", birth_month="2019-05"),),
    )
    return NewEvent(event, uuid.uuid4(), datetime(2020, 1, 6, 9, tzinfo=UTC), uuid.uuid4())


def subject_for(envelope) -> str:
    return subjects.event_subject(envelope.partner, envelope.event_type)


def count_referral(tx, envelope, event) -> None:
    """The handler under test: a projection row per family, counting applications."""
    conn = tx.connection
    changed = conn.execute(update(referrals_seen)
                           .where(referrals_seen.c.family_id == event.family_id)
                           .values(times=referrals_seen.c.times + 1))
    if changed.rowcount == 0:
        conn.execute(insert(referrals_seen), {"family_id": event.family_id, "times": 1})


@pytest.fixture(params=["sqlite", "memory"])
async def store(request, tmp_path):
    """The same relay and consumer over a SQLite store and an in-memory one."""
    store = (await EventStore.open(tmp_path / "intake.db", PARTNER) if request.param == "sqlite"
             else await InMemoryEventStore.open(PARTNER))
    await store.db.write(projection_meta.create_all)
    yield store
    await store.close()


@pytest.fixture
async def js(nats_url):
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await ensure_streams(js, partner_streams(PARTNER))
    yield js
    await nc.close()


def runner(js, store, handler=count_referral, **kwargs) -> ConsumerRunner:
    return ConsumerRunner(
        js, store, handler, stream=subjects.PARTNER_EVENTS_STREAM, durable="referral-counter",
        filter_subjects=[subjects.context_event_subjects(PARTNER, "intake")],
        dead_letter_subject=subjects.dead_letter_subject(PARTNER, "referral-counter"), **kwargs)


async def drain(consumer: ConsumerRunner, expected: int, seconds: float = 20) -> None:
    try:
        async with asyncio.timeout(seconds):
            while consumer.handled + consumer.dead_lettered < expected:
                await consumer.run_once(timeout=0.5)
    finally:
        await consumer.stop()


async def test_relay_publishes_every_event_in_store_order(store, js) -> None:
    for i in range(250):
        await store.append(f"family-{i}", [referral(i)])
    relay = Relay(store, js, subject_for, batch=100)

    while await relay.run_once():
        pass

    info = await js.stream_info(subjects.PARTNER_EVENTS_STREAM)
    assert info.state.messages == 250
    first = await js.get_msg(subjects.PARTNER_EVENTS_STREAM, 1)
    last = await js.get_msg(subjects.PARTNER_EVENTS_STREAM, 250)
    records = await store.read_all(limit=1000)
    assert first.headers["Nats-Msg-Id"] == str(records[0].event_id)
    assert last.headers["Nats-Msg-Id"] == str(records[-1].event_id)
    assert await store.cursor("relay") == 250


async def test_a_relay_killed_before_its_cursor_commit_resumes_without_loss_or_doubles(
    store, js, monkeypatch
) -> None:
    for i in range(120):
        await store.append(f"family-{i}", [referral(i)])
    crashing = Relay(store, js, subject_for, batch=50)

    async def crash(*_args):
        raise SystemExit("killed between publish and cursor commit")
    monkeypatch.setattr(store, "save_cursor", crash)
    with pytest.raises(SystemExit):
        await crashing.run_once()
    monkeypatch.undo()
    restarted = Relay(store, js, subject_for, batch=50)
    while await restarted.run_once():
        pass
    consumer = runner(js, store)
    await drain(consumer, 120)

    info = await js.stream_info(subjects.PARTNER_EVENTS_STREAM)
    assert info.state.messages == 120
    rows = await store.db.read(lambda c: c.execute(
        select(func.count(), func.max(referrals_seen.c.times))).one())
    assert tuple(rows) == (120, 1)


async def test_a_relay_whose_cursor_save_fails_goes_on_from_the_stored_cursor(
    store, js, monkeypatch
) -> None:
    for i in range(120):
        await store.append(f"family-{i}", [referral(i)])
    relay = Relay(store, js, subject_for, batch=50)
    assert await relay.run_once() == 50

    async def unavailable(*_args):
        raise StoreUnavailableError("the database is away")
    monkeypatch.setattr(store, "save_cursor", unavailable)
    with pytest.raises(StoreUnavailableError):
        await relay.run_once()
    monkeypatch.undo()
    batches = []
    while published := await relay.run_once():
        batches.append(published)

    assert batches == [50, 20]  # the unconfirmed batch again, then the rest
    assert await store.cursor("relay") == 120
    info = await js.stream_info(subjects.PARTNER_EVENTS_STREAM)
    assert info.state.messages == 120  # Msg-Id dropped the repeated batch


async def test_a_consumer_applies_each_event_exactly_once_across_redelivery(store, js) -> None:
    for i in range(30):
        await store.append(f"family-{i}", [referral(i)])
    relay = Relay(store, js, subject_for)
    await relay.run_once()
    records = await store.read_all()
    duplicate = records[0].envelope  # a re-published copy with a new Msg-Id: a redelivery
    from pace.relay import envelope_bytes
    await js.publish(subject_for(duplicate), envelope_bytes(duplicate),
                     headers={"Nats-Msg-Id": "a-different-id"})
    consumer = runner(js, store)

    await drain(consumer, 31)

    rows = await store.db.read(lambda c: c.execute(
        select(func.count(), func.sum(referrals_seen.c.times))).one())
    assert tuple(rows) == (30, 30)


async def test_a_malformed_message_is_dead_lettered_with_a_reason_and_the_rest_applied(
    store, js
) -> None:
    for i in range(5):
        await store.append(f"family-{i}", [referral(i)])
    await Relay(store, js, subject_for).run_once()
    await js.publish("pace.mechelen.evt.intake.FamilyReferred", b'{"not": "an envelope"',
                     headers={"Nats-Msg-Id": "garbage-1"})
    for i in range(5, 10):
        await store.append(f"family-{i}", [referral(i)])
    await Relay(store, js, subject_for).run_once()
    consumer = runner(js, store)

    await drain(consumer, 11)

    dead = await js.get_last_msg(subjects.DEAD_LETTER_STREAM,
                                 subjects.dead_letter_subject(PARTNER, "referral-counter"))
    assert dead.data == b'{"not": "an envelope"'
    assert "ValidationError" in dead.headers[REASON_HEADER]
    count = await store.db.read(lambda c: c.execute(select(func.count()).select_from(
        referrals_seen)).scalar())
    assert count == 10


async def test_a_failing_handler_is_retried_then_dead_lettered_while_others_go_on(
    store, js
) -> None:
    for i in range(6):
        await store.append(f"family-{i}", [referral(i)])
    await Relay(store, js, subject_for).run_once()

    def refuse_family_3(tx, envelope, event) -> None:
        if event.family_id == "fam-0003":
            raise LookupError("family 3 cannot be applied")
        count_referral(tx, envelope, event)
    consumer = runner(js, store, refuse_family_3, max_attempts=3, retry_delay=0.1)

    await drain(consumer, 6)

    dead = await js.get_last_msg(subjects.DEAD_LETTER_STREAM,
                                 subjects.dead_letter_subject(PARTNER, "referral-counter"))
    assert "failed 3 times; last: LookupError: family 3 cannot be applied" in \
        dead.headers[REASON_HEADER]
    families = await store.db.read(lambda c: set(c.execute(
        select(referrals_seen.c.family_id)).scalars()))
    assert families == {f"fam-{i:04d}" for i in (0, 1, 2, 4, 5)}


def test_retries_outlast_the_ack_wait_so_an_earlier_event_held_by_a_crash_comes_first(
) -> None:
    consumer = ConsumerRunner(None, None, count_referral, stream="S", durable="d",  # type: ignore[arg-type]
                              filter_subjects=[], dead_letter_subject="x")
    waited = sum(consumer.backoff(attempt) for attempt in range(1, consumer.max_attempts))
    assert waited > consumer.ack_wait * 2


def consent(i: int, given_on: date, withdrawn: bool = False) -> NewEvent:
    kind = ConsentWithdrawn if withdrawn else ConsentRecorded
    event = kind(family_id=f"fam-{i:04d}", purpose=ConsentPurpose.CHILDCARE,
                 **({"withdrawn_on": given_on} if withdrawn else {"given_on": given_on}))
    return NewEvent(event, uuid.uuid4(), datetime(2020, 1, 6, 9, tzinfo=UTC), uuid.uuid4())


async def publish_in(js, records, order: list[int]) -> None:
    """Publish stored events in the given order, as a second process or a re-publish can."""
    from pace.relay import envelope_bytes
    for index in order:
        envelope = records[index].envelope
        await js.publish(subject_for(envelope), envelope_bytes(envelope),
                         headers={"Nats-Msg-Id": str(envelope.event_id)})


async def test_an_in_order_consumer_applies_a_stream_that_arrives_reversed_in_version_order(
    store, js
) -> None:
    await store.append("family-1", [referral(1), consent(1, date(2020, 1, 7)),
                                    consent(1, date(2020, 1, 8), withdrawn=True)])
    await store.append("family-2", [referral(2)])
    await publish_in(js, await store.read_all(), [2, 1, 3, 0])  # v3, v2, family-2, v1
    applied: list[tuple[str, int]] = []

    def note(tx, envelope, event) -> None:
        applied.append((envelope.stream_id, envelope.stream_version))
    consumer = runner(js, store, note, in_order=True, retry_delay=0.05)

    await drain(consumer, 4)

    assert [a for a in applied if a[0] == "family-1"] == [("family-1", v) for v in (1, 2, 3)]
    assert ("family-2", 1) in applied
    assert consumer.dead_lettered == 0
    positions = await store.in_transaction(
        lambda tx: tx.positions_among("referral-counter", ["family-1", "family-2", "family-3"]))
    assert positions == {"family-1": 3, "family-2": 1}


async def test_an_event_whose_predecessor_never_comes_is_dead_lettered_as_a_stream_gap(
    store, js
) -> None:
    await store.append("family-1", [referral(1), consent(1, date(2020, 1, 7)),
                                    consent(1, date(2020, 1, 8), withdrawn=True)])
    await publish_in(js, await store.read_all(), [0, 2])  # version 2 never published
    applied: list[int] = []

    def note(tx, envelope, event) -> None:
        applied.append(envelope.stream_version)
    consumer = runner(js, store, note, in_order=True, max_attempts=3, retry_delay=0.05)

    await drain(consumer, 2)

    dead = await js.get_last_msg(subjects.DEAD_LETTER_STREAM,
                                 subjects.dead_letter_subject(PARTNER, "referral-counter"))
    assert "failed 3 times; last: StreamGap: version 3 of stream family-1" in \
        dead.headers[REASON_HEADER]
    assert applied == [1]


async def test_a_stream_it_kept_no_position_for_may_begin_midway_once_patience_is_over(
    store, js
) -> None:
    """A consumer that applied a stream's first events before it kept positions goes on."""
    await store.append("family-1", [referral(1), consent(1, date(2020, 1, 7)),
                                    consent(1, date(2020, 1, 8), withdrawn=True)])
    await publish_in(js, await store.read_all(), [1, 2])  # as if version 1 was applied before
    applied: list[int] = []

    def note(tx, envelope, event) -> None:
        applied.append(envelope.stream_version)
    consumer = runner(js, store, note, in_order=True, max_attempts=3, retry_delay=0.05)

    await drain(consumer, 2)

    assert applied == [2, 3]
    assert consumer.dead_lettered == 0


async def test_a_consumer_not_in_order_applies_events_as_they_come(store, js) -> None:
    await store.append("family-1", [referral(1), consent(1, date(2020, 1, 7))])
    await publish_in(js, await store.read_all(), [1, 0])
    applied: list[int] = []

    def note(tx, envelope, event) -> None:
        applied.append(envelope.stream_version)
    consumer = runner(js, store, note)

    await drain(consumer, 2)

    assert applied == [2, 1]


async def test_an_idle_consumer_hands_over_one_message_without_waiting_for_a_full_batch(
    store, js
) -> None:
    """A waiting fetch gives the first message that comes at once, not at the fetch's timeout
    (every hop of a referral's way to the hub is such a fetch)."""
    consumer = runner(js, store, batch=200)
    await consumer.start()
    try:
        fetching = asyncio.ensure_future(consumer.run_once(timeout=60))
        await asyncio.sleep(0.3)  # the consumer is waiting on an empty stream
        await store.append("family-1", [referral(1)])
        await publish_in(js, await store.read_all(), [0])
        async with asyncio.timeout(20):  # a third of the fetch's timeout
            assert await fetching == 1
            # the next fetch is waiting already: it too ends with the next message
            await store.append("family-2", [referral(2)])
            await publish_in(js, await store.read_all(), [1])
            await consumer.stop()  # lets that fetch end, hands its message back
    finally:
        await consumer.stop()
    assert await store.db.read(lambda c: c.execute(select(referrals_seen.c.times)).all()) == [(1,)]
