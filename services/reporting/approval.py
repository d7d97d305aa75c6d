"""Approval of a partner's closed quarter, as DHIS2's data approval: submit, approve, reopen.

A partner admin submits a quarter once it is over; the coordinator approves a submitted
quarter (its figures are frozen in the event) or reopens an approved one, after which the
partner may submit it again. One stream per partner and quarter. Pure: the day and the
figures to freeze arrive on the command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from contracts.periods import Period
from contracts.reporting import (
    QUARTER_PATTERN,
    Figures,
    FiguresApproved,
    FiguresReopened,
    FiguresSubmitted,
)
from pace.domain import Decider, DomainError

Status = Literal["open", "submitted", "approved"]
ApprovalEvent = FiguresSubmitted | FiguresApproved | FiguresReopened


class PeriodNotClosedError(DomainError):
    """Only a quarter that is over can be submitted."""

    code = "period_not_closed"


class ApprovalStepError(DomainError):
    """The step does not follow from where the quarter stands (e.g. approve before submit)."""

    code = "approval_step_refused"


@dataclass(frozen=True)
class SubmitQuarter:
    """Submit a partner's quarter, on a day."""

    partner_id: str
    period: str
    on: date


@dataclass(frozen=True)
class ApproveQuarter:
    """Approve a submitted quarter, freezing its figures as the hub computes them today."""

    partner_id: str
    period: str
    on: date
    events_counted: int
    figures: Figures = field(default_factory=dict)


@dataclass(frozen=True)
class ReopenQuarter:
    """Reopen an approved quarter, saying why."""

    partner_id: str
    period: str
    on: date
    reason: str


ApprovalCommand = SubmitQuarter | ApproveQuarter | ReopenQuarter


@dataclass(frozen=True)
class Approval:
    """Where one partner's quarter stands, and its approved figures while approved."""

    status: Status = "open"
    approved: FiguresApproved | None = None
    submitted_on: date | None = None


def stream_id(partner_id: str, period: str) -> str:
    """approval-<partner>-<quarter>: one stream per partner and quarter."""
    return f"approval-{partner_id}-{period}"


def evolve(state: Approval, event: ApprovalEvent) -> Approval:
    """The quarter's standing after one of its events."""
    if isinstance(event, FiguresSubmitted):
        return Approval("submitted", None, event.submitted_on)
    if isinstance(event, FiguresApproved):
        return replace(state, status="approved", approved=event)
    return Approval("open", None)


def _quarter(period: str) -> Period:
    if not re.fullmatch(QUARTER_PATTERN, period):
        raise ApprovalStepError(f"{period} is not a quarter: figures are approved by quarter "
                                "(e.g. 2020-Q1)")
    return Period.parse(period)


def _submit(command: SubmitQuarter, state: Approval) -> list[ApprovalEvent]:
    quarter = _quarter(command.period)
    if quarter.end is None or quarter.end >= command.on:
        raise PeriodNotClosedError(f"{command.period} is not over yet (it ends on "
                                   f"{quarter.end}): submit it from the day after")
    if state.status != "open":
        raise ApprovalStepError(f"{command.partner_id}'s {command.period} is already "
                                f"{state.status}: the coordinator must reopen it first"
                                if state.status == "approved" else
                                f"{command.partner_id}'s {command.period} is already "
                                "submitted and awaits the coordinator")
    return [FiguresSubmitted(partner_id=command.partner_id, period=command.period,
                             submitted_on=command.on)]


def _approve(command: ApproveQuarter, state: Approval) -> list[ApprovalEvent]:
    _quarter(command.period)
    if state.status != "submitted":
        raise ApprovalStepError(f"{command.partner_id}'s {command.period} is {state.status}: "
                                "only submitted figures can be approved")
    return [FiguresApproved(partner_id=command.partner_id, period=command.period,
                            approved_on=command.on, as_of=command.on,
                            events_counted=command.events_counted,
                            figures=dict(command.figures))]


def _reopen(command: ReopenQuarter, state: Approval) -> list[ApprovalEvent]:
    _quarter(command.period)
    if state.status != "approved":
        raise ApprovalStepError(f"{command.partner_id}'s {command.period} is {state.status}: "
                                "only approved figures can be reopened")
    return [FiguresReopened(partner_id=command.partner_id, period=command.period,
                            reopened_on=command.on, reason=command.reason)]


def decide(command: ApprovalCommand, state: Approval) -> list[ApprovalEvent]:
    """The events of one approval step, or a typed refusal."""
    if isinstance(command, SubmitQuarter):
        return _submit(command, state)
    if isinstance(command, ApproveQuarter):
        return _approve(command, state)
    return _reopen(command, state)


decider: Decider[ApprovalCommand, Approval] = Decider(Approval(), evolve, decide)
