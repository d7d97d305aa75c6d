"""A partner's busy fortnight, driven through the services' own handlers: every view moves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from apps.views import projection_of
from contracts.booking import HandoverDestination
from contracts.commands import (
    CancelBooking,
    CompleteTrajectory,
    DropTrajectory,
    HandOverChild,
    ReleaseDueBookings,
    WithdrawConsent,
)
from contracts.intake import ConsentPurpose, FamilyErased
from contracts.trajectory import CompletionOutcome, DropReason
from tests.app.families import LOCATION, SOON, TODAY, book, capacity, enrolled, referred
from tests.app.harness import InProcessPartner

LATER = TODAY + timedelta(weeks=10)
VIEWS = ("intake", "booking", "trajectory")


async def busy_fortnight(partner: InProcessPartner) -> None:
    """Six families: bookings, a waitlist, a cancellation, ends of trajectories, a handover."""
    families = [event for n in range(1, 7) for event in enrolled(n)]
    await partner.given(*families, referred(7), capacity(2), capacity(15, on=LATER))
    for n in range(1, 7):
        await partner.do("booking", book(n))
        await partner.do("booking", book(n, on=LATER, booking=f"b-{n}-later"))
    await partner.do("booking", CancelBooking(location_id=LOCATION, session_date=SOON,
                                              daypart="morning", booking_id="b-1"))
    await partner.do("trajectory", CompleteTrajectory(
        family_id="fam-2", outcome=CompletionOutcome.JOB, completed_on=TODAY))
    await partner.do("trajectory", DropTrajectory(
        family_id="fam-3", reason=DropReason.MOVED_AWAY, dropped_on=TODAY))
    await partner.do("intake", WithdrawConsent(family_id="fam-4", purpose=ConsentPurpose.CHILDCARE,
                                               withdrawn_on=TODAY))
    await partner.do("booking", HandOverChild(
        family_id="fam-5", child_id="chi-5", destination=HandoverDestination.REGULAR_CHILDCARE,
        handed_over_on=TODAY))
    await partner.given(FamilyErased(family_id="fam-7", erased_on=TODAY))
    await partner.do("booking", ReleaseDueBookings(today=TODAY + timedelta(days=14)))


async def snapshot(store: Any, service: str) -> dict[str, list[tuple]]:
    """Every row of the service's view tables, in a stable order."""
    def read(conn: Any) -> dict[str, list[tuple]]:
        return {table.name: sorted(tuple(map(str, row)) for row in conn.execute(select(table)))
                for table in projection_of(service).tables.sorted_tables}

    return await store.db.read(read)
