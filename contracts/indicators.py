"""The programme's indicators, declared once: name, label, unit, section and definition.

The hub's fold (services/reporting) computes them; the terminal tables, the HTML report and
the coordinator's dashboard label and format them from this table; the README's section
"Indicators" is generated from it (`python -m contracts.indicators --write`; a unit test
fails when it is stale).

Usage: python -m contracts.indicators [--check | --write]
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from contracts.generated_section import GeneratedSection


@dataclass(frozen=True, slots=True)
class IndicatorSection:
    """A group of indicators counted together (a trend needs only its own section)."""

    name: str
    title: str
    intro: str = ""


INTAKE = IndicatorSection("intake", "Referral and enrolment")
TRAJECTORIES = IndicatorSection("trajectories", "Activation trajectories")
CHILDCARE = IndicatorSection("childcare", "Childcare")
AFTER_COACHING = IndicatorSection(
    "after_coaching", "Childcare after coaching (the partners' pain point)",
    "A family's trajectory end is the latest TrajectoryCompleted.completed_on or "
    "TrajectoryDropped.dropped_on of its trajectories (one per parent taking part, and one "
    "more for each re-entry); a family with a trajectory neither completed nor dropped has "
    "not ended. Its bridging period runs from a completion (not a drop) "
    "until the `bridging_ends_on` that booking recorded in the family's latest SlotBooked or "
    "SlotWaitlisted (the partner's own `bridging_weeks`), else for 8 weeks, the network's "
    "default of that setting.")
WAITING = IndicatorSection(
    "waiting", "Programme waiting list",
    "A family waits from its ReferralHeld.held_on (the partner had no place in the programme) "
    "until the first ReferralAnswered with outcome \"enrolled\" or \"declined\" whose "
    "answered_on is on or after held_on (its wait's end); a family whose wait has not ended "
    "is still waiting.")
ESF = IndicatorSection(
    "esf", "ESF participants and results (Regulation (EU) No 1304/2013, Annex I)",
    "Counted per trajectory (a participant who re-enters is a new participant) from the "
    "ParticipantDataRecorded the coach records at entry, at exit and six months after exit; "
    "the latest record of a trajectory and moment counts (a later one is a correction), on its "
    "situation_on: the trajectory's start, its end (completed_on or dropped_on), or six months "
    "after that end. A participant's entry status is their entry record's: employed "
    "(including self-employed), unemployed, long-term unemployed (more than 12 months, more "
    "than 6 under 25), inactive, or unknown without an entry record.")
SECTIONS: tuple[IndicatorSection, ...] = (INTAKE, WAITING, TRAJECTORIES, CHILDCARE,
                                          AFTER_COACHING, ESF)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator: a row label, what it counts, a one-line description, its definition."""

    name: str
    label: str
    unit: str  # what it counts, for chart axes: families, parents, ..., ratio
    section: IndicatorSection
    description: str  # one line for readers (HTML titles and definitions)
    definition: str  # exactly what is counted, for auditors (the README)
    decimals: int = 0  # 0: an int; otherwise a float rounded to this many decimals

    @property
    def is_ratio(self) -> bool:
        return self.unit == "ratio"


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "families_referred", "Families referred", "families", INTAKE,
        "Families referred to the programme (referral date in the period)",
        "families with a FamilyReferred whose referred_on is in W."),
    Indicator(
        "referrals_declined", "Referrals declined", "families", INTAKE,
        "Referrals that ended without enrolment (decline date in the period)",
        "families with a ReferralDeclined whose declined_on is in W."),
    Indicator(
        "families_enrolled", "Families enrolled", "families", INTAKE,
        "Families enrolled with a family coach (enrolment date in the period)",
        "families with a FamilyEnrolled whose enrolled_on is in W."),
    Indicator(
        "families_not_shared", "Families not shared (no statistics consent)", "families",
        INTAKE,
        "Families referred in the period whose partner shares none of their events "
        "(no cross-border statistics consent): the partner's latest count",
        "per referral month in W, the partner's latest UnsharedFamiliesCounted (counted_on "
        "<= end; the last one received when several share a date), summed: families the "
        "partner does not share for want of cross-border statistics consent."),
    Indicator(
        "families_waiting", "Families on the waiting list (at end)", "families", WAITING,
        "Families waiting for a place in the programme at the period's end",
        "a stock at end: families with held_on <= end whose wait has not ended on or before "
        "end."),
    Indicator(
        "median_days_waiting", "Median days on the waiting list", "days", WAITING,
        "Median days families waited for a place, waits that ended in the period",
        "the median number of days from held_on to the wait's end, over the families whose "
        "wait ended in W; 0.0 when there is none. Countries and the network take the median "
        "of all their partners' waits (never a median of medians).", 1),
    Indicator(
        "trajectories_started", "Parents taken into a trajectory", "parents", TRAJECTORIES,
        "Parents taken into an activation trajectory (start date in the period)",
        "distinct parents (TrajectoryStarted.parent_id; each parent taking part has a "
        "trajectory of their own) with a TrajectoryStarted whose started_on is in W: a "
        "parent who re-enters after an ended trajectory counts once."),
    Indicator(
        "development_plans_agreed", "Development plans agreed", "trajectories", TRAJECTORIES,
        "Trajectories with a personal development plan agreed in the period",
        "distinct trajectories with a DevelopmentPlanAgreed (agreed_on) in W."),
    Indicator(
        "trajectories_completed", "Trajectories completed", "trajectories", TRAJECTORIES,
        "Trajectories completed in the period",
        "trajectories whose TrajectoryCompleted.completed_on is in W."),
    Indicator(
        "trajectories_dropped", "Trajectories dropped", "trajectories", TRAJECTORIES,
        "Trajectories stopped early in the period",
        "trajectories whose TrajectoryDropped.dropped_on is in W."),
    Indicator(
        "trajectories_ongoing", "Trajectories ongoing (at end)", "trajectories", TRAJECTORIES,
        "Trajectories started and neither completed nor dropped at the period's end",
        "a stock at end: started_on <= end and neither completed nor dropped on or before "
        "end."),
    Indicator(
        "parents_trained", "Parents who started a training", "parents", TRAJECTORIES,
        "Distinct parents who started a training in the period",
        "distinct parents (the TrajectoryStarted.parent_id of the trajectory) with a "
        "TrainingStarted whose started_on is in W."),
    Indicator(
        "trainings_completed", "Trainings completed", "trainings", TRAJECTORIES,
        "Trainings completed in the period",
        "TrainingCompleted events whose completed_on is in W."),
    Indicator(
        "parents_found_work", "Parents who found work", "parents", TRAJECTORIES,
        "Distinct parents who started a job in the period",
        "distinct parents with a JobStarted whose started_on is in W."),
    Indicator(
        "parents_working", "Parents working (at end)", "parents", TRAJECTORIES,
        "Distinct parents holding a job at the period's end",
        "a stock at end: distinct parents with a job started on or before end and not ended "
        "(JobEnded.ended_on) on or before end."),
    Indicator(
        "parents_reduced_distance_to_work", "Parents with reduced distance to work", "parents",
        TRAJECTORIES,
        "Distinct parents who started a training or a job in the period",
        "distinct parents with a TrainingStarted or a JobStarted in W."),
    Indicator(
        "parent_involvement_days", "Parent involvement days attended", "attendances",
        TRAJECTORIES,
        "Attendances at parent involvement days in the period",
        "ParentInvolvementDayAttended events whose attended_on is in W."),
    Indicator(
        "families_with_childcare", "Families with access to childcare", "families", CHILDCARE,
        "Distinct families with a childcare place for a session in the period",
        "distinct families with a place (SlotBooked or WaitlistPromoted) for a session dated "
        "in W (a place later cancelled still counts: the family had access)."),
    Indicator(
        "children_cared_for", "Children cared for", "children", CHILDCARE,
        "Distinct children checked in for a session in the period",
        "distinct children with a ChildCheckedIn for a session dated in W."),
    Indicator(
        "childcare_sessions", "Childcare sessions attended", "sessions", CHILDCARE,
        "Check-outs (attended places) for sessions in the period",
        "ChildCheckedOut events for sessions dated in W."),
    Indicator(
        "childcare_hours", "Childcare hours", "hours", CHILDCARE,
        "Hours of childcare used in sessions in the period",
        "the sum of the hours_used of those ChildCheckedOut events.", 2),
    Indicator(
        "no_shows", "No-shows", "sessions", CHILDCARE,
        "Booked places not used (no-show recorded) in sessions in the period",
        "NoShowRecorded events for sessions dated in W."),
    Indicator(
        "no_show_rate", "No-show rate", "ratio", CHILDCARE,
        "No-shows / (no-shows + attended sessions) in the period",
        "no_shows / (no_shows + childcare_sessions); 0.0 when both are zero.", 3),
    Indicator(
        "late_cancellations", "Late cancellations", "bookings", CHILDCARE,
        "Bookings cancelled too late to refill, for sessions in the period",
        "BookingCancelled events with late = true for sessions dated in W."),
    Indicator(
        "occupancy_morning", "Occupancy, mornings", "ratio", CHILDCARE,
        "Attended places / capacity, morning sessions with a capacity in the period",
        "over the morning sessions dated in W: checked-out places / the sum of their "
        "capacities; 0.0 when there is no session. A session's capacity is its last "
        "DaypartCapacitySet (in stream order), or the default of 15 "
        "(contracts.booking.DEFAULT_CAPACITY) for a session booked without one.", 3),
    Indicator(
        "occupancy_afternoon", "Occupancy, afternoons", "ratio", CHILDCARE,
        "Attended places / capacity, afternoon sessions with a capacity in the period",
        "as occupancy_morning, over the afternoon sessions.", 3),
    Indicator(
        "waitlist_length", "Waitlist entries (at end)", "entries", CHILDCARE,
        "Waitlisted bookings for sessions not yet past, still waiting at the period's end",
        "a stock at end: SlotWaitlisted entries with waitlisted_on <= end, for sessions "
        "dated on or after end, not promoted, cancelled or released (promoted_on, "
        "cancelled_on, released_on) on or before end."),
    Indicator(
        "children_handed_over_regular", "Children handed over to regular childcare",
        "children", CHILDCARE,
        "Children moved on to regular childcare in the period (warm handover)",
        "distinct children with a ChildHandedOver to \"regular_childcare\" whose "
        "handed_over_on is in W; only children cared for, i.e. with a ChildCheckedIn for a "
        "session dated on or before end (as in \"of the 33 children in care, 7 moved on to "
        "regular childcare\")."),
    Indicator(
        "children_handed_over_preschool", "Children handed over to preschool", "children",
        CHILDCARE,
        "Children moved on to a preschool class in the period (warm handover)",
        "as children_handed_over_regular, for the destination \"preschool\" (any other "
        "destination is left out of both)."),
    Indicator(
        "places_after_trajectory_end", "Places after the trajectory ended", "places",
        AFTER_COACHING,
        "Childcare places for sessions in the period after the family's trajectory "
        "had ended, not cancelled or released",
        "places (SlotBooked or WaitlistPromoted, counted per booking) for sessions dated in W "
        "and after the family's trajectory end, not cancelled or released (BookingCancelled / "
        "BookingReleased) on or before end. A no-show still held its place."),
    Indicator(
        "families_bridging", "Families bridging (at end)", "families", AFTER_COACHING,
        "Families with childcare whose trajectory was completed less than 8 weeks "
        "before the period's end, no child handed over since",
        "a stock at end: families whose trajectory end is a completion with completed_on <= "
        "end < the end of its bridging period, with a childcare place (for any session) and "
        "no child handed over from completed_on to end."),
    Indicator(
        "median_days_to_handover", "Median days from trajectory end to handover", "days",
        AFTER_COACHING,
        "Median days from the end of the family's trajectory to the warm handover, "
        "handovers in the period",
        "the median number of days from the family's trajectory end to the handover, over "
        "the handovers counted in children_handed_over_* whose family's trajectory ended on "
        "or before the handover; 0.0 when there is none. Countries and the network take the "
        "median of all their partners' handovers (never a median of medians).", 1),
    Indicator(
        "esf_participants_entered", "ESF participants entered", "participants", ESF,
        "Participants whose trajectory started in the period, with entry data recorded",
        "trajectories with an entry record whose situation_on (the trajectory's start) is in "
        "W."),
    Indicator(
        "esf_participants_left", "ESF participants left", "participants", ESF,
        "Participants whose trajectory ended in the period, with exit data recorded",
        "trajectories with an exit record whose situation_on (the trajectory's end) is in W."),
    Indicator(
        "esf_employed_upon_leaving", "In employment upon leaving", "participants", ESF,
        "Participants in employment, including self-employment, upon leaving",
        "exit records dated in W with labour_status \"employed\" or \"self_employed\"."),
    Indicator(
        "esf_job_searching_upon_leaving", "Inactive at entry, job searching upon leaving",
        "participants", ESF,
        "Inactive participants engaged in job searching upon leaving",
        "exit records dated in W with labour_status \"unemployed\" (without work, available "
        "and searching for it) of trajectories whose entry status is inactive."),
    Indicator(
        "esf_in_education_upon_leaving", "In education or training upon leaving",
        "participants", ESF,
        "Participants in education or training upon leaving",
        "exit records dated in W with labour_status \"inactive\" and "
        "in_education_or_training true."),
    Indicator(
        "esf_qualification_upon_leaving", "Gaining a qualification upon leaving",
        "participants", ESF,
        "Participants gaining a qualification upon leaving",
        "exit records dated in W with qualification_gained true: the coach's answer, else "
        "true when a vocational training of the trajectory was completed (TrainingStarted "
        "kind \"vocational\" and its TrainingCompleted) before the exit data was recorded."),
    Indicator(
        "esf_employed_six_months_after", "In employment six months after leaving",
        "participants", ESF,
        "Participants in employment, including self-employment, six months after leaving",
        "six-month records dated (six months after the trajectory's end) in W with "
        "labour_status \"employed\" or \"self_employed\"."),
)
INDICATOR_NAMES: tuple[str, ...] = tuple(indicator.name for indicator in INDICATORS)
BY_NAME: dict[str, Indicator] = {indicator.name: indicator for indicator in INDICATORS}

DIMENSIONS: dict[str, tuple[str, ...]] = {
    "gender": (
        "trajectories_started", "trajectories_completed", "trajectories_ongoing",
        "trajectories_dropped", "development_plans_agreed", "parents_trained",
        "parents_found_work", "parents_working", "parents_reduced_distance_to_work"),
    "referral_source": (
        "families_referred", "families_enrolled", "trajectories_started",
        "trajectories_completed", "families_with_childcare"),
    "entry_status": (
        "esf_participants_entered", "esf_participants_left", "esf_employed_upon_leaving",
        "esf_job_searching_upon_leaving", "esf_in_education_upon_leaving",
        "esf_qualification_upon_leaving", "esf_employed_six_months_after"),
}
"""Breakdown dimension -> the indicators broken down by it, in the order they are shown."""
DIMENSION_LABELS = {"gender": "gender", "referral_source": "referral source",
                    "entry_status": "status at entry"}

KEY_TRENDS: tuple[str, ...] = ("families_referred", "trajectories_started",
                               "parents_found_work", "children_cared_for")
"""The indicators charted over time by default (the hub's `trends` query, the reports)."""


def label_of(indicator: str) -> str:
    """The indicator's row label; unknown names made readable."""
    known = BY_NAME.get(indicator)
    return known.label if known is not None else indicator.replace("_", " ").capitalize()


def unit_of(indicator: str) -> str:
    """What an indicator counts (families, parents, ..., ratio), for axis labels."""
    known = BY_NAME.get(indicator)
    return known.unit if known is not None else "value"


def ordered(names: Iterable[str]) -> list[str]:
    """Indicator names in INDICATORS order, unknown ones after (sorted)."""
    found = set(names)
    return [name for name in INDICATOR_NAMES if name in found] + sorted(found - set(BY_NAME))


def format_value(indicator: str, value: int | float | str) -> str:
    """A number for people: '1,234', '1,234.50' (hours), '33.3%' (ratios); cells as given."""
    known = BY_NAME.get(indicator)
    if isinstance(value, str):  # a suppressed cell: "<5" or "x"
        return value
    if known is not None and known.is_ratio:
        return f"{float(value) * 100:.1f}%"
    if known is not None and known.decimals:
        return f"{float(value):,.{known.decimals}f}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


# -- the README's definitions, generated from the table ---------------------------------------

README = Path(__file__).resolve().parents[1] / "README.md"
DEFINITIONS_START = ("<!-- indicator definitions: generated from contracts/indicators.py by "
                     "`python -m contracts.indicators --write` -->")
DEFINITIONS_END = "<!-- end of indicator definitions -->"


class DefinitionsMarkersError(ValueError):
    """The README lacks the markers between which the definitions are generated."""


def definitions_markdown() -> str:
    """Every indicator's definition by section, in Markdown (W: the period's window)."""
    breakdowns = {name: [DIMENSION_LABELS[d] for d, names in DIMENSIONS.items() if name in names]
                  for name in INDICATOR_NAMES}
    lines = ["W is the period clipped to the as-of date and `end` its last day; figures are "
             "ints unless a number of decimals is given."]
    for section in SECTIONS:
        lines += ["", f"**{section.title}.**" + (f" {section.intro}" if section.intro else ""),
                  ""]
        for i in (i for i in INDICATORS if i.section == section):
            decimals = f", {i.decimals} decimal{'s' if i.decimals > 1 else ''}"
            unit = i.unit + (decimals if i.decimals else "")
            by = f" By {' and '.join(breakdowns[i.name])}." if breakdowns[i.name] else ""
            lines.append(f"- `{i.name}` ({unit}): {i.definition}{by}")
    return "\n".join(lines) + "\n"


SECTION = GeneratedSection(README, DEFINITIONS_START, DEFINITIONS_END, definitions_markdown,
                           "indicator definitions", "python -m contracts.indicators",
                           DefinitionsMarkersError)


def with_definitions(text: str) -> str:
    """The README text with the definitions between their markers replaced by current ones."""
    return SECTION.spliced(text)


def main(argv: list[str] | None = None) -> int:
    """Print the definitions; --check: exit 1 when the README's are stale; --write: update."""
    return replace(SECTION, document=README).main(argv)  # README as it is now (tests move it)


if __name__ == "__main__":
    sys.exit(main())
