"""The planned history keeps the services' rules: ages, places, waitlists and cut-offs."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from contracts import commands as wire
from pace.network.registry import load_registry
from services.booking.rules import Policy, check_age
from simulation.calibration import Calibration, CalibrationError, Milestone
from simulation.planner import plan_history
from simulation.profiles import PartnerProfile, default_profiles
from simulation.steps import Step
from tests.unit.history_facts import (
    BRIDGING_WEEKS,
    CAPACITY,
    FEB_2020,
    MECHELEN,
    SMALL,
    YEAR_2022,
    default_history,
)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def history() -> list[Step]:
    return default_history()


def check_the_services_rules(steps: list[Step]) -> None:
    """Every rule the services enforce, checked on the planned commands."""
    assert steps == sorted(steps, key=lambda s: s.order)
    by_family: dict[tuple[str, str], list[Step]] = defaultdict(list)
    capacity_set: dict[tuple[str, str], date] = {}
    for step in steps:
        if isinstance(step.command, wire.SetDaypartCapacity):
            key = (step.partner, step.command.session_id)
            assert key not in capacity_set
            assert step.day <= step.command.session_date
            capacity_set[key] = step.day
        else:
            by_family[(step.partner, step.family_id)].append(step)
    for (partner, family_id), family_steps in by_family.items():
        refer, *rest = family_steps
        assert isinstance(refer.command, wire.ReferFamily), family_id
        born = {c.child_id: c.birth_month for c in refer.command.children}
        consents: set = set()
        enrolled_on = ended_on = None
        may_book_until = date.max  # the day bookings must come before (bridge end, drop)
        trainings: set[str] = set()
        jobs: set[str] = set()
        booked: dict[str, wire.BookSlot] = {}
        handed_over: set[str] = set()
        for step in rest:
            c = step.command
            if step.context == "trajectory":
                assert enrolled_on is not None and ended_on is None, (family_id, c)
                assert enrolled_on + timedelta(days=1) <= step.day, (family_id, c)
            match c:
                case wire.RecordConsent():
                    consents.add(c.purpose)
                case wire.DeclineReferral():
                    assert enrolled_on is None
                case wire.EnrolFamily():
                    assert "trajectory" in consents and enrolled_on is None
                    enrolled_on = c.enrolled_on
                    assert c.enrolled_on == step.day
                case wire.StartTraining():
                    trainings.add(c.training_id)
                case wire.CompleteTraining():
                    assert c.training_id in trainings
                case wire.StartJob():
                    jobs.add(c.job_id)
                case wire.EndJob():
                    assert c.job_id in jobs
                case wire.CompleteTrajectory():
                    ended_on = step.day
                    may_book_until = step.day + timedelta(weeks=BRIDGING_WEEKS)
                case wire.DropTrajectory():
                    ended_on = may_book_until = step.day
                case wire.BookSlot():
                    assert enrolled_on is not None and "childcare" in consents, family_id
                    assert step.day >= enrolled_on + timedelta(days=1), family_id
                    assert step.day <= c.session_date and step.phase == "booking"
                    # active: any session; completed: before its bridge ends; dropped: none
                    assert step.day < may_book_until and c.session_date < may_book_until
                    assert c.child_id not in handed_over, c.child_id
                    check_age(c.child_id, born[c.child_id], c.session_date)
                    assert capacity_set[(partner, c.session_id)] <= step.day
                    booked[c.booking_id] = c
                case wire.CancelBooking():
                    assert step.day < c.session_date and c.booking_id in booked
                case wire.CheckIn() | wire.CheckOut() | wire.RecordNoShow():
                    assert step.day == c.session_date and c.booking_id in booked
                case wire.HandOverChild():
                    assert c.child_id not in handed_over
                    handed_over.add(c.child_id)
            if isinstance(c, wire.CompleteTrajectory | wire.DropTrajectory):
                assert step.day >= enrolled_on + timedelta(days=1)
    check_the_places(steps)


def check_the_places(steps: list[Step], capacity: int = CAPACITY) -> None:
    """Each session replayed as the booking service decides: a place while there is room and
    nobody waits, else the waitlist; a cancelled place goes to the first child waiting. Every
    check-in, check-out and no-show is for a child with a place, every cancellation for a
    booking still held or waiting; a session never holds more than `capacity` children."""
    booked: dict[tuple[str, str], set[str]] = defaultdict(set)
    waiting: dict[tuple[str, str], list[str]] = defaultdict(list)
    for step in steps:
        c = step.command
        key = (step.partner, getattr(c, "session_id", ""))
        match c:
            case wire.BookSlot():
                if not waiting[key] and len(booked[key]) < capacity:
                    booked[key].add(c.booking_id)
                else:
                    waiting[key].append(c.booking_id)
            case wire.CancelBooking():
                if c.booking_id in waiting[key]:
                    waiting[key].remove(c.booking_id)
                else:
                    booked[key].remove(c.booking_id)
                    if waiting[key]:
                        booked[key].add(waiting[key].pop(0))
            case wire.CheckIn() | wire.RecordNoShow():
                assert c.booking_id in booked[key], (step.partner, c)
            case wire.CheckOut():
                assert c.booking_id in booked[key], (step.partner, c)
        assert len(booked[key]) <= capacity


def test_a_partners_own_policy_sets_its_places_per_day_part():
    small = Policy(max_places_per_daypart=4)
    profile = PartnerProfile("gent", "nl", 40, date(2017, 3, 1), dense_from=date(2018, 1, 1),
                             policy=small)

    steps = plan_history([profile], seed=5)

    capacities = {s.command.capacity for s in steps
                  if isinstance(s.command, wire.SetDaypartCapacity)}
    assert capacities == {4}
    check_the_places(steps, capacity=4)


def test_the_default_history_keeps_the_services_rules(history):
    check_the_services_rules(history)


@pytest.mark.parametrize("seed", [7, 11, 2016])
def test_small_uncalibrated_histories_keep_the_services_rules(seed):
    steps = plan_history(SMALL, seed=seed)
    assert steps == plan_history(SMALL, seed=seed)
    assert sum(isinstance(s.command, wire.ReferFamily) for s in steps) == 34
    check_the_services_rules(steps)


def test_a_scaled_history_is_uncalibrated_and_keeps_the_rules(registry):
    steps = plan_history(default_profiles(registry.delivery, scale=0.1))
    check_the_services_rules(steps)


def test_a_target_the_families_cannot_meet_is_refused():
    impossible = Calibration((Milestone(date(2018, 1, 1), trajectories_started=50),))
    with pytest.raises(CalibrationError):
        plan_history([PartnerProfile("gent", "nl", 20, date(2017, 3, 1),
                                     calibration=impossible)])
    with pytest.raises(CalibrationError):
        Milestone(FEB_2020, trajectories_started=3, trajectories_completed=1,
                  trajectories_dropped=0, trajectories_ongoing=1)


def mechelen_places_in_2022(history: list[Step]) -> tuple[Counter, Counter, set]:
    """Per morning session of 2022: bookings and children waiting; children who waited."""
    asked: Counter[str] = Counter()
    waited: Counter[str] = Counter()
    booked: dict[str, list[str]] = defaultdict(list)
    for step in history:
        c = step.command
        if step.partner == MECHELEN and isinstance(c, wire.BookSlot) \
                and c.session_date >= YEAR_2022 and c.daypart == "morning":
            asked[c.session_id] += 1
            booked[c.session_id].append(c.booking_id)
            if asked[c.session_id] > CAPACITY:
                waited[c.session_id] += 1
    return asked, waited, {b for bookings in booked.values() for b in bookings[CAPACITY:]}


def test_mechelens_mornings_run_near_their_15_places_with_a_waitlist_in_2022(history):
    asked, waited, _ = mechelen_places_in_2022(history)
    full = [s for s, n in asked.items() if n >= CAPACITY]
    assert len(asked) >= 90  # two mornings a week
    assert len(full) >= 20 and sum(waited.values()) >= 20
    # from May to November, mornings are asked for by 13 children or more on average
    summer = [n for s, n in asked.items() if "2022-05-01" <= s.split(":")[1] <= "2022-11-30"]
    assert sum(summer) / len(summer) >= 13


def test_children_come_a_few_day_parts_a_week_in_2022(history):
    per_child: Counter[str] = Counter()
    weeks: dict[str, set] = defaultdict(set)
    for step in history:
        c = step.command
        if step.partner == MECHELEN and isinstance(c, wire.BookSlot) \
                and c.session_date >= YEAR_2022:
            per_child[c.child_id] += 1
            weeks[c.child_id].add(c.session_date.isocalendar()[1])
    assert len(per_child) >= 33
    assert sorted(per_child[c] / len(weeks[c]) for c in per_child)[len(per_child) // 2] >= 1.8


def test_some_families_keep_their_places_after_coaching_ends(history):
    """Bridging: places for sessions after the trajectory was completed, within 8 weeks."""
    completed = {(s.partner, s.family_id): s.day for s in history
                 if isinstance(s.command, wire.CompleteTrajectory)}
    after = [(s, completed[(s.partner, s.family_id)]) for s in history
             if isinstance(s.command, wire.CheckIn)
             and (s.partner, s.family_id) in completed
             and s.day > completed[(s.partner, s.family_id)]]
    families = {(s.partner, s.family_id) for s, _ in after}
    assert len(families) >= 50
    assert all(s.day < end + timedelta(weeks=BRIDGING_WEEKS) for s, end in after)


def test_same_day_bookings_come_before_the_cut_off_on_every_partners_clock(history):
    """Morning places close at 08:00 on the partner's own clock, summer time included."""
    same_day = [s for s in history if isinstance(s.command, wire.BookSlot)
                and s.day == s.command.session_date]
    assert same_day
    for zone in ("Europe/Brussels", "Europe/Amsterdam", "Europe/Paris", "Europe/London"):
        assert all(s.at.astimezone(ZoneInfo(zone)).time() < time(8)
                   and s.at.astimezone(ZoneInfo(zone)).date() == s.day for s in same_day)
