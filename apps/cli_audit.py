"""`pace report`, `log export|verify`, `replay`, `verify-store`: figures and audit trails."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer


def report(
    hub_url: str = typer.Option(..., "--hub-url", envvar="PACE_HUB_URL",
                                help="The hub's NATS (env PACE_HUB_URL)."),
    as_of: str = typer.Option(None, "--as-of", help="Figures as of this date (YYYY-MM-DD); "
                              "default today."),
    period: str = typer.Option("to-date", help="to-date, a year (2020), quarter (2020-Q1), "
                               "month (2020-02) or range (2017..2022)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json, html, or dhis2 "
                            "(a DHIS2 dataValueSets import; needs a year, quarter or month)."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="Write to this file (html: pace-report.html)."),
    mapping: Path | None = typer.Option(None, "--mapping", help="The DHIS2 mapping (indicator "
                                        "-> data element, partner -> org unit); default "
                                        "deploy/dhis2.toml."),
) -> None:
    """The cross-border figures from the hub's reporting service, per partner and country.

    `-f dhis2` writes them as a DHIS2 dataValueSets import (POST /api/dataValueSets);
    suppressed cells are left out.
    """
    from datetime import date

    from rich.console import Console

    from apps.reports import FORMATS, HubUnavailableError
    from apps.reports import report as run
    from contracts.periods import Period
    from services.web.figures_dhis2 import MappingError

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
        Period.parse(period)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    try:
        asyncio.run(run(hub_url, as_of=day, period=period, fmt=fmt, output=output,
                        console=Console(), mapping=mapping))
    except (HubUnavailableError, MappingError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


log_app = typer.Typer(help="Portable event logs for auditors: export and verify.",
                      no_args_is_help=True)


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


def replay(
    log: Path = typer.Argument(..., exists=True, dir_okay=False, help="A log to replay."),
    as_of: str | None = typer.Option(None, "--as-of", help="Figures as of this date "
                                     "(YYYY-MM-DD); needed unless --approved."),
    period: str = typer.Option("to-date", help="to-date, 2020, 2020-Q1, 2020-02, 2017..2022."),
    partner: str | None = typer.Option(None, "--partner", help="Only this partner's events."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or html."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    diff: bool = typer.Option(False, "--diff", help="Compare with the figures the hub "
                              "publishes (needs --hub-url); exit 1 on any difference."),
    hub_url: str | None = typer.Option(None, "--hub-url", envvar="PACE_HUB_URL"),
    approved: bool = typer.Option(False, "--approved", help="Check every approved quarter "
                                  "against the log (approvals from --approvals or the hub); "
                                  "exit 1 on any difference."),
    approvals: Path | None = typer.Option(None, "--approvals", exists=True, dir_okay=False,
                                          help="The hub store's log (`pace log export "
                                          "--store`) holding the approvals."),
) -> None:
    """Rebuild every indicator from a log, offline, with the reporting service's own code."""
    from apps.replay import run_replay, run_replay_approved

    if approved:
        raise typer.Exit(run_replay_approved(log, approvals=approvals, hub_url=hub_url))
    if as_of is None:
        raise typer.BadParameter("--as-of is needed (unless --approved)")
    raise typer.Exit(run_replay(log, as_of=as_of, period=period, partner=partner, fmt=fmt,
                                output=output, diff=diff, hub_url=hub_url))


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
