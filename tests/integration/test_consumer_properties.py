"""Property-based bad messages to a consumer on a real nats-server: dead letters, none lost.

Each example publishes a burst of malformed messages (not JSON, any JSON, envelopes with
unknown types or versions, wrong field types, another partner's event on this partner's
subject, the type of the subject not the type inside, huge and deeply nested payloads)
around real events; the consumer must apply every real event once, dead-letter every bad
message with a reason, and keep going.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import nats
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nats.js.errors import NotFoundError
from sqlalchemy import func, select

from contracts import subjects
from pace.consumer import REASON_HEADER
from pace.nats_server import ManagedNatsServer
from pace.relay import Relay
from pace.store import EventStore
from pace.topology import ensure_streams, partner_streams
from tests.integration.test_relay_and_consumer import (
    PARTNER,
    projection_meta,
    referral,
    referrals_seen,
    runner,
    subject_for,
)

pytestmark = [pytest.mark.nats, pytest.mark.timeout(300)]

SUBJECT = subjects.event_subject(PARTNER, "FamilyReferred")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=12)


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def server(loop, tmp_path_factory):
    server = ManagedNatsServer(tmp_path_factory.mktemp("nats"), name="properties")
    loop.run_until_complete(server.start())
    yield server
    loop.run_until_complete(server.stop())


@pytest.fixture(scope="module")
def good_envelope(loop, tmp_path_factory) -> dict:
    async def one() -> dict:
        store = await EventStore.open(tmp_path_factory.mktemp("e") / "x.db", PARTNER)
        try:
            [record] = await store.append("family-x", [referral(999)])
            return orjson.loads(record.wire_bytes())
        finally:
            await store.close()
    return loop.run_until_complete(one())


def bad_messages(good: dict) -> st.SearchStrategy[tuple[str, bytes]]:
    def envelope(**changes) -> bytes:
        return orjson.dumps({**good, "event_id": str(uuid.uuid4()), **changes})

    on_subject = st.one_of(
        st.binary(max_size=100).filter(lambda b: not _is_json(b)),
        json_values.map(orjson.dumps),
        st.text(min_size=1, max_size=30).map(lambda t: envelope(event_type=t)),
        st.integers(2, 10**6).map(lambda v: envelope(schema_version=v)),
        json_values.map(lambda v: envelope(payload={**good["payload"], "referred_on": v})),
        st.dictionaries(st.sampled_from(list(good)), json_values, min_size=1).map(
            lambda bad: envelope(**bad)),
        st.just(envelope(partner="gent")),  # another partner's event on this subject
        st.just(envelope(payload={**good["payload"], "notes": "x" * 200_000})),
        st.just(envelope(payload={"family_id": [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]})),
    )
    mismatched = st.just((subjects.event_subject(PARTNER, "FamilyEnrolled"), envelope()))
    return st.one_of(on_subject.map(lambda body: (SUBJECT, body)), mismatched)


def _is_json(raw: bytes) -> bool:
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return True


async def _fresh_streams(js) -> None:
    for name in (subjects.PARTNER_EVENTS_STREAM, subjects.DEAD_LETTER_STREAM):
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(name)
    await ensure_streams(js, partner_streams(PARTNER))


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_bad_messages_are_dead_lettered_and_good_ones_applied_once(
        loop, server, good_envelope, tmp_path_factory, data):
    bad = data.draw(st.lists(bad_messages(good_envelope), min_size=1, max_size=12))

    async def scenario() -> None:
        nc = await nats.connect(server.url)
        store = await EventStore.open(tmp_path_factory.mktemp("s") / "intake.db", PARTNER)
        try:
            js = nc.jetstream()
            await _fresh_streams(js)
            await store.db.write(projection_meta.create_all)
            for i in range(3):
                await store.append(f"family-{i}", [referral(i)])
            await Relay(store, js, subject_for).run_once()
            for n, (subject, body) in enumerate(bad):
                await js.publish(subject, body, headers={"Nats-Msg-Id": f"bad-{n}"})
            for i in range(3, 6):
                await store.append(f"family-{i}", [referral(i)])
            await Relay(store, js, subject_for).run_once()

            consumer = runner(js, store)
            try:
                async with asyncio.timeout(60):
                    while consumer.handled + consumer.dead_lettered < 6 + len(bad):
                        await consumer.run_once(timeout=0.5)
            finally:
                await consumer.stop()

            assert consumer.dead_lettered == len(bad)
            applied = await store.db.read(lambda c: c.execute(
                select(func.count(), func.max(referrals_seen.c.times))).one())
            assert tuple(applied) == (6, 1), "a real event was lost or applied twice"
            dead = await js.stream_info(subjects.DEAD_LETTER_STREAM)
            assert dead.state.messages == len(bad)
            last = await js.get_last_msg(subjects.DEAD_LETTER_STREAM,
                                         subjects.dead_letter_subject(PARTNER,
                                                                      "referral-counter"))
            assert last.headers[REASON_HEADER]
        finally:
            await store.close()
            await nc.close()

    loop.run_until_complete(scenario())
