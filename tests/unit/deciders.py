"""Given/when/then for pure deciders. No I/O: events in, a command, events (or an error) out.

    given(decider, *past_events).when(command).then(*expected_events)
    given(decider, *past_events).when(command).then_raises(RuleBrokenError, match="erased")
    given(decider, *past_events).when(command).then_nothing()

`then` also folds the new events into the state, so an event `decide` returns but `evolve`
cannot apply fails here too; it returns that state for the odd extra assertion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pprint import pformat
from typing import Any

from pace.domain import Decider


@dataclass(frozen=True)
class Given:
    decider: Decider[Any, Any]
    history: tuple[Any, ...]

    @property
    def state(self) -> Any:
        return self.decider.fold(self.history)

    def when(self, command: Any) -> When:
        return When(self, command)


@dataclass(frozen=True)
class When:
    given: Given
    command: Any

    def _decide(self) -> list[Any]:
        return self.given.decider.decide(self.command, self.given.state)

    def then(self, *expected: Any) -> Any:
        """The command is accepted and yields exactly these events, in this order."""
        actual = self._decide()
        if list(actual) != list(expected):
            raise AssertionError(f"expected events:\n{pformat(list(expected))}\n"
                                 f"but the decider returned:\n{pformat(list(actual))}")
        return self.given.decider.fold((*self.given.history, *actual))

    def then_nothing(self) -> Any:
        """The command is accepted and changes nothing: an idempotent no-op."""
        return self.then()

    def then_raises(self, error: type[Exception], match: str | None = None) -> Exception:
        """The command is refused with this error type, its message matching `match` (re)."""
        try:
            events = self._decide()
        except error as refused:
            if match is not None and not re.search(match, str(refused)):
                raise AssertionError(f"{error.__name__} raised, but {str(refused)!r} does not "
                                     f"match {match!r}") from refused
            return refused
        raise AssertionError(f"expected {error.__name__}, but the decider returned:\n"
                             f"{pformat(events)}")

def given(decider: Decider[Any, Any], *events: Any) -> Given:
    """Start a scenario from the decider's initial state with these past events."""
    return Given(decider, tuple(events))
