"""Typed errors the event store raises; each says what happened in plain words."""


class StoreError(Exception):
    """Base class of the event store's errors."""


class ConcurrencyError(StoreError):
    """The stream moved on since the caller read it: reload, decide again, retry."""

    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"stream {stream_id!r} is at version {actual}, the append expected {expected}"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class DuplicateEventError(StoreError):
    """Some, but not all, of an append's event ids are already stored."""


class StoreUnavailableError(StoreError):
    """The database could not be reached or refused the write; nothing was appended."""
