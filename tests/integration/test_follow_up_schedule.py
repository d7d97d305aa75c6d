"""Follow-ups marked due by the server's clock: a JetStream schedule at `@every 1s`.

A parent's trajectory ended 200 days ago, another's 20 days ago. At the next ticks the first
follow-up is due (once, however many ticks come) and on the coach's list; the second is not.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import nats
import pytest

from apps.bootstrap import Partner
from contracts.commands import CompleteTrajectory, EnrolFamily, RecordConsent
from contracts.intake import ConsentPurpose
from contracts.trajectory import CompletionOutcome
from pace.client import PartnerClient
from services.trajectory import follow_ups
from tests.eventually import eventually
from tests.integration.test_services import referral

pytestmark = [pytest.mark.nats, pytest.mark.timeout(180)]

TODAY = datetime.now(UTC).date()


async def ended(staff: PartnerClient, n: int, days_ago: int) -> None:
    """Family n enrolled a year ago; its trajectory completed `days_ago` days ago."""
    family = f"fam-{n:03d}"
    await staff.do("intake", referral(n))
    await staff.do("intake", RecordConsent(family_id=family, purpose=ConsentPurpose.TRAJECTORY,
                                           given_on=TODAY))
    await staff.do("intake", EnrolFamily(family_id=family, coach_id="coach-1",
                                         enrolled_on=TODAY - timedelta(days=365)))

    async def started() -> bool:
        return bool(await staff.query("trajectory", "trajectories", family_id=family))

    await eventually(started, f"{family}'s trajectory started")
    await staff.do("trajectory", CompleteTrajectory(
        family_id=family, outcome=CompletionOutcome.JOB,
        completed_on=TODAY - timedelta(days=days_ago)))


async def test_the_schedule_puts_a_due_follow_up_on_the_list_once(
        tmp_path, nats_url, monkeypatch) -> None:
    monkeypatch.setattr(follow_ups, "DEFAULT_FOLLOW_UP_CRON", "@every 1s")
    nc = await nats.connect(nats_url)
    staff = PartnerClient(nc, "mechelen")
    running = await Partner("mechelen", tmp_path, nats_url, history_mode=True).start()
    try:
        await ended(staff, 1, 200)
        await ended(staff, 2, 20)

        async def listed() -> list | None:
            rows = await staff.query("trajectory", "follow_ups", coach_id="coach-1")
            return rows or None

        rows = await eventually(listed, "the follow-up on the coach's list", seconds=60)
        ticks = running.runner.schedules[follow_ups.FOLLOW_UP_SCHEDULE]
        seen = ticks.handled
        await eventually(lambda: _more(ticks, seen + 2), "two more ticks", seconds=45)
        events = await running.stores["trajectory"].read_all(0, 10_000)
    finally:
        await running.stop()
        await nc.close()

    assert [(r["family_id"], r["status"]) for r in rows] == [("fam-001", "due")]
    due = [e for e in events if e.event_type == "FollowUpFellDue"]
    assert [e.envelope.payload["trajectory_id"] for e in due] == ["traj-fam-001"]


async def _more(ticks, wanted: int) -> bool:
    return ticks.handled >= wanted
