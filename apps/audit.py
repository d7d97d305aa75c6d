"""Portable event logs for auditors: export, verify, replay, without running servers.

A log is JSON Lines: one envelope per line, flattened (event_id, event_type,
schema_version, partner, stream_id, stream_version, occurred_at, recorded_at,
correlation_id, causation_id, actor, payload) with three more keys:

- `seq`: 1, 2, 3 ... in the order of the source (a store's positions, the hub's arrival
  order), so a missing or moved line shows as a gap;
- `prev_hash`: the previous line's hash (64 zeros on the first line);
- `hash`, always the last key: SHA-256 (hex) of the line's bytes before `,"hash":`. Those
  bytes include `prev_hash`, so the hashes chain: editing, deleting or moving any line
  breaks the chain at that line or the next.

DuckDB (`read_json_auto`), pandas (`read_json(lines=True)`) and jq read it as is.
Erased families stay in the log (events carry pseudonymous ids only; their personal data
was in intake's vault and is gone), so every count replays the same.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
from pydantic import ValidationError

from contracts.envelope import Envelope
from contracts.registry import UnknownEventTypeError, decode, model_for
from pace.connection import NatsAuth, connect
from pace.store import EventStore

GENESIS = "0" * 64
_HASH_KEY = b',"hash":"'


def log_line(seq: int, envelope: dict[str, Any], prev_hash: str) -> tuple[bytes, str]:
    """One line (without the newline) and its hash."""
    body = orjson.dumps({"seq": seq, **envelope, "prev_hash": prev_hash})[:-1]
    digest = hashlib.sha256(body).hexdigest()
    return body + _HASH_KEY + digest.encode() + b'"}', digest


class LogWriter:
    """Writes envelopes as chained lines, in the order given."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.seq = 0
        self.last_hash = GENESIS

    def write(self, envelope: dict[str, Any]) -> None:
        self.seq += 1
        line, self.last_hash = log_line(self.seq, envelope, self.last_hash)
        self.out.write(line + b"\n")


async def store_envelopes(store: EventStore, page: int = 5000) -> AsyncIterator[dict[str, Any]]:
    """Every envelope of a store, in position order, a page at a time."""
    after = 0
    while records := await store.read_all(after=after, limit=page):
        for record in records:
            yield orjson.loads(record.wire_bytes())
        after = records[-1].position


# -- verify -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogProblem:
    line: int
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.problem}"


@dataclass
class LogReport:
    lines: int = 0
    problems: list[LogProblem] = field(default_factory=list)
    last_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        return not self.problems


def _split(line: bytes) -> tuple[bytes, str] | None:
    at = line.rfind(_HASH_KEY)
    if at < 0 or not line.endswith(b'"}'):
        return None
    return line[:at], line[at + len(_HASH_KEY):-2].decode("ascii", "replace")


class LogChecker:
    """Checks lines one by one: the chain, the sequence, duplicates and (optionally) schemas.

    Used by `pace log verify` (with schemas) and by replay (chain, sequence, duplicates).
    `check` takes one line and returns its decoded object, or None for a line that cannot be
    read at all; `read` checks a whole file and yields the objects of the readable lines.
    """

    def __init__(self, *, schemas: bool, report: LogReport | None = None,
                 max_problems: int = 1000) -> None:
        self.schemas = schemas
        self.report = report or LogReport()
        self.max_problems = max_problems
        self._seen: dict[str, int] = {}  # event id -> the line it was first on
        self._seq = 0

    def problem(self, line: int, text: str) -> None:
        if len(self.report.problems) < self.max_problems:
            self.report.problems.append(LogProblem(line, text))

    def check(self, number: int, line: bytes) -> dict[str, Any] | None:
        report = self.report
        report.lines = number
        parts = _split(line.rstrip(b"\r\n"))
        if parts is None:
            self.problem(number, "not a log line (no hash at its end)")
            return None
        body, digest = parts
        if hashlib.sha256(body).hexdigest() != digest:
            self.problem(number, "the line was changed: its hash does not match its content")
        try:
            entry = orjson.loads(body + b"}")
        except orjson.JSONDecodeError as error:
            self.problem(number, f"not JSON: {error}")
            return None
        if entry.get("prev_hash") != report.last_hash:
            self.problem(number, "the chain is broken here: a line before it was removed, "
                                 "moved or changed")
        report.last_hash = digest
        seq = entry.get("seq")
        if seq != self._seq + 1:
            self.problem(number, f"sequence {seq} follows {self._seq}: "
                                 + ("lines missing before it" if isinstance(seq, int)
                                    and seq > self._seq + 1 else "out of order"))
        self._seq = seq if isinstance(seq, int) else self._seq + 1
        event_id = entry.get("event_id")
        if event_id in self._seen:
            self.problem(number, f"event {event_id} already on line {self._seen[event_id]}")
        else:
            self._seen[event_id] = number
        if self.schemas:
            self._check_schema(number, entry)
        return entry

    def read(self, path: Path, progress: Callable[[int], None] | None = None
             ) -> Iterator[dict[str, Any]]:
        """Check every line of a log file, as `check` does; yields the readable lines' objects.

        The report is complete once the iteration ends. `progress` is called with the number
        of bytes read, about every megabyte. This is the auditors' hot path (a million lines
        should take seconds), so a line written as `LogWriter` writes it -- its own digest
        after `,"hash":"`, the previous hash, the next seq, a new event id -- is checked here
        in few steps; every other line (and blank lines, skipped) goes through `check`, which
        makes the same checks and names what is wrong.
        """
        report, seen, schemas = self.report, self._seen, self.schemas
        sha256, loads, json_error = hashlib.sha256, orjson.loads, orjson.JSONDecodeError
        last_hash, seq, checked = report.last_hash, self._seq, report.lines
        number = 0  # of the line in the file; blank lines count
        try:
            with path.open("rb", buffering=_READ_BUFFER) as file:
                for line in file if progress is None else _counting(file, progress):
                    number += 1
                    body = line[:-_TAIL]
                    digest = sha256(body).hexdigest()
                    if line.endswith(_HASH_KEY + digest.encode() + b'"}\n'):
                        try:
                            entry = loads(body + b"}")
                        except json_error:
                            entry = None
                        if (entry is not None and entry.get("prev_hash") == last_hash
                                and entry.get("seq") == seq + 1
                                and seen.setdefault(entry.get("event_id"), number) == number):
                            checked, last_hash, seq = number, digest, seq + 1
                            if schemas:
                                self._check_schema(number, entry)
                            yield entry
                            continue
                    if not line.strip():
                        continue
                    report.last_hash, self._seq = last_hash, seq
                    entry = self.check(number, line)
                    checked, last_hash, seq = number, report.last_hash, self._seq
                    if entry is not None:
                        yield entry
        finally:
            report.lines, report.last_hash, self._seq = checked, last_hash, seq

    def _check_schema(self, number: int, entry: dict[str, Any]) -> None:
        envelope = {k: v for k, v in entry.items() if k not in ("seq", "prev_hash", "hash")}
        try:
            checked = Envelope.model_validate(envelope)
            decode(checked.event_type, checked.schema_version, checked.payload)
        except (ValidationError, UnknownEventTypeError, ValueError) as error:
            first = str(error).splitlines()[:3]
            self.problem(number, "not a valid event: " + " / ".join(first))


_READ_BUFFER = 1 << 20
_TAIL = len(_HASH_KEY) + 64 + len(b'"}\n')  # what follows a line's body: its hash, newline
_PROGRESS_STEP = 1 << 20


def _counting(lines: Iterable[bytes], progress: Callable[[int], None]) -> Iterator[bytes]:
    """The lines, calling `progress` with the bytes passed about every megabyte."""
    passed = 0
    for line in lines:
        yield line
        passed += len(line)
        if passed >= _PROGRESS_STEP:
            progress(passed)
            passed = 0
    if passed:
        progress(passed)


def verify_log(path: Path, *, progress: Callable[[int], None] | None = None) -> LogReport:
    """Every check on every line of a log file."""
    checker = LogChecker(schemas=True)
    for _entry in checker.read(path, progress):
        pass
    return checker.report


# -- replay -------------------------------------------------------------------------------------


def replay(entries: Iterable[dict[str, Any]], *, partner: str | None = None) -> Any:
    """Fold log entries (in order) with the reporting service's own code; returns the fold.

    Payloads of an older schema version go through `current_payload` (its upcasters); the
    others, nearly all, go to the fold as they were decoded.
    """
    from services.reporting.app import current_payload
    from services.reporting.domain import Fold

    fold = Fold()
    apply = fold.apply
    current: dict[str, int] = {}  # event type -> its current schema version
    for entry in entries:
        source = entry["partner"]
        if partner is not None and source != partner:
            continue
        event_type, payload = entry["event_type"], entry["payload"]
        version = current.get(event_type)
        if version is None:  # an unknown type raises, as current_payload would
            version = current[event_type] = model_for(event_type).schema_version
        if entry["schema_version"] != version:
            payload = current_payload(event_type, entry["schema_version"], payload)
        apply(source, event_type, payload)
    return fold


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a log is replayed and its figures counted.

    A replay keeps millions of small containers (the fold's facts, then their joined rows)
    and makes no reference cycles; the collector would walk all of them again and again as
    they grow (a third of a replay's time in the profile) and free nothing. Reference
    counting still frees everything as usual; the collector is restored as it was. The
    objects made meanwhile are then handed to its oldest generation, as if they had outlived
    its collections, so that its first collection after the pause does not walk them all
    once more (unless something else froze objects: those stay frozen, so this hand-over,
    which goes through `gc.freeze`, is skipped).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()  # every tracked object to the permanent generation ...
            gc.unfreeze()  # ... and from there to the oldest one
        if enabled:
            gc.enable()


def checked_entries(path: Path, report: LogReport,
                    progress: Callable[[int], None] | None = None
                    ) -> Iterator[dict[str, Any]]:
    """The log's entries, checking the chain, sequence and duplicates as they are read."""
    return LogChecker(schemas=False, report=report).read(path, progress)


# -- the hub's network stream -------------------------------------------------------------------


async def hub_envelopes(hub_url: str, batch: int = 1000, timeout: float = 10.0,
                        auth: NatsAuth | None = None) -> AsyncIterator[dict[str, Any]]:
    """Every envelope in the hub's PACE_NETWORK stream, in stream order (read-only)."""
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

    from contracts import subjects

    nc = await connect(hub_url, auth or NatsAuth.from_env(), connect_timeout=5,
                       max_reconnect_attempts=1)
    try:
        js = nc.jetstream()
        last = (await js.stream_info(subjects.NETWORK_STREAM)).state.last_seq
        sub = await js.pull_subscribe(
            ">", durable=None, stream=subjects.NETWORK_STREAM,
            config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL,
                                  inactive_threshold=60.0))
        seen = 0
        while seen < last:
            for message in await sub.fetch(batch, timeout=timeout):
                seen = message.metadata.sequence.stream
                yield orjson.loads(message.data)
                if seen >= last:
                    break
        await sub.unsubscribe()
    finally:
        await nc.close()


# -- the commands' work -------------------------------------------------------------------------


async def export_log(out_path: Path, *, store_url: str | None = None, partner: str = "unknown",
                     hub_url: str | None = None, auth: NatsAuth | None = None,
                     progress: Callable[[int], None] | None = None) -> LogWriter:
    """Stream a store's events, or the hub's network stream, into a log file."""
    if (store_url is None) == (hub_url is None):
        raise ValueError("export either a store (--store) or the hub's stream (--hub-url)")
    tmp = out_path.with_name(out_path.name + ".part")
    with tmp.open("wb") as out:
        writer = LogWriter(out)
        if store_url is not None:
            store = await EventStore.open(store_url, partner)
            try:
                async for envelope in store_envelopes(store):
                    writer.write(envelope)
                    if progress is not None:
                        progress(1)
            finally:
                await store.close()
        else:
            assert hub_url is not None
            async for envelope in hub_envelopes(hub_url, auth=auth):
                writer.write(envelope)
                if progress is not None:
                    progress(1)
    tmp.replace(out_path)  # a log appears whole or not at all
    return writer
