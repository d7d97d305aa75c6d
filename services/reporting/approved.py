"""Approved quarters in a report: the approved figure stands, later events show beside it.

Pure. A partner's approved quarter, asked as of its end or later, shows the figures frozen in
its FiguresApproved; where events that arrived later changed a figure, the report's
`adjustments` hold the approved value, the current one and their difference. Countries and
the network stay as the log gives them now (they are not approved numbers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from contracts.periods import Period
from contracts.report import Report, Value, normal_value
from contracts.reporting import QUARTER_PATTERN
from services.reporting.approval import Approval


def is_quarter(period: str) -> bool:
    """Only quarters are approved."""
    return re.fullmatch(QUARTER_PATTERN, period) is not None


def adjustment(indicator: str, approved: Value, current: Value) -> dict[str, Value] | None:
    """{"approved", "current", "difference"} when they differ, else None."""
    before, now = normal_value(indicator, approved), normal_value(indicator, current)
    if before == now or isinstance(before, str) or isinstance(now, str):
        return None
    return {"approved": before, "current": now,
            "difference": normal_value(indicator, now - before)}


def with_approvals(report: Report, approvals: Mapping[str, Approval]) -> Report:
    """The report with each partner's approved quarter frozen and its adjustments beside it."""
    period = Period.parse(report.period)
    if not is_quarter(report.period) or period.end is None or report.as_of < period.end:
        return report
    partners = dict(report.partners)
    status: dict[str, dict[str, str]] = {}
    adjustments: dict[str, dict[str, dict[str, Value]]] = {}
    for partner, approval in sorted(approvals.items()):
        if approval.status == "submitted":
            status[partner] = {"status": "submitted", "on": approval.submitted_on.isoformat()
                               if approval.submitted_on else ""}
        if approval.approved is None or partner not in partners:
            continue
        frozen = approval.approved
        status[partner] = {"status": "approved", "on": frozen.approved_on.isoformat()}
        current = partners[partner]
        partners[partner] = {**current, **frozen.figures}
        changes = {name: change for name, value in frozen.figures.items()
                   if (change := adjustment(name, value, current.get(name, 0))) is not None}
        if changes:
            adjustments[partner] = changes
    return replace(report, partners=partners, approvals=status, adjustments=adjustments)
