"""Disclosure control: no small partner cell shown, none worked out from sums, period ends only."""

from __future__ import annotations

import itertools
import random
from datetime import date

import pytest

from contracts.indicators import DIMENSIONS
from contracts.registry import encode
from services.reporting.disclosure import (
    HIDDEN,
    SMALL,
    AsOfRefusedError,
    _sums,
    check_as_of,
    protect,
    suppressed_cells,
)
from services.reporting.domain import Fold
from tests.unit.indicator_facts import COUNTRIES, enrolled, figures_of, referred, started

PARTNERS = ("mechelen", "gent", "de-mussen")
SOURCES = ("public_employment_service", "social_services", "child_and_family_agency", "self")


def random_network(seed: int) -> Fold:
    """Partners of very different sizes, so that some cells are small and some are not."""
    rng = random.Random(seed)
    fold = Fold()
    for partner, size in zip(
        PARTNERS, (rng.randint(20, 60), rng.randint(3, 12), rng.randint(1, 6)), strict=True
    ):
        for n in range(size):
            family = f"{partner}-f{n}"
            source = rng.choice(SOURCES[: rng.randint(1, 4)])
            day = f"2020-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            events = [referred(family, day, source=source)]
            if rng.random() < 0.7:
                events += [enrolled(family, day), started(f"t-{family}", family, day)]
            for event in events:
                fold.apply(partner, event.event_type, encode(event))
    return fold


def shown(report, scope, dimension, category, indicator):
    return report.breakdowns[scope][dimension].get(category, {}).get(indicator, 0)


@pytest.mark.parametrize("seed", range(12))
def test_no_partner_cell_the_coordinator_sees_holds_one_to_four(seed: int) -> None:
    report = figures_of(random_network(seed), date(2020, 12, 31))

    protected = protect(report)

    for partner, dimension in itertools.product(PARTNERS, DIMENSIONS):
        for figures in protected.breakdowns[partner][dimension].values():
            assert not [v for v in figures.values() if isinstance(v, int) and 0 < v < 5]


@pytest.mark.parametrize("seed", range(12))
def test_no_suppressed_cell_is_alone_in_a_sum_the_coordinator_sees(seed: int) -> None:
    report = figures_of(random_network(seed), date(2020, 12, 31))
    hidden = suppressed_cells(report)

    protected = protect(report)

    assert any(c[0] in PARTNERS for c in hidden), "the network should have small cells"
    for cell in hidden:
        assert shown(protected, *cell) in (SMALL, HIDDEN), cell
    for total_shown, cells in _sums(report, {c: 0 for c in _all_cells(report)}):
        alone = [c for c in cells if c in hidden]
        assert len(alone) != 1 or (not total_shown and len(cells) == 1), (total_shown, alone)


def _all_cells(report):
    from services.reporting.disclosure import _cells

    return _cells(report)


def test_totals_are_not_touched_and_big_cells_stay_shown() -> None:
    report = figures_of(random_network(3), date(2020, 12, 31))

    protected = protect(report)

    assert protected.partners == report.partners and protected.network == report.network
    network = protected.breakdowns["network"]["referral_source"]
    assert any(isinstance(v, int) and v >= 5 for f in network.values() for v in f.values())


def test_the_coordinator_sees_period_ends_and_today_only() -> None:
    today = date(2021, 3, 17)

    for day in (date(2021, 2, 28), date(2020, 12, 31), date(2020, 2, 29), today):
        assert check_as_of(day, today) == day
    for day in (date(2021, 3, 16), date(2021, 3, 31), date(2020, 6, 15)):
        with pytest.raises(AsOfRefusedError, match="end of a month"):
            check_as_of(day, today)


def test_a_single_partner_country_hides_its_country_cell_too() -> None:
    report = figures_of(random_network(5), date(2020, 12, 31))
    hidden = suppressed_cells(report)

    assert COUNTRIES["de-mussen"] == "NL"
    for cell in (c for c in hidden if c[0] == "de-mussen"):
        assert ("NL", *cell[1:]) in hidden
