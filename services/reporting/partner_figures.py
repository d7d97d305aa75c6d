"""A partner's own figures: the hub's indicator fold over the partner's outbound stream.

Why this design (issue 17, part 6): the partner's web app must show the partner's figures
without asking the hub (partners work offline) and without reading another service's store.
The partner's sharing service already makes, exactly once, the copies of its events the hub
folds (PACE_SHARED_<PARTNER>: minimised, re-keyed, only of families that consent to
statistics, plus the count of those that do not). Folding that same stream with the same
code (services.reporting.domain.Fold) gives the partner exactly the figures the hub holds of
it, before any approval: what a partner admin submits is what the coordinator will see.
Folding the raw local events instead would count other facts (no age bands, families without
consent) and give a second, diverging set of numbers.

The same disclosure control as the hub's applies (services.reporting.disclosure): small
breakdown cells are shown as "<5", and as-of dates are period ends or today. The partner's
targets of the period (services.reporting.targets) stand beside its figures, as at the hub.

It runs on the one shell (pace.service) as the partner's `figures` context: a durable
consumer on the partner's PACE_SHARED stream keeps each copy once in its own store
(services.reporting.views, the table the hub uses), a worker folds them, and the questions
`figures` and `trends` are answered on `pace.<partner>.qry.figures.*`. Deployed, it runs as
its own NATS user `figures` (pace.network.permissions.figures_permissions: PACE_SHARED_<P>
only, never PACE_EVENTS), in its own process (`pace partner up --only figures`) and store
(migrations in services/reporting/figures_migrations).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from contracts import subjects
from contracts.indicators import KEY_TRENDS
from contracts.periods import Period
from contracts.report import Report, report_to_dict
from pace.relay import sleep_unless
from pace.service import Reaction, Service
from pace.store import EventStore
from services.reporting import disclosure
from services.reporting import views as shared_log
from services.reporting.app import feed
from services.reporting.domain import Fold
from services.reporting.targets import Target, with_targets

CONTEXT = "figures"
CONSUMER = "figures"
QUERIES = ("figures", "trends")


class PartnerFigures:
    """The partner's own figures, folded from its shared copies; answers `figures` and `trends`."""

    def __init__(self, partner: str, store: EventStore, country: str, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 targets: Iterable[Target] = ()) -> None:
        self.partner = partner
        self.targets = [t for t in targets if t.partner == partner]
        self.store = store
        self.countries = {partner: country}
        self.clock = clock
        self.fold = Fold()
        self.position = 0  # of the shared log, applied to the fold
        self._catching_up = asyncio.Lock()
        self.service = self._service()

    def _service(self) -> Service:
        def keep(tx: Any, envelope: Any, _event: Any) -> None:
            shared_log.record(tx.connection, envelope)

        return Service(
            self.partner, CONTEXT, self.store, routes=[],
            reactions=[Reaction(CONSUMER, [subjects.partner_shared_subjects(self.partner)],
                                keep, stream=subjects.shared_stream(self.partner))],
            tables=[shared_log.metadata], clock=self.clock, publishes=False,
            queries={name: self._asker(name) for name in QUERIES},
            workers={"figures fold": self._follow})

    def _asker(self, name: str) -> Callable[[dict[str, Any]], Any]:
        async def ask(params: dict[str, Any]) -> dict[str, Any]:
            return await self.answer(name, params)
        return ask

    async def catch_up(self) -> int:
        """Apply every copy stored since the last call to the fold; returns how many."""
        applied = 0
        async with self._catching_up:
            while rows := await self.store.db.read(shared_log.after, self.position):
                for position, envelope_json in rows:
                    feed(self.fold, envelope_json)
                    self.position = position
                applied += len(rows)
        return applied

    async def _follow(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.catch_up()
            await sleep_unless(stop, 0.5)

    def report(self, as_of: date, period: str = "to-date") -> Report:
        """The partner's figures under the hub's disclosure control, with its targets."""
        report = self.fold.figures(as_of, Period.parse(period), self.countries)
        return with_targets(disclosure.protect(report), self.targets)

    async def answer(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        await self.catch_up()
        today = self.clock().date()
        if name == "figures":
            as_of = disclosure.check_as_of(
                date.fromisoformat(params.get("as_of") or today.isoformat()), today)
            return {"report": report_to_dict(self.report(as_of, params.get("period")
                                                         or "to-date"))}
        if name == "trends":
            points = [disclosure.check_as_of(date.fromisoformat(p), today)
                      for p in params.get("points", [])][:200]
            indicators = list(params.get("indicators", KEY_TRENDS))[:20]
            return {"trends": {
                indicator: [(day.isoformat(), value) for day, value in
                            self.fold.trend(indicator, self.partner, points, self.countries)]
                for indicator in indicators}}
        raise ValueError(f"unknown query {name!r}; ask one of: {', '.join(QUERIES)}")


def build(partner: str, store: EventStore, country: str, targets: Iterable[Target] = ()
          ) -> PartnerFigures:
    """The partner's figures service (its `.service` runs on the partner's runner)."""
    return PartnerFigures(partner, store, country, targets=targets)
