"""The planned history: the published figures, straight from the commands, and the services' rules.

The figures are computed here from the Step commands alone, following the definitions in
services/reporting/domain.py (not its code): every command of the planned history is
accepted by the services, so each command is the event it leads to.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from contracts import commands as wire
from contracts.booking import HandoverDestination
from pace.domain import RuleBrokenError
from pace.network.registry import DEFAULT_REGISTRY, load_registry
from services.booking.rules import Policy, check_age
from simulation.calibration import NETWORK_TARGETS, Calibration, CalibrationError, Milestone
from simulation.dates import PROGRAMME_END
from simulation.families import Child
from simulation.planner import plan_history
from simulation.profiles import PartnerProfile, default_profiles
from simulation.steps import Step

MECHELEN = "mechelen"
FEB_2020, MAR_2021, END_2022 = date(2020, 2, 29), date(2021, 3, 31), date(2022, 12, 31)
YEAR_2022 = date(2022, 1, 1)
POLICY = Policy()  # booking's own defaults, which the services of these tests run with
CAPACITY, BRIDGING_WEEKS = POLICY.max_places_per_daypart, POLICY.bridging_weeks

# The figures the partners published (../shared/ARCHITECTURE.md, "The job").
PUBLISHED_MECHELEN = [
    # (as_of, period start or None for to-date, indicator, value)
    (FEB_2020, None, "families_referred", 86),
    (FEB_2020, None, "trajectories_started", 67),
    (FEB_2020, None, "trajectories_completed", 34),
    (FEB_2020, None, "trajectories_ongoing", 33),
    (FEB_2020, None, "trajectories_dropped", 0),
    (FEB_2020, None, "parents_found_work", 27),
    (END_2022, None, "families_referred", 167),
    (END_2022, date(2017, 1, 1), "families_referred", 167),
    (END_2022, None, "children_cared_for", 147),
    (END_2022, None, "parents_found_work", 58),
    (END_2022, None, "parents_trained", 90),
    (END_2022, YEAR_2022, "children_cared_for", 33),
    (END_2022, YEAR_2022, "children_handed_over_regular", 7),
    (END_2022, YEAR_2022, "children_handed_over_preschool", 6),
]
PUBLISHED_NETWORK = [
    (MAR_2021, None, "families_with_childcare", 697),
    (MAR_2021, None, "parents_reduced_distance_to_work", 544),
    (MAR_2021, None, "development_plans_agreed", 500),
]
SMALL = [  # as tests/network uses: small, uncalibrated
    PartnerProfile("mechelen", "nl", 14, date(2017, 1, 9), complete=0.5, drop=0.2),
    PartnerProfile("gent", "nl", 10, date(2017, 3, 1), job=0.6),
    PartnerProfile("kent", "en", 10, date(2017, 5, 1), training=0.8),
]


def figures(steps: Iterable[Step], partner: str, as_of: date,
            start: date | None = None) -> dict[str, int]:
    """One partner's figures for the window [start, as_of] (to-date when start is None)."""
    def inside(day: date) -> bool:
        return (start is None or start <= day) and day <= as_of

    steps = [s for s in steps if s.partner == partner]
    child_of = {s.command.booking_id: s.command.child_id for s in steps
                if isinstance(s.command, wire.BookSlot)}
    seen: dict[str, set[str]] = defaultdict(set)
    ended: dict[str, date] = {}
    started: dict[str, date] = {}
    for step in steps:
        c = step.command
        match c:
            case wire.ReferFamily() if inside(c.referred_on):
                seen["families_referred"].add(c.family_id)
            case wire.EnrolFamily():
                started[c.family_id] = c.enrolled_on
                if inside(c.enrolled_on):
                    seen["trajectories_started"].add(c.family_id)
            case wire.CompleteTrajectory():
                ended[c.family_id] = c.completed_on
                if inside(c.completed_on):
                    seen["trajectories_completed"].add(c.family_id)
            case wire.DropTrajectory():
                ended[c.family_id] = c.dropped_on
                if inside(c.dropped_on):
                    seen["trajectories_dropped"].add(c.family_id)
            case wire.AgreePlan() if inside(c.agreed_on):
                seen["development_plans_agreed"].add(c.family_id)
            case wire.StartTraining() if inside(c.started_on):
                seen["parents_trained"].add(c.family_id)
                seen["parents_reduced_distance_to_work"].add(c.family_id)
            case wire.StartJob() if inside(c.started_on):
                seen["parents_found_work"].add(c.family_id)
                seen["parents_reduced_distance_to_work"].add(c.family_id)
            case wire.BookSlot() if inside(c.session_date):
                seen["families_with_childcare"].add(c.family_id)
            case wire.CheckIn() if inside(c.session_date):
                seen["children_cared_for"].add(child_of[c.booking_id])
            case wire.HandOverChild() if inside(c.handed_over_on):
                kind = ("children_handed_over_preschool"
                        if c.destination is HandoverDestination.PRESCHOOL
                        else "children_handed_over_regular")
                seen[kind].add(c.child_id)
    counted = {name: len(ids) for name, ids in seen.items()}
    counted["trajectories_ongoing"] = sum(
        1 for family, on in started.items()
        if on <= as_of and (family not in ended or ended[family] > as_of))
    return counted


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def history(registry) -> list[Step]:
    return plan_history(default_profiles(registry.delivery))


@pytest.mark.parametrize(("as_of", "start", "indicator", "value"), PUBLISHED_MECHELEN,
                         ids=[f"{i}-{s or 'to-date'}-{a}" for a, s, i, _v in PUBLISHED_MECHELEN])
def test_mechelen_gives_its_published_figures(history, as_of, start, indicator, value):
    assert figures(history, MECHELEN, as_of, start).get(indicator, 0) == value


@pytest.mark.parametrize(("as_of", "start", "indicator", "value"), PUBLISHED_NETWORK,
                         ids=[i for _a, _s, i, _v in PUBLISHED_NETWORK])
def test_the_network_gives_its_published_figures(history, registry, as_of, start, indicator,
                                                 value):
    partners = [p.id for p in registry.delivery]
    assert len(partners) == 10
    assert sum(figures(history, p, as_of, start).get(indicator, 0) for p in partners) == value


@pytest.mark.parametrize("seed", [99])
def test_any_seed_gives_the_published_figures(registry, seed):
    """The figures come by construction (quotas), not from a seed that happens to fit (the
    default seed is 2016; one other is enough to show it, and each plan takes seconds)."""
    steps = plan_history(default_profiles(registry.delivery), seed=seed)
    for as_of, start, indicator, value in PUBLISHED_MECHELEN:
        assert figures(steps, MECHELEN, as_of, start).get(indicator, 0) == value, indicator
    for as_of, start, indicator, value in PUBLISHED_NETWORK:
        assert sum(figures(steps, p.id, as_of, start).get(indicator, 0)
                   for p in registry.delivery) == value, indicator


def test_a_partner_added_to_the_registry_takes_its_share_of_the_networks_figures(tmp_path):
    """No list of partners beside the registry: a new delivery partner gets the default
    profile and its part of the network's targets, and the network still gives its figures."""
    path = tmp_path / "partners.toml"
    path.write_text(DEFAULT_REGISTRY.read_text(encoding="utf-8") + """
[[partner]]
id = "oostende"
name = "City of Ostend"
city = "Oostende"
country = "BE"
language = "nl"
role = "delivery"
""", encoding="utf-8")
    registry = load_registry(path)

    profiles = default_profiles(registry.delivery, registry=registry)

    added = next(p for p in profiles if p.partner == "oostende")
    assert added.calibration is not None and added.calibration.at(PROGRAMME_END) is not None
    for indicator in NETWORK_TARGETS.INDICATORS:
        assert sum(getattr(p.calibration.at(PROGRAMME_END), indicator)
                   for p in profiles) == getattr(NETWORK_TARGETS, indicator)
    steps = plan_history(profiles)
    for as_of, start, indicator, value in PUBLISHED_NETWORK:
        assert sum(figures(steps, p.id, as_of, start).get(indicator, 0)
                   for p in registry.delivery) == value, indicator
    assert figures(steps, "oostende", MAR_2021)["families_with_childcare"] > 0


def test_only_the_registrys_whole_network_is_calibrated_to_the_networks_figures(registry):
    """Some of the partners (`pace demo --partners`) cannot give the network's figures: only
    the lead partner keeps its own."""
    profiles = default_profiles([registry["mechelen"], registry["gent"]])

    assert [p.calibration is not None for p in profiles] == [True, False]


def test_the_planned_childcare_ends_where_bookings_age_rule_does():
    child = Child("chi-0001-1", "Lina", "2019-05")

    last = child.last_day_aged_0_3()

    assert last == date(2023, 4, 30)
    check_age(child.child_id, child.birth_month, last)
    with pytest.raises(RuleBrokenError, match="older than 3"):
        check_age(child.child_id, child.birth_month, last + timedelta(days=1))


def test_a_partners_own_policy_sets_its_places_per_day_part():
    small = Policy(max_places_per_daypart=4)
    profile = PartnerProfile("gent", "nl", 40, date(2017, 3, 1), dense_from=date(2018, 1, 1),
                             policy=small)

    steps = plan_history([profile], seed=5)

    capacities = {s.command.capacity for s in steps
                  if isinstance(s.command, wire.SetDaypartCapacity)}
    assert capacities == {4}
    check_the_places(steps, capacity=4)


def test_the_children_handed_over_in_2022_were_cared_for_in_2022(history):
    """Of the 33 children in care during 2022, 7 + 6 moved on: the same children."""
    in_2022 = {s.command.booking_id for s in history if s.partner == MECHELEN
               and isinstance(s.command, wire.CheckIn) and s.command.session_date >= YEAR_2022}
    child_of = {s.command.booking_id: s.command.child_id for s in history
                if s.partner == MECHELEN and isinstance(s.command, wire.BookSlot)}
    cared = {child_of[b] for b in in_2022}
    handed = {s.command.child_id for s in history if s.partner == MECHELEN
              and isinstance(s.command, wire.HandOverChild)
              and s.command.handed_over_on >= YEAR_2022}
    assert handed <= cared


def test_every_mechelen_referral_is_in_2017_to_2022(history):
    days = [s.command.referred_on for s in history
            if s.partner == MECHELEN and isinstance(s.command, wire.ReferFamily)]
    assert len(days) == 167
    assert min(days) >= date(2017, 1, 1) and max(days) <= END_2022


def test_other_partners_keep_smaller_histories_in_their_language(history, registry):
    referred = Counter(s.partner for s in history if isinstance(s.command, wire.ReferFamily))
    assert set(referred) == {p.id for p in registry.delivery}
    assert all(0 < n < referred[MECHELEN] for p, n in referred.items() if p != MECHELEN)
    for info in registry.delivery:
        assert any(s.partner == info.id for s in history)
    profiles = {p.partner: p for p in default_profiles(registry.delivery)}
    assert all(profiles[p.id].language == p.language for p in registry.delivery)


def test_the_history_is_deterministic_and_small_enough(history, registry):
    assert plan_history(default_profiles(registry.delivery)) == history
    assert len(history) <= 30_000


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
