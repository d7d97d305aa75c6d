"""Each user's recent writes: the events of their commands, so the next pages show them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

KEEP_SECONDS = 10.0  # long enough for the pages after a command; the views follow anyway
MAX_EVENTS = 50  # a query names at most 100 (pace.read_your_writes)


class RecentWrites:
    """Per user name: the events their last commands recorded, for a few seconds."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.keep_seconds = keep_seconds
        self.clock = clock
        self._events: dict[str, tuple[float, list[dict[str, str]]]] = {}

    def remember(self, username: str, events: list[dict[str, Any]]) -> None:
        """Add a command's events (as its reply lists them) to the user's recent writes."""
        if not events:
            return
        named = [{"event_id": str(e["event_id"]), "event_type": str(e["event_type"])}
                 for e in events]
        kept = self.of(username)
        self._events[username] = (self.clock(), (kept + named)[-MAX_EVENTS:])
        self._forget_expired()

    def of(self, username: str) -> list[dict[str, str]]:
        """The user's recent events, oldest first; none once they are older than a while."""
        at, events = self._events.get(username, (0.0, []))
        return list(events) if self.clock() - at < self.keep_seconds else []

    def _forget_expired(self) -> None:
        now = self.clock()
        for username in [u for u, (at, _) in self._events.items()
                         if now - at >= self.keep_seconds]:
            del self._events[username]
