"""The in-memory store can stand in for the SQL one: the same methods, the same parameters."""

from __future__ import annotations

import inspect

import pytest

from pace.store import EventStore, InMemoryEventStore, StoreTransaction
from pace.store.memory import InMemoryTransaction

PAIRS = [(EventStore, InMemoryEventStore), (StoreTransaction, InMemoryTransaction)]


def public(cls: type) -> dict[str, object]:
    return {name: member for name, member in inspect.getmembers(cls)
            if not name.startswith("_") and callable(member)}


@pytest.mark.parametrize(("sql", "memory"), PAIRS, ids=["store", "transaction"])
def test_every_public_method_of_the_sql_one_is_there_with_the_same_parameters(sql, memory):
    missing = set(public(sql)) - set(public(memory))

    assert missing == set()
    for name, method in public(sql).items():
        if name == "open":  # opened from a URL, or from nothing at all
            continue
        wanted = list(inspect.signature(method).parameters)
        assert list(inspect.signature(getattr(memory, name)).parameters) == wanted, name
