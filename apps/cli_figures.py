"""`pace figures submit|approve|reopen`: the approval of a partner's quarter, at the hub.

A partner admin submits (as the hub user `admin-<partner>`), the coordinator approves or
reopens (as `coordinator`); the PACE_NATS_* variables say who connects.
"""

from __future__ import annotations

import asyncio
from typing import Any

import nats
import orjson
import typer

from contracts import subjects
from pace.connection import NatsAuth, connect
from pace.service import ACTOR_HEADER

figures_app = typer.Typer(help="Approval of a partner's closed quarter: submit, approve, "
                               "reopen.", no_args_is_help=True)

HUB = typer.Option(..., "--hub-url", envvar="PACE_HUB_URL", help="The hub's NATS.")
PARTNER = typer.Option(..., "--partner", help="The partner whose quarter it is.")
PERIOD = typer.Option(..., "--period", help="The quarter, e.g. 2020-Q1.")


async def send_to_hub(hub_url: str, partner: str, name: str, body: dict[str, Any],
                      auth: NatsAuth | None = None, timeout: float = 15.0) -> dict[str, Any]:
    """One approval command to the hub's reporting service; its reply (events or refusal)."""
    nc = await connect(hub_url, auth or NatsAuth.from_env(), connect_timeout=5,
                       max_reconnect_attempts=1)
    try:
        reply = await nc.request(subjects.hub_command_subject(partner, name), orjson.dumps(body),
                                 timeout=timeout, headers={ACTOR_HEADER: auth_user(auth)})
    finally:
        await nc.close()
    return dict(orjson.loads(reply.data))


def auth_user(auth: NatsAuth | None) -> str:
    return (auth or NatsAuth.from_env()).user or "cli"


def _run(hub_url: str, partner: str, name: str, body: dict[str, Any]) -> None:
    try:
        subjects.check_partner(partner)
        reply = asyncio.run(send_to_hub(hub_url, partner, name, body))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    except (OSError, nats.errors.Error, TimeoutError) as error:
        typer.echo(f"error: the hub at {hub_url} did not take the command: {error}", err=True)
        raise typer.Exit(2) from None
    if not reply.get("ok"):
        error = reply.get("error", {})
        typer.echo(f"refused ({error.get('code')}): {error.get('message')}", err=True)
        raise typer.Exit(1)
    typer.echo(", ".join(e["event_type"] for e in reply["events"]) or "nothing to do")


@figures_app.command("submit")
def submit(hub_url: str = HUB, partner: str = PARTNER, period: str = PERIOD) -> None:
    """Submit a partner's closed quarter for the coordinator's approval (a partner admin)."""
    _run(hub_url, partner, "submit_figures", {"partner_id": partner, "period": period})


@figures_app.command("approve")
def approve(hub_url: str = HUB, partner: str = PARTNER, period: str = PERIOD) -> None:
    """Approve a submitted quarter: its figures are frozen as the hub has them (coordinator)."""
    _run(hub_url, partner, "approve_figures", {"partner_id": partner, "period": period})


@figures_app.command("reopen")
def reopen(hub_url: str = HUB, partner: str = PARTNER, period: str = PERIOD,
           reason: str = typer.Option(..., "--reason", help="Why it is reopened.")) -> None:
    """Reopen an approved quarter; the partner may submit it again (coordinator)."""
    _run(hub_url, partner, "reopen_figures",
         {"partner_id": partner, "period": period, "reason": reason})
