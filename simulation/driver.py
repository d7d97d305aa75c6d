"""Drives a planned history through the partners' real services.

Each family's steps go in order, one after the other; families go concurrently. Steps on
one session (bookings, cancellations, check-ins, no-shows) also go in the planned order,
whichever family sends them, so that who gets a place and who waits is what the history
planned (check-outs follow their own check-in and need no turn). Every
command carries the moment it happens (the Pace-History-At header, which only services in
history mode honour), so a booking "in 2019" is judged as of 2019 whatever the wall clock
says. The sessions' capacities are set first. Commands that depend on another service's
reaction (a booking right after the enrolment, a plan right after the trajectory opened)
may arrive before the reaction did: they are sent again, for a bounded time, while the
answer says the family is not known there yet; a command that got no answer in time is
sent again with the same command id, which the services answer without applying it twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import nats

from contracts.commands import CheckOut
from pace.client import CommandRefusedError, PartnerClient
from simulation.steps import Step

_NOT_YET = ("not enrolled", "has not consented to childcare", "has no trajectory",
            "is not known to booking", "no family")
UNANSWERED = (nats.errors.TimeoutError, nats.errors.NoRespondersError,
              nats.errors.ConnectionReconnectingError)
_HISTORY = uuid.UUID("8d0f1c2e-3b4a-4f5e-9a6b-7c8d9e0f1a2b")


@dataclass
class DriveReport:
    """What happened: commands accepted, retried, and refused (with the reasons)."""

    sent: int = 0
    retried: int = 0
    refused: list[tuple[Step, str]] = field(default_factory=list)
    by_partner: Counter[str] = field(default_factory=Counter)


def _not_yet(error: CommandRefusedError) -> bool:
    return error.code in ("unknown_family", "rule_broken") and any(
        phrase in error.message for phrase in _NOT_YET)


def _session_turns(steps: Sequence[Step]) -> dict[int, int]:
    """Step index -> the index of the step before it on the same session (its turn)."""
    last: dict[tuple[str, str], int] = {}
    turns: dict[int, int] = {}
    for index, step in enumerate(steps):
        session = getattr(step.command, "session_id", None)
        if session is None or isinstance(step.command, CheckOut):
            continue
        key = (step.partner, session)
        if key in last:
            turns[index] = last[key]
        last[key] = index
    return turns


def step_command_id(step: Step, index: int) -> uuid.UUID:
    """Deterministic per step: driving the same history again appends nothing new."""
    return uuid.uuid5(_HISTORY, f"{step.partner}/{index}")


async def drive(steps: Sequence[Step], clients: Mapping[str, PartnerClient], *,
                concurrency: int = 200, patience: float = 30.0, unanswered: float = 300.0,
                progress: Callable[[int], None] | None = None) -> DriveReport:
    """Send every step to its partner's service; returns what happened.

    `patience`: how long a step is sent again while a reaction catches up; `unanswered`: how
    long while its service gives no answer (a machine so busy that its event loop stalls).
    """
    report = DriveReport()
    gate = asyncio.Semaphore(concurrency)

    async def send(index: int, step: Step) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience
        while True:
            try:
                await clients[step.partner].do(step.context, step.command, at=step.at,
                                               command_id=step_command_id(step, index))
            except UNANSWERED as error:
                # No answer in time (a busy machine), or the service is reconnecting to its
                # NATS: send it again. The command id is the same, so a command that did go
                # through is answered, not applied twice.
                if loop.time() < deadline - patience + unanswered:
                    report.retried += 1
                    await asyncio.sleep(0 if isinstance(error, nats.errors.TimeoutError)
                                        else 0.2)
                    continue
                report.refused.append((step, f"no answer from the service ({error!r})"))
            except CommandRefusedError as error:
                if _not_yet(error) and loop.time() < deadline:
                    report.retried += 1
                    await asyncio.sleep(0.05)
                    continue
                report.refused.append((step, str(error)))
            else:
                report.sent += 1
                report.by_partner[step.partner] += 1
            if progress is not None:
                progress(1)
            return

    turns = _session_turns(steps)
    done = {before: asyncio.Event() for before in turns.values()}

    async def chain(links: list[tuple[int, Step]]) -> None:
        """One family's steps in order, holding a slot; waiting for a turn frees it."""
        await gate.acquire()
        try:
            for index, step in links:
                if index in turns and not done[turns[index]].is_set():
                    gate.release()
                    try:
                        await done[turns[index]].wait()
                    finally:
                        await gate.acquire()
                try:
                    await send(index, step)
                finally:
                    if index in done:
                        done[index].set()
        finally:
            gate.release()

    capacities: list[tuple[int, Step]] = []
    families: dict[tuple[str, str], list[tuple[int, Step]]] = defaultdict(list)
    for index, step in enumerate(steps):
        if step.phase == "capacity":
            capacities.append((index, step))
        else:
            families[(step.partner, step.family_id)].append((index, step))
    await asyncio.gather(*(chain([link]) for link in capacities))
    await asyncio.gather(*(chain(links) for links in families.values()))
    return report
