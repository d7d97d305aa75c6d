"""What one partner's shareable events said, recorded as they come; joins wait for figures.

`record(facts, event_type, payload)` keeps only what some indicator needs, with named fields.
Dates are the payloads' business dates (ISO strings, which compare like dates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from services.reporting.esf_facts import Situation, record_participant_data

if TYPE_CHECKING:
    from services.reporting.rows import Compiled

Payload = Mapping[str, Any]


class Referral(NamedTuple):
    referred_on: str
    source: str


class Started(NamedTuple):
    """A trajectory's start: whose it is and when."""

    family: str
    parent: str
    started_on: str


class Stopped(NamedTuple):
    """A trajectory's completion or drop."""

    family: str
    on: str


class Dated(NamedTuple):
    """Something that happened to a trajectory (a plan, a training) on a date."""

    trajectory: str
    on: str


class SessionPlace(NamedTuple):
    """A family's place (or a child's check-in) in a session."""

    session: str
    who: str


class CheckOut(NamedTuple):
    session: str
    hours_used: float


class Waitlisted(NamedTuple):
    session: str
    waitlisted_on: str


class HandedOver(NamedTuple):
    destination: str
    on: str
    child: str
    family: str


class Counted(NamedTuple):
    """One UnsharedFamiliesCounted of a referral month."""

    counted_on: str
    families: int


class Facts:
    """One partner's recorded facts; `compiled` caches their joined form until the next one."""

    __slots__ = (
        "referrals", "genders", "enrolments", "declines", "trajectories", "completions",
        "drops", "plans", "trainings", "trainings_completed", "jobs", "job_ends",
        "involvement_days", "capacities", "places", "check_ins", "check_outs", "no_shows",
        "late_cancellations", "waitlisted", "left_waitlist", "handovers", "compiled",
        "unshared", "granted", "freed", "bridge_ends", "holds", "answers", "participants",
    )

    def __init__(self) -> None:
        self.referrals: dict[str, Referral] = {}  # family -> its referral
        self.genders: dict[str, str] = {}  # parent -> gender
        self.enrolments: dict[str, str] = {}  # family -> enrolled_on
        self.declines: dict[str, str] = {}  # family -> declined_on
        self.trajectories: dict[str, Started] = {}  # trajectory -> its start
        self.completions: dict[str, Stopped] = {}  # trajectory -> its completion
        self.drops: dict[str, Stopped] = {}  # trajectory -> its drop
        self.plans: list[Dated] = []  # development plans agreed
        self.trainings: list[Dated] = []  # trainings started
        self.trainings_completed: list[str] = []  # completed_on
        self.jobs: dict[str, Dated] = {}  # job -> (trajectory, started_on)
        self.job_ends: dict[str, str] = {}  # job -> ended_on
        self.involvement_days: list[str] = []  # attended_on
        self.capacities: dict[str, int] = {}  # session -> the last capacity set
        self.places: list[SessionPlace] = []  # (session, family) per place granted
        self.check_ins: list[SessionPlace] = []  # (session, child)
        self.check_outs: list[CheckOut] = []
        self.no_shows: list[str] = []  # session
        self.late_cancellations: list[str] = []  # session
        self.waitlisted: dict[str, Waitlisted] = {}  # booking -> its waitlisting
        self.left_waitlist: dict[str, str] = {}  # booking -> first promoted/cancelled/released
        self.handovers: list[HandedOver] = []
        self.granted: dict[str, SessionPlace] = {}  # booking -> (session, family): a place
        self.freed: dict[str, str] = {}  # booking -> first cancelled_on / released_on
        self.bridge_ends: dict[str, str] = {}  # family -> the latest bridging_ends_on recorded
        self.unshared: dict[str, list[Counted]] = {}  # referral month -> its counts
        self.holds: dict[str, str] = {}  # family -> held_on (the waiting list)
        self.answers: dict[str, list[str]] = {}  # family -> answered_on of enrolled/declined
        self.participants: dict[tuple[str, str], Situation] = {}  # (trajectory, moment): ESF
        self.compiled: Compiled | None = None  # joined and sorted; None when stale


def record(facts: Facts, event_type: str, payload: Payload) -> bool:
    """Record one event's facts; False for event types no indicator reads."""
    handler = HANDLERS.get(event_type)
    if handler is None:
        return False
    handler(facts, payload)
    facts.compiled = None  # joined and sorted again when figures are next asked for
    return True


def _family_referred(facts: Facts, p: Payload) -> None:
    facts.referrals[p["family_id"]] = Referral(p["referred_on"], p["referral_source"])
    for parent in p["parents"]:
        facts.genders[parent["parent_id"]] = parent["gender"]


def _family_enrolled(facts: Facts, p: Payload) -> None:
    facts.enrolments[p["family_id"]] = p["enrolled_on"]


def _referral_declined(facts: Facts, p: Payload) -> None:
    facts.declines[p["family_id"]] = p["declined_on"]


def _trajectory_started(facts: Facts, p: Payload) -> None:
    facts.trajectories[p["trajectory_id"]] = Started(p["family_id"], p["parent_id"],
                                                     p["started_on"])


def _plan_agreed(facts: Facts, p: Payload) -> None:
    facts.plans.append(Dated(p["trajectory_id"], p["agreed_on"]))


def _training_started(facts: Facts, p: Payload) -> None:
    facts.trainings.append(Dated(p["trajectory_id"], p["started_on"]))


def _training_completed(facts: Facts, p: Payload) -> None:
    facts.trainings_completed.append(p["completed_on"])


def _job_started(facts: Facts, p: Payload) -> None:
    facts.jobs[p["job_id"]] = Dated(p["trajectory_id"], p["started_on"])


def _job_ended(facts: Facts, p: Payload) -> None:
    facts.job_ends[p["job_id"]] = p["ended_on"]


def _involvement_day(facts: Facts, p: Payload) -> None:
    facts.involvement_days.append(p["attended_on"])


def _trajectory_completed(facts: Facts, p: Payload) -> None:
    facts.completions[p["trajectory_id"]] = Stopped(p["family_id"], p["completed_on"])


def _trajectory_dropped(facts: Facts, p: Payload) -> None:
    facts.drops[p["trajectory_id"]] = Stopped(p["family_id"], p["dropped_on"])


def _capacity_set(facts: Facts, p: Payload) -> None:
    facts.capacities[p["session_id"]] = p["capacity"]


def _place_taken(facts: Facts, p: Payload) -> None:  # SlotBooked
    place = SessionPlace(p["session_id"], p["family_id"])
    facts.places.append(place)
    facts.granted[p["booking_id"]] = place
    _bridge_end(facts, p)


def _bridge_end(facts: Facts, p: Payload) -> None:
    """The end of the family's bridging period, when booking recorded what it decided on."""
    end = p.get("bridging_ends_on")
    if end is not None and end > facts.bridge_ends.get(p["family_id"], ""):
        facts.bridge_ends[p["family_id"]] = end


def _earliest(dates: dict[str, str], booking: str, on: str) -> None:
    first = dates.get(booking)
    if first is None or on < first:
        dates[booking] = on


def _waitlisted(facts: Facts, p: Payload) -> None:
    facts.waitlisted[p["booking_id"]] = Waitlisted(p["session_id"], p["waitlisted_on"])
    _bridge_end(facts, p)


def _promoted(facts: Facts, p: Payload) -> None:
    place = SessionPlace(p["session_id"], p["family_id"])
    facts.places.append(place)
    facts.granted[p["booking_id"]] = place
    _earliest(facts.left_waitlist, p["booking_id"], p["promoted_on"])


def _cancelled(facts: Facts, p: Payload) -> None:
    _earliest(facts.left_waitlist, p["booking_id"], p["cancelled_on"])
    _earliest(facts.freed, p["booking_id"], p["cancelled_on"])
    if p["late"]:
        facts.late_cancellations.append(p["session_id"])


def _released(facts: Facts, p: Payload) -> None:
    _earliest(facts.left_waitlist, p["booking_id"], p["released_on"])
    _earliest(facts.freed, p["booking_id"], p["released_on"])


def _checked_in(facts: Facts, p: Payload) -> None:
    facts.check_ins.append(SessionPlace(p["session_id"], p["child_id"]))


def _checked_out(facts: Facts, p: Payload) -> None:
    facts.check_outs.append(CheckOut(p["session_id"], p["hours_used"]))


def _no_show(facts: Facts, p: Payload) -> None:
    facts.no_shows.append(p["session_id"])


def _handed_over(facts: Facts, p: Payload) -> None:
    facts.handovers.append(HandedOver(p["destination"], p["handed_over_on"], p["child_id"],
                                      p["family_id"]))


def _unshared_counted(facts: Facts, p: Payload) -> None:
    facts.unshared.setdefault(p["referred_in"], []).append(Counted(p["counted_on"],
                                                                   p["families"]))


def _referral_held(facts: Facts, p: Payload) -> None:
    facts.holds[p["family_id"]] = p["held_on"]


def _referral_answered(facts: Facts, p: Payload) -> None:
    """A decision on the referral (enrolled or declined) can end a wait; 'waiting' cannot."""
    if p["outcome"] != "waiting":
        facts.answers.setdefault(p["family_id"], []).append(p["answered_on"])


def _no_indicator(facts: Facts, p: Payload) -> None:
    """Shareable, but no indicator needs it (the partner is known to send events, though)."""


HANDLERS: dict[str, Callable[[Facts, Payload], None]] = {
    "FamilyReferred": _family_referred,
    "FamilyEnrolled": _family_enrolled,
    "ReferralDeclined": _referral_declined,
    "TrajectoryStarted": _trajectory_started,
    "DevelopmentPlanAgreed": _plan_agreed,
    "TrainingStarted": _training_started,
    "TrainingCompleted": _training_completed,
    "JobStarted": _job_started,
    "JobEnded": _job_ended,
    "ParentInvolvementDayAttended": _involvement_day,
    "TrajectoryCompleted": _trajectory_completed,
    "TrajectoryDropped": _trajectory_dropped,
    "DaypartCapacitySet": _capacity_set,
    "SlotBooked": _place_taken,
    "SlotWaitlisted": _waitlisted,
    "WaitlistPromoted": _promoted,
    "BookingCancelled": _cancelled,
    "BookingReleased": _released,
    "ChildCheckedIn": _checked_in,
    "ChildCheckedOut": _checked_out,
    "NoShowRecorded": _no_show,
    "ChildHandedOver": _handed_over,
    "BookingFlaggedForHandover": _no_indicator,
    "UnsharedFamiliesCounted": _unshared_counted,
    "ReferralHeld": _referral_held,
    "ReferralAnswered": _referral_answered,
    "ParticipantDataRecorded": lambda facts, p: record_participant_data(facts.participants, p),
}
"""Event type -> what it records. Other event types (FamilyErased, ...) are ignored."""
