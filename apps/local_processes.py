"""The local network with every partner's service set and the hub's reporting service each in
a process of its own (`pace partner up`, `pace hub up` against the network's nats-servers), as
they are deployed: both cores work, and no stage waits on another's event loop.

The nats-servers are the same as LocalNetwork's (loopback, plain: no TLS and no users); the
children log to files under the data directory and are stopped by their own PIDs.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apps.local import LocalNetwork
from pace.nats_server import stop_child
from pace.service import side_by_side

READY_SECONDS = 90.0
STOP_SECONDS = 20.0


class ServiceProcess:
    """One `pace ... up` child process, its output in a log file."""

    def __init__(self, name: str, args: Sequence[str], log_path: Path) -> None:
        self.name = name
        self.args = [sys.executable, "-m", "apps.cli", *args]
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, ready: str, timeout: float = READY_SECONDS) -> None:
        """Start it and wait until its output says `ready`; a clear error if it never does."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PACE_", "NATS_")) and k != "COLUMNS"}
        env.update(PACE_HEALTH_PORT="0", PACE_METRICS_PORT="0", PACE_LOG_LEVEL="WARNING",
                   COLUMNS="200")
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT,
                                            env=env)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while ready not in self.log():
            if self.process.poll() is not None or loop.time() > deadline:
                why = (f"exited with {self.process.returncode}" if self.process.poll()
                       is not None else f"not ready in {timeout:.0f} s")
                await self.stop()
                raise RuntimeError(f"{self.name} {why}; its output:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def stop(self) -> None:
        """SIGTERM (it stops its services in order), then SIGKILL if it has not ended."""
        process, self.process = self.process, None
        await stop_child(process, STOP_SECONDS)


class ProcessNetwork(LocalNetwork):
    """LocalNetwork's servers; the partners' services and the hub's in child processes."""

    def __init__(self, data_dir: Path, partners: Sequence[str], **kwargs: Any) -> None:
        if kwargs.get("secure") or kwargs.get("history_mode") or "clock" in kwargs:
            raise ValueError("a ProcessNetwork runs plain, on the wall clock: no secure, "
                             "history_mode or clock")
        super().__init__(data_dir, partners, **kwargs)
        self.processes: dict[str, ServiceProcess] = {}

    async def start_partner(self, partner: str) -> Any:
        leaf = await self.start_leaf(partner)
        process = self.processes[partner] = ServiceProcess(
            partner, ["partner", "up", "--partner", partner, "--nats-url", leaf.url,
                      "--data-dir", str(self.data_dir / "processes")],
            self.data_dir / "logs" / f"{partner}.log")
        await process.start(ready=f"{partner} is up")
        return process

    async def start_hub(self) -> None:
        if not self.hub_server.running:
            await self.hub_server.start()
        process = self.processes["hub"] = ServiceProcess(
            "hub", ["hub", "up", "--nats-url", self.hub_url,
                    "--data-dir", str(self.data_dir / "processes" / "hub")],
            self.data_dir / "logs" / "hub.log")
        await process.start(ready="reporting service is up")

    async def stop_hub_services(self) -> None:
        hub = self.processes.pop("hub", None)
        if hub is not None:
            await hub.stop()

    async def stop(self) -> None:
        """The partners' processes, then the servers and the hub (LocalNetwork.stop)."""
        try:
            await side_by_side([self.processes.pop(name).stop
                                 for name in [n for n in self.processes if n != "hub"]])
        finally:
            await super().stop()
