"""The hash chain over stored records: each hash covers its record and the previous hash."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

GENESIS = "0" * 64

HASHED_FIELDS = (
    "position",
    "event_id",
    "stream_id",
    "stream_version",
    "event_type",
    "schema_version",
    "partner",
    "occurred_at",
    "recorded_at",
    "correlation_id",
    "causation_id",
    "actor",
    "payload",
)


def record_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The hash of one stored record, chained to the previous record's hash."""
    content = orjson.dumps([row[name] for name in HASHED_FIELDS])
    return hashlib.sha256(prev_hash.encode("ascii") + content).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """One place where the stored records do not match their chain."""

    position: int
    reason: str

    def __str__(self) -> str:
        return f"position {self.position}: {self.reason}"


@dataclass(slots=True)
class ChainReport:
    """The outcome of verifying a hash chain."""

    checked: int = 0
    last_position: int = 0
    last_hash: str = GENESIS
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ChainVerifier:
    """Checks records one at a time, in order, and collects problems."""

    def __init__(self) -> None:
        self.report = ChainReport()

    def check(self, row: Mapping[Any, Any]) -> None:
        """Check the next record against the running chain."""
        report = self.report
        position = row["position"]
        expected_position = report.last_position + 1
        if position != expected_position:
            missing = (
                f"records {expected_position}..{position - 1} are missing"
                if position > expected_position
                else f"out of order after {report.last_position}"
            )
            report.problems.append(ChainProblem(position, missing))
        if row["prev_hash"] != report.last_hash:
            report.problems.append(ChainProblem(position, "previous hash does not match"))
        computed = record_hash(row["prev_hash"], row)
        if computed != row["hash"]:
            report.problems.append(ChainProblem(position, "content does not match its hash"))
        report.checked += 1
        report.last_position = position
        report.last_hash = row["hash"]

    def finish(self, head_position: int, head_hash: str) -> ChainReport:
        """Compare the end of the chain with the recorded head; catches a deleted tail."""
        report = self.report
        if (head_position, head_hash) != (report.last_position, report.last_hash):
            report.problems.append(
                ChainProblem(
                    head_position,
                    f"the chain head says {head_position} records, found {report.last_position}",
                )
            )
        return report
