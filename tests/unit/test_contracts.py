"""The shared language: classification, registry, upcasting, schemas, subjects."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from contracts import booking as b
from contracts import intake as i
from contracts import participants as pd
from contracts import reporting as r
from contracts import subjects
from contracts import trajectory as t
from contracts.base import Classification, DomainEvent, personal, pseudonymous, public
from contracts.registry import (
    EVENT_TYPES,
    MODELS,
    UPCASTERS,
    NotShareableError,
    UnknownEventTypeError,
    _nested_models,
    decode,
    encode,
    field_classifications,
    minimise,
    share,
    shareable_types,
)
from contracts.schema_export import REGENERATE, schemas, stale

DAY = date(2020, 2, 3)
NOON = datetime(2020, 2, 3, 12, 30, tzinfo=UTC)
SESSION = b.session_id("mechelen-centrum", DAY, b.Daypart.MORNING)
BOOKING = {"session_id": SESSION, "booking_id": "bk-1", "family_id": "fam-1", "child_id": "chi-1"}
TRAJ = {"trajectory_id": "tr-1", "family_id": "fam-1"}


def referral() -> i.FamilyReferred:
    return i.FamilyReferred(
        family_id="fam-1", referral_source=i.ReferralSource.SOCIAL_SERVICES, referred_on=DAY,
        parents=(i.ParentRef(parent_id="par-1", gender=i.Gender.FEMALE),),
        children=(i.ChildRef(child_id="chi-1", birth_month="2018-07"),),
    )


EXAMPLES: list[DomainEvent] = [
    referral(),
    i.ConsentRecorded(family_id="fam-1", purpose=i.ConsentPurpose.CHILDCARE, given_on=DAY),
    i.ConsentWithdrawn(family_id="fam-1", purpose=i.ConsentPurpose.TRAJECTORY, withdrawn_on=DAY),
    i.FamilyEnrolled(family_id="fam-1", coach_id="coach-7", enrolled_on=DAY,
                     parent_ids=("par-1", "par-2")),
    i.ReferralDeclined(family_id="fam-1", reason=i.DeclineReason.UNREACHABLE, declined_on=DAY),
    i.FamilyErased(family_id="fam-1", erased_on=DAY),
    i.UnsharedFamiliesCounted(referred_in="2020-02", families=3, counted_on=DAY),
    i.ReferralHeld(family_id="fam-1", held_on=DAY, priority=2),
    i.ReferralPrioritySet(family_id="fam-1", priority=1, set_on=DAY),
    i.ReferralAnswered(family_id="fam-1", outcome=i.ReferralOutcome.DECLINED, answered_on=DAY,
                       reason=i.DeclineReason.NO_CAPACITY),
    b.DaypartCapacitySet(session_id=SESSION, location_id="mechelen-centrum", session_date=DAY,
                         daypart=b.Daypart.MORNING, capacity=15),
    b.SlotBooked(**BOOKING, kind=b.BookingKind.FLEXIBLE, hours=3.5, booked_on=DAY),
    b.SlotWaitlisted(**BOOKING, kind=b.BookingKind.OCCASIONAL, hours=2, waitlisted_on=DAY),
    b.WaitlistPromoted(**BOOKING, promoted_on=DAY),
    b.BookingCancelled(**BOOKING, cancelled_on=DAY, late=True),
    b.ChildCheckedIn(**BOOKING, checked_in_at=NOON),
    b.ChildCheckedOut(**BOOKING, checked_out_at=NOON, hours_used=3.5),
    b.NoShowRecorded(**BOOKING, recorded_on=DAY),
    b.BookingFlaggedForHandover(**BOOKING, flagged_on=DAY, release_on=date(2020, 3, 2)),
    b.BookingReleased(**BOOKING, released_on=date(2020, 3, 2)),
    b.ChildHandedOver(family_id="fam-1", child_id="chi-1",
                      destination=b.HandoverDestination.PRESCHOOL, handed_over_on=DAY),
    t.TrajectoryStarted(**TRAJ, parent_id="par-1", coach_id="coach-7", started_on=DAY),
    t.DevelopmentPlanAgreed(**TRAJ, goals=(t.LifeDomain.WORK, t.LifeDomain.LANGUAGE),
                            agreed_on=DAY),
    t.TrainingStarted(**TRAJ, training_id="trn-1", kind=t.TrainingKind.LANGUAGE, started_on=DAY),
    t.TrainingCompleted(**TRAJ, training_id="trn-1", completed_on=DAY),
    t.JobStarted(**TRAJ, job_id="job-1", kind=t.JobKind.SOCIAL_ECONOMY, hours_per_week=19,
                 started_on=DAY),
    t.JobEnded(**TRAJ, job_id="job-1", ended_on=DAY),
    t.ParentInvolvementDayAttended(**TRAJ, attended_on=DAY),
    t.TrajectoryCompleted(**TRAJ, outcome=t.CompletionOutcome.JOB, completed_on=DAY),
    t.TrajectoryDropped(**TRAJ, reason=t.DropReason.MOVED_AWAY, dropped_on=DAY),
    t.CoachReassigned(**TRAJ, coach_id="coach-9", previous_coach_id="coach-7",
                      reassigned_on=DAY),
    t.ContactRecorded(**TRAJ, contact_id="c-1", kind=t.ContactKind.HOME_VISIT,
                      channel=t.ContactChannel.IN_PERSON, contacted_on=DAY),
    t.PlanActionAdded(**TRAJ, action_id="a-1", owner=t.ActionOwner.PARENT, due_on=DAY,
                      life_domain=t.LifeDomain.LANGUAGE, added_on=DAY),
    t.PlanActionCompleted(**TRAJ, action_id="a-1", completed_on=DAY),
    t.PlanActionDropped(**TRAJ, action_id="a-1", dropped_on=DAY),
    t.PlanActionRedated(**TRAJ, action_id="a-1", due_on=DAY, redated_on=DAY),
    pd.ParticipantDataRecorded(
        **TRAJ, moment=pd.Moment.ENTRY, situation_on=DAY, recorded_on=DAY,
        labour_status=pd.LabourStatus.UNEMPLOYED, long_term_unemployed=True,
        age_band=pd.ParticipantAgeBand.UNDER_25, education=pd.EducationBand.ISCED_3_4,
        single_parent_household=True, age=22, isced_level=3, months_unemployed=9),
    pd.FollowUpFellDue(**TRAJ, due_on=DAY),
    r.PartnerFiguresPublished(
        partner_id="mechelen", period="2017..2022", as_of=date(2022, 12, 31),
        figures={"families_entered": 167, "children_cared_for": 147, "share_working": 0.35},
        breakdowns={"handover": {"regular_childcare": {"children": 7},
                                  "preschool": {"children": 6}}}),
    r.NetworkFiguresPublished(period="2016-10..2021-03", as_of=date(2021, 3, 31),
                              figures={"families_with_better_access_to_childcare": 697}),
    r.FiguresSubmitted(partner_id="mechelen", period="2020-Q1", submitted_on=date(2020, 4, 2)),
    r.FiguresApproved(partner_id="mechelen", period="2020-Q1", approved_on=date(2020, 4, 9),
                      as_of=date(2020, 4, 9), events_counted=120,
                      figures={"families_referred": 12, "share_working": 0.35}),
    r.FiguresReopened(partner_id="mechelen", period="2020-Q1", reopened_on=date(2020, 5, 1),
                      reason="late referrals"),
]


class _Probe(DomainEvent):
    context = "test"
    shareable = True
    family_id: str = pseudonymous()
    note: str = personal()
    count: int = public()


def test_every_event_type_of_the_four_contexts_is_registered() -> None:
    assert set(EVENT_TYPES) == {type(event).event_type for event in EXAMPLES}
    assert {m.context for m in EVENT_TYPES.values()} == {
        "intake", "booking", "trajectory", "reporting"}


@pytest.mark.parametrize("model", list(MODELS.values()), ids=lambda m: f"{m.__name__}")
def test_every_field_is_classified_nested_ones_included(model: type[DomainEvent]) -> None:
    missing = [path for path, c in field_classifications(model).items() if c is None]

    assert missing == []


@pytest.mark.parametrize("model", shareable_types(), ids=lambda m: m.event_type)
def test_no_shareable_event_has_a_personal_field(model: type[DomainEvent]) -> None:
    assert Classification.PERSONAL not in field_classifications(model).values()


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: e.event_type)
def test_every_event_survives_encode_and_decode(event: DomainEvent) -> None:
    assert decode(event.event_type, event.schema_version, encode(event)) == event


def test_version_one_check_out_is_upcast_to_hours() -> None:
    v1 = {**BOOKING, "checked_out_at": "2020-02-03T12:30:00Z", "minutes_used": 210}

    event = decode("ChildCheckedOut", 1, v1)

    assert isinstance(event, b.ChildCheckedOut)
    assert event.hours_used == 3.5
    assert "minutes_used" not in encode(event)


def test_a_broken_old_payload_is_refused_before_upcasting() -> None:
    with pytest.raises(ValidationError, match="minutes_used"):
        decode("ChildCheckedOut", 1, {**BOOKING, "checked_out_at": "2020-02-03T12:30:00Z"})


def test_every_superseded_version_has_a_model_and_an_upcaster() -> None:
    for event_type, model in EVENT_TYPES.items():
        for version in range(1, model.schema_version):
            assert (event_type, version) in MODELS
            assert (event_type, version) in UPCASTERS


def test_unknown_types_and_versions_are_refused_by_name() -> None:
    with pytest.raises(UnknownEventTypeError, match="unknown event type 'Nope'"):
        decode("Nope", 1, {})
    with pytest.raises(UnknownEventTypeError, match="FamilyReferred has no schema version 7"):
        decode("FamilyReferred", 7, {})
    with pytest.raises(UnknownEventTypeError, match="knows v1, v2"):
        decode("ChildCheckedOut", 3, {})


def test_events_are_frozen() -> None:
    with pytest.raises(ValidationError, match="frozen"):
        referral().family_id = "other"  # type: ignore[misc]


def test_events_refuse_unknown_fields() -> None:
    smuggled = {**encode(referral()), "national_number": "85.07.30-033.61"}

    with pytest.raises(ValidationError, match="national_number"):
        i.FamilyReferred.model_validate(smuggled)


@pytest.mark.parametrize(("model", "bad"), [
    (i.FamilyReferred, {"family_id": "Jan Peeters"}),
    (i.FamilyReferred, {"family_id": "f" * 65}),
    (i.FamilyReferred, {"children": [{"child_id": "chi-1", "birth_month": "2018-13"}]}),
    (i.FamilyReferred, {"parents": []}),
    (i.FamilyReferred, {"referral_source": "neighbour"}),
    (b.SlotBooked, {"hours": 0}),
    (b.SlotBooked, {"session_id": "mechelen-centrum:2020-02-03:evening"}),
    (b.DaypartCapacitySet, {"capacity": -1}),
    (b.DaypartCapacitySet, {"daypart": "afternoon"}),
    (b.BookingFlaggedForHandover, {"release_on": "2020-01-01"}),
    (t.DevelopmentPlanAgreed, {"goals": ["work", "work"]}),
    (t.DevelopmentPlanAgreed, {"goals": []}),
    (r.PartnerFiguresPublished, {"figures": {"families_entered": True}}),
    (r.PartnerFiguresPublished, {"figures": {"Families Entered": 1}}),
    (r.PartnerFiguresPublished, {"period": "last year"}),
])
def test_bad_input_is_refused(model: type[DomainEvent], bad: dict[str, object]) -> None:
    valid = next(encode(e) for e in EXAMPLES if type(e) is model)

    with pytest.raises(ValidationError):
        model.model_validate({**valid, **bad})


def test_figures_keep_counts_as_integers() -> None:
    published = next(e for e in EXAMPLES if isinstance(e, r.PartnerFiguresPublished))

    assert encode(published)["figures"]["families_entered"] == 167
    assert isinstance(encode(published)["figures"]["families_entered"], int)


def test_minimise_keeps_pseudonymous_ids_and_public_facts_not_local_ones() -> None:
    kept = encode(referral())
    kept["children"] = [{"child_id": c["child_id"]} for c in kept["children"]]

    assert minimise(referral()) == kept


@pytest.mark.parametrize("model", shareable_types(), ids=lambda m: m.event_type)
def test_every_local_field_of_a_shareable_event_is_optional(model: type[DomainEvent]) -> None:
    local = [path for path, c in field_classifications(model).items() if c is Classification.LOCAL]
    for path in local:
        owner: type = model
        *parents, name = path.split(".")
        for parent in parents:
            owner = next(_nested_models(owner.model_fields[parent].annotation))
        assert not owner.model_fields[name].is_required(), path


def test_the_hubs_copy_of_a_check_in_has_an_age_band_and_no_time() -> None:
    from contracts.booking import ChildCheckedIn

    event = ChildCheckedIn(session_id="centrum:2020-02-03:morning", booking_id="b-1",
                           family_id="fam-1", child_id="chi-1",
                           checked_in_at="2020-02-03T08:31:17+01:00")

    copy = share(event, lambda field, value: f"x-{value}", {"age_band": "1-2"})

    assert encode(copy)["checked_in_at"] is None and encode(copy)["age_band"] == "1-2"
    with pytest.raises(NotShareableError, match="not a public field"):
        share(event, lambda field, value: value, {"child_id": "chi-2"})


def test_minimise_drops_personal_fields() -> None:
    probe = _Probe(family_id="fam-1", note="lives with her mother", count=2)

    assert minimise(probe) == {"family_id": "fam-1", "count": 2}


def test_minimise_refuses_events_that_never_leave_the_partner() -> None:
    with pytest.raises(NotShareableError, match="FamilyErased"):
        minimise(i.FamilyErased(family_id="fam-1", erased_on=DAY))


def test_schemas_cover_every_version_and_the_envelope() -> None:
    names = set(schemas())

    assert {"envelope.json", "ChildCheckedOut.v1.json", "ChildCheckedOut.v2.json"} <= names
    assert len(names) == len(MODELS) + 1


def test_checked_in_schemas_match_the_models() -> None:
    assert stale() == [], f"schemas are stale: run {REGENERATE}"


def test_subjects_follow_the_scheme() -> None:
    assert subjects.event_subject("mechelen", "SlotBooked") == \
        "pace.mechelen.evt.booking.SlotBooked"
    assert subjects.command_subject("gent", "intake", "refer_family") == \
        "pace.gent.cmd.intake.refer_family"
    assert subjects.dead_letter_subject("gent", "trajectory") == "pace.gent.dlq.trajectory"
    assert subjects.figures_subject("network") == "pace.network.figures.network"
    assert subjects.figures_subject("kent") == "pace.network.figures.kent"


def test_only_shareable_types_have_shareable_subjects() -> None:
    shared = subjects.shareable_subjects("mechelen")

    assert "pace.mechelen.evt.intake.FamilyReferred" in shared
    assert "pace.mechelen.evt.intake.FamilyErased" not in shared
    assert "pace.mechelen.evt.intake.ConsentRecorded" not in shared


def test_an_unknown_event_type_has_no_subject() -> None:
    with pytest.raises(UnknownEventTypeError):
        subjects.event_subject("mechelen", "SlotBooked.>")


@pytest.mark.parametrize("bad", ["Mechelen", "me.chelen", "*", ">", "", "a b", "gent>",
                                 "1gent", "brügge", "x" * 41])
def test_bad_partner_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a valid partner id"):
        subjects.event_subject(bad, "SlotBooked")


@pytest.mark.parametrize("reserved", ["hub", "network"])
def test_hub_names_are_not_partner_ids(reserved: str) -> None:
    with pytest.raises(ValueError, match="reserved for the hub"):
        subjects.partner_event_subjects(reserved)


def test_star_subscribes_to_every_command_or_dead_letter() -> None:
    assert subjects.command_subject("gent", "booking", "*") == "pace.gent.cmd.booking.*"
    assert subjects.dead_letter_subject("gent", "*") == "pace.gent.dlq.*"


@pytest.mark.parametrize("bad", ["refer.family", "refer*", ">", "", "a b"])
def test_command_and_consumer_names_are_single_tokens(bad: str) -> None:
    with pytest.raises(ValueError, match="one subject token"):
        subjects.command_subject("gent", "intake", bad)
    with pytest.raises(ValueError, match="one subject token"):
        subjects.dead_letter_subject("gent", bad)
    with pytest.raises(ValueError, match="one subject token"):
        subjects.context_event_subjects("gent", bad)


@pytest.mark.parametrize(("born", "on", "band"), [
    ("2019-03", "2019-03-04", "0-1"), ("2019-03", "2020-02-28", "0-1"),
    ("2019-03", "2020-03-02", "1-2"), ("2019-03", "2022-03-01", "3-4"),
    ("2019-03", "2023-03-01", "4+"),
])
def test_a_childs_age_band_at_a_session(born: str, on: str, band: str) -> None:
    from services.sharing.domain import age_band

    assert age_band(born, date.fromisoformat(on)).value == band
