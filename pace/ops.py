"""Health, readiness and metrics over HTTP for a running partner or hub process.

`serve_ops(target, health_port, metrics_port)` starts a tiny asyncio HTTP server (no web
framework) on each port (one server when the ports are equal; 0 turns a port off):

- `GET /healthz`: 200 while the process's event loop answers (liveness).
- `GET /readyz`: 200 when NATS is connected, every store answers `SELECT 1` and every relay
  and consumer task is alive; else 503 with the reasons, in plain words (JSON).
- `GET /metrics`: the Prometheus metrics (pace.metrics), consumer lag read at scrape time.

The target is a `Partner` or the `Hub` (apps.bootstrap), or a `ServiceRunner`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import text

from pace.consumer import ConsumerRunner
from pace.logging import get_logger
from pace.metrics import refresh_lag
from pace.store import EventStore

log = get_logger(__name__)

HOST = "127.0.0.1"
CHECK_TIMEOUT = 2.0  # seconds a store or JetStream may take to answer a probe
REQUEST_TIMEOUT = 5.0
Response = tuple[int, str, bytes]
REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


@dataclass
class OpsTarget:
    """What the endpoints look at: a NATS connection, stores, background tasks, consumers."""

    nc: Callable[[], Any]
    stores: Callable[[], dict[str, EventStore]]
    tasks: Callable[[], list[asyncio.Task[Any]]]
    consumers: Callable[[], list[ConsumerRunner]]


def target_of(thing: Any) -> OpsTarget:
    """An OpsTarget for a Partner or the Hub (their runner and stores), or a ServiceRunner."""
    if hasattr(thing, "runner") and hasattr(thing, "stores"):  # a Partner or the Hub
        return OpsTarget(
            nc=lambda: thing.runner and thing.runner.nc, stores=lambda: dict(thing.stores),
            tasks=lambda: thing.runner.tasks if thing.runner else [],
            consumers=lambda: list(thing.runner.consumers.values()) if thing.runner else [])
    if hasattr(thing, "services"):  # a ServiceRunner
        return OpsTarget(
            nc=lambda: thing.nc, stores=lambda: {s.context: s.store for s in thing.services},
            tasks=lambda: thing.tasks, consumers=lambda: list(thing.consumers.values()))
    raise TypeError(f"cannot watch a {type(thing).__name__}: give a Partner, the Hub or a "
                    "ServiceRunner")


async def _store_problem(context: str, store: EventStore) -> str | None:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await store.db.read(lambda conn: conn.execute(text("SELECT 1")).scalar())
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        return f"the {context} store does not answer: {type(error).__name__}: {error}"[:300]
    return None


def _task_problem(task: asyncio.Task[Any]) -> str | None:
    if not task.done():
        return None
    if task.cancelled():
        return f"the {task.get_name()} task was cancelled"
    error = task.exception()
    if error is not None:
        return f"the {task.get_name()} task has stopped: {type(error).__name__}: {error}"[:300]
    return f"the {task.get_name()} task has ended"


async def readiness(target: OpsTarget) -> list[str]:
    """What keeps the process from being ready, in plain words; empty when ready."""
    problems = []
    nc = target.nc()
    if nc is None or not nc.is_connected:
        problems.append("NATS is not connected")
    stores = target.stores()
    checks = await asyncio.gather(*(_store_problem(c, s) for c, s in stores.items()))
    problems += [p for p in checks if p]
    problems += [p for p in map(_task_problem, target.tasks()) if p]
    return problems


def _json(status: int, body: dict[str, Any]) -> Response:
    return status, "application/json", orjson.dumps(body)


def routes_for(target: OpsTarget, health: bool, metrics: bool
               ) -> dict[str, Callable[[], Awaitable[Response]]]:
    routes: dict[str, Callable[[], Awaitable[Response]]] = {}

    async def healthz() -> Response:
        return _json(200, {"live": True})

    async def readyz() -> Response:
        problems = await readiness(target)
        return _json(503 if problems else 200, {"ready": not problems, "problems": problems})

    async def metrics_page() -> Response:
        await refresh_lag(target.consumers(), CHECK_TIMEOUT)
        return 200, CONTENT_TYPE_LATEST, generate_latest(REGISTRY)

    if health:
        routes |= {"/healthz": healthz, "/readyz": readyz}
    if metrics:
        routes["/metrics"] = metrics_page
    return routes


async def _serve(routes: dict[str, Callable[[], Awaitable[Response]]],
                 reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One request per connection: read the head, answer, close."""
    try:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            head = await reader.readuntil(b"\r\n\r\n")
            method, _, rest = head.decode("latin-1").partition(" ")
            path = rest.split(" ", 1)[0].split("?", 1)[0]
            handler = routes.get(path)
            if method not in ("GET", "HEAD"):
                status, ctype, body = 405, "text/plain", b"GET only\n"
            elif handler is None:
                status, ctype, body = 404, "text/plain", ("try " + ", ".join(routes)).encode()
            else:
                status, ctype, body = await handler()
            writer.write(f"HTTP/1.1 {status} {REASONS.get(status, '')}\r\n"
                         f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                         "Connection: close\r\n\r\n".encode("latin-1")
                         + (b"" if method == "HEAD" else body))
            await writer.drain()
    except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
            ConnectionError):
        pass
    except Exception:  # noqa: BLE001 - one bad request must not stop the endpoints
        log.exception("ops.request_failed")
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


@dataclass
class OpsServer:
    """The running endpoints; `close()` stops them."""

    health_port: int | None
    metrics_port: int | None
    servers: list[asyncio.Server] = field(default_factory=list)

    async def close(self) -> None:
        for server in self.servers:
            server.close()
        for server in self.servers:
            await server.wait_closed()


async def serve_ops(target: Any, health_port: int, metrics_port: int, *,
                    host: str = HOST) -> OpsServer:
    """Serve /healthz and /readyz on health_port, /metrics on metrics_port (0: off).

    `host` is loopback by default; in a container give "0.0.0.0" so probes can reach it.
    """
    watched = target if isinstance(target, OpsTarget) else target_of(target)
    ports = {port for port in (health_port, metrics_port) if port}
    handle = OpsServer(health_port or None, metrics_port or None)
    try:
        for port in sorted(ports):
            routes = routes_for(watched, port == health_port, port == metrics_port)
            handle.servers.append(await asyncio.start_server(
                functools.partial(_serve, routes), host, port))
    except BaseException:
        await handle.close()
        raise
    log.info("ops.serving", host=host, health_port=handle.health_port,
             metrics_port=handle.metrics_port)
    return handle
