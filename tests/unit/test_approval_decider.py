"""Approval of a closed quarter: submit (partner admin), approve and reopen (coordinator)."""

from __future__ import annotations

from datetime import date

from contracts.reporting import FiguresApproved, FiguresReopened, FiguresSubmitted
from services.reporting.approval import (
    ApprovalStepError,
    ApproveQuarter,
    PeriodNotClosedError,
    ReopenQuarter,
    SubmitQuarter,
    decider,
)
from tests.unit.deciders import given

P, Q = "mechelen", "2020-Q1"
APRIL_2 = date(2020, 4, 2)
FIGURES = {"families_referred": 12, "share_of_places_used": 0.5}

submitted = FiguresSubmitted(partner_id=P, period=Q, submitted_on=APRIL_2)
approved = FiguresApproved(partner_id=P, period=Q, approved_on=date(2020, 4, 9),
                           as_of=date(2020, 4, 9), events_counted=40, figures=FIGURES)
reopened = FiguresReopened(partner_id=P, period=Q, reopened_on=date(2020, 5, 1),
                           reason="late referrals")


def test_a_partner_submits_a_closed_quarter():
    state = given(decider).when(SubmitQuarter(P, Q, APRIL_2)).then(submitted)

    assert state.status == "submitted"


def test_a_quarter_that_is_not_over_cannot_be_submitted():
    given(decider).when(SubmitQuarter(P, Q, date(2020, 3, 31))).then_raises(
        PeriodNotClosedError, match="not over yet")


def test_only_quarters_are_approved():
    given(decider).when(SubmitQuarter(P, "2020", APRIL_2)).then_raises(
        ApprovalStepError, match="not a quarter")


def test_a_submitted_quarter_cannot_be_submitted_again():
    given(decider, submitted).when(SubmitQuarter(P, Q, APRIL_2)).then_raises(
        ApprovalStepError, match="awaits the coordinator")


def test_the_coordinator_approves_a_submitted_quarter_freezing_its_figures():
    command = ApproveQuarter(P, Q, date(2020, 4, 9), 40, FIGURES)

    state = given(decider, submitted).when(command).then(approved)

    assert state.status == "approved"
    assert state.approved.figures == FIGURES


def test_a_quarter_not_submitted_cannot_be_approved():
    given(decider).when(ApproveQuarter(P, Q, APRIL_2, 0, {})).then_raises(
        ApprovalStepError, match="is open: only submitted")


def test_an_approved_quarter_cannot_be_approved_twice():
    given(decider, submitted, approved).when(ApproveQuarter(P, Q, APRIL_2, 0, {})).then_raises(
        ApprovalStepError, match="is approved")


def test_an_approved_quarter_cannot_be_submitted_until_reopened():
    given(decider, submitted, approved).when(SubmitQuarter(P, Q, APRIL_2)).then_raises(
        ApprovalStepError, match="must reopen it first")


def test_the_coordinator_reopens_an_approved_quarter():
    state = given(decider, submitted, approved).when(
        ReopenQuarter(P, Q, date(2020, 5, 1), "late referrals")).then(reopened)

    assert state.status == "open"
    assert state.approved is None


def test_only_an_approved_quarter_can_be_reopened():
    given(decider, submitted).when(ReopenQuarter(P, Q, APRIL_2, "why")).then_raises(
        ApprovalStepError, match="only approved figures can be reopened")


def test_a_reopened_quarter_can_be_submitted_again():
    later = date(2020, 5, 2)

    given(decider, submitted, approved, reopened).when(SubmitQuarter(P, Q, later)).then(
        FiguresSubmitted(partner_id=P, period=Q, submitted_on=later))
