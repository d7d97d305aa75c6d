"""Who may book, pure: the partner's policy and a family's facts decide, refusals say why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from contracts.booking import DEFAULT_CAPACITY, Daypart, ReleaseReason, TrajectoryState
from pace.domain import RuleBrokenError

SAME_DAY_CUTOFF = {Daypart.MORNING: time(8, 0), Daypart.AFTERNOON: time(12, 0)}
OLDEST_AGE_YEARS = 3
DEFAULT_BRIDGING_WEEKS = 8
DEFAULT_GRACE_DAYS = 14


@dataclass(frozen=True)
class Policy:
    """A partner's booking settings: bridging period, places per day-part, its time zone."""

    bridging_weeks: int = DEFAULT_BRIDGING_WEEKS
    max_places_per_daypart: int = DEFAULT_CAPACITY
    time_zone: str = "UTC"
    grace_days: int = DEFAULT_GRACE_DAYS

    def local(self, moment: datetime) -> datetime:
        """The moment on the partner's own clock: its today, its cut-offs."""
        return moment.astimezone(ZoneInfo(self.time_zone))

    def bridge_end(self, ended_on: date) -> date:
        """The first day after the bridging period that follows a completed trajectory."""
        return ended_on + timedelta(weeks=self.bridging_weeks)


@dataclass(frozen=True)
class FamilyFacts:
    """What booking knows of a family, from intake's and trajectory's events (its own view)."""

    enrolled: bool
    childcare_consent: bool
    erased: bool
    children: dict[str, str]  # child_id -> birth month "YYYY-MM"
    handed_over: frozenset[str] = frozenset()
    trajectory: TrajectoryState | None = None  # None: no trajectory started yet
    trajectory_ended_on: date | None = None
    handed_over_on: Mapping[str, date] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """Why a family may not (or no longer) hold a place in a session."""

    reason: ReleaseReason | None
    message: str


def bridging_ends_on(family: FamilyFacts, policy: Policy) -> date | None:
    """The end of the family's bridging period, when its trajectory was completed."""
    if family.trajectory is TrajectoryState.COMPLETED and family.trajectory_ended_on:
        return policy.bridge_end(family.trajectory_ended_on)
    return None


def refusal(
    family_id: str,
    family: FamilyFacts,
    child_id: str,
    session_date: date,
    policy: Policy,
    today: date,
) -> Refusal | None:
    """The first rule that stops this child of this family from a place in the session."""
    if family.erased:
        return Refusal(ReleaseReason.FAMILY_ERASED, f"family {family_id} was erased")
    if not family.enrolled:
        return Refusal(None, f"family {family_id} is not enrolled in a trajectory")
    if not family.childcare_consent:
        return Refusal(
            ReleaseReason.CONSENT_WITHDRAWN, f"family {family_id} has not consented to childcare"
        )
    if child_id not in family.children:
        return Refusal(None, f"child {child_id} is not a child of {family_id}")
    if child_id in family.handed_over:
        on = family.handed_over_on.get(child_id)
        return Refusal(
            ReleaseReason.HANDED_OVER,
            f"child {child_id} has been handed over"
            + (f" on {on}" if on else "")
            + ": no new bookings for this child",
        )
    ended = family.trajectory_ended_on
    if family.trajectory is TrajectoryState.DROPPED:
        return Refusal(
            ReleaseReason.TRAJECTORY_DROPPED,
            f"the trajectory of family {family_id} was dropped on {ended}: "
            "no new bookings after a dropped trajectory",
        )
    bridge_end = bridging_ends_on(family, policy)
    if bridge_end is not None and session_date >= bridge_end:
        tense = "ended" if bridge_end <= today else "ends"
        return Refusal(
            ReleaseReason.BRIDGING_ENDED,
            f"the trajectory of family {family_id} ended on {ended}; bridging "
            f"{tense} on {bridge_end} ({policy.bridging_weeks} weeks): no places "
            f"from that day on, and the session is on {session_date}",
        )
    return None


def check_when(session_date: date, daypart: Daypart, now: datetime) -> None:
    """A session not past, and today's only before its same-day cut-off (local `now`)."""
    if session_date < now.date():
        raise RuleBrokenError(f"the session of {session_date} is in the past")
    if session_date == now.date() and now.time() > SAME_DAY_CUTOFF[daypart]:
        raise RuleBrokenError(
            f"same-day bookings for the {daypart.value} close at {SAME_DAY_CUTOFF[daypart]:%H:%M}"
        )


def born_on(birth_month: str) -> date:
    """The day a child counts as born: the first of its birth month ("YYYY-MM")."""
    year, month = (int(part) for part in birth_month.split("-"))
    return date(year, month, 1)


def too_old_from(birth_month: str) -> date:
    """The first day a child is too old for a place: the first of its fourth birthday's month."""
    born = born_on(birth_month)
    return born.replace(year=born.year + OLDEST_AGE_YEARS + 1)


def check_age(child_id: str, birth_month: str, on: date) -> None:
    """A child born by the session and not yet in the month of its fourth birthday."""
    if born_on(birth_month) > on:
        raise RuleBrokenError(f"child {child_id} is not born yet on {on}")
    if on >= too_old_from(birth_month):
        raise RuleBrokenError(f"child {child_id} is older than {OLDEST_AGE_YEARS} on {on}")
