"""`pace replay --approved`: each approved quarter recomputed from the log, as approved.

A FiguresApproved says how many of the partner's network events the hub had folded when it
approved (`events_counted`) and as of which day. A partner's events reach the hub in the
order of its own stream, so replaying the first `events_counted` of them, as of that day,
must give the frozen figures again; events that arrived later are adjustments, not errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from contracts.registry import model_for
from contracts.report import Value, normal_value
from contracts.reporting import FiguresApproved


@dataclass(frozen=True)
class ApprovedDifference:
    """An approved figure the log does not give again (or an approval the log cannot reach)."""

    partner: str
    period: str
    indicator: str
    approved: Value | None
    replayed: Value | None
    problem: str = ""  # when the log cannot reach the approval at all


def approvals_in(entries: Iterable[Mapping[str, Any]]) -> list[FiguresApproved]:
    """The FiguresApproved among log entries or `approvals` answers (payload or flattened)."""
    found = []
    for entry in entries:
        if entry.get("event_type") != FiguresApproved.event_type:
            continue
        payload = entry.get("payload", entry)
        found.append(FiguresApproved.model_validate(
            {k: v for k, v in payload.items() if k != "event_type"}))
    return found


def _compare(fold: Any, approved: FiguresApproved) -> list[ApprovedDifference]:
    replayed = fold.figures(approved.as_of, approved.period, {approved.partner_id: "??"}
                            ).partners.get(approved.partner_id, {})
    found = []
    for name, value in sorted(approved.figures.items()):
        again = normal_value(name, replayed[name]) if name in replayed else None
        if again != normal_value(name, value):
            found.append(ApprovedDifference(approved.partner_id, approved.period, name,
                                            normal_value(name, value), again))
    return found


def approved_differences(entries: Iterable[Mapping[str, Any]],
                         approvals: Iterable[FiguresApproved]) -> list[ApprovedDifference]:
    """Replay the log once, checking each approval when its partner's count is reached."""
    from services.reporting.app import current_payload
    from services.reporting.domain import Fold

    pending: dict[str, list[FiguresApproved]] = {}
    for approved in sorted(approvals, key=lambda a: (a.partner_id, a.events_counted)):
        pending.setdefault(approved.partner_id, []).append(approved)
    fold, counted, found = Fold(), dict.fromkeys(pending, 0), []

    def check(partner: str) -> None:
        waiting = pending.get(partner, [])
        while waiting and waiting[0].events_counted == counted[partner]:
            found.extend(_compare(fold, waiting.pop(0)))

    for partner in pending:
        check(partner)
    for entry in entries:
        partner, event_type = entry["partner"], entry["event_type"]
        payload = entry["payload"]
        if entry["schema_version"] != model_for(event_type).schema_version:
            payload = current_payload(event_type, entry["schema_version"], payload)
        fold.apply(partner, event_type, payload)
        if partner in pending:
            counted[partner] += 1
            check(partner)
    for partner, waiting in pending.items():
        found += [ApprovedDifference(partner, a.period, "", None, None,
                                     f"the log holds {counted[partner]} of its events; the "
                                     f"approval counted {a.events_counted}") for a in waiting]
    return found
