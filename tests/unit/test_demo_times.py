"""The demo's timing lines: every phase, and commands per second without dividing by zero."""

from __future__ import annotations

from apps.demo import DemoTimes


def test_the_lines_name_every_phase_and_both_rates() -> None:
    wall, rate = DemoTimes(network_up=2.0, drive=40.0, hub_catch_up=5.0, total=50.0,
                           commands=4_000).lines()
    assert wall == ("Wall time: network up 2.0s, drive 40.0s, hub catch-up 5.0s, "
                    "total 50.0s")
    assert rate == "Commands per second: 100 while driving, 80 end to end (4,000 commands)"


def test_no_time_measured_gives_a_dash_not_an_error() -> None:
    assert DemoTimes().lines()[1] == ("Commands per second: - while driving, - end to end "
                                      "(0 commands)")
