"""Relay and consumer runner throughput against raw nats-py baselines, on a real nats-server.

Relay: store -> JetStream (read, serialise, publish with Msg-Id, await acks, cursor)
vs raw `publish_async` of the same bytes with Msg-Id. The relay publishes with `pace.publish`,
not nats-py's `publish_async`; a second row sets it against the same bytes published with
`pace.publish` alone.
Consumer: durable pull, one transaction per batch with inbox markers, ack after commit
vs raw `fetch(500)` + ack each; three interleaved pairs (fresh durables over the same
stream), the pair with the median ratio reported, with each side's CPU time per message
(steadier than the rates on a busy machine).
Hub ingestion: the hub's consumer (network_log.record on a FULL-synchronous store) reading
shared envelopes from a stand-in for PACE_NETWORK (same subjects, no sourcing) vs raw
`fetch(500)` + ack of the same stream.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import nats
from nats.js.api import StreamConfig

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Figure, Stopwatch, aim_row, print_aims, print_pairs  # noqa: E402
from contracts import subjects  # noqa: E402
from contracts.intake import ChildRef, FamilyReferred, Gender, ParentRef, ReferralSource  # noqa: E402
from pace.consumer import ConsumerRunner  # noqa: E402
from pace.nats_server import ManagedNatsServer  # noqa: E402
from pace.publish import BatchPublisher  # noqa: E402
from pace.relay import Relay, envelope_bytes, event_subject_of  # noqa: E402
from pace.store import EventStore, NewEvent  # noqa: E402
from pace.topology import ensure_streams, partner_streams  # noqa: E402
from services.reporting import views as network_log  # noqa: E402

EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
PARTNER = "bench"


def referral(i: int) -> NewEvent:
    event = FamilyReferred(
        family_id=f"fam-{i}", referral_source=ReferralSource.SOCIAL_SERVICES,
        referred_on=date(2020, 1, 6), parents=(ParentRef(parent_id=f"p-{i}", gender=Gender.MALE),),
        children=(ChildRef(child_id=f"c-{i}", birth_month="2019-05"),))
    return NewEvent(event, uuid.uuid4(), datetime.now(UTC), uuid.uuid4())


async def raw_publish(js, payloads: list[tuple[str, bytes, str]]) -> Figure:
    await js.add_stream(StreamConfig(name="RAW", subjects=["raw.>"], duplicate_window=900))
    with Stopwatch() as watch:
        for start in range(0, len(payloads), 1000):
            futures = [await js.publish_async("raw." + s, data, headers={"Nats-Msg-Id": i})
                       for s, data, i in payloads[start:start + 1000]]
            await asyncio.gather(*futures)
    return Figure("raw publish_async + Msg-Id", len(payloads), watch.seconds)


async def raw_batch_publish(js, payloads: list[tuple[str, bytes, str]]) -> Figure:
    """The same bytes with the relay's own publisher (`pace.publish`), batches of 1,000."""
    await js.add_stream(StreamConfig(name="LEAN", subjects=["lean.>"], duplicate_window=900))
    publisher = BatchPublisher(js)
    await publisher.start()
    with Stopwatch() as watch:
        for start in range(0, len(payloads), 1000):
            await publisher.publish([("lean." + s, data, i) for s, data, i
                                     in payloads[start:start + 1000]], timeout=10)
    await publisher.stop()
    return Figure("raw batch publish (pace.publish)", len(payloads), watch.seconds)


async def raw_fetch(js, subject: str = "raw.>", stream: str = "RAW",
                    durable: str = "raw-reader") -> Figure:
    sub = await js.pull_subscribe(subject, durable=durable, stream=stream)
    count = 0
    with Stopwatch() as watch:
        while count < EVENTS:
            for msg in await sub.fetch(500, timeout=5):
                await msg.ack()
                count += 1
    return Figure("raw fetch(500) + ack", count, watch.seconds)


def noop(tx, envelope, event) -> None:
    """A handler that does nothing itself: the figure is the runner's own cost."""


CONSUMER_ROUNDS = 3


async def consumer_pairs(js, store, in_order: bool = False, rounds: int = CONSUMER_ROUNDS
                         ) -> tuple[Figure, Figure]:
    """The consumer runner against raw fetch+ack, interleaved; the pair with the median ratio.

    `in_order`: as the services' views run it, keeping each stream's position (10 events per
    stream here, so most batches touch about 50 streams).
    """
    pairs: list[tuple[float, Figure, Figure]] = []
    mode = "in-order" if in_order else "bench"
    name = "consumer runner in order (as views run)" if in_order else \
        "consumer runner (batch tx + inbox)"
    for round_ in range(rounds):
        consumer = ConsumerRunner(
            js, store, noop, stream=subjects.PARTNER_EVENTS_STREAM, durable=f"{mode}-{round_}",
            filter_subjects=[subjects.partner_event_subjects(PARTNER)],
            dead_letter_subject=subjects.dead_letter_subject(PARTNER, "bench"), batch=500,
            in_order=in_order)
        await consumer.start()
        cpu = time.process_time()
        with Stopwatch() as watch:
            while consumer.handled < EVENTS:
                await consumer.run_once(timeout=5)
        ours_cpu = time.process_time() - cpu
        await consumer.stop()
        ours = Figure(name, consumer.handled, watch.seconds)
        cpu = time.process_time()
        raw = await raw_fetch(js, durable=f"raw-reader-{mode}-{round_}")
        raw_cpu = time.process_time() - cpu
        print(f"{name}, round {round_ + 1}: {ours.rate:,.0f}/s against raw {raw.rate:,.0f}/s "
              f"({ours.rate / raw.rate:.2f}x); CPU per message {1e6 * ours_cpu / ours.count:.1f} "
              f"us against raw {1e6 * raw_cpu / raw.count:.1f} us ({raw_cpu / ours_cpu:.2f}x)")
        pairs.append((ours.rate / raw.rate, ours, raw))
    _ratio, ours, raw = sorted(pairs, key=lambda pair: pair[0])[len(pairs) // 2]
    return ours, raw


async def hub_ingestion(js, tmp: Path, shared: list[tuple[str, bytes, str]]
                        ) -> tuple[Figure, Figure]:
    """The hub's network-log consumer against raw fetch+ack, on a stand-in PACE_NETWORK."""
    await js.delete_stream(subjects.shared_stream(PARTNER))  # its subjects would overlap
    await js.add_stream(StreamConfig(name="NETWORK_BENCH", subjects=["pace.*.net.>"]))
    for start in range(0, len(shared), 1000):
        futures = [await js.publish_async(subject, data, headers={"Nats-Msg-Id": event_id})
                   for subject, data, event_id in shared[start:start + 1000]]
        await asyncio.gather(*futures)
    hub = await EventStore.open(tmp / "hub.db", "hub")
    await hub.db.write(network_log.metadata.create_all)
    consumer = ConsumerRunner(
        js, hub, lambda tx, envelope, _event: network_log.record(tx, envelope),
        stream="NETWORK_BENCH", durable="hub-bench", filter_subjects=["pace.*.net.>"],
        dead_letter_subject="pace.network.dlq.bench", batch=500)
    await consumer.start()
    with Stopwatch() as watch:
        while consumer.handled < len(shared):
            await consumer.run_once(timeout=5)
    await consumer.stop()
    await hub.close()
    ours = Figure("hub ingestion into the network log", consumer.handled, watch.seconds)
    return ours, await raw_fetch(js, "pace.*.net.>", "NETWORK_BENCH")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with ManagedNatsServer(Path(tmp) / "nats") as server:
            nc = await nats.connect(server.url)
            js = nc.jetstream(publish_async_max_pending=4000)
            await ensure_streams(js, partner_streams(PARTNER))
            store = await EventStore.open(Path(tmp) / "store.db", PARTNER,
                                          sqlite_synchronous="NORMAL")
            for chunk in range(0, EVENTS, 1000):  # streams of 10 events, group-committed
                await asyncio.gather(*(
                    store.append(f"s-{start}", [referral(start + k) for k in range(10)])
                    for start in range(chunk, min(chunk + 1000, EVENTS), 10)))
            records = await store.read_all(limit=EVENTS)
            payloads = [(r.envelope.event_type, envelope_bytes(r.envelope), str(r.event_id))
                        for r in records]
            shared = [(subjects.shared_subject(r.partner, r.event_type), r.wire_bytes(),
                       str(r.event_id)) for r in records]
            del records  # the bench's own objects are not left for the runners' collector to walk

            relay = Relay(store, js, event_subject_of, batch=1000)  # the relay's own default
            with Stopwatch() as watch:
                while await relay.run_once():
                    pass
            ours_relay = Figure("relay store -> JetStream", relay.published, watch.seconds)
            raw_pub = await raw_publish(js, payloads)
            raw_batch = await raw_batch_publish(js, payloads)

            ours_consumer, raw_consume = await consumer_pairs(js, store)
            ours_ordered, raw_ordered = await consumer_pairs(js, store, in_order=True, rounds=1)
            ours_hub, raw_hub = await hub_ingestion(js, Path(tmp), shared)
            await store.close()
            await nc.close()
    print_pairs(f"Relay and consumer, {EVENTS:,} events, SQLite store, one nats-server",
                [(ours_relay, raw_pub),
                 (Figure("  the same, against the same publisher", ours_relay.count,
                         ours_relay.seconds), raw_batch), (ours_consumer, raw_consume),
                 (ours_ordered, raw_ordered), (ours_hub, raw_hub)],
                {ours_relay.name: 0.8, ours_consumer.name: 0.6, ours_hub.name: 0.5})
    rows = [aim_row(key, f"{ours.rate:,.0f}/s", f"{raw.name} {raw.rate:,.0f}/s",
                    ours.rate / raw.rate, ours.rate / raw.rate >= aim)
            for key, ours, raw, aim in (("relay", ours_relay, raw_pub, 0.8),
                                        ("consumer", ours_consumer, raw_consume, 0.6),
                                        ("hub-ingest", ours_hub, raw_hub, 0.5))]
    print_aims("Aims (ratios from this run)", rows)


if __name__ == "__main__":
    asyncio.run(main())
