"""A query naming a command's events waits until the service's views applied them."""

from __future__ import annotations

import pytest

from pace.read_your_writes import awaited, caught_up, subject_matches
from pace.service import Reaction, Service
from pace.store import EventStore

BOOKED = {"event_id": "e-1", "event_type": "SlotBooked"}
REFERRED = {"event_id": "e-2", "event_type": "FamilyReferred"}


def ignore(*_args: object) -> None:
    """A view that keeps nothing."""


@pytest.fixture
async def service(tmp_path):
    store = await EventStore.open(tmp_path / "booking.db", "mechelen")
    yield Service("mechelen", "booking", store, [], [
        Reaction("booking-bookings", ["pace.mechelen.evt.booking.*"], ignore),
        Reaction("booking-families", ["pace.mechelen.evt.intake.>"], ignore),
    ])
    await store.close()


def test_subjects_match_as_nats_matches_them():
    assert subject_matches("pace.m.evt.booking.*", "pace.m.evt.booking.SlotBooked")
    assert subject_matches("pace.m.evt.>", "pace.m.evt.booking.SlotBooked")
    assert not subject_matches("pace.m.evt.booking.*", "pace.m.evt.intake.FamilyReferred")
    assert not subject_matches("pace.m.evt.booking.*", "pace.m.evt.booking")
    assert not subject_matches("pace.m.evt.>", "pace.m.evt")


async def test_each_reaction_awaits_only_the_events_its_filter_takes(service):
    assert awaited(service, [BOOKED, REFERRED]) == {
        "booking-bookings": ["e-1"], "booking-families": ["e-2"]}
    assert awaited(service, []) == {}


@pytest.mark.parametrize("after", [
    "e-1", [{"event_id": "e-1"}], [{"event_id": 1, "event_type": "SlotBooked"}],
    [{"event_id": "e-1", "event_type": "NoSuchEvent"}], [BOOKED] * 101])
async def test_a_malformed_list_of_events_is_refused_with_a_reason(service, after):
    with pytest.raises(ValueError, match="after|event"):
        awaited(service, after)


async def test_waits_until_every_reaction_applied_the_named_events(service):
    assert not await caught_up(service, [BOOKED, REFERRED], timeout=0.1)

    await service.store.in_transaction(lambda tx: tx.mark_processed("booking-bookings", ["e-1"]))
    assert await caught_up(service, [BOOKED], timeout=0.1)
    assert not await caught_up(service, [BOOKED, REFERRED], timeout=0.1)

    await service.store.in_transaction(lambda tx: tx.mark_processed("booking-families", ["e-2"]))
    assert await caught_up(service, [BOOKED, REFERRED], timeout=0.1)
