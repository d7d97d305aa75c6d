"""Shared fixtures: real servers (nats-server, PostgreSQL) are provided by the plugins below.

`make test` runs the suite on two workers (pytest-xdist, a whole file per worker). The
longest files are collected first, so that one worker drives the calibrated history while
the other takes the container stacks and then everything else.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.plugins.nats", "tests.plugins.postgres"]

# Files that take minutes, longest first; every other file keeps its place after them.
LONGEST_FIRST = (
    "tests/network/test_calibrated_history.py",
    "tests/deploy/test_stacks.py",
)


def _rank(item: pytest.Item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: the rest keep the order pytest collected them in
