"""The event store shared by every service."""

from pace.store.chain import ChainProblem, ChainReport
from pace.store.errors import (
    ConcurrencyError,
    DuplicateEventError,
    StoreError,
    StoreUnavailableError,
)
from pace.store.event_store import ANY_VERSION, NO_STREAM, EventStore
from pace.store.memory import InMemoryEventStore
from pace.store.records import NewEvent, RecordedEvent
from pace.store.writing import InlineProjection, StoreTransaction

__all__ = [
    "ANY_VERSION",
    "NO_STREAM",
    "ChainProblem",
    "ChainReport",
    "ConcurrencyError",
    "DuplicateEventError",
    "EventStore",
    "InMemoryEventStore",
    "InlineProjection",
    "NewEvent",
    "RecordedEvent",
    "StoreError",
    "StoreTransaction",
    "StoreUnavailableError",
]
