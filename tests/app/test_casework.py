"""The coach's daily work: contacts with notes in the vault, plan actions, the coach's list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select

from apps.views import rebuild
from contracts import subjects
from contracts.commands import (
    AddPlanAction,
    CompletePlanAction,
    DropPlanAction,
    DropTrajectory,
    EraseFamily,
    KeepContactNote,
    RecordContact,
    RedatePlanAction,
)
from contracts.intake import ConsentPurpose
from contracts.trajectory import (
    CASEWORK_EVENTS,
    ActionOwner,
    ContactChannel,
    ContactKind,
    ContactRecorded,
    LifeDomain,
    TrajectoryStarted,
)
from pace.domain import UnknownFamilyError
from services.intake import vault
from services.trajectory import views
from tests.app.families import TODAY, consented, enrolled
from tests.app.harness import InProcessPartner
from tests.app.test_intake import REFERRAL, STAFF

NOTE = "Mother worried about the rent; asked for the social worker's number."
WEEKS_AGO_5 = TODAY - timedelta(weeks=5)


def contact(contact_id: str = "c-1", on: date = TODAY, kind: ContactKind = ContactKind.PHONE_CALL,
            family_id: str = "fam-1") -> RecordContact:
    return RecordContact(family_id=family_id, contact_id=contact_id, kind=kind,
                         channel=ContactChannel.PHONE, contacted_on=on)


def action(action_id: str, due_on: date, family_id: str = "fam-1") -> AddPlanAction:
    return AddPlanAction(family_id=family_id, action_id=action_id, owner=ActionOwner.COACH,
                         due_on=due_on, life_domain=LifeDomain.WORK, added_on=WEEKS_AGO_5)


def started(n: int, coach: str = "coach-1", on: date = WEEKS_AGO_5) -> TrajectoryStarted:
    return TrajectoryStarted(trajectory_id=f"traj-fam-{n}", family_id=f"fam-{n}",
                             parent_id=f"par-{n}", coach_id=coach, started_on=on)


async def coach_list(partner, coach: str | None = "coach-1") -> dict:
    [listed] = await partner.query("trajectory", "coach_list", coach_id=coach)
    return listed


async def referred_and_started(partner) -> None:
    await partner.do("intake", REFERRAL)
    await partner.given(started(1))


async def test_a_contact_is_an_event_and_its_note_stays_in_the_vault(partner) -> None:
    await referred_and_started(partner)

    outcome = await partner.when("trajectory", contact())
    await partner.do("intake", KeepContactNote(family_id="fam-1", contact_id="c-1", note=NOTE))

    outcome.then(ContactRecorded(trajectory_id="traj-fam-1", family_id="fam-1", contact_id="c-1",
                                 kind=ContactKind.PHONE_CALL, channel=ContactChannel.PHONE,
                                 contacted_on=TODAY))
    assert "rent" not in outcome.records[0].wire_bytes().decode()
    [work] = await partner.query("trajectory", "casework", family_id="fam-1")
    assert [(c["contact_id"], c["kind"], c["contacted_on"]) for c in work["contacts"]] == [
        ("c-1", "phone_call", TODAY.isoformat())]
    [notes] = await partner.query("intake", "contact_notes", family_id="fam-1", **STAFF)
    assert notes["notes"] == {"c-1": NOTE}


async def test_reading_contact_notes_is_recorded_as_an_access(partner) -> None:
    await referred_and_started(partner)
    await partner.do("intake", KeepContactNote(family_id="fam-1", contact_id="c-1", note=NOTE))

    await partner.query("intake", "contact_notes", family_id="fam-1", **STAFF)

    reads = await partner.query("intake", "access", family_id="fam-1")
    assert [(r["reader"], r["purpose"]) for r in reads] == [("staff:coach-1", "coaching")]


async def test_an_erased_familys_contact_notes_are_gone(partner) -> None:
    await referred_and_started(partner)
    await partner.do("trajectory", contact())
    await partner.do("intake", KeepContactNote(family_id="fam-1", contact_id="c-1", note=NOTE))

    await partner.do("intake", EraseFamily(family_id="fam-1", erased_on=TODAY))

    assert await partner.query("intake", "contact_notes", family_id="fam-1", **STAFF) == []
    left = await partner.stores["intake"].db.read(
        lambda conn: conn.execute(select(vault.contact_notes)).all())
    assert left == []
    refused = await partner.when("intake", KeepContactNote(family_id="fam-1", contact_id="c-2",
                                                           note=NOTE))
    refused.then_refused(UnknownFamilyError, "fam-1 has no record in the vault")


async def test_an_erasure_leaves_other_families_notes(partner) -> None:
    other = REFERRAL.model_copy(update={"family_id": "fam-2", "children": ()})
    await partner.do("intake", REFERRAL)
    await partner.do("intake", other)
    for family in ("fam-1", "fam-2"):
        await partner.do("intake", KeepContactNote(family_id=family, contact_id="c-1", note=NOTE))

    await partner.do("intake", EraseFamily(family_id="fam-1", erased_on=TODAY))

    [kept] = await partner.query("intake", "contact_notes", family_id="fam-2", **STAFF)
    assert kept["notes"] == {"c-1": NOTE}


async def test_open_actions_due_before_today_are_overdue(partner) -> None:
    await partner.given(started(1))
    await partner.do("trajectory", action("a-late", TODAY - timedelta(days=1)))
    await partner.do("trajectory", action("a-today", TODAY))
    await partner.do("trajectory", action("a-done", TODAY - timedelta(days=3)))
    await partner.do("trajectory", CompletePlanAction(family_id="fam-1", action_id="a-done",
                                                      completed_on=TODAY))

    listed = await coach_list(partner)

    assert listed["today"] == TODAY.isoformat()
    assert [(a["action_id"], a["owner"], a["due_on"]) for a in listed["overdue"]] == [
        ("a-late", "coach", (TODAY - timedelta(days=1)).isoformat())]


async def test_a_redated_action_leaves_the_overdue_list(partner) -> None:
    await partner.given(started(1))
    await partner.do("trajectory", action("a-1", TODAY - timedelta(days=1)))

    await partner.do("trajectory", RedatePlanAction(family_id="fam-1", action_id="a-1",
                                                    due_on=TODAY + timedelta(days=7),
                                                    redated_on=TODAY))

    assert (await coach_list(partner))["overdue"] == []


async def test_a_trajectory_without_contact_for_four_weeks_is_listed(partner) -> None:
    await partner.given(started(1), started(2), started(3, on=TODAY - timedelta(weeks=3)))
    await partner.do("trajectory", contact(family_id="fam-2", on=TODAY - timedelta(days=2)))

    listed = await coach_list(partner)

    assert [(t["trajectory_id"], t["last_contact_on"], t["since"]) for t in listed["silent"]] == [
        ("traj-fam-1", None, WEEKS_AGO_5.isoformat())]


async def test_the_weeks_count_from_the_last_contact(partner) -> None:
    await partner.given(started(1))
    old_contact = TODAY - timedelta(weeks=4)
    await partner.do("trajectory", contact(on=old_contact))

    listed = await coach_list(partner)

    assert [(t["trajectory_id"], t["last_contact_on"]) for t in listed["silent"]] == [
        ("traj-fam-1", old_contact.isoformat())]


async def test_an_outreach_attempt_without_answer_is_no_contact(partner) -> None:
    await partner.given(started(1))

    await partner.do("trajectory", contact(kind=ContactKind.NO_ANSWER))

    assert [t["trajectory_id"] for t in (await coach_list(partner))["silent"]] == ["traj-fam-1"]


async def test_a_coach_sees_only_their_own_trajectories_an_admin_all(partner) -> None:
    await partner.given(started(1, coach="coach-1"), started(2, coach="coach-2"))
    for family in ("fam-1", "fam-2"):
        await partner.do("trajectory", action("a-" + family, TODAY - timedelta(days=1), family))

    mine = await coach_list(partner, "coach-1")
    everyone = await coach_list(partner, None)

    assert [a["action_id"] for a in mine["overdue"]] == ["a-fam-1"]
    assert [t["trajectory_id"] for t in mine["silent"]] == ["traj-fam-1"]
    assert [(a["coach_id"], a["action_id"]) for a in everyone["overdue"]] == [
        ("coach-1", "a-fam-1"), ("coach-2", "a-fam-2")]


async def test_today_is_the_partners_local_day(partner) -> None:
    await partner.given(started(1))
    await partner.do("trajectory", action("a-1", TODAY))
    partner.now = datetime(TODAY.year, TODAY.month, TODAY.day, 23, 30, tzinfo=UTC)

    listed = await coach_list(partner)  # 00:30 the next day in Brussels

    assert listed["today"] == (TODAY + timedelta(days=1)).isoformat()
    assert [a["action_id"] for a in listed["overdue"]] == ["a-1"]


async def test_an_ended_trajectory_leaves_the_coachs_list(partner) -> None:
    await partner.given(started(1))
    await partner.do("trajectory", action("a-1", TODAY - timedelta(days=1)))

    await partner.do("trajectory", DropTrajectory(family_id="fam-1", reason="moved_away",
                                                  dropped_on=TODAY))

    assert await coach_list(partner) == {"today": TODAY.isoformat(), "weeks": 4,
                                         "overdue": [], "silent": []}


async def test_casework_stays_with_the_partner_even_for_a_consenting_family(partner) -> None:
    await partner.given(*enrolled(1), *consented(1, ConsentPurpose.CROSS_BORDER_STATISTICS))
    before = len(partner.events("sharing"))

    await partner.do("trajectory", contact())
    await partner.do("trajectory", action("a-1", TODAY + timedelta(days=3)))
    await partner.do("trajectory", CompletePlanAction(family_id="fam-1", action_id="a-1",
                                                      completed_on=TODAY))

    assert partner.events("sharing")[before:] == []
    assert not any(subject.endswith(tuple(m.event_type for m in CASEWORK_EVENTS))
                   for subject in subjects.shareable_subjects("mechelen"))
    assert KeepContactNote.model_fields["note"].json_schema_extra["classification"] == "personal"


async def test_the_partner_sets_how_many_weeks_without_contact_count() -> None:
    strict = await InProcessPartner(trajectory_settings={"silent_weeks": 2}).start()
    default = await InProcessPartner().start()
    three_weeks_quiet = started(1, on=TODAY - timedelta(weeks=3))
    for partner in (strict, default):
        await partner.given(three_weeks_quiet)

    assert [t["trajectory_id"] for t in (await coach_list(strict))["silent"]] == ["traj-fam-1"]
    assert (await coach_list(default))["silent"] == []
    assert (await coach_list(strict))["weeks"] == 2


async def test_a_rebuild_gives_the_same_contacts_and_actions(partner) -> None:
    await partner.given(started(1), started(2))
    await partner.do("trajectory", contact())
    await partner.do("trajectory", action("a-1", TODAY - timedelta(days=1)))
    await partner.do("trajectory", action("a-2", TODAY + timedelta(days=1), "fam-2"))
    await partner.do("trajectory", DropPlanAction(family_id="fam-2", action_id="a-2",
                                                  dropped_on=TODAY))
    live = [await partner.query("trajectory", "casework", family_id=f) for f in ("fam-1", "fam-2")]
    tables = (views.contacts, views.actions)
    await partner.stores["trajectory"].db.write(
        lambda conn: [conn.execute(delete(table)) for table in tables])

    await rebuild("trajectory", partner.stores)

    again = [await partner.query("trajectory", "casework", family_id=f) for f in ("fam-1", "fam-2")]
    assert again == live and live[1][0]["actions"][0]["status"] == "dropped"
