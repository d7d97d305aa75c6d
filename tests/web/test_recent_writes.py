"""The web keeps each user's recent writes for a few seconds, so the next pages show them."""

from __future__ import annotations

from services.web.partner.writes import MAX_EVENTS, RecentWrites


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def reply_events(*types: str) -> list[dict[str, object]]:
    return [{"event_id": f"e-{t}", "event_type": t, "stream_id": "s", "stream_version": 1}
            for t in types]


def test_a_users_writes_are_kept_for_that_user_only_and_for_a_while():
    clock = Clock()
    writes = RecentWrites(keep_seconds=10, clock=clock)

    writes.remember("carla", reply_events("FamilyEnrolled"))
    clock.now += 5
    writes.remember("carla", reply_events("TrainingStarted"))

    assert [e["event_type"] for e in writes.of("carla")] == ["FamilyEnrolled", "TrainingStarted"]
    assert writes.of("carla")[0] == {"event_id": "e-FamilyEnrolled",
                                     "event_type": "FamilyEnrolled"}
    assert writes.of("wout") == []
    clock.now += 10
    assert writes.of("carla") == []


def test_a_command_without_events_changes_nothing_and_the_list_is_bounded():
    writes = RecentWrites(clock=Clock())

    writes.remember("ada", [])
    assert writes.of("ada") == []
    writes.remember("ada", reply_events(*(f"T{i}" for i in range(MAX_EVENTS + 5))))

    kept = writes.of("ada")
    assert len(kept) == MAX_EVENTS and kept[-1]["event_type"] == f"T{MAX_EVENTS + 4}"
