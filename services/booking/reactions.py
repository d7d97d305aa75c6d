"""Booking reacting to other events: trajectory ends, handovers, consent withdrawn."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from contracts import intake
from contracts import trajectory as traj
from contracts.booking import ChildHandedOver, ReleaseReason, TrajectoryState
from contracts.intake import ConsentPurpose
from pace.commands import decide_and_append, reaction_meta
from pace.consumer import Handler
from services.booking import trajectory_view, views
from services.booking.domain import (
    FlagForHandover,
    ReleaseBooking,
    Request,
    WithdrawBooking,
    decider,
    stream_id,
)
from services.booking.rules import FamilyFacts, Policy


def release_reason(family: FamilyFacts | None) -> ReleaseReason:
    """Why a flagged place is released: the bridge ended, the trajectory was dropped, or grace."""
    if family is not None and family.trajectory is TrajectoryState.COMPLETED:
        return ReleaseReason.BRIDGING_ENDED
    if family is not None and family.trajectory is TrajectoryState.DROPPED:
        return ReleaseReason.TRAJECTORY_DROPPED
    return ReleaseReason.GRACE_PERIOD_ENDED


def on_trajectory(policy: Policy) -> Handler:
    """Learn the trajectory's state; when it ends, flag the places that must go, and when.

    Completed: places in sessions from the end of the bridging period on are due at once
    (the next release); places during the bridge stay. Dropped: every later place is due
    after the grace period.
    """

    def handle(tx: Any, envelope: Any, event: Any) -> None:
        trajectory_view.apply_trajectory(tx, envelope, event)
        match event:
            case traj.TrajectoryCompleted():
                ended = event.completed_on
                after, release_on = policy.bridge_end(ended) - timedelta(days=1), ended
            case traj.TrajectoryDropped():
                ended = event.dropped_on
                after, release_on = ended, ended + timedelta(days=policy.grace_days)
            case _:
                return
        meta = reaction_meta(envelope, "booking-handover")
        for row in views.future_bookings(tx.connection, event.family_id, after):
            command = FlagForHandover(row.booking_id, ended, release_on)
            decide_and_append(
                tx,
                decider,
                stream_id(row.session_id),
                Request(command, meta.now, policy=policy),
                meta,
            )

    return handle


def on_handover(policy: Policy) -> Handler:
    """A child handed over: its places after the handover date are released, waiting promoted."""

    def handle(tx: Any, envelope: Any, event: Any) -> None:
        if not isinstance(event, ChildHandedOver):
            return
        meta = reaction_meta(envelope, "booking-handover-places")
        today = max(event.handed_over_on, policy.local(envelope.occurred_at).date())
        for row in views.child_bookings_after(tx.connection, event.child_id, event.handed_over_on):
            _end(
                tx,
                row,
                ReleaseBooking(row.booking_id, today, ReleaseReason.HANDED_OVER),
                meta,
                policy,
            )

    return handle


def on_intake(policy: Policy) -> Handler:
    """Keep the families view; a withdrawn childcare consent cancels the family's places."""

    def handle(tx: Any, envelope: Any, event: Any) -> None:
        views.apply_intake(tx, envelope, event)
        if not (
            isinstance(event, intake.ConsentWithdrawn) and event.purpose is ConsentPurpose.CHILDCARE
        ):
            return
        meta = reaction_meta(envelope, "booking-families")
        today = policy.local(envelope.occurred_at).date()
        for row in views.future_bookings(tx.connection, event.family_id, today - timedelta(days=1)):
            _end(tx, row, WithdrawBooking(row.booking_id, today), meta, policy)

    return handle


def _end(tx: Any, row: Any, command: Any, meta: Any, policy: Policy) -> None:
    waiting = views.waiting_facts(tx.connection, row.session_id)
    request = Request(command, meta.now, waiting=waiting, policy=policy)
    decide_and_append(tx, decider, stream_id(row.session_id), request, meta)
