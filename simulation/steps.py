"""A step of a planned history: one command for one partner's service, at a moment of a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from pydantic import BaseModel

from contracts.booking import Daypart

# The time of day each kind of step happens; steps of one day run in this order.
# UTC; bookings early enough to be before the same-day cut-off (08:00) on every partner's
# own clock, summer time included.
PHASES: dict[str, time] = {
    "capacity": time(5, 0), "booking": time(5, 30), "intake": time(9, 0),
    "trajectory": time(10, 0), "cancel": time(11, 0), "attendance": time(17, 0),
    "handover": time(18, 0),
}
PHASE_ORDER = {name: index for index, name in enumerate(PHASES)}
SESSION_START = {Daypart.MORNING: time(8, 30), Daypart.AFTERNOON: time(13, 0)}


@dataclass(frozen=True, slots=True)
class Step:
    """One command for one partner's service, on a day, at the time of its phase."""

    day: date
    phase: str
    partner: str
    context: str
    command: BaseModel
    family_id: str

    @property
    def at(self) -> datetime:
        return datetime.combine(self.day, PHASES[self.phase], tzinfo=UTC)

    @property
    def order(self) -> tuple[date, int]:
        return self.day, PHASE_ORDER[self.phase]


def location(partner: str) -> str:
    """The one childcare location of a partner in this history."""
    return f"{partner}-centre"[:40]
