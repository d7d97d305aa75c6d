"""The history driver's wiring: order per family, re-sends, refusals (a fake client)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import nats

from contracts.commands import BookSlot, EnrolFamily, RecordInvolvementDay
from pace.client import CommandRefusedError
from simulation.driver import drive, step_command_id
from simulation.steps import Step


class FlakyClient:
    """Answers after a timeout, or a 'not enrolled yet' refusal, as a busy network would."""

    def __init__(self, timeouts: int, not_yet: int) -> None:
        self.timeouts, self.not_yet = timeouts, not_yet
        self.calls: list[tuple[str, object]] = []

    async def do(self, context, command, *, at, command_id):
        self.calls.append((str(command_id), command))
        if self.timeouts:
            self.timeouts -= 1
            raise nats.errors.TimeoutError
        if self.not_yet and isinstance(command, RecordInvolvementDay):
            self.not_yet -= 1
            raise CommandRefusedError("unknown_family", "family fam-1 has no trajectory")
        if getattr(command, "family_id", "") == "fam-bad":
            raise CommandRefusedError("rule_broken", "family fam-bad has been erased")
        return []


def steps() -> list[Step]:
    day = date(2020, 1, 6)
    return [
        Step(day, "intake", "gent", "intake",
             EnrolFamily(family_id="fam-1", coach_id="c-1", enrolled_on=day), "fam-1"),
        Step(day, "trajectory", "gent", "trajectory",
             RecordInvolvementDay(family_id="fam-1", attended_on=day), "fam-1"),
        Step(day, "intake", "gent", "intake",
             EnrolFamily(family_id="fam-bad", coach_id="c-1", enrolled_on=day), "fam-bad"),
    ]


async def test_timeouts_and_late_reactions_are_sent_again_with_the_same_command_id():
    client = FlakyClient(timeouts=2, not_yet=3)
    planned = steps()
    report = await drive(planned, {"gent": client}, patience=5)
    assert report.sent == 2 and report.retried == 5
    assert [str(s.family_id) for s, _ in report.refused] == ["fam-bad"]
    ids_for_day = {cid for cid, cmd in client.calls if isinstance(cmd, RecordInvolvementDay)}
    assert ids_for_day == {str(step_command_id(planned[1], 1))}
    family_one = [type(cmd).__name__ for _, cmd in client.calls
                  if getattr(cmd, "family_id", "") == "fam-1"]
    assert family_one.index("RecordInvolvementDay") > family_one.index("EnrolFamily")


class SlowClient:
    """Answers every command, slowly for one family's enrolment; records the order."""

    def __init__(self) -> None:
        self.order: list[str] = []

    async def do(self, context, command, *, at, command_id):
        if isinstance(command, EnrolFamily) and command.family_id == "fam-1":
            await asyncio.sleep(0.3)
        self.order.append(f"{type(command).__name__} {getattr(command, 'booking_id', '')}")
        return []


def booking(day: date, family: str, booking_id: str) -> Step:
    return Step(day, "booking", "gent", "booking", BookSlot(
        location_id="centre", session_date=date(2020, 1, 10), daypart="morning",
        booking_id=booking_id, family_id=family, child_id=f"{family}-c", kind="flexible",
        hours=3.0), family)


async def test_steps_on_one_session_go_in_the_planned_order_whichever_family_sends_them():
    day = date(2020, 1, 6)
    planned = [
        Step(day, "intake", "gent", "intake",
             EnrolFamily(family_id="fam-1", coach_id="c-1", enrolled_on=day), "fam-1"),
        booking(day, "fam-1", "b-1"),  # waits for fam-1's slow enrolment
        booking(day + timedelta(days=1), "fam-2", "b-2"),  # then waits for b-1's turn
        Step(day + timedelta(days=1), "trajectory", "gent", "trajectory",
             RecordInvolvementDay(family_id="fam-3", attended_on=day), "fam-3"),
    ]
    client = SlowClient()

    report = await drive(planned, {"gent": client}, patience=5)

    assert report.sent == 4 and report.refused == []
    assert client.order.index("BookSlot b-1") < client.order.index("BookSlot b-2")
    assert client.order[0] == "RecordInvolvementDay "  # not on a session: it need not wait


async def test_a_family_waiting_for_its_turn_frees_its_slot_for_the_family_whose_turn_it_is():
    day = date(2020, 1, 6)
    planned = [
        Step(day, "intake", "gent", "intake",
             EnrolFamily(family_id="fam-1", coach_id="c-1", enrolled_on=day), "fam-1"),
        booking(day, "fam-2", "b-2"),  # fam-2's chain starts after fam-1's
        booking(day + timedelta(days=1), "fam-1", "b-1"),  # its turn comes after b-2
    ]
    client = SlowClient()

    report = await asyncio.wait_for(drive(planned, {"gent": client}, concurrency=1), 10)

    assert report.sent == 3
    assert client.order.index("BookSlot b-2") < client.order.index("BookSlot b-1")
