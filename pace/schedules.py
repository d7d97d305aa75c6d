"""Time-driven work kept by the server: JetStream message schedules, ticks read durably.

A schedule is a message on `pace.<partner>.schedule.<name>` with the `Nats-Schedule`
headers; nats-server publishes its body to `pace.<partner>.schedule.<name>.tick` on time,
inside the `PACE_SCHEDULES` stream. A durable pull consumer hands each tick to a handler and
acks it after the handler returned, so a tick that arrived while the service was down is
handled when it comes back, and a tick is acked once. There is no timer of our own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import nats.errors
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.subjects import check_partner
from pace.logging import get_logger

log = get_logger(__name__)

SCHEDULES_STREAM = "PACE_SCHEDULES"
SCHEDULE = "Nats-Schedule"
TARGET = "Nats-Schedule-Target"
TIME_ZONE = "Nats-Schedule-Time-Zone"
TICKS_KEPT = 50  # per subject: the definition is one message, the ticks the rest


def schedule_subject(partner: str, name: str) -> str:
    """Where a schedule's definition lives (one per subject: a new one replaces it)."""
    return f"pace.{check_partner(partner)}.schedule.{name}"


def tick_subject(partner: str, name: str) -> str:
    """Where the server publishes the schedule's ticks."""
    return f"{schedule_subject(partner, name)}.tick"


def durable_name(name: str) -> str:
    """The durable consumer that reads a schedule's ticks."""
    return f"schedule-{name}"


def schedules_stream(partner: str) -> StreamConfig:
    """The partner's stream of schedule definitions and their ticks."""
    return StreamConfig(
        name=SCHEDULES_STREAM,
        subjects=[f"pace.{check_partner(partner)}.schedule.>"],
        storage=StorageType.FILE,
        max_msgs_per_subject=TICKS_KEPT,
        allow_msg_schedules=True,
        description=f"Schedules of partner {partner} kept by the server, and their ticks",
    )


Tick = Callable[[datetime], Awaitable[None]]
"""What a tick runs, given the moment the server published it."""


@dataclass(frozen=True)
class Schedule:
    """Run `handler` on `spec` (a 6-field cron, `@every 1s`, `@at <time>`) in `time_zone`."""

    name: str
    spec: str
    handler: Tick
    time_zone: str | None = None

    def headers(self, partner: str) -> dict[str, str]:
        found = {SCHEDULE: self.spec, TARGET: tick_subject(partner, self.name)}
        if self.time_zone and not self.spec.startswith("@"):
            found[TIME_ZONE] = self.time_zone
        return found


async def define(js: JetStreamContext, partner: str, schedule: Schedule) -> bool:
    """Put the schedule on the server unless the same one is there; True when (re)defined."""
    subject = schedule_subject(partner, schedule.name)
    wanted = schedule.headers(partner)
    try:
        current = await js.get_last_msg(SCHEDULES_STREAM, subject)
    except NotFoundError:
        current = None
    if current is not None and all((current.headers or {}).get(k) == v for k, v in wanted.items()):
        return False
    await js.publish(subject, b"", stream=SCHEDULES_STREAM, headers=wanted)
    return True


class ScheduleRunner:
    """Hands each tick of one schedule to its handler; ack after success, retry on failure."""

    def __init__(
        self, js: JetStreamContext, partner: str, schedule: Schedule, retry_delay: float = 5.0
    ) -> None:
        self.js = js
        self.partner = partner
        self.schedule = schedule
        self.retry_delay = retry_delay
        self.durable = durable_name(schedule.name)
        self.handled = 0
        self._subscription: JetStreamContext.PullSubscription | None = None

    async def start(self) -> None:
        await define(self.js, self.partner, self.schedule)
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=300,
            filter_subject=tick_subject(self.partner, self.schedule.name),
            max_deliver=-1,
        )
        await self.js.add_consumer(SCHEDULES_STREAM, config)
        self._subscription = await self.js.pull_subscribe_bind(
            self.durable, stream=SCHEDULES_STREAM
        )

    async def run_once(self, timeout: float = 1.0) -> int:
        """Handle the ticks waiting now; returns how many were handled."""
        assert self._subscription is not None, "start() first"
        try:
            msgs = await self._subscription.fetch(10, timeout=timeout)
        except (nats.errors.TimeoutError, TimeoutError):
            return 0
        done = 0
        for msg in msgs:
            try:
                await self.schedule.handler(msg.metadata.timestamp)
            except Exception:  # noqa: BLE001 - a failed tick is retried, never dropped
                log.exception("schedule.tick_failed", schedule=self.schedule.name)
                await msg.nak(delay=self.retry_delay)
                continue
            await msg.ack()
            done += 1
        self.handled += done
        return done

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.run_once()
            except (nats.errors.Error, OSError) as error:
                log.warning("schedule.unavailable", schedule=self.schedule.name, error=str(error))
                await asyncio.sleep(1.0)


async def last_run(js: JetStreamContext, name: str) -> datetime | None:
    """When a tick of this schedule was last handled (acked), or None if never."""
    try:
        info = await js.consumer_info(SCHEDULES_STREAM, durable_name(name))
    except NotFoundError:
        return None
    floor = info.ack_floor
    return getattr(floor, "last_active", None) if floor and floor.stream_seq else None
