"""A planned family's path and its children's childcare: the dates of what happens to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from contracts.booking import Daypart, HandoverDestination
from services.booking.rules import born_on, too_old_from
from simulation.dates import AFTER_HISTORY, Window, days


@dataclass(frozen=True, slots=True)
class Session:
    """One childcare place booked for a child, and what became of it."""

    day: date
    daypart: Daypart
    booked_on: date
    outcome: str  # "attended", "no_show", "cancelled"; on the waitlist: "waiting", "withdrawn"


@dataclass(eq=False)
class Child:
    """One child of a planned family, and the childcare planned for it."""

    child_id: str
    first_name: str
    birth_month: str
    care: Window | None = None  # the days a session is allowed (age, trajectory)
    booking_from: date | None = None  # the day after enrolment
    bridging_from: date | None = None  # its family keeps places after coaching, from then
    first_session: date | None = None  # attended; set when the child is cared for
    last_session: date | None = None  # attended
    sessions: list[Session] = field(default_factory=list)
    handover: tuple[date, HandoverDestination] | None = None

    @property
    def born(self) -> date:
        return born_on(self.birth_month)

    def last_day_aged_0_3(self) -> date:
        """The last day booking's age rule lets the child have a place."""
        return too_old_from(self.birth_month) - days(1)


@dataclass(eq=False)
class Family:
    """One family's path: the dates of what happens to it (None: it does not happen)."""

    number: int
    referred_on: date
    children: list[Child]
    consent_on: date = date.min
    enrolled_on: date | None = None  # None: the referral is declined
    ends_on: date = AFTER_HISTORY  # the day the trajectory is completed or dropped
    ending: str = "ongoing"  # "complete", "drop" or "ongoing"
    plan_on: date | None = None
    training_on: date | None = None
    job_on: date | None = None

    @property
    def family_id(self) -> str:
        return f"fam-{self.number:04d}"

    @property
    def childcare(self) -> bool:
        return any(child.first_session for child in self.children)

    def open(self, after: int, until: date = date.max) -> Window:
        """Days a trajectory command can fall on: from `after` days after enrolment to the
        day before the trajectory ends (and not after `until`)."""
        assert self.enrolled_on is not None
        return self.enrolled_on + days(after), min(self.ends_on - days(1), until)
