"""The three partner services working together over a real nats-server, on SQLite."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import nats
import pytest

from apps.bootstrap import Partner
from contracts.booking import Daypart
from contracts.commands import (
    AgreePlan,
    BookSlot,
    CancelBooking,
    CheckIn,
    CheckOut,
    ChildDetails,
    CompleteTraining,
    CompleteTrajectory,
    DeclineReferral,
    DropTrajectory,
    EndJob,
    EnrolFamily,
    HandOverChild,
    ParentDetails,
    RecordConsent,
    RecordInvolvementDay,
    RecordNoShow,
    ReferFamily,
    ReleaseDueBookings,
    SetDaypartCapacity,
    StartJob,
    StartTraining,
    WithdrawConsent,
)
from contracts.intake import ConsentPurpose, DeclineReason, Gender, ReferralSource
from contracts.trajectory import CompletionOutcome, DropReason, JobKind, LifeDomain, TrainingKind
from pace.client import CommandRefusedError, PartnerClient
from tests.eventually import eventually

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]

TODAY = datetime.now(UTC).date()
SOON = TODAY + timedelta(days=7)
RECENT_BIRTH = (TODAY - timedelta(days=400)).strftime("%Y-%m")
NAME = "Anouk Verhaegen"
PHONE = "+32 470 12 34 56"
NATIONAL_NUMBER = "85.07.30-033.61"
NOTES = "Prefers mornings; works evenings at the bakery."


@pytest.fixture
async def partner(tmp_path, nats_url):
    async with Partner("mechelen", tmp_path, nats_url, grace_days=14) as running:
        yield running


@pytest.fixture
async def staff(partner, nats_url):
    nc = await nats.connect(nats_url)
    yield PartnerClient(nc, "mechelen")
    await nc.close()


def referral(n: int, birth_month: str = RECENT_BIRTH) -> ReferFamily:
    return ReferFamily(
        family_id=f"fam-{n:03d}", referral_source=ReferralSource.PUBLIC_EMPLOYMENT_SERVICE,
        referred_on=TODAY,
        parents=(ParentDetails(parent_id=f"par-{n:03d}", gender=Gender.FEMALE,
                               full_name=f"{NAME} {n}", phone=PHONE,
                               national_number=NATIONAL_NUMBER),),
        children=(ChildDetails(child_id=f"chi-{n:03d}", first_name="Lotte",
                               birth_month=birth_month),),
        notes=NOTES)


async def enrolled_family(staff: PartnerClient, n: int, **kwargs) -> None:
    await staff.do("intake", referral(n, **kwargs))
    for purpose in (ConsentPurpose.TRAJECTORY, ConsentPurpose.CHILDCARE):
        await staff.do("intake", RecordConsent(family_id=f"fam-{n:03d}", purpose=purpose,
                                               given_on=TODAY))
    await staff.do("intake", EnrolFamily(family_id=f"fam-{n:03d}", coach_id="coach-1",
                                         enrolled_on=TODAY))


def session(day: date = SOON, daypart: Daypart = Daypart.MORNING) -> dict:
    return {"location_id": "kinderopvang-noord", "session_date": day, "daypart": daypart}


async def bookable(staff: PartnerClient, n: int) -> None:
    """Wait until booking's own view knows the family is enrolled (it follows intake's events)."""
    async def try_book():  # a child not of the family: refused only once the family may book
        reply = await staff.send("booking", BookSlot(**session(TODAY + timedelta(days=300)),
                                                     booking_id=f"probe-{n}",
                                                     family_id=f"fam-{n:03d}",
                                                     child_id="chi-probe"))
        return "is not a child of" in reply["error"]["message"]
    await eventually(try_book)


async def test_enrolment_opens_a_trajectory_and_lets_the_family_book(staff) -> None:
    await staff.do("booking", SetDaypartCapacity(**session(), capacity=15))
    await enrolled_family(staff, 1)

    trajectories = await eventually(lambda: staff.query("trajectory", "trajectories"))
    await bookable(staff, 1)
    events = await staff.do("booking", BookSlot(**session(), booking_id="b-1",
                                                family_id="fam-001", child_id="chi-001"))

    assert trajectories[0]["family_id"] == "fam-001"
    assert trajectories[0]["status"] == "ongoing"
    assert [e["event_type"] for e in events] == ["SlotBooked"]


async def test_every_trajectory_command_over_request_reply(staff) -> None:
    await enrolled_family(staff, 2)
    await eventually(lambda: staff.query("trajectory", "trajectories"))
    family = {"family_id": "fam-002"}

    done = [
        await staff.do("trajectory", AgreePlan(**family, goals=(LifeDomain.WORK,
                                                                LifeDomain.LANGUAGE),
                                               agreed_on=TODAY)),
        await staff.do("trajectory", StartTraining(**family, training_id="t-1",
                                                   kind=TrainingKind.LANGUAGE, started_on=TODAY)),
        await staff.do("trajectory", CompleteTraining(**family, training_id="t-1",
                                                      completed_on=TODAY)),
        await staff.do("trajectory", StartJob(**family, job_id="j-1", kind=JobKind.REGULAR,
                                              hours_per_week=19, started_on=TODAY)),
        await staff.do("trajectory", EndJob(**family, job_id="j-1", ended_on=TODAY)),
        await staff.do("trajectory", RecordInvolvementDay(**family, attended_on=TODAY)),
        await staff.do("trajectory", CompleteTrajectory(**family, outcome=CompletionOutcome.JOB,
                                                        completed_on=TODAY)),
    ]

    assert [d[0]["event_type"] for d in done] == [
        "DevelopmentPlanAgreed", "TrainingStarted", "TrainingCompleted", "JobStarted",
        "JobEnded", "ParentInvolvementDayAttended", "TrajectoryCompleted"]
    with pytest.raises(CommandRefusedError, match="rule_broken: .*trajectory has ended"):
        await staff.do("trajectory", DropTrajectory(**family, reason=DropReason.OTHER,
                                                    dropped_on=TODAY))


async def test_intake_commands_and_their_rules(staff) -> None:
    await staff.do("intake", referral(3))

    with pytest.raises(CommandRefusedError, match="not consented to a trajectory"):
        await staff.do("intake", EnrolFamily(family_id="fam-003", coach_id="c", enrolled_on=TODAY))
    await staff.do("intake", RecordConsent(family_id="fam-003", purpose=ConsentPurpose.CHILDCARE,
                                           given_on=TODAY))
    withdrawn = await staff.do("intake", WithdrawConsent(
        family_id="fam-003", purpose=ConsentPurpose.CHILDCARE, withdrawn_on=TODAY))
    declined = await staff.do("intake", DeclineReferral(
        family_id="fam-003", reason=DeclineReason.FAMILY_DECLINED, declined_on=TODAY))
    with pytest.raises(CommandRefusedError, match="already been referred"):
        await staff.do("intake", referral(3))

    assert withdrawn[0]["event_type"] == "ConsentWithdrawn"
    assert declined[0]["event_type"] == "ReferralDeclined"


async def test_the_same_command_sent_twice_appends_once(staff) -> None:
    command = referral(4)
    first = await staff.send("intake", command, command_id=__import__("uuid").UUID(int=4))
    again = await staff.send("intake", command, command_id=__import__("uuid").UUID(int=4))

    assert first == again
    assert first["ok"]


async def test_fifty_concurrent_bookings_for_fifteen_places(staff, partner) -> None:
    await staff.do("booking", SetDaypartCapacity(**session(), capacity=15))
    await asyncio.gather(*(enrolled_family(staff, n) for n in range(100, 150)))
    await asyncio.gather(*(bookable(staff, n) for n in range(100, 150)))
    before = await partner.stores["booking"].last_position()

    replies = await asyncio.gather(*(
        staff.do("booking", BookSlot(**session(), booking_id=f"b-{n}", family_id=f"fam-{n:03d}",
                                     child_id=f"chi-{n:03d}"))
        for n in range(100, 150)))

    kinds = [r[0]["event_type"] for r in replies]
    assert kinds.count("SlotBooked") == 15
    assert kinds.count("SlotWaitlisted") == 35
    assert await partner.stores["booking"].last_position() == before + 50
    booked = [n for n, k in zip(range(100, 150), kinds, strict=True) if k == "SlotBooked"]

    promoted = []
    for n in booked[:3]:
        events = await staff.do("booking", CancelBooking(**session(), booking_id=f"b-{n}"))
        promoted += [e for e in events if e["event_type"] == "WaitlistPromoted"]

    assert len(promoted) == 3
    places = await eventually(lambda: _session_row(staff, promoted_total=3))
    assert places["taken"] == 15 and places["waiting"] == 32 and places["free"] == 0


async def test_a_services_own_views_show_a_command_once_it_answers(staff) -> None:
    """Intake's, booking's and trajectory's own read models commit with their events (inline
    projections): a query right after the reply sees them, with nothing to wait for."""
    day = session(SOON + timedelta(days=5), Daypart.AFTERNOON)
    await staff.do("booking", SetDaypartCapacity(**day, capacity=7))
    sessions = await staff.query("booking", "sessions")
    await staff.do("intake", referral(61))
    families = await staff.query("intake", "families")

    assert [(s["daypart"], s["capacity"], s["taken"]) for s in sessions
            if s["date"] == day["session_date"].isoformat()] == [("afternoon", 7, 0)]
    assert "fam-061" in [f["family_id"] for f in families]


async def _session_row(staff: PartnerClient, promoted_total: int):
    rows = await staff.query("booking", "sessions")
    row = next((r for r in rows if r["date"] == SOON.isoformat() and r["daypart"] == "morning"),
               None)
    return row if row and row["waiting"] == 35 - promoted_total else None


async def test_attendance_no_show_and_handover(staff) -> None:
    await staff.do("booking", SetDaypartCapacity(**session(TODAY + timedelta(days=1)),
                                                 capacity=2))
    await enrolled_family(staff, 5)
    await bookable(staff, 5)
    day = session(TODAY + timedelta(days=1))
    await staff.do("booking", BookSlot(**day, booking_id="b-5", family_id="fam-005",
                                       child_id="chi-005"))
    start = datetime.combine(day["session_date"], datetime.min.time(), UTC) + timedelta(hours=8)

    await staff.do("booking", CheckIn(**day, booking_id="b-5", at=start))
    out = await staff.do("booking", CheckOut(**day, booking_id="b-5",
                                             at=start + timedelta(hours=3, minutes=30)))
    handover = await staff.do("booking", HandOverChild(
        family_id="fam-005", child_id="chi-005", destination="preschool", handed_over_on=TODAY))
    with pytest.raises(CommandRefusedError, match="no booked place"):
        await staff.do("booking", RecordNoShow(**day, booking_id="b-5"))

    assert out[0]["event_type"] == "ChildCheckedOut"
    assert handover[0]["event_type"] == "ChildHandedOver"


async def test_a_dropped_trajectory_hands_bookings_over_after_the_grace_period(staff) -> None:
    later = session(TODAY + timedelta(days=30))
    await staff.do("booking", SetDaypartCapacity(**later, capacity=1))
    for n in (6, 7):
        await enrolled_family(staff, n)
        await bookable(staff, n)
    await staff.do("booking", BookSlot(**later, booking_id="b-6", family_id="fam-006",
                                       child_id="chi-006"))
    waiting = await staff.do("booking", BookSlot(**later, booking_id="b-7", family_id="fam-007",
                                                 child_id="chi-007"))
    await eventually(lambda: staff.query("trajectory", "trajectories", status="ongoing"))

    await staff.do("trajectory", DropTrajectory(family_id="fam-006",
                                                reason=DropReason.MOVED_AWAY, dropped_on=TODAY))

    async def flagged_and_released():
        reply = await staff.do("booking", ReleaseDueBookings(today=TODAY + timedelta(days=14)))
        return reply or None
    released = await eventually(flagged_and_released)
    assert waiting[0]["event_type"] == "SlotWaitlisted"
    assert [e["event_type"] for e in released] == ["BookingReleased", "WaitlistPromoted"]
    early = await staff.do("booking", ReleaseDueBookings(today=TODAY + timedelta(days=13)))
    assert early == []
