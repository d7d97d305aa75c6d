"""The reporting service at the hub: the network stream in, indicators and figures out.

- A durable consumer on PACE_NETWORK keeps every shared envelope once (network_log).
- The indicators are one pure fold (services.reporting.domain), fed from that log in
  arrival order: the same code `pace replay` runs offline.
- Figures are published as PartnerFiguresPublished / NetworkFiguresPublished on
  `pace.network.figures.<partner|network>` (stream PACE_FIGURES): the to-date figures
  whenever they change, and each closed year and quarter. Event ids are derived from the
  content, so publishing the same figures again stores nothing new.
- Questions over request/reply on `pace.network.qry.<query>`: `figures` (a whole report
  for an as-of date and period), `status` (events received per partner), `trends` and
  `approvals` (every approval event: what awaits the coordinator, and the FiguresApproved
  that `pace replay --approved` checks).
- Commands on `pace.network.cmd.<partner>.<command>` (services.reporting.approval): a
  partner admin's `submit_figures`, the coordinator's `approve_figures` and `reopen_figures`.
  The approval freezes the partner's figures of the quarter as the hub has them then; the
  `figures` answer shows them, with later changes as adjustments (services.reporting.approved).
- It runs on the shell every service shares (pace.service): the consumer is a Reaction on
  PACE_NETWORK, the figures go out through the shell's relay, the questions are its queries.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import statistics
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import orjson
from faststream.nats import NatsBroker

from contracts import subjects
from contracts.indicators import KEY_TRENDS
from contracts.periods import PROGRAMME_START, Period
from contracts.registry import decode, model_for
from contracts.report import Report, normal_value, report_to_dict
from contracts.reporting import (
    APPROVAL_EVENTS,
    ApproveFigures,
    NetworkFiguresPublished,
    PartnerFiguresPublished,
    ReopenFigures,
    SubmitFigures,
)
from pace.commands import CommandMeta, events_of
from pace.connection import NatsAuth
from pace.logging import get_logger
from pace.network.hub import hub_dead_letter_subject, source_problem
from pace.relay import sleep_unless, wait_any
from pace.service import Reaction, Service, ServiceRunner, routes_for
from pace.store import DuplicateEventError, EventStore, NewEvent, RecordedEvent
from services.reporting import approval, disclosure
from services.reporting import views as network_log
from services.reporting.approved import is_quarter, with_approvals
from services.reporting.domain import Fold
from services.reporting.periods import closed_periods
from services.reporting.targets import Target, with_targets

log = get_logger(__name__)

QUERIES = ("figures", "status", "trends", "approvals")
APPROVAL_COMMANDS = (SubmitFigures, ApproveFigures, ReopenFigures)
_APPROVAL_TYPES = {model.event_type for model in APPROVAL_EVENTS}
CONSUMER = "reporting"
_FIGURES = uuid.UUID("0f5d8a52-7c1b-4b9e-8f63-2a9e1d4c7b10")  # namespace of figures event ids
PUBLISH_SHARE = 10  # between publications, at least this many times computing them takes
PACE_WINDOW = 5
"""The pace follows the median of the last few publications' computing times: one slow one
(a garbage collection of the whole process in the middle of it: 80-90 ms among 5 ms ones,
seen in the latency bench) does not space the next ones out tenfold."""
HUB_FETCH_WAIT = 0.1
"""The network consumer's fetches end within this: under a steady flow a longer one kept
what had come until it ended (one consumer, polling ten times a second when idle)."""
LATEST_DELAY = 0.05  # seconds at least between two publications of the to-date figures
CLOSED_DELAY = 10.0
"""Seconds at least between two publications of every closed period's figures. They change
only when a late event reaches back into a closed period, and computing them all takes ~0.2 s
of the hub's loop: every 2 s, the to-date figures waiting behind them made the latency
bench's tail (p99 260 ms as deployed, 213-217 ms at 10 s, the same hour)."""


@dataclass(frozen=True)
class PublishPace:
    """How far apart, at least, the hub's figures go out: the to-date ones, and every closed
    period's (each also waits PUBLISH_SHARE times as long as computing it took)."""

    latest: float = LATEST_DELAY
    closed: float = CLOSED_DELAY


def spacing(delay: float, computed: Sequence[float]) -> float:
    """Seconds at least between two publications: `delay`, or PUBLISH_SHARE times the
    median of the last computing times (`computed`, PACE_WINDOW of them), if longer."""
    return max(delay, PUBLISH_SHARE * statistics.median(computed)) if computed else delay


def current_payload(event_type: str, schema_version: int, payload: dict[str, Any]
                    ) -> dict[str, Any]:
    """The payload in the current schema version (old versions go through their upcasters)."""
    if schema_version == model_for(event_type).schema_version:
        return payload
    return decode(event_type, schema_version, payload).model_dump(mode="json")


def feed(fold: Fold, envelope_json: str | bytes) -> str:
    """Apply one stored or exported envelope to the fold; returns its partner."""
    envelope = orjson.loads(envelope_json)
    fold.apply(envelope["partner"], envelope["event_type"],
               current_payload(envelope["event_type"], envelope["schema_version"],
                               envelope["payload"]))
    return str(envelope["partner"])


class WrongSubjectError(ValueError):
    """A command about one partner sent on another partner's subject."""


def figures_subject_of(record: RecordedEvent) -> str:
    payload = record.envelope.payload
    return subjects.figures_subject(payload.get("partner_id", subjects.NETWORK_SCOPE))


def figures_events(report: Report) -> list[PartnerFiguresPublished | NetworkFiguresPublished]:
    """One event per partner in the report and one for the whole network."""
    as_of, period = report.as_of, report.period
    events: list[PartnerFiguresPublished | NetworkFiguresPublished] = [
        PartnerFiguresPublished(partner_id=partner, period=period, as_of=as_of,
                                figures=figures, breakdowns=report.breakdowns.get(partner, {}))
        for partner, figures in report.partners.items()]
    events.append(NetworkFiguresPublished(
        period=period, as_of=as_of, figures=report.network,
        breakdowns=report.breakdowns.get(subjects.NETWORK_SCOPE, {})))
    return events


def figures_event_id(event: PartnerFiguresPublished | NetworkFiguresPublished) -> uuid.UUID:
    """Derived from the content: the same figures published twice are one event."""
    digest = hashlib.sha256(event.model_dump_json().encode()).hexdigest()
    return uuid.uuid5(_FIGURES, f"{event.event_type}/{digest}")


class ReportingService:
    """The hub's reporting: folds PACE_NETWORK, publishes figures, answers questions."""

    def __init__(self, nats_url: str, store: EventStore, countries: Mapping[str, str], *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 pace: PublishPace | None = None,
                 auth: NatsAuth | None = None,
                 targets: Iterable[Target] = ()) -> None:
        self.store = store
        self.targets = list(targets)  # shown beside the actual figures (services.reporting.targets)
        self.countries = dict(countries)
        self.clock = clock
        self.pace = pace or PublishPace()  # how far apart, at least, the figures go out
        self.fold = Fold()
        self.position = 0  # of the network log, applied to the fold
        self.counted: dict[str, int] = {}  # network events folded, per partner
        self._changed = asyncio.Event()
        self._received = asyncio.Event()  # the network consumer committed rows to the log
        self._catching_up = asyncio.Lock()  # one reader at a time, or rows would fold twice
        self._published: set[uuid.UUID] = set()
        # seconds the last publications held the event loop computing: to-date (True), closed
        self.computed: dict[bool, deque[float]] = {True: deque(maxlen=PACE_WINDOW),
                                                   False: deque(maxlen=PACE_WINDOW)}
        self._closed_behind = asyncio.Event()  # a change the closed periods have not had yet
        self.service = self._service()
        self.runner = ServiceRunner(nats_url, [self.service], auth)

    def _service(self) -> Service:
        """On the shell every service shares: the network consumer, the relay, the queries."""
        def keep(tx: Any, envelope: Any, _event: Any) -> None:
            network_log.record(tx, envelope)

        return Service(
            subjects.HUB_DOMAIN, "reporting", self.store,
            routes=routes_for(self.store, approval.decider, APPROVAL_COMMANDS,
                              lambda c: approval.stream_id(c.partner_id, c.period),
                              self._prepare),
            command_subject=subjects.hub_command_subject("*", "*"),
            reactions=[Reaction(CONSUMER, ["pace.*.net.>"], keep, stream=subjects.NETWORK_STREAM,
                                dead_letter_subject=hub_dead_letter_subject(CONSUMER), batch=500,
                                screen=source_problem, applied=self._received.set,
                                fetch_wait=HUB_FETCH_WAIT)],
            tables=[network_log.metadata], clock=self.clock,
            queries={name: partial(self.answer, name) for name in QUERIES},
            query_subject=subjects.network_query_subject("*"),
            subject_for=figures_subject_of, relay_name="relay-figures",
            workers={"fold": self._follow, "figures publisher": self._publish_latest,
                     "closed periods' figures publisher": self._publish_closed})

    @property
    def broker(self) -> NatsBroker:
        return self.runner.broker

    async def start(self) -> ReportingService:
        await self.runner.start()
        await self.catch_up()
        return self

    async def stop(self) -> None:
        await self.runner.stop()

    # -- the fold -------------------------------------------------------------------------

    async def catch_up(self) -> int:
        """Apply every envelope stored since the last call to the fold; returns how many."""
        applied = 0
        async with self._catching_up:
            while rows := await self.store.db.read(network_log.after, self.position):
                for position, envelope_json in rows:
                    partner = feed(self.fold, envelope_json)
                    self.counted[partner] = self.counted.get(partner, 0) + 1
                    self.position = position
                applied += len(rows)
        if applied:
            self._changed.set()
        return applied

    async def _follow(self, stop: asyncio.Event) -> None:
        """Fold what the network consumer stored as soon as it has committed it."""
        while not stop.is_set():
            self._received.clear()
            await self.catch_up()
            await wait_any(stop, self._received, 1.0)

    def report(self, as_of: date, period: str = "to-date") -> Report:
        return self.fold.figures(as_of, Period.parse(period), self.countries)

    # -- approval of closed quarters -------------------------------------------------------

    async def _prepare(self, command: Any, meta: CommandMeta) -> approval.ApprovalCommand:
        """The decider's command: the day, and for an approval the figures to freeze."""
        expected = subjects.hub_command_subject(command.partner_id, "*").rsplit(".", 1)[0]
        if meta.subject.rsplit(".", 1)[0] != expected:
            raise WrongSubjectError(f"a command about {command.partner_id} must come on "
                                    f"{expected}.<command>, not {meta.subject or 'no subject'}")
        on = meta.now.date()
        if isinstance(command, SubmitFigures):
            return approval.SubmitQuarter(command.partner_id, command.period, on)
        if isinstance(command, ReopenFigures):
            return approval.ReopenQuarter(command.partner_id, command.period, on, command.reason)
        await self.catch_up()
        figures = self.report(on, command.period).partners.get(command.partner_id, {})
        return approval.ApproveQuarter(command.partner_id, command.period, on,
                                       self.counted.get(command.partner_id, 0),
                                       {name: normal_value(name, value)
                                        for name, value in figures.items()})

    async def approval_of(self, partner: str, period: str) -> approval.Approval:
        """Where a partner's quarter stands (open, submitted, approved)."""
        records = await self.store.read_stream(approval.stream_id(partner, period))
        return approval.decider.fold(events_of(records))

    async def approved_report(self, report: Report) -> Report:
        """The report with approved quarters frozen and their adjustments (a quarter only)."""
        if not is_quarter(report.period):
            return report
        return with_approvals(report, {partner: await self.approval_of(partner, report.period)
                                       for partner in report.partners})

    async def approval_events(self) -> list[dict[str, Any]]:
        """Every approval event in the hub's store, in order (for `pace replay --approved`)."""
        found, after = [], 0
        while records := await self.store.read_all(after=after, limit=1000):
            found += [{"event_type": r.event_type, **r.envelope.payload} for r in records
                      if r.event_type in _APPROVAL_TYPES]
            after = records[-1].position
        return found

    # -- publishing -----------------------------------------------------------------------

    async def _publish_latest(self, stop: asyncio.Event) -> None:
        """Publish the to-date figures after each change: at once after a quiet time, in a
        burst at most every max(pace.latest, PUBLISH_SHARE x the time they held the event loop
        computing, the median of the last PACE_WINDOW), so that the fold keeps up with the
        network either way. Storing them is not counted: the loop goes on meanwhile."""
        await self._publishing(stop, self._changed, self.pace.latest, latest=True)

    async def _publish_closed(self, stop: asyncio.Event) -> None:
        """Publish every closed period's figures after the to-date ones changed, at most
        every max(pace.closed, PUBLISH_SHARE x their computing time): on the whole history
        they take a second or more to compute, period by period, with the event loop free
        in between (the fold and the to-date figures go on meanwhile)."""
        await self._publishing(stop, self._closed_behind, self.pace.closed, latest=False)

    async def _publishing(self, stop: asyncio.Event, due: asyncio.Event, delay: float, *,
                          latest: bool) -> None:
        took: Sequence[float] = ()
        done = -math.inf
        while not stop.is_set():
            if not due.is_set():
                await wait_any(stop, due, 1.0)
                continue
            rest = spacing(delay, took) - (time.monotonic() - done)
            if rest > 0:  # a burst: its changes go out together
                await sleep_unless(stop, rest)
                continue
            due.clear()
            try:
                await self.publish(latest=latest, closed=not latest)
            except Exception:  # noqa: BLE001 - tried again later, at the same pace
                log.exception("reporting.publish_failed", closed_periods=not latest)
                due.set()
            else:
                if latest:
                    self._closed_behind.set()
            done, took = time.monotonic(), tuple(self.computed[latest])

    async def publish(self, closed: bool = True, *, latest: bool = True) -> int:
        """Publish the to-date figures (unless `latest` is off) and, unless `closed` is off,
        every closed period's; returns how many events were new. Each figures stream's new
        events are one append, and the streams' appends share a transaction (the store's
        group commit). Each period's figures are computed from the fold as of one position;
        between periods the event loop is free. The CPU time spent computing (the event loop
        held) is kept in `computed[latest]`: on a busy machine the wall time also counts
        the waits for a core, which would space publications out for nothing."""
        today = self.clock().date()
        periods = [(today, "to-date")] if latest else []
        periods += [(period.end, str(period))
                    for period in (closed_periods(PROGRAMME_START, today) if closed else ())]
        now = self.clock()
        new: dict[str, list[NewEvent]] = {}
        seen: set[uuid.UUID] = set()
        computing = 0.0
        for index, (as_of, period) in enumerate(periods):
            if index:
                await asyncio.sleep(0)
            async with self._catching_up:  # not while the fold is half way through a read
                started = time.thread_time()  # CPU time: not the waits for a busy core
                events = figures_events(disclosure.protect(self.report(as_of, period)))
                computing += time.thread_time() - started
            for event in events:
                event_id = figures_event_id(event)
                if event_id not in self._published and event_id not in seen:
                    seen.add(event_id)
                    new.setdefault(f"figures-{getattr(event, 'partner_id', 'network')}", []).append(
                        NewEvent(event, event_id, now, event_id, None, "reporting"))
        self.computed[latest].append(computing)
        appended = await asyncio.gather(*(self._append_figures(stream_id, events)
                                          for stream_id, events in new.items()),
                                        return_exceptions=True)
        for events, result in zip(new.values(), appended, strict=True):
            if not isinstance(result, BaseException):
                self._published.update(e.event_id for e in events)
        failed = [r for r in appended if isinstance(r, BaseException)]
        if failed:
            raise failed[0]
        count = sum(len(events) for events in new.values())
        if count:
            log.info("reporting.published", events=count, closed_periods=closed)
        return count

    async def _append_figures(self, stream_id: str, events: list[NewEvent]) -> None:
        """Append; when another publication stored some of the same figures meanwhile (their
        ids come from their content), the rest go in one by one (a stored one is a no-op)."""
        try:
            await self.store.append(stream_id, events)
        except DuplicateEventError:
            for event in events:
                await self.store.append(stream_id, [event])

    # -- questions ------------------------------------------------------------------------

    async def answer(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        await self.catch_up()
        if name == "status":
            return {"received": await self.store.db.read(network_log.counts),
                    "position": self.position}
        today = self.clock().date()
        if name == "figures":  # as the coordinator may see them (services.reporting.disclosure)
            as_of = disclosure.check_as_of(
                date.fromisoformat(params.get("as_of") or today.isoformat()), today)
            report = disclosure.protect(self.report(as_of, params.get("period") or "to-date"))
            report = with_targets(await self.approved_report(report), self.targets)
            return {"report": report_to_dict(report)}
        if name == "approvals":
            return {"approvals": await self.approval_events()}
        if name == "trends":
            points = [disclosure.check_as_of(date.fromisoformat(p), today)
                      for p in params.get("points", [])][:200]
            indicators = list(params.get("indicators", KEY_TRENDS))[:20]
            scope = params.get("scope") or subjects.NETWORK_SCOPE
            return {"trends": {
                indicator: [(day.isoformat(), value) for day, value in
                            self.fold.trend(indicator, scope, points, self.countries)]
                for indicator in indicators}}
        raise ValueError(f"unknown query {name!r}; ask one of: {', '.join(QUERIES)}")
