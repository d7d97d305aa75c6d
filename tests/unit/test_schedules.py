"""The schedule helper's pure parts: subjects, headers, the stream that may hold schedules."""

from __future__ import annotations

from pace.schedules import Schedule, schedule_subject, schedules_stream, tick_subject


async def _nothing(_at) -> None:
    return None


def test_a_daily_cron_carries_the_partners_time_zone():
    schedule = Schedule("booking-release", "0 5 0 * * *", _nothing, "Europe/Brussels")

    assert schedule.headers("mechelen") == {
        "Nats-Schedule": "0 5 0 * * *",
        "Nats-Schedule-Target": "pace.mechelen.schedule.booking-release.tick",
        "Nats-Schedule-Time-Zone": "Europe/Brussels",
    }


def test_an_interval_needs_no_time_zone():
    headers = Schedule("booking-release", "@every 1s", _nothing, "Europe/Paris").headers("arques")

    assert "Nats-Schedule-Time-Zone" not in headers


def test_definitions_and_ticks_live_in_the_partners_schedules_stream():
    stream = schedules_stream("kent")

    assert stream.allow_msg_schedules is True
    assert stream.subjects == ["pace.kent.schedule.>"]
    assert schedule_subject("kent", "x") == "pace.kent.schedule.x"
    assert tick_subject("kent", "x").startswith("pace.kent.schedule.")
