"""What staff get back for a command, as the NATS adapter answers it: events or a typed error."""

from __future__ import annotations

from tests.app.families import book, capacity, enrolled


async def test_an_accepted_command_is_answered_with_its_events(partner) -> None:
    await partner.given(*enrolled(1), capacity(15))

    reply = await partner.reply("booking", "book_slot", book(1).model_dump_json().encode())

    assert reply["ok"] is True
    assert [e["event_type"] for e in reply["events"]] == ["SlotBooked"]


async def test_a_malformed_command_is_invalid_input_naming_the_field(partner) -> None:
    reply = await partner.reply("booking", "book_slot", b'{"location_id": "noord"}')

    assert reply["error"]["code"] == "invalid_input"
    assert "booking_id" in {d["field"] for d in reply["error"]["details"]}


async def test_a_refusal_by_the_rules_carries_its_code_and_reason(partner) -> None:
    await partner.given(capacity(15))

    reply = await partner.reply("booking", "book_slot", book(9).model_dump_json().encode())

    assert reply["error"] == {"code": "unknown_family",
                              "message": "no family fam-9 is known to booking"}


async def test_an_unknown_command_lists_the_known_ones(partner) -> None:
    reply = await partner.reply("trajectory", "fly_to_the_moon", b"{}")

    assert reply["error"]["code"] == "invalid_input"
    assert "agree_plan" in reply["error"]["message"]
