"""The ESF result indicators (Regulation (EU) No 1304/2013, Annex I) from participant data.

The hub keeps each trajectory's latest ParticipantDataRecorded per moment (esf_facts);
`EsfRows` turns them into dated rows with the participant's entry status, the breakdown
dimension `entry_status`; `count_esf` counts the section "esf" of a window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from services.reporting.esf_facts import Situation
from services.reporting.facts import Facts
from services.reporting.rows import UNKNOWN, Rows

if TYPE_CHECKING:
    from services.reporting.tally import Tally

EMPLOYED = ("employed", "self_employed")
ENTRY_STATUSES = ("employed", "unemployed", "long_term_unemployed", "inactive")
"""The entry-status categories: employed includes self-employed; unemployed excludes the
long-term unemployed (more than 12 months, more than 6 under 25)."""


class EsfFact(NamedTuple):
    """A participant's record counted on its date, with the status it entered with."""

    on: str
    key: str  # the trajectory
    entry_status: str


def entry_status(entry: Situation | None) -> str:
    """The entry-status category of a participant (unknown when no entry data was recorded)."""
    if entry is None:
        return UNKNOWN
    if entry.labour_status in EMPLOYED:
        return "employed"
    if entry.labour_status == "unemployed":
        return "long_term_unemployed" if entry.long_term_unemployed else "unemployed"
    return "inactive"


class EsfRows:
    """One partner's participant records as rows per indicator, sorted by date."""

    def __init__(self, facts: Facts) -> None:
        found: dict[str, list[EsfFact]] = {name: [] for name in _WANTED}
        for (trajectory, moment), situation in facts.participants.items():
            status = entry_status(facts.participants.get((trajectory, "entry")))
            fact = EsfFact(situation.situation_on, trajectory, status)
            for name, (wanted_moment, wanted) in _WANTED.items():
                if moment == wanted_moment and wanted(situation, status):
                    found[name].append(fact)
        self.rows = {name: Rows(facts) for name, facts in found.items()}


def _any(_situation: Situation, _status: str) -> bool:
    return True


def _employed(situation: Situation, _status: str) -> bool:
    return situation.labour_status in EMPLOYED


def _qualified(situation: Situation, _status: str) -> bool:
    return bool(situation.qualification_gained)


def _in_education(situation: Situation, _status: str) -> bool:
    return situation.labour_status == "inactive" and bool(situation.in_education_or_training)


def _searching_after_inactive(situation: Situation, status: str) -> bool:
    return status == "inactive" and situation.labour_status == "unemployed"


_WANTED = {
    "esf_participants_entered": ("entry", _any),
    "esf_participants_left": ("exit", _any),
    "esf_employed_upon_leaving": ("exit", _employed),
    "esf_job_searching_upon_leaving": ("exit", _searching_after_inactive),
    "esf_in_education_upon_leaving": ("exit", _in_education),
    "esf_qualification_upon_leaving": ("exit", _qualified),
    "esf_employed_six_months_after": ("six_months", _employed),
}
"""Indicator -> (the moment it counts, which records of that moment)."""


def count_esf(tally: Tally, esf: EsfRows, start: str | None, end: str) -> None:
    """Each ESF indicator: the records of its moment dated (situation_on) in the window."""
    for name, rows in esf.rows.items():
        tally.count(name, rows.between(start, end))
