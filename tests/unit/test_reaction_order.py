"""Which reactions apply each stream in version order: those that follow one whole context."""

from __future__ import annotations

from contracts import subjects
from pace.service import Reaction


def _reaction(*filters: str) -> Reaction:
    return Reaction("views", list(filters), lambda tx, envelope, event: None)


def test_a_reaction_to_one_whole_context_is_in_order() -> None:
    assert _reaction(subjects.context_event_subjects("gent", "intake")).in_order


def test_a_reaction_to_two_contexts_is_not_in_order() -> None:
    # Positions are kept by stream id; a family's stream in intake and in trajectory would
    # share one, and the second context's first version would look applied already.
    both = _reaction(subjects.context_event_subjects("gent", "intake"),
                     subjects.context_event_subjects("gent", "trajectory"))
    assert not both.in_order


def test_a_reaction_to_chosen_event_types_is_not_in_order() -> None:
    # It sees only some versions of a stream: waiting for the others would never end.
    assert not _reaction(subjects.event_subject("gent", "SlotBooked")).in_order
    assert not _reaction(subjects.partner_event_subjects("gent")).in_order
