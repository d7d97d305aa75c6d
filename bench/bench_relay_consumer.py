"""Relay and consumer runner throughput against raw nats-py baselines, on a real nats-server.

Relay: store -> JetStream (read, serialise, publish_async with Msg-Id, await acks, cursor)
vs raw `publish_async` of the same bytes with Msg-Id.
Consumer: durable pull, one transaction per batch with inbox markers, ack after commit
vs raw `fetch(500)` + ack each.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import nats
from nats.js.api import StreamConfig

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Figure, Stopwatch, print_pairs  # noqa: E402
from contracts import subjects  # noqa: E402
from contracts.intake import ChildRef, FamilyReferred, Gender, ParentRef, ReferralSource  # noqa: E402
from pace.consumer import ConsumerRunner  # noqa: E402
from pace.nats_server import ManagedNatsServer  # noqa: E402
from pace.relay import Relay, envelope_bytes  # noqa: E402
from pace.store import EventStore, NewEvent  # noqa: E402
from pace.topology import ensure_streams, partner_streams  # noqa: E402

EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
PARTNER = "bench"


def referral(i: int) -> NewEvent:
    event = FamilyReferred(
        family_id=f"fam-{i}", referral_source=ReferralSource.SOCIAL_SERVICES,
        referred_on=date(2020, 1, 6), parents=(ParentRef(parent_id=f"p-{i}", gender=Gender.MALE),),
        children=(ChildRef(child_id=f"c-{i}", birth_month="2019-05"),))
    return NewEvent(event, uuid.uuid4(), datetime.now(UTC), uuid.uuid4())


def subject_for(envelope) -> str:
    return subjects.event_subject(envelope.partner, envelope.event_type)


async def raw_publish(js, payloads: list[tuple[str, bytes, str]]) -> Figure:
    await js.add_stream(StreamConfig(name="RAW", subjects=["raw.>"], duplicate_window=900))
    with Stopwatch() as watch:
        for start in range(0, len(payloads), 1000):
            futures = [await js.publish_async("raw." + s, data, headers={"Nats-Msg-Id": i})
                       for s, data, i in payloads[start:start + 1000]]
            await asyncio.gather(*futures)
    return Figure("raw publish_async + Msg-Id", len(payloads), watch.seconds)


async def raw_fetch(js) -> Figure:
    sub = await js.pull_subscribe("raw.>", durable="raw-reader", stream="RAW")
    count = 0
    with Stopwatch() as watch:
        while count < EVENTS:
            for msg in await sub.fetch(500, timeout=5):
                await msg.ack()
                count += 1
    return Figure("raw fetch(500) + ack", count, watch.seconds)


def noop(tx, envelope, event) -> None:
    """A handler that does nothing itself: the figure is the runner's own cost."""


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with ManagedNatsServer(Path(tmp) / "nats") as server:
            nc = await nats.connect(server.url)
            js = nc.jetstream(publish_async_max_pending=4000)
            await ensure_streams(js, partner_streams(PARTNER))
            store = await EventStore.open(Path(tmp) / "store.db", PARTNER,
                                          sqlite_synchronous="NORMAL")
            for start in range(0, EVENTS, 1000):
                await store.append(f"s-{start}", [referral(start + k) for k in range(1000)])
            records = await store.read_all(limit=EVENTS)
            payloads = [(r.envelope.event_type, envelope_bytes(r.envelope), str(r.event_id))
                        for r in records]

            relay = Relay(store, js, subject_for, batch=1000)
            with Stopwatch() as watch:
                while await relay.run_once():
                    pass
            ours_relay = Figure("relay store -> JetStream", relay.published, watch.seconds)
            raw_pub = await raw_publish(js, payloads)

            consumer = ConsumerRunner(
                js, store, noop, stream=subjects.PARTNER_EVENTS_STREAM, durable="bench",
                filter_subjects=[subjects.partner_event_subjects(PARTNER)],
                dead_letter_subject=subjects.dead_letter_subject(PARTNER, "bench"), batch=500)
            await consumer.start()
            with Stopwatch() as watch:
                while consumer.handled < EVENTS:
                    await consumer.run_once(timeout=5)
            await consumer.stop()
            ours_consumer = Figure("consumer runner (batch tx + inbox)", consumer.handled,
                                   watch.seconds)
            raw_consume = await raw_fetch(js)
            await store.close()
            await nc.close()
    print_pairs(f"Relay and consumer, {EVENTS:,} events, SQLite store, one nats-server",
                [(ours_relay, raw_pub), (ours_consumer, raw_consume)],
                {ours_relay.name: 0.7, ours_consumer.name: 0.6})


if __name__ == "__main__":
    asyncio.run(main())
