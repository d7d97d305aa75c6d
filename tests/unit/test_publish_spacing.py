"""How far apart the hub's figures go out: the pace follows computing time, not one outlier."""

from __future__ import annotations

import pytest

from services.reporting.app import LATEST_DELAY, PACE_WINDOW, PUBLISH_SHARE, spacing


def test_before_any_publication_the_delay_alone() -> None:
    assert spacing(LATEST_DELAY, ()) == LATEST_DELAY


def test_quick_computations_keep_the_delay() -> None:
    assert spacing(LATEST_DELAY, [0.004, 0.005, 0.005]) == LATEST_DELAY


def test_one_slow_computation_does_not_space_the_next_publications_out() -> None:
    # a garbage collection in the middle of one: 90 ms among 5 ms ones (the latency bench)
    assert spacing(LATEST_DELAY, [0.005, 0.005, 0.09, 0.005, 0.005]) == LATEST_DELAY


def test_computations_that_are_slow_as_a_rule_space_them_out() -> None:
    slow = [0.09, 0.1, 0.005, 0.11, 0.09]
    assert spacing(LATEST_DELAY, slow) == pytest.approx(PUBLISH_SHARE * 0.09)
    assert len(slow) == PACE_WINDOW
