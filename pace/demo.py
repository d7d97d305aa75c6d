"""The demo: one partner's core (store, relay, consumer) on a real nats-server."""

from __future__ import annotations

import asyncio
import random
import tempfile
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import nats
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Column, Integer, MetaData, String, insert, select, update
from sqlalchemy import Table as SqlTable

from contracts import subjects
from contracts.intake import ChildRef, FamilyReferred, Gender, ParentRef, ReferralSource
from pace.consumer import ConsumerRunner
from pace.logging import configure_logging
from pace.nats_server import ManagedNatsServer
from pace.relay import Relay
from pace.store import EventStore, NewEvent
from pace.topology import ensure_streams, partner_streams

PARTNER = "mechelen"
console = Console()

read_models = MetaData()
referrals_by_source = SqlTable(
    "referrals_by_source", read_models,
    Column("source", String(40), primary_key=True),
    Column("families", Integer, nullable=False),
)


def referrals(count: int, seed: int = 2016) -> list[NewEvent]:
    """Referrals spread from October 2016, as the programme's referrers sent them."""
    rng = random.Random(seed)
    sources = list(ReferralSource)
    weights = [45, 30, 15, 7, 3]
    events = []
    for i in range(count):
        referred_on = date(2016, 10, 1) + timedelta(days=rng.randrange(0, 6 * 365))
        born = referred_on - timedelta(days=rng.randrange(30, 3 * 365))
        event = FamilyReferred(
            family_id=f"fam-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}",
            referral_source=rng.choices(sources, weights)[0], referred_on=referred_on,
            parents=(ParentRef(parent_id=f"par-{i:05d}",
                               gender=rng.choices([Gender.FEMALE, Gender.MALE], [85, 15])[0]),),
            children=(ChildRef(child_id=f"chi-{i:05d}", birth_month=born.strftime("%Y-%m")),),
        )
        occurred = datetime.combine(referred_on, datetime.min.time(), UTC)
        events.append(NewEvent(event, uuid.UUID(int=rng.getrandbits(128)), occurred,
                               uuid.UUID(int=rng.getrandbits(128)), actor="demo"))
    return events


def count_by_source(tx, _envelope, event: FamilyReferred) -> None:
    """The demo's read model: families referred, per referral source."""
    conn = tx.connection
    changed = conn.execute(update(referrals_by_source)
                           .where(referrals_by_source.c.source == event.referral_source.value)
                           .values(families=referrals_by_source.c.families + 1))
    if changed.rowcount == 0:
        conn.execute(insert(referrals_by_source),
                     {"source": event.referral_source.value, "families": 1})


async def run_demo(families: int, keep: Path | None) -> None:
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="pace-demo-") as tmp:
        root = keep or Path(tmp)
        console.print(f"[bold]PACE demo[/] - partner [cyan]{PARTNER}[/], data in {root}")
        async with ManagedNatsServer(root / "nats", name=PARTNER, domain=PARTNER) as server:
            console.print(f"nats-server (pid {server.pid}) with JetStream at {server.url}")
            await drive(root, server.url, families)


async def drive(root: Path, url: str, families: int) -> None:
    store = await EventStore.open(root / f"{PARTNER}-intake.db", PARTNER)
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        await ensure_streams(js, partner_streams(PARTNER))
        await store.db.write(read_models.create_all)
        relay = Relay(store, js)
        consumer = ConsumerRunner(
            js, store, count_by_source, stream=subjects.PARTNER_EVENTS_STREAM,
            durable="referrals-by-source",
            filter_subjects=[subjects.context_event_subjects(PARTNER, "intake")],
            dead_letter_subject=subjects.dead_letter_subject(PARTNER, "referrals-by-source"))
        events = referrals(families)
        with Progress(console=console, transient=False) as progress:
            appending = progress.add_task("Referring families", total=len(events))
            relaying = progress.add_task("Relaying to JetStream", total=len(events))
            consuming = progress.add_task("Projecting read model", total=len(events))
            await asyncio.gather(*(append_one(store, e, progress, appending) for e in events))
            while await relay.run_once():
                progress.update(relaying, completed=relay.published)
            async with asyncio.timeout(60):
                while consumer.handled < len(events):
                    await consumer.run_once(timeout=1)
                    progress.update(consuming, completed=consumer.handled)
            await consumer.stop()
        await report(store, js, relay, consumer)
    finally:
        await nc.close()
        await store.close()


async def append_one(store: EventStore, event: NewEvent, progress: Progress, task) -> None:
    await store.append(f"family-{event.event.family_id}", [event], expected_version=0)
    progress.advance(task)


async def report(store: EventStore, js, relay: Relay, consumer: ConsumerRunner) -> None:
    chain = await store.verify()
    info = await js.stream_info(subjects.PARTNER_EVENTS_STREAM)
    rows = await store.db.read(lambda c: c.execute(
        select(referrals_by_source).order_by(referrals_by_source.c.families.desc())).all())
    table = Table(title=f"Families referred in {PARTNER}, by referral source (read model)")
    table.add_column("referral source")
    table.add_column("families", justify="right")
    for source, count in rows:
        table.add_row(source.replace("_", " "), str(count))
    table.add_row("[bold]total[/]", f"[bold]{sum(c for _, c in rows)}[/]")
    console.print(table)
    checks = Counter({
        "events in the store": await store.last_position(),
        "messages in JetStream stream PACE_EVENTS": info.state.messages,
        "events applied by the consumer": consumer.handled,
        "dead letters": consumer.dead_lettered,
    })
    for what, value in checks.items():
        console.print(f"  {what:<44} {value:>8}")
    verdict = "[green]intact[/]" if chain.ok else f"[red]BROKEN: {chain.problems[0]}[/]"
    console.print(f"  {'hash chain over ' + str(chain.checked) + ' records':<44} {verdict}")
