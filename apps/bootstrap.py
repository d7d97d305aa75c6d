"""The composition root: stores, services and NATS connections for a partner and for the hub."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nats
from nats.js.client import JetStreamContext

from contracts import subjects
from pace.clock import Clock, wall_clock
from pace.connection import NatsAuth, connect
from pace.consumer import ConsumerRunner
from pace.keys import default_key_dir, refuse_keys_in
from pace.network.hub import ensure_hub_streams
from pace.relay import Relay
from pace.schedules import ScheduleRunner
from pace.service import Service, ServiceRunner, side_by_side
from pace.store import EventStore
from pace.topology import ensure_streams, partner_streams

if TYPE_CHECKING:
    from pace.store.migrate import StoreSchema
    from services.intake.vault import VaultKey
    from services.reporting.app import PublishPace, ReportingService
    from services.sharing.app import PseudonymKey

CONTEXTS = ("intake", "booking", "trajectory")
STORES = (*CONTEXTS, "sharing")
FIGURES = "figures"  # the partner's own figures (services.reporting.partner_figures)


def build_services(partner: str, stores: Mapping[str, EventStore], key: PseudonymKey,
                   vault_key: VaultKey, grace_days: int = 14,
                   only: str | None = None,
                   booking_settings: dict[str, Any] | None = None,
                   trajectory_settings: dict[str, Any] | None = None) -> list[Service]:
    """A partner's service set: intake, booking, trajectory, and sharing with the hub.

    `only` builds one of them (one process per service); `stores` needs only its store.
    `booking_settings`: bridging_weeks, max_places_per_daypart, release_schedule.
    `trajectory_settings`: silent_weeks (the coach's "no contact for N weeks").
    """
    from services.booking.app import build as booking
    from services.intake.app import build as intake
    from services.sharing import app as sharing
    from services.trajectory.app import build as trajectory

    builders: dict[str, Callable[[], Service]] = {
        "intake": lambda: intake(partner, stores["intake"], vault_key),
        "booking": lambda: booking(partner, stores["booking"], grace_days,
                                   **booking_options(partner, booking_settings or {})),
        "trajectory": lambda: trajectory(partner, stores["trajectory"],
                                         **(trajectory_settings or {})),
        "sharing": lambda: sharing.build(partner, stores["sharing"], key),
    }
    if only is not None and only not in builders:
        raise ValueError(f"no service {only!r}; choose one of {', '.join(builders)}")
    return [build() for context, build in builders.items() if only in (None, context)]


def booking_options(partner: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The booking service's policy: the settings given and the partner's time zone."""
    from pace.network.registry import load_registry
    from services.booking.rules import Policy

    registry = load_registry()
    zone = registry[partner].time_zone if partner in registry else "UTC"
    options = dict(settings)
    schedule = options.pop("release_schedule", None)
    policy = Policy(time_zone=zone, **options)
    return {"policy": policy} if schedule is None else {"policy": policy,
                                                        "release_schedule": schedule}


class Runners:
    """Several ServiceRunners (one per NATS user) seen as one: relays, consumers, tasks."""

    def __init__(self, runners: list[ServiceRunner]) -> None:
        self.runners = runners

    @property
    def relays(self) -> dict[str, Relay]:
        return {k: v for r in self.runners for k, v in r.relays.items()}

    @property
    def consumers(self) -> dict[str, ConsumerRunner]:
        return {k: v for r in self.runners for k, v in r.consumers.items()}

    @property
    def schedules(self) -> dict[str, ScheduleRunner]:
        return {k: v for r in self.runners for k, v in r.schedules.items()}

    @property
    def tasks(self) -> list[asyncio.Task[None]]:
        return [t for r in self.runners for t in r.tasks]

    @property
    def nc(self) -> nats.NATS | None:
        return self.runners[0].nc if self.runners else None

    async def stop(self) -> None:
        await side_by_side(runner.stop for runner in self.runners)


def create_sqlite_files(urls: Mapping[str, str]) -> None:
    """Make each SQLite file 0600 before SQLite opens it (its WAL and journal follow)."""
    for url in urls.values():
        if "://" in url or url == ":memory:":
            continue
        path = Path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        path.chmod(0o600)


async def make_streams(partner: str, url: str, auth: NatsAuth) -> list[str]:
    """Create or update the partner's streams as the given (ops) user; their names."""
    configs = partner_streams(partner)
    nc = await connect(url, auth)
    try:
        await ensure_streams(nc.jetstream(), configs)
    finally:
        await nc.close()
    return [c.name or "" for c in configs]


async def make_hub_streams(url: str, auth: NatsAuth, partners: Iterable[str],
                           replicas: int = 1) -> None:
    """Create or update the hub's streams, PACE_NETWORK sourcing every partner given."""
    nc = await connect(url, auth)
    try:
        await ensure_hub_streams(nc.jetstream(), list(partners), replicas=replicas)
    finally:
        await nc.close()


class Partner:
    """Opens the stores, builds the services and runs them on NATS: one connection for all,
    or (given a user per service) one connection per service; streams made by `ops_auth`."""

    def __init__(self, partner: str, data_dir: Path, nats_url: str, *,
                 database_urls: dict[str, str] | None = None, grace_days: int = 14,
                 clock: Clock = wall_clock, history_mode: bool = False,
                 auth: NatsAuth | Mapping[str, NatsAuth] | None = None,
                 ops_auth: NatsAuth | None = None, create_streams: bool = True,
                 only: str | None = None,
                 booking: dict[str, Any] | None = None,
                 trajectory: dict[str, Any] | None = None,
                 key_dir: Path | None = None, figures: bool = False,
                 targets: Path | None = None) -> None:
        """`auth`: one user for every service, or a user per service (context -> auth);
        `ops_auth`: the user that creates the streams (else the services' own connection,
        unless `create_streams` is off: then they must exist); `figures`: also run the
        partner's own figures (services.reporting.partner_figures) for its web app, with its
        targets from the file `targets` (services.reporting.targets) when given."""
        self.partner = partner
        self.auth = auth or NatsAuth()
        self.ops_auth = ops_auth
        self.create_streams = create_streams
        if only is not None and only not in (*STORES, FIGURES):
            raise ValueError(f"no service {only!r}; choose one of {', '.join(STORES)}, "
                             f"{FIGURES}")
        self.only = only  # run just this one service of the set
        self.figures = (figures and only is None) or only == FIGURES
        self.targets = targets
        if self.figures and not isinstance(self.auth, NatsAuth) and FIGURES not in self.auth:
            raise ValueError("the partner's figures need a NATS user of their own: "
                             "add 'figures' to the users per service, or run without figures")
        self.data_dir = data_dir
        self.key_dir = key_dir or default_key_dir(data_dir)  # never inside data_dir
        self.nats_url = nats_url
        self.database_urls = database_urls or {
            c: str(data_dir / f"{partner}-{c}.db") for c in STORES}
        self.grace_days = grace_days
        self.booking = booking  # booking's policy settings (pace.settings.booking_settings)
        self.trajectory = trajectory  # the coach's list (pace.settings.trajectory_settings)
        self.clock = clock
        self.history_mode = history_mode  # commands may carry their own time: demos only
        self.stores: dict[str, EventStore] = {}
        self.runner: Runners | None = None

    async def start(self) -> Partner:
        from services.intake.vault import VaultKey
        from services.sharing.app import PseudonymKey

        contexts = () if self.only == FIGURES else STORES if self.only is None else (self.only,)
        create_sqlite_files({c: u for c, u in self.database_urls.items() if c in contexts})
        for context in contexts:
            self.stores[context] = await EventStore.open(self.database_urls[context],
                                                         self.partner)
        # each key only where it is used: intake's vault, sharing's pseudonyms
        refuse_keys_in(self.data_dir, self.key_dir,
                       [f"{self.partner}-vault.key", f"{self.partner}-pseudonym.key"])
        self.vault_key = (VaultKey.load(self.partner, self.key_dir)
                          if self.only in (None, "intake") else None)
        key = (PseudonymKey.load(self.partner, self.key_dir)
               if self.only in (None, "sharing") else None)
        services = [] if self.only == FIGURES else build_services(
            self.partner, self.stores, key, self.vault_key,  # type: ignore[arg-type]
            self.grace_days, self.only, self.booking, self.trajectory)
        if self.figures:
            services.append(await self._figures_service())
        for service in services:
            service.clock = self.clock
            service.history_mode = self.history_mode
        setup = self._streams if self.create_streams and self.ops_auth is None else None
        if self.create_streams and self.ops_auth is not None:
            await make_streams(self.partner, self.nats_url, self.ops_auth)
        if isinstance(self.auth, NatsAuth):
            runners = [ServiceRunner(self.nats_url, services, self.auth)]
        else:
            runners = [ServiceRunner(self.nats_url, [s], self.auth[s.context]) for s in services]
        self.runner = Runners(runners)
        for runner in runners:
            await runner.start(setup)
            setup = None
        return self

    async def _figures_service(self) -> Service:
        """The partner's own figures: its store (`figures` URL, else a file beside the others)."""
        from pace.network.registry import load_registry
        from services.reporting.partner_figures import CONTEXT, build
        from services.reporting.targets import load_targets

        targets = load_targets(self.targets) if self.targets else []  # a wrong file stops it
        url = (self.database_urls or {}).get(CONTEXT) or str(
            self.data_dir / f"{self.partner}-{CONTEXT}.db")
        create_sqlite_files({CONTEXT: url})
        store = self.stores[CONTEXT] = await EventStore.open(url, self.partner)
        registry = load_registry()
        country = registry[self.partner].country if self.partner in registry else "??"
        return build(self.partner, store, country, targets).service

    async def _streams(self, js: JetStreamContext) -> None:
        await ensure_streams(js, partner_streams(self.partner))

    async def idle(self) -> bool:
        """Every relay has published all its store holds, every consumer has nothing pending."""
        assert self.runner is not None, "the partner is not started"
        for context, relay in self.runner.relays.items():
            store = self.stores[context]
            if await store.cursor(relay.name) < await store.last_position():
                return False
        for durable, consumer in self.runner.consumers.items():
            info = await consumer.js.consumer_info(consumer.stream, durable)
            if info.num_pending or info.num_ack_pending:
                return False
        return True

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.stop()
        for store in self.stores.values():
            await store.close()

    async def __aenter__(self) -> Partner:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def settled_shared_counts(partners: Mapping[str, Partner]) -> dict[str, int] | None:
    """How many events each partner has made ready for the hub (its sharing store), once
    every one has relayed and applied all it holds; None while one has not."""
    for running in partners.values():
        if not await running.idle():
            return None
    return {partner: await running.stores["sharing"].last_position()
            for partner, running in partners.items()}


class Hub:
    """The hub's reporting service: its streams (sourcing every partner), its store, on NATS."""

    def __init__(self, nats_url: str, database_url: str | Path, countries: Mapping[str, str], *,
                 auth: NatsAuth | None = None, replicas: int = 1,
                 targets: Path | None = None,
                 publish_pace: PublishPace | None = None) -> None:
        """`targets`: a targets file (services.reporting.targets) shown beside the figures;
        `publish_pace`: how often the figures go out at most (default: as deployed)."""
        self.targets = targets
        self.publish_pace = publish_pace
        self.nats_url = nats_url
        self.database_url = database_url
        self.countries = dict(countries)  # partner -> country, for every partner sourced
        self.auth = auth or NatsAuth()
        self.replicas = replicas
        self.stores: dict[str, EventStore] = {}
        self.reporting: ReportingService | None = None

    @property
    def runner(self) -> ServiceRunner | None:
        return self.reporting.runner if self.reporting is not None else None

    async def start(self) -> Hub:
        from services.reporting.app import ReportingService
        from services.reporting.targets import load_targets

        targets = load_targets(self.targets) if self.targets else []  # a wrong file stops it
        try:
            await make_hub_streams(self.nats_url, self.auth, self.countries, self.replicas)
            store = self.stores["reporting"] = await EventStore.open(self.database_url,
                                                                     subjects.HUB_DOMAIN)
            self.reporting = ReportingService(self.nats_url, store, self.countries,
                                              auth=self.auth, targets=targets,
                                              pace=self.publish_pace)
            await self.reporting.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def stop(self) -> None:
        try:
            if self.reporting is not None:
                reporting, self.reporting = self.reporting, None
                await reporting.stop()
        finally:
            for store in self.stores.values():
                await store.close()
            self.stores.clear()

    async def __aenter__(self) -> Hub:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def store_schemas() -> dict[str, StoreSchema]:
    """Every store's schema as its service declares it, for the migrations (apps.migrate)."""
    from services.booking.migrations import SCHEMA as BOOKING
    from services.intake.migrations import SCHEMA as INTAKE
    from services.reporting.figures_migrations import SCHEMA as FIGURES_STORE
    from services.reporting.migrations import SCHEMA as REPORTING
    from services.sharing.migrations import SCHEMA as SHARING
    from services.trajectory.migrations import SCHEMA as TRAJECTORY

    return {s.name: s for s in (INTAKE, BOOKING, TRAJECTORY, SHARING, REPORTING,
                                FIGURES_STORE)}
