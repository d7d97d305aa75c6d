"""One partner's service set (intake, booking, trajectory) on its NATS, each with its own store."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from nats.js.client import JetStreamContext

from pace.clock import Clock, wall_clock
from pace.connection import NatsAuth
from pace.keys import default_key_dir, refuse_keys_in
from pace.service import Service, ServiceRunner
from pace.store import EventStore
from pace.topology import ensure_streams, partner_streams

if TYPE_CHECKING:
    from pace.network.sharing import PseudonymKey
    from services.intake.vault import VaultKey

CONTEXTS = ("intake", "booking", "trajectory")
STORES = (*CONTEXTS, "sharing")


def build_services(partner: str, stores: Mapping[str, EventStore], key: PseudonymKey,
                   vault_key: VaultKey, grace_days: int = 14,
                   only: str | None = None) -> list[Service]:
    """A partner's service set: intake, booking, trajectory, and sharing with the hub.

    `only` builds one of them (one process per service); `stores` needs only its store.
    """
    from pace.network import sharing
    from services.booking.app import build as booking
    from services.intake.app import build as intake
    from services.trajectory.app import build as trajectory

    builders: dict[str, Callable[[], Service]] = {
        "intake": lambda: intake(partner, stores["intake"], vault_key),
        "booking": lambda: booking(partner, stores["booking"], grace_days),
        "trajectory": lambda: trajectory(partner, stores["trajectory"]),
        "sharing": lambda: sharing.build(partner, stores["sharing"], key),
    }
    if only is not None and only not in builders:
        raise ValueError(f"no service {only!r}; choose one of {', '.join(builders)}")
    return [build() for context, build in builders.items() if only in (None, context)]


class Partner:
    """Opens the three stores, builds the services and runs them on one NATS connection."""

    def __init__(self, partner: str, data_dir: Path, nats_url: str, *,
                 database_urls: dict[str, str] | None = None, grace_days: int = 14,
                 clock: Clock = wall_clock, history_mode: bool = False,
                 auth: NatsAuth | None = None, only: str | None = None,
                 key_dir: Path | None = None) -> None:
        self.partner = partner
        self.auth = auth or NatsAuth()
        if only is not None and only not in STORES:
            raise ValueError(f"no service {only!r}; choose one of {', '.join(STORES)}")
        self.only = only  # run just this one service of the set
        self.data_dir = data_dir
        self.key_dir = key_dir or default_key_dir(data_dir)  # never inside data_dir
        self.nats_url = nats_url
        self.database_urls = database_urls or {
            c: str(data_dir / f"{partner}-{c}.db") for c in STORES}
        self.grace_days = grace_days
        self.clock = clock
        self.history_mode = history_mode  # commands may carry their own time: demos only
        self.stores: dict[str, EventStore] = {}
        self.runner: ServiceRunner | None = None

    async def start(self) -> Partner:
        from pace.network.sharing import PseudonymKey
        from services.intake.vault import VaultKey

        for context in STORES if self.only is None else (self.only,):
            self.stores[context] = await EventStore.open(self.database_urls[context],
                                                         self.partner)
        # each key only where it is used: intake's vault, sharing's pseudonyms
        refuse_keys_in(self.data_dir, self.key_dir,
                       [f"{self.partner}-vault.key", f"{self.partner}-pseudonym.key"])
        self.vault_key = (VaultKey.load(self.partner, self.key_dir)
                          if self.only in (None, "intake") else None)
        key = (PseudonymKey.load(self.partner, self.key_dir)
               if self.only in (None, "sharing") else None)
        services = build_services(self.partner, self.stores, key,  # type: ignore[arg-type]
                                  self.vault_key, self.grace_days,  # type: ignore[arg-type]
                                  self.only)
        for service in services:
            service.clock = self.clock
            service.history_mode = self.history_mode
        self.runner = ServiceRunner(self.nats_url, services, self.auth)
        await self.runner.start(self._streams)
        return self

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
