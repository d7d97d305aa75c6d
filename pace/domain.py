"""What every decider shares: typed errors a person can read, and the Decider shape. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

S = TypeVar("S")
C = TypeVar("C")


class DomainError(Exception):
    """A command refused by the rules; `code` tells the caller what kind of refusal it is."""

    code = "rule_broken"


class RuleBrokenError(DomainError):
    code = "rule_broken"


class UnknownFamilyError(DomainError):
    code = "unknown_family"


class NotFoundError(DomainError):
    code = "not_found"


@dataclass(frozen=True)
class Decider(Generic[C, S]):
    """decide(command, state) -> events; evolve(state, event) -> state; from initial_state."""

    initial_state: S
    evolve: Callable[[S, Any], S]
    decide: Callable[[C, S], list[Any]]

    def fold(self, events: Iterable[Any]) -> S:
        state = self.initial_state
        for event in events:
            state = self.evolve(state, event)
        return state
