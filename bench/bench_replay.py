"""Offline replay speed: verify + decode + fold a network log, against raw orjson decoding.

`pace replay` reads an exported log (apps.audit), checks the hash chain, the sequence and
duplicates as it reads, folds every event into the indicators and asks for the figures. This
benchmark times exactly that (`replay(checked_entries(...))` plus one to-date `figures()` for
the network) on a synthetic hub log of 1,000,000 events (argv[1] to change: 200000 for a quick
run), beside the raw baseline measured in the same run on the same file: read the lines and
`orjson.loads` each. Each is measured 3 times, interleaved, and the median is reported.

The log is generated first (timed, not part of the figures) with `LogWriter`: ten delivery
partners, 2017-2022, the event mix of the demo (capacities, bookings, check-ins and check-outs
(ChildCheckedOut v2), intake, trajectories, handovers), hub-side pseudonymous ids that join
(a family is referred before its trajectory starts), payloads checked against the contracts'
models on a sample.
"""

from __future__ import annotations

import base64
import functools
import random
import sys
import tempfile
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
from pydantic_core import to_jsonable_python

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.audit import LogReport, LogWriter, checked_entries, collector_paused, replay  # noqa: E402
from bench.common import Figure, Stopwatch, aim_row, print_aims, print_pairs  # noqa: E402
from contracts.envelope import Envelope  # noqa: E402
from contracts.indicators import INDICATOR_NAMES  # noqa: E402
from contracts.periods import TO_DATE_PERIOD  # noqa: E402
from contracts.registry import decode, model_for  # noqa: E402
from contracts.report import Report  # noqa: E402
from pace.network.registry import load_registry  # noqa: E402
from services.booking.rules import too_old_from  # noqa: E402

EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
REPEATS = 3
AIM = 300_000  # events/s on one core
AIM_RATIO = 0.45  # of raw orjson reading, same run
EVENTSOURCING_READ_AND_MAP = 100_000  # events/s, quoted for this kind of machine, not measured
FIRST_DAY, LAST_DAY = date(2017, 1, 2), date(2022, 12, 31)
AS_OF = LAST_DAY
CAPACITY_SHARE = 0.15  # of the events: one DaypartCapacitySet per session, as in the demo
SAMPLE_EVERY = 997  # besides the first few of each type, every so many events are validated

PHASES = ("capacity", "booking", "intake", "trajectory", "cancel", "attendance", "handover")
PHASE_TIME = dict(zip(PHASES, ("06:00:00", "06:30:00", "09:00:00", "10:00:00", "11:00:00",
                               "17:00:00", "18:00:00"), strict=True))
SOURCES = (("public_employment_service", 40), ("social_services", 30),
           ("child_and_family_agency", 15), ("self", 10), ("other", 5))
LOCATION_NAMES = ("centre", "noord", "zuid", "oost", "west", "haven", "markt", "station")

Event = tuple[int, int, int, str, str, int, dict[str, Any]]
"""(day ordinal, phase, sequence, partner, event type, schema version, payload)."""


class History:
    """A synthetic hub log: the shareable events of ten partners, 2017-2022, in date order."""

    def __init__(self, events: int, seed: int = 2017) -> None:
        self.rng = random.Random(seed)
        self.target = events
        registry = load_registry()
        self.partners = [info.id for info in registry.delivery]
        self.countries = {info.id: info.country for info in registry.delivery}
        self.weights = [3 if info.lead else 1 + (i * 7) % 3
                        for i, info in enumerate(registry.delivery)]
        self.starts = {p: FIRST_DAY + timedelta(days=(i * 37) % 240)
                       for i, p in enumerate(self.partners)}
        self.events: list[Event] = []

    # -- ids and dates ---------------------------------------------------------------------

    def pseudonym(self, kind: str) -> str:
        """As the sharing service re-keys ids: `<kind>-<26 base32 chars>`."""
        token = base64.b32encode(self.rng.randbytes(16)).decode().rstrip("=").lower()
        return f"{kind}-{token}"

    def add(self, day: date, phase: str, partner: str, event_type: str,
            payload: dict[str, Any], version: int = 1) -> None:
        if day <= LAST_DAY:
            payload = {**optional_defaults(event_type, version), **payload}
            self.events.append((day.toordinal(), PHASES.index(phase), len(self.events),
                                partner, event_type, version, payload))

    def weekday(self, day: date) -> date:
        """The day, or the Monday after it when it falls in a weekend."""
        return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)

    # -- the whole log ---------------------------------------------------------------------

    def generate(self) -> list[Event]:
        rng = self.rng
        open_days = {p: [d for d in (self.starts[p] + timedelta(days=n) for n in
                                     range((LAST_DAY - self.starts[p]).days + 1))
                         if d.weekday() < 5] for p in self.partners}
        sessions_per_location = 2 * sum(len(days) for days in open_days.values())
        per_partner = max(1, round(CAPACITY_SHARE * self.target / sessions_per_location))
        self.locations = {p: [f"{p}-{name}" for name in LOCATION_NAMES[:per_partner]]
                          for p in self.partners}
        for partner in self.partners:
            self.capacities(partner, open_days[partner])
        while len(self.events) < self.target:
            partner = rng.choices(self.partners, self.weights)[0]
            span = (LAST_DAY - timedelta(days=120) - self.starts[partner]).days
            self.family(partner, self.starts[partner] + timedelta(days=rng.randrange(span)))
        self.events.sort()
        del self.events[self.target:]  # the last few, at the end of 2022
        return self.events

    def capacities(self, partner: str, days: list[date]) -> None:
        """Every session's capacity, set two weeks ahead; now and then set again."""
        rng = self.rng
        for location in self.locations[partner]:
            for day in days:
                for daypart in ("morning", "afternoon"):
                    payload = {"capacity": rng.choice((8, 10, 12, 15)), "daypart": daypart,
                               "location_id": location, "session_date": day.isoformat(),
                               "session_id": f"{location}:{day.isoformat()}:{daypart}"}
                    self.add(day - timedelta(days=14), "capacity", partner,
                             "DaypartCapacitySet", payload)
                    if rng.random() < 0.02:
                        self.add(day - timedelta(days=3), "capacity", partner,
                                 "DaypartCapacitySet", {**payload, "capacity": 6})

    def family(self, partner: str, referred_on: date) -> None:
        """One family's path: referral, enrolment or decline, trajectory, childcare."""
        rng, add = self.rng, self.add
        family = self.pseudonym("family")
        parents = [(self.pseudonym("parent"), "female" if rng.random() < 0.82 else "male")]
        if rng.random() < 0.3:
            parents.append((self.pseudonym("parent"), "male"))
        children = [(self.pseudonym("child"), referred_on - timedelta(days=rng.randint(60, 900)))
                    for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0])]
        add(referred_on, "intake", partner, "FamilyReferred", {
            "children": [{"birth_month": f"{born:%Y-%m}", "child_id": child}
                         for child, born in children],
            "family_id": family,
            "parents": [{"gender": gender, "parent_id": parent} for parent, gender in parents],
            "referral_source": rng.choices(*zip(*SOURCES, strict=True))[0],
            "referred_on": referred_on.isoformat()})
        consent_on = referred_on + timedelta(days=rng.randint(1, 6))
        if rng.random() >= 0.8:
            declined_on = consent_on + timedelta(days=rng.randint(3, 30))
            add(declined_on, "intake", partner, "ReferralDeclined", {
                "declined_on": declined_on.isoformat(), "family_id": family,
                "reason": rng.choice(("not_eligible", "no_capacity", "family_declined",
                                      "unreachable", "other"))})
            return
        enrolled_on = consent_on + timedelta(days=rng.randint(5, 30))
        coach = f"coach-{partner}-{rng.randint(1, 4)}"
        add(enrolled_on, "intake", partner, "FamilyEnrolled", {
            "coach_id": coach, "enrolled_on": enrolled_on.isoformat(), "family_id": family})
        ends_on = self.trajectory(partner, family, parents[0][0], coach, enrolled_on)
        if rng.random() < 0.9:
            home = rng.choice(self.locations[partner])
            for child, born in children:
                self.childcare(partner, family, child, born, home, enrolled_on, ends_on)

    def trajectory(self, partner: str, family: str, parent: str, coach: str,
                   started_on: date) -> date:
        """The trajectory's events (as in the demo's history); returns the day it ends."""
        rng, add = self.rng, self.add
        trajectory = self.pseudonym("trajectory")
        ids = {"family_id": family, "trajectory_id": trajectory}
        add(started_on, "trajectory", partner, "TrajectoryStarted", {
            "coach_id": coach, **ids, "parent_id": parent, "started_on": started_on.isoformat()})
        roll = rng.random()
        if roll < 0.55:
            ends_on, ending = started_on + timedelta(days=rng.randint(200, 700)), "completed"
        elif roll < 0.67:
            ends_on, ending = started_on + timedelta(days=rng.randint(60, 400)), "dropped"
        else:
            ends_on, ending = LAST_DAY + timedelta(days=1), "ongoing"
        if ends_on > LAST_DAY:
            ends_on, ending = LAST_DAY + timedelta(days=1), "ongoing"

        def within(low: int, high: int, after: date = started_on) -> date | None:
            day = after + timedelta(days=rng.randint(low, high))
            return day if started_on < day < ends_on else None

        if (day := within(10, 45)) and rng.random() < 0.85:
            goals = rng.sample(("work", "training", "language", "housing", "finances",
                                "childcare"), rng.randint(2, 4))
            add(day, "trajectory", partner, "DevelopmentPlanAgreed",
                {"agreed_on": day.isoformat(), **ids, "goals": goals})
        worked = False
        if (day := within(30, 150)) and rng.random() < 0.6:
            training = self.pseudonym("training")
            add(day, "trajectory", partner, "TrainingStarted", {
                **ids, "kind": rng.choice(("language", "vocational", "soft_skills")),
                "started_on": day.isoformat(), "training_id": training})
            if (done := within(40, 180, day)) and rng.random() < 0.85:
                add(done, "trajectory", partner, "TrainingCompleted", {
                    "completed_on": done.isoformat(), **ids, "training_id": training})
        if (day := within(60, 500)) and rng.random() < 0.4:
            worked = True
            job = self.pseudonym("job")
            add(day, "trajectory", partner, "JobStarted", {
                **ids, "hours_per_week": float(rng.choice((12, 19, 24, 30, 38))),
                "job_id": job, "kind": rng.choice(("regular", "social_economy", "temporary")),
                "started_on": day.isoformat()})
            if (gone := within(90, 500, day)) and rng.random() < 0.3:
                add(gone, "trajectory", partner, "JobEnded",
                    {"ended_on": gone.isoformat(), **ids, "job_id": job})
        for _ in range(rng.randint(0, 3)):
            if day := within(20, 600):
                add(day, "trajectory", partner, "ParentInvolvementDayAttended",
                    {"attended_on": day.isoformat(), **ids})
        if ending == "completed":
            outcome = "job" if worked else rng.choice(("training", "other"))
            add(ends_on, "trajectory", partner, "TrajectoryCompleted",
                {"completed_on": ends_on.isoformat(), **ids, "outcome": outcome})
        elif ending == "dropped":
            add(ends_on, "trajectory", partner, "TrajectoryDropped", {
                "dropped_on": ends_on.isoformat(), **ids,
                "reason": rng.choice(("lost_contact", "moved_away", "health", "family_choice",
                                      "other"))})
        return ends_on

    def childcare(self, partner: str, family: str, child: str, born: date, home: str,
                  enrolled_on: date, ends_on: date) -> None:
        """Occasional sessions while the parent is in the trajectory, then a warm handover."""
        rng, add = self.rng, self.add
        first = max(enrolled_on + timedelta(days=7), born + timedelta(days=90))
        last = min(ends_on - timedelta(days=1), too_old_from(f"{born:%Y-%m}"),
                   first + timedelta(days=rng.randint(60, 400)), LAST_DAY)
        if last <= first:
            return
        span = (last - first).days
        days = sorted({self.weekday(first + timedelta(days=rng.randrange(span)))
                       for _ in range(rng.randint(2, 8))})
        for day in days:
            daypart = rng.choice(("morning", "afternoon"))
            ids = {"booking_id": self.pseudonym("booking"), "child_id": child,
                   "family_id": family, "session_id": f"{home}:{day.isoformat()}:{daypart}"}
            booked_on = max(day - timedelta(days=rng.randint(0, 6)),
                            enrolled_on + timedelta(days=1))
            add(booked_on, "booking", partner, "SlotBooked", {
                **ids, "booked_on": booked_on.isoformat(), "hours": float(rng.choice((3, 4, 5))),
                "kind": rng.choice(("occasional", "flexible"))})
            roll = rng.random()
            if roll < 0.06 and booked_on < day:
                cancelled_on = day - timedelta(days=1)
                add(cancelled_on, "cancel", partner, "BookingCancelled", {
                    **ids, "cancelled_on": cancelled_on.isoformat(), "late": rng.random() < 0.4})
            elif roll < 0.14:
                add(day, "attendance", partner, "NoShowRecorded",
                    {**ids, "recorded_on": day.isoformat()})
            else:
                start = (8 * 60 + 30 if daypart == "morning" else 13 * 60) + rng.randint(0, 40)
                stay = rng.randint(120, 300)
                add(day, "attendance", partner, "ChildCheckedIn",
                    {**ids, "checked_in_at": f"{day.isoformat()}T{clock(start)}Z"})
                add(day, "attendance", partner, "ChildCheckedOut", {
                    **ids, "checked_out_at": f"{day.isoformat()}T{clock(start + stay)}Z",
                    "hours_used": round(stay / 60, 2)}, version=2)
        handed_over_on = days[-1] + timedelta(days=rng.randint(1, 14))
        if rng.random() < 0.6:
            add(handed_over_on, "handover", partner, "ChildHandedOver", {
                "child_id": child, "destination": "preschool" if (handed_over_on - born).days
                > 900 else "regular_childcare", "family_id": family,
                "handed_over_on": handed_over_on.isoformat()})


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def write_log(events: list[Event], path: Path, rng: random.Random) -> int:
    """Write the events as the hub's export would; returns how many were checked by model."""
    versions: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    days: dict[int, str] = {}
    with path.open("wb", buffering=1 << 20) as out:
        writer = LogWriter(out)
        for number, (ordinal, phase, _seq, partner, event_type, version, payload) in \
                enumerate(events):
            day = days.get(ordinal) or days.setdefault(ordinal,
                                                        date.fromordinal(ordinal).isoformat())
            versions[partner] += 1
            at = f"{day}T{PHASE_TIME[PHASES[phase]]}"
            envelope = {
                "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "event_type": event_type, "schema_version": version, "partner": partner,
                "stream_id": "shared", "stream_version": versions[partner],
                "occurred_at": f"{at}.000000Z",
                "recorded_at": f"{at}.{rng.randrange(10**6):06d}Z",
                "correlation_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "causation_id": None, "actor": f"partner:{partner}", "payload": payload}
            if checked[event_type] < 25 or number % SAMPLE_EVERY == 0:
                check_event(envelope)
                checked[event_type] += 1
            writer.write(envelope)
    return sum(checked.values())


def check_event(envelope: dict[str, Any]) -> None:
    """The envelope and payload are valid, and the payload is exactly the model's JSON."""
    Envelope.model_validate(envelope)
    event = decode(envelope["event_type"], envelope["schema_version"], envelope["payload"])
    if event.model_dump(mode="json") != envelope["payload"]:
        raise AssertionError(f"not the model's own JSON: {envelope['payload']}")


@functools.cache
def optional_defaults(event_type: str, version: int) -> dict[str, Any]:
    """The model's optional fields with their JSON defaults (fields added since the bench)."""
    model = model_for(event_type, version)
    return {name: to_jsonable_python(info.default) for name, info in model.model_fields.items()
            if not info.is_required() and info.default_factory is None}


# -- the measurements ------------------------------------------------------------------------


def raw_orjson(path: Path) -> Figure:
    """The baseline: read the lines and `orjson.loads` each, nothing else."""
    count = 0
    with Stopwatch() as watch, path.open("rb") as file:
        for line in file:
            orjson.loads(line)
            count += 1
    return Figure("raw: read lines + orjson.loads", count, watch.seconds)


def replay_with_figures(path: Path, countries: dict[str, str]) -> tuple[Figure, Report]:
    """What `pace replay` does: verify + decode + fold, then the to-date figures."""
    with Stopwatch() as watch, collector_paused():
        checked = LogReport()
        fold = replay(checked_entries(path, checked))
        report = fold.figures(AS_OF, TO_DATE_PERIOD, countries)
    if not checked.ok or checked.lines != EVENTS:
        raise AssertionError(f"the log did not replay cleanly: {checked.problems[:3]}")
    return Figure("replay: verify + decode + fold + figures", checked.lines, watch.seconds), report


def median(figures: list[Figure]) -> Figure:
    return sorted(figures, key=lambda figure: figure.seconds)[len(figures) // 2]


def rates(figures: list[Figure]) -> str:
    return ", ".join(f"{figure.rate:,.0f}" for figure in figures)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "network.jsonl"
        history = History(EVENTS)
        with Stopwatch() as generation:
            events = history.generate()
            mix = Counter(event[4] for event in events)
            validated = write_log(events, path, random.Random(5))
            del events, history.events
        size = path.stat().st_size
        with path.open("rb") as file:
            lines = sum(1 for _ in file)
        print(f"\nLog: {size / 1e6:,.1f} MB, {lines:,} lines, {len(history.partners)} partners, "
              f"{FIRST_DAY.year}-{LAST_DAY.year}; generated in {generation.seconds:.1f} s "
              f"(not part of the figures); {validated:,} events checked against the models")
        print("Mix: " + ", ".join(f"{name} {count / lines:.1%}"
                                  for name, count in mix.most_common()))

        raws: list[Figure] = []
        replays: list[Figure] = []
        report: Report | None = None
        for _ in range(REPEATS):  # interleaved, so noise on the machine hits both alike
            raws.append(raw_orjson(path))
            figure, report = replay_with_figures(path, history.countries)
            replays.append(figure)
        assert report is not None

    raw, ours = median(raws), median(replays)
    print_pairs(f"Replay of a {EVENTS:,}-event log (median of {REPEATS} runs)", [(ours, raw)], {})
    print(f"runs, events/s: raw {rates(raws)}; replay {rates(replays)}")
    ratio = ours.rate / raw.rate
    print_aims("Aim (ratio from this run)", [aim_row(
        "replay", f"{ours.rate:,.0f}/s", f"{raw.name} {raw.rate:,.0f}/s", ratio,
        ours.rate >= AIM and ratio >= AIM_RATIO)])
    print(f"context: the eventsourcing library reads and maps about "
          f"{EVENTSOURCING_READ_AND_MAP:,} events/s on this kind of machine (quoted, not "
          f"measured in this run)")
    print(f"\nNetwork figures, to-date as of {AS_OF} (so nobody thinks nothing was folded):")
    for name in INDICATOR_NAMES:
        print(f"  {name:<34} {report.network[name]:>12,}")


if __name__ == "__main__":
    main()
