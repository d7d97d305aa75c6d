"""Bad input to the services: each gets a typed, readable error and appends nothing."""

from __future__ import annotations

from datetime import timedelta

import nats
import pytest

from apps.bootstrap import Partner
from contracts.commands import BookSlot, EnrolFamily, RecordConsent, SetDaypartCapacity
from contracts.intake import ConsentPurpose
from pace.client import PartnerClient
from tests.eventually import eventually
from tests.integration.test_services import (
    TODAY,
    bookable,
    enrolled_family,
    referral,
    session,
)

OLD_BIRTH = (TODAY - timedelta(days=5 * 365)).strftime("%Y-%m")

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]


@pytest.fixture
async def partner(tmp_path, nats_url):
    async with Partner("mechelen", tmp_path, nats_url) as running:
        yield running


@pytest.fixture
async def staff(partner, nats_url):
    nc = await nats.connect(nats_url)
    client = PartnerClient(nc, "mechelen")
    await client.do("booking", SetDaypartCapacity(**session(), capacity=15))
    await enrolled_family(client, 1)
    await enrolled_family(client, 2, birth_month=OLD_BIRTH)
    await bookable(client, 1)

    async def settled():
        reply = await client.send("booking", book(family_id="fam-002", child_id="chi-002"),
                                  name="book_slot")
        opened = await client.query("trajectory", "trajectories")
        return len(opened) == 2 and "older than 3" in reply["error"]["message"] \
            and await partner.idle()  # nothing still on its way into a store
    await eventually(settled)
    yield client
    await nc.close()


async def positions(partner: Partner) -> dict[str, int]:
    return {c: await s.last_position() for c, s in partner.stores.items()}


def book(**changes) -> dict:
    """A BookSlot as JSON, with some fields changed."""
    command = {**session(), "booking_id": "b-x", "family_id": "fam-001", "child_id": "chi-001"}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in {**command, **changes}.items()}


CASES = [
    ("unknown family", "booking", "book_slot", lambda: book(family_id="fam-999"),
     "unknown_family", "no family fam-999"),
    ("child older than 3", "booking", "book_slot",
     lambda: book(family_id="fam-002", child_id="chi-002"),
     "rule_broken", "older than 3"),
    ("session in the past", "booking", "book_slot",
     lambda: book(session_date=TODAY - timedelta(days=1)), "rule_broken", "in the past"),
    ("negative capacity", "booking", "set_daypart_capacity",
     lambda: {**session(), "session_date": str(session()["session_date"]), "capacity": -1},
     "invalid_input", "capacity"),
    ("malformed JSON", "intake", "refer_family", lambda: b'{"family_id": "fam-5", ',
     "invalid_input", "not valid"),
    ("missing fields", "intake", "record_consent", lambda: {"family_id": "fam-001"},
     "invalid_input", "not valid"),
    ("a payload of 1 MB", "intake", "refer_family", lambda: b"x" * 1_000_000,
     "invalid_input", "limit is 65,536 bytes"),
    ("unknown command", "booking", "teleport_child", lambda: {}, "invalid_input",
     "unknown command"),
]


@pytest.mark.parametrize(("what", "context", "name", "payload", "code", "message"), CASES,
                         ids=[c[0] for c in CASES])
async def test_bad_input_is_refused_with_a_typed_error_and_nothing_appended(
    staff, partner, what, context, name, payload, code, message
) -> None:
    before = await positions(partner)

    reply = await staff.send(context, payload(), name=name)

    assert reply["ok"] is False, what
    assert reply["error"]["code"] == code
    assert message in reply["error"]["message"] + str(reply["error"].get("details", ""))
    assert await positions(partner) == before


async def test_a_family_without_childcare_consent_cannot_book(staff, partner) -> None:
    await staff.do("intake", referral(8))
    await staff.do("intake", RecordConsent(family_id="fam-008", purpose=ConsentPurpose.TRAJECTORY,
                                           given_on=TODAY))
    await staff.do("intake", EnrolFamily(family_id="fam-008", coach_id="c", enrolled_on=TODAY))

    async def refused_for_consent():
        reply = await staff.send("booking", BookSlot(**session(), booking_id="b-8",
                                                     family_id="fam-008", child_id="chi-008"))
        return "not consented to childcare" in reply.get("error", {}).get("message", "")

    assert await eventually(refused_for_consent)
