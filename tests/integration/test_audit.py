"""Auditors' logs: a store exported to JSON Lines, verified, tampered with, replayed."""

from __future__ import annotations

from datetime import date

import orjson
import pytest
from typer.testing import CliRunner

from pace.audit import export_log, verify_log
from pace.cli import app
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
    from pace.audit import LogWriter

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
