"""Staff commands of the `pace` CLI: run a partner, send commands, list what a partner holds."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from contracts.commands import COMMANDS
from pace.client import PartnerClient
from pace.connection import ConnectionSettingsError, NatsAuth
from pace.logging import get_logger
from pace.ops import OpsServer
from pace.settings import Settings
from pace.staff_connect import NatsUnreachableError, staff_connect

log = get_logger(__name__)

console = Console()

LISTS = {"families": "intake", "sessions": "booking", "waitlist": "booking",
         "trajectories": "trajectory"}

NatsUrl = typer.Option(None, "--nats-url", envvar="NATS_URL",
                       help="The partner's NATS (default: $NATS_URL).")


def _url(url: str | None) -> str:
    if not url:
        raise typer.BadParameter("no NATS to talk to: start one with `pace partner up` and "
                                 "set NATS_URL (or pass --nats-url)")
    return url


def _run_client(work: Any) -> Any:
    """Run a client coroutine; an unreachable NATS or bad settings end in one clear line."""
    try:
        return asyncio.run(work)
    except (NatsUnreachableError, ConnectionSettingsError) as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from None


def parse_fields(pairs: list[str], raw_json: str | None) -> dict[str, Any]:
    """FIELD=VALUE pairs (VALUE read as JSON when it parses, else as text), over --json."""
    fields: dict[str, Any] = orjson.loads(raw_json) if raw_json else {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"{pair!r}: expected FIELD=VALUE")
        try:
            fields[key] = orjson.loads(value)
        except orjson.JSONDecodeError:
            fields[key] = value
    return fields


def describe_commands() -> str:
    lines = []
    for context, models in COMMANDS.items():
        for name, model in models.items():
            fields = ", ".join(f"{f}{'' if i.is_required() else '?'}"
                               for f, i in model.model_fields.items())
            lines.append(f"  {context:<10} {name:<22} {fields}")
    return "\n".join(lines)


def send(context: str, name: str, fields: list[str], raw_json: str | None, partner: str,
         nats_url: str | None) -> None:
    if name not in COMMANDS.get(context, {}):
        raise typer.BadParameter(f"no command {context} {name}; the commands are:\n"
                                 + describe_commands())
    body = parse_fields(fields, raw_json)

    async def run() -> dict[str, Any]:
        nc = await staff_connect(_url(nats_url), NatsAuth.from_env())
        try:
            return await PartnerClient(nc, partner, actor=os.environ.get("USER", "staff")).send(
                context, body, name=name)
        finally:
            await nc.close()

    reply = _run_client(run())
    if reply["ok"]:
        for event in reply["events"] or [{"event_type": "(nothing to do: already done)"}]:
            console.print(f"[green]ok[/] {event['event_type']} "
                          f"{event.get('stream_id', '')} v{event.get('stream_version', '')}")
        return
    error = reply["error"]
    console.print(f"[red]refused ({error['code']})[/]: {error['message']}")
    for detail in error.get("details", []):
        console.print(f"  {detail['field']}: {detail['problem']}")
    raise typer.Exit(1)


def show_list(what: str, partner: str, nats_url: str | None, params: dict[str, Any]) -> None:
    if what not in LISTS:
        raise typer.BadParameter(f"choose one of: {', '.join(LISTS)}")

    async def run() -> list[dict[str, Any]]:
        nc = await staff_connect(_url(nats_url), NatsAuth.from_env())
        try:
            return await PartnerClient(nc, partner).query(LISTS[what], what, **params)
        finally:
            await nc.close()

    rows = _run_client(run())
    table = Table(title=f"{partner}: {what} ({len(rows)})")
    for column in (rows[0] if rows else {"(none)": ""}):
        table.add_column(str(column).replace("_", " "))
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table)


async def until_stopped() -> None:
    """Wait for Ctrl-C or SIGTERM, so that everything started is stopped on the way out."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def partner_up(settings: Settings, *, secure: bool = True) -> None:
    """Run a partner's services (all, or `settings.only`) until interrupted.

    With no NATS URL, starts a nats-server of its own: secure (TLS from a CA made for the
    run, a random user and password per service and role, the staff's and the web app's
    settings in 0600 files) unless `secure` is off. With one, connects as the PACE_NATS_*
    user (streams made by the PACE_OPS_NATS_* user when given).
    """
    from apps.bootstrap import Partner
    from apps.local_partner import local_partner_server, service_auths
    from pace.keys import default_key_dir
    from pace.network.permissions import FIGURES_USER
    from services.reporting.targets import DEFAULT_TARGETS

    partner = str(settings.partner)
    data_dir = settings.data_dir / partner
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    server, security = None, None
    nats_url = settings.nats_url
    if not nats_url:
        server, security = await local_partner_server(partner, data_dir, secure=secure)
        nats_url = server.url
    try:
        auth, ops, create = service_auths(partner, security, settings.nats_auth(), server)
        # the partner's own figures (its web app's "Our figures"): as their own `figures` user
        # (a per-service login, its own server), or with an unrestricted login (--no-secure);
        # a deployment runs them as their own container (--only figures)
        figures = settings.only is None and (
            (isinstance(auth, dict) and FIGURES_USER in auth)
            or (isinstance(auth, NatsAuth) and auth.user is None and auth.creds_file is None))
        urls = {store: settings.database_url_for(store) for store in settings.stores}
        key_dir = (settings.key_dir or default_key_dir(settings.data_dir)) / partner
        async with Partner(partner, data_dir, nats_url, auth=auth, ops_auth=ops,
                           create_streams=create, only=settings.only,
                           database_urls=urls, grace_days=settings.grace_days,
                           booking=settings.booking_settings(),
                           trajectory=settings.trajectory_settings(),
                           key_dir=key_dir, figures=figures,
                           targets=DEFAULT_TARGETS) as running:
            ops_server = await _serve_ops(running, settings)
            try:
                what = settings.only or ("intake, booking, trajectory, sharing and figures"
                                         if figures else "intake, booking, trajectory and sharing")
                console.print(f"[bold]{partner}[/] is up: {what} on {nats_url}")
                if server is not None:
                    _tell_staff(partner, data_dir, nats_url, security)
                await until_stopped()
            finally:
                await ops_server.close()
    finally:
        if server is not None:
            await server.stop()


def _tell_staff(partner: str, data_dir: Path, nats_url: str, security: Any) -> None:
    """How staff tools connect: a 0600 settings file to source, or a loud warning."""
    from apps.local_partner import write_staff_files

    if security is None:
        console.print("[bold red]NOT SECURE (--no-secure)[/]: no TLS and no NATS users. "
                      "Anyone who can reach this port can connect anonymously, send any "
                      "command, read every reply (names included) and change or delete the "
                      "streams. Use it only to try things out on a machine of your own.")
        console.print(f"In another terminal: [cyan]export NATS_URL={nats_url}[/] then "
                      "`pace command ...` and `pace list ...`. Ctrl-C stops everything.")
        return
    staff, web = write_staff_files(partner, data_dir, nats_url, security)
    console.print(f"TLS and a NATS user per service. Staff settings (0600): [cyan]{staff}[/]; "
                  f"the web app's: [cyan]{web}[/]")
    console.print(f"In another terminal: [cyan]set -a; . {staff}; set +a[/] then "
                  "`pace command ...` and `pace list ...`. Ctrl-C stops everything.")


async def _serve_ops(target: object, settings: Settings) -> OpsServer:
    """Health (/healthz, /readyz) and /metrics for a running partner or the hub.

    A port already taken is reported and that endpoint left off: the services still run.
    """
    from pace.ops import serve_ops

    try:
        ops = await serve_ops(target, settings.health_port, settings.metrics_port,
                              host=settings.ops_host)
    except OSError as error:
        log.error("ops.unavailable", host=settings.ops_host, health_port=settings.health_port,
                  metrics_port=settings.metrics_port, problem=str(error))
        console.print(f"[yellow]Health and metrics endpoints are off[/]: {error} "
                      "(set PACE_HEALTH_PORT / PACE_METRICS_PORT, 0 for off)")
        return OpsServer(None, None)
    health = (f"http://{settings.ops_host}:{ops.health_port}/readyz" if ops.health_port
              else "off (PACE_HEALTH_PORT=0)")
    metrics = (f"http://{settings.ops_host}:{ops.metrics_port}/metrics" if ops.metrics_port
               else "off (PACE_METRICS_PORT=0)")
    console.print(f"Health: {health}  metrics: {metrics}")
    return ops


async def hub_up(settings: Settings) -> None:
    """Run the hub's reporting service on the hub's NATS until interrupted."""
    from apps.bootstrap import Hub
    from pace.network.registry import load_registry
    from services.reporting.targets import DEFAULT_TARGETS

    registry = load_registry()
    partners = [p.id for p in registry.delivery]
    assert settings.nats_url is not None
    async with Hub(settings.nats_url, settings.database_url_for("reporting"),
                   {p: registry.country_of(p) for p in partners}, auth=settings.nats_auth(),
                   replicas=settings.stream_replicas, targets=DEFAULT_TARGETS) as hub:
        ops = await _serve_ops(hub, settings)
        try:
            console.print(f"The hub's reporting service is up on {settings.nats_url}: "
                          f"{len(partners)} partners sourced. Ctrl-C stops it.")
            await until_stopped()
        finally:
            await ops.close()
