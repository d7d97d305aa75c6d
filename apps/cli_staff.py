"""`pace command`, `commands`, `list`, `doctor`: working with a running partner."""

from __future__ import annotations

import asyncio

import typer


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


def list_commands() -> None:
    """Every command staff can send, with its fields (? marks optional ones)."""
    from apps.staff import describe_commands

    typer.echo(describe_commands())


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
