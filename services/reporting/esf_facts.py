"""What the hub records of ESF participant data: each trajectory's latest record per moment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


class Situation(NamedTuple):
    """What one ParticipantDataRecorded said, in bands."""

    situation_on: str
    labour_status: str
    in_education_or_training: bool | None
    long_term_unemployed: bool | None
    qualification_gained: bool | None


def record_participant_data(participants: dict[tuple[str, str], Situation],
                            p: Mapping[str, Any]) -> None:
    """Keep the record; a later one of the same trajectory and moment is a correction."""
    participants[(p["trajectory_id"], p["moment"])] = Situation(
        p["situation_on"], p["labour_status"], p.get("in_education_or_training"),
        p.get("long_term_unemployed"), p.get("qualification_gained"))
