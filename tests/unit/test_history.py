"""The planned history: its published figures, straight from the commands, and its calibration.

The figures are computed (history_facts.py) from the Step commands alone, following the
definitions in services/reporting/domain.py (not its code): every command of the planned
history is accepted by the services, so each command is the event it leads to.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from contracts import commands as wire
from pace.domain import RuleBrokenError
from pace.network.registry import DEFAULT_REGISTRY, load_registry
from services.booking.rules import check_age
from simulation.calibration import NETWORK_TARGETS
from simulation.dates import PROGRAMME_END
from simulation.families import Child
from simulation.planner import plan_history
from simulation.profiles import default_profiles
from simulation.steps import Step
from tests.unit.history_facts import (
    END_2022,
    MAR_2021,
    MECHELEN,
    PUBLISHED_MECHELEN,
    PUBLISHED_NETWORK,
    YEAR_2022,
    default_history,
    figures,
)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def history() -> list[Step]:
    return default_history()


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
