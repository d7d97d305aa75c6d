"""Auditors' logs: a store exported to JSON Lines, verified, tampered with, replayed."""

from __future__ import annotations

from datetime import date

import orjson
import pytest
from typer.testing import CliRunner

from apps.audit import export_log, verify_log
from apps.cli import app
from pace.store import EventStore
from tests.integration.test_relay_and_consumer import referral

EVENTS = 12


@pytest.fixture
async def log(tmp_path):
    store = await EventStore.open(tmp_path / "intake.db", "mechelen")
    try:
        for i in range(EVENTS):
            await store.append(f"family-fam-{i:04d}", [referral(i)], expected_version=0)
    finally:
        await store.close()
    path = tmp_path / "intake.jsonl"
    writer = await export_log(path, store_url=str(tmp_path / "intake.db"), partner="mechelen")
    assert writer.seq == EVENTS
    return path


def verify(path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["log", "verify", str(path)])
    return result.exit_code, result.output


def test_an_exported_log_verifies_and_reads_as_plain_json_lines(log):
    code, output = verify(log)
    assert code == 0 and f"{EVENTS} lines checked: intact" in output
    rows = [orjson.loads(line) for line in log.read_bytes().splitlines()]
    assert [r["seq"] for r in rows] == list(range(1, EVENTS + 1))
    assert {r["event_type"] for r in rows} == {"FamilyReferred"}
    assert rows[1]["prev_hash"] == rows[0]["hash"] and list(rows[0])[-1] == "hash"


def test_an_edited_line_is_named(log):
    lines = log.read_bytes().splitlines(keepends=True)
    lines[4] = lines[4].replace(b'"2020-01-06"', b'"2020-01-07"', 1)
    log.write_bytes(b"".join(lines))
    code, output = verify(log)
    assert code == 1
    assert "line 5: the line was changed" in output
    assert "BROKEN" in output


def test_a_deleted_line_is_named(log):
    lines = log.read_bytes().splitlines(keepends=True)
    del lines[6]
    log.write_bytes(b"".join(lines))
    code, output = verify(log)
    assert code == 1
    assert "line 7: the chain is broken here" in output
    assert "line 7: sequence 8 follows 6: lines missing before it" in output


def test_reordered_lines_are_named(log):
    lines = log.read_bytes().splitlines(keepends=True)
    lines[2], lines[3] = lines[3], lines[2]
    log.write_bytes(b"".join(lines))
    code, output = verify(log)
    assert code == 1
    assert "line 3: the chain is broken here" in output
    assert "line 3: sequence 4 follows 2" in output


def test_a_line_with_an_invalid_event_is_named_even_with_a_good_hash(log, tmp_path):
    from apps.audit import LogWriter

    rows = [orjson.loads(line) for line in log.read_bytes().splitlines()]
    rows[2]["payload"]["referral_source"] = "a neighbour"
    rewritten = tmp_path / "rewritten.jsonl"
    with rewritten.open("wb") as out:  # a forger who re-chains every hash
        writer = LogWriter(out)
        for row in rows:
            writer.write({k: v for k, v in row.items() if k not in ("seq", "prev_hash", "hash")})
    report = verify_log(rewritten)
    assert [p.line for p in report.problems] == [3]
    assert "not a valid event" in report.problems[0].problem


def test_replay_prints_the_figures_and_refuses_a_broken_log(log):
    runner = CliRunner()
    good = runner.invoke(app, ["replay", str(log), "--as-of", "2020-12-31", "-f", "json"])
    assert good.exit_code == 0, good.output
    figures = orjson.loads(good.output)
    assert figures["partners"]["mechelen"]["families_referred"] == EVENTS
    early = runner.invoke(app, ["replay", str(log), "--as-of", str(date(2019, 12, 31)),
                                "-f", "json"])
    assert orjson.loads(early.output)["network"]["families_referred"] == 0

    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:3] + lines[4:]))
    broken = runner.invoke(app, ["replay", str(log), "--as-of", "2020-12-31"])
    assert broken.exit_code == 1
    assert "line 4" in broken.output


# -- the fast reader: the same findings as line-by-line checking, whatever the damage ---------


def _duplicate_a_line(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:8] + [lines[4]] + lines[8:])


def _crlf_on_some_lines(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join(line.replace(b"\n", b"\r\n") if i % 3 == 0 else line
                    for i, line in enumerate(lines))


def _blank_lines(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join([b"\n", *lines[:3], b"   \n", b"\n", *lines[3:], b"\n"])


def _garbage(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    return b"".join([*lines[:2], b"not a log line\n", b'{"seq": 3,"hash":"00"}\n', *lines[2:]])


def _other_hash(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    lines[5] = lines[5][:-20] + b"0123456789abcdef0\"}\n"
    return b"".join(lines)


def _cut_hash(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    lines[5] = lines[5][:-10] + b"\"}\n"
    return b"".join(lines)


def _no_final_newline(data: bytes) -> bytes:
    return data.rstrip(b"\n")


def _swapped(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    lines[2], lines[9] = lines[9], lines[2]
    return b"".join(lines)


def _whole_log_twice(data: bytes) -> bytes:
    return data + data


@pytest.mark.parametrize("damage", [
    lambda data: data, _duplicate_a_line, _crlf_on_some_lines, _blank_lines, _garbage,
    _other_hash, _cut_hash, _no_final_newline, _swapped, _whole_log_twice,
], ids=["intact", "duplicate", "crlf", "blank-lines", "garbage", "other-hash", "cut-hash",
        "no-final-newline", "swapped", "twice"])
@pytest.mark.parametrize("schemas", [False, True], ids=["replay", "verify"])
def test_reading_a_file_finds_what_checking_line_by_line_finds(log, damage, schemas):
    import io

    from apps.audit import LogChecker

    data = damage(log.read_bytes())
    log.write_bytes(data)
    one_by_one = LogChecker(schemas=schemas)
    expected = [entry for number, line in enumerate(io.BytesIO(data), start=1)
                if line.strip() and (entry := one_by_one.check(number, line)) is not None]
    reader = LogChecker(schemas=schemas)
    assert list(reader.read(log)) == expected
    assert reader.report.problems == one_by_one.report.problems
    assert (reader.report.lines, reader.report.last_hash) == \
        (one_by_one.report.lines, one_by_one.report.last_hash)


def test_progress_counts_every_byte_of_the_log(log):
    from apps.audit import LogReport, checked_entries

    verified: list[int] = []
    assert verify_log(log, progress=verified.append).ok
    replayed: list[int] = []
    assert len(list(checked_entries(log, LogReport(), replayed.append))) == EVENTS
    assert sum(verified) == sum(replayed) == log.stat().st_size


def test_replay_upcasts_old_versions_and_folds_as_the_reporting_service_does(tmp_path):
    import uuid
    from datetime import UTC, datetime

    from apps.audit import LogReport, LogWriter, checked_entries, replay
    from contracts.booking import ChildCheckedIn, ChildCheckedOut, ChildCheckedOutV1
    from contracts.registry import encode
    from contracts.report import to_json
    from services.reporting.app import feed
    from services.reporting.domain import Fold

    def envelope(partner: str, event) -> dict:
        return {"event_id": str(uuid.uuid4()), "event_type": event.event_type,
                "schema_version": event.schema_version, "partner": partner,
                "stream_id": "shared", "stream_version": 1,
                "occurred_at": "2020-03-03T17:00:00.000000Z",
                "recorded_at": "2020-03-03T17:00:01.000000Z",
                "correlation_id": str(uuid.uuid4()), "causation_id": None,
                "actor": f"partner:{partner}", "payload": encode(event)}

    at = datetime(2020, 3, 3, 13, tzinfo=UTC)
    envelopes = []
    for i, partner in enumerate(["mechelen", "kent", "mechelen", "kent"]):
        ids = {"session_id": f"{partner}-centre:2020-03-03:afternoon",
               "booking_id": f"booking-{i}", "family_id": f"family-{i}", "child_id": f"child-{i}"}
        checked_out = (ChildCheckedOutV1(**ids, checked_out_at=at, minutes_used=90 + i)
                       if partner == "kent" else
                       ChildCheckedOut(**ids, checked_out_at=at, hours_used=2.5))
        envelopes += [envelope(partner, ChildCheckedIn(**ids, checked_in_at=at)),
                      envelope(partner, checked_out)]
    path = tmp_path / "old-and-new.jsonl"
    with path.open("wb") as out:
        writer = LogWriter(out)
        for each in envelopes:
            writer.write(each)

    live = Fold()
    for each in envelopes:
        feed(live, orjson.dumps(each))
    countries = {"mechelen": "BE", "kent": "UK"}
    report = LogReport()
    replayed = replay(checked_entries(path, report))
    assert report.ok and report.lines == len(envelopes)
    ours = replayed.figures(date(2020, 12, 31), "to-date", countries)
    assert to_json(ours) == to_json(live.figures(date(2020, 12, 31), "to-date", countries))
    assert ours.partners["kent"]["childcare_hours"] == 3.07  # 91 + 93 minutes: 1.52 + 1.55 h
    assert ours.network["childcare_sessions"] == 4
    only_kent = replay(checked_entries(path, LogReport()), partner="kent")
    assert only_kent.partners() == ["kent"]


def test_the_collector_pause_restores_the_collector_and_keeps_what_others_froze():
    import gc

    from apps.audit import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]  # containers made during the pause
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert all(gc.is_tracked(each) for each in kept)  # handed on, not frozen
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left off, as it was
    finally:
        gc.enable()
    gc.freeze()  # someone else's frozen objects stay frozen
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            kept.append([0])
        assert gc.get_freeze_count() == frozen and gc.isenabled()
    finally:
        gc.unfreeze()
