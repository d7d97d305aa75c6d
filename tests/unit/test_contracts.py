"""The shared language: classification, registry, upcasting, schemas, subjects."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from contracts import subjects
from contracts.base import Classification
from contracts.booking import ChildCheckedOut
from contracts.intake import ChildRef, FamilyReferred, Gender, ParentRef, ReferralSource
from contracts.registry import (
    EVENT_TYPES,
    UnknownEventTypeError,
    decode,
    encode,
    minimise,
    shareable_types,
)
from contracts.schema_export import stale

REQUIRED_TYPES = {
    "FamilyReferred", "ConsentRecorded", "ConsentWithdrawn", "FamilyEnrolled",
    "ReferralDeclined", "FamilyErased", "DaypartCapacitySet", "SlotBooked", "SlotWaitlisted",
    "WaitlistPromoted", "BookingCancelled", "ChildCheckedIn", "ChildCheckedOut",
    "NoShowRecorded", "ChildHandedOver", "TrajectoryStarted", "DevelopmentPlanAgreed",
    "TrainingStarted", "TrainingCompleted", "JobStarted", "JobEnded", "TrajectoryCompleted",
    "TrajectoryDropped", "PartnerFiguresPublished", "NetworkFiguresPublished",
}


def referral() -> FamilyReferred:
    return FamilyReferred(
        family_id="fam-1", referral_source=ReferralSource.SOCIAL_SERVICES,
        referred_on=date(2019, 3, 4), parents=(ParentRef(parent_id="par-1", gender=Gender.FEMALE),),
        children=(ChildRef(child_id="chi-1", birth_month="2018-07"),),
    )


def test_every_event_of_the_four_contexts_is_registered() -> None:
    assert REQUIRED_TYPES <= set(EVENT_TYPES)
    assert {m.context for m in EVENT_TYPES.values()} == {
        "intake", "booking", "trajectory", "reporting"}


@pytest.mark.parametrize("model", list(EVENT_TYPES.values()), ids=lambda m: m.event_type)
def test_every_field_is_classified(model) -> None:
    assert set(model.field_classification()) == set(model.model_fields)


@pytest.mark.parametrize("model", shareable_types(), ids=lambda m: m.event_type)
def test_no_shareable_event_has_a_personal_field(model) -> None:
    assert Classification.PERSONAL not in model.field_classification().values()


def test_an_event_survives_encode_and_decode() -> None:
    event = referral()

    assert decode("FamilyReferred", 1, encode(event)) == event


def test_version_one_check_out_is_upcast_to_hours() -> None:
    v1 = {"session_id": "s-1", "booking_id": "b-1", "family_id": "f-1", "child_id": "c-1",
          "checked_out_at": "2020-02-03T12:30:00Z", "minutes_used": 210}

    event = decode("ChildCheckedOut", 1, v1)

    assert isinstance(event, ChildCheckedOut)
    assert event.hours_used == 3.5


def test_unknown_types_and_versions_are_refused_by_name() -> None:
    with pytest.raises(UnknownEventTypeError, match="unknown event type 'Nope'"):
        decode("Nope", 1, {})
    with pytest.raises(UnknownEventTypeError, match="no schema version 7"):
        decode("FamilyReferred", 7, {})


def test_events_are_frozen_and_refuse_unknown_fields() -> None:
    event = referral()

    with pytest.raises(ValidationError):
        event.family_id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="national_number"):
        FamilyReferred.model_validate({**encode(event), "national_number": "85.07.30-033.61"})


def test_minimise_keeps_pseudonymous_ids_and_public_facts() -> None:
    assert minimise(referral()) == encode(referral())


def test_checked_in_schemas_match_the_models() -> None:
    assert stale() == [], "schemas are stale: run python -m contracts.schema_export"


def test_subjects_follow_the_scheme() -> None:
    assert subjects.event_subject("mechelen", "SlotBooked") == "pace.mechelen.evt.booking.SlotBooked"
    assert subjects.command_subject("gent", "intake", "refer_family") == \
        "pace.gent.cmd.intake.refer_family"
    assert subjects.dead_letter_subject("gent", "trajectory") == "pace.gent.dlq.trajectory"
    assert "pace.mechelen.evt.intake.FamilyReferred" in subjects.shareable_subjects("mechelen")
    assert "pace.mechelen.evt.intake.FamilyErased" not in subjects.shareable_subjects("mechelen")


@pytest.mark.parametrize("bad", ["Mechelen", "me.chelen", "*", ">", "", "a b"])
def test_bad_partner_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a valid partner id"):
        subjects.event_subject(bad, "SlotBooked")
