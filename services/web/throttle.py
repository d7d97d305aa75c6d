"""Login throttling per user name and per address: 5 failures, then a growing delay."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

FREE_FAILURES = 5
FIRST_DELAY = 5.0  # seconds after the 5th failure; doubles with each further one
MAX_DELAY = 15 * 60.0
FORGET_AFTER = 60 * 60.0


class ThrottledError(Exception):
    """Too many failed logins for this user or address; try again after `retry_after` s."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many failed logins: try again in {retry_after:.0f} s")
        self.retry_after = retry_after


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


@dataclass
class Throttle:
    """Counts failures per key (`user:NAME`, `addr:IP`) and refuses while a delay runs."""

    clock: Callable[[], float] = time.monotonic
    records: dict[str, _Record] = field(default_factory=dict)

    def _delay(self, record: _Record) -> float:
        if record.failures < FREE_FAILURES:
            return 0.0
        return min(FIRST_DELAY * 2 ** (record.failures - FREE_FAILURES), MAX_DELAY)

    def check(self, *keys: str) -> None:
        """Raise ThrottledError when any key is still waiting out its delay."""
        now = self.clock()
        waits = []
        for key in keys:
            record = self.records.get(key)
            if record is None:
                continue
            if now - record.last > FORGET_AFTER:
                del self.records[key]
                continue
            waits.append(record.last + self._delay(record) - now)
        if waits and max(waits) > 0:
            raise ThrottledError(max(waits))

    def failed(self, *keys: str) -> None:
        now = self.clock()
        for key in keys:
            record = self.records.setdefault(key, _Record())
            record.failures += 1
            record.last = now
        if len(self.records) > 100_000:  # bounded memory under a spray of names
            oldest = sorted(self.records, key=lambda k: self.records[k].last)[:50_000]
            for key in oldest:
                del self.records[key]

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of these keys (the user's own, after a good login)."""
        for key in keys:
            self.records.pop(key, None)
