"""A partner's PostgreSQL stopped and started again while its services keep running.

While the database is down every command and query gets a typed refusal (`unavailable`)
promptly, not a timeout; nothing a refused command touched is stored. Once the database
is back the same services (not restarted) take commands again, the relays publish what
was stored before the outage, the consumers apply what they missed, and every accepted
command's events exist exactly once, in the stores and on the partner's stream.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import nats
import pytest
from sqlalchemy import func, select

from apps.bootstrap import STORES, Partner
from contracts import subjects
from contracts.commands import EnrolFamily, RecordConsent
from contracts.intake import ConsentPurpose
from pace.client import PartnerClient
from services.intake import vault
from tests.eventually import eventually as until
from tests.faults.postgres import StoppablePostgres
from tests.integration.test_services import TODAY, referral
from tests.plugins.postgres import _admin

pytestmark = [pytest.mark.nats, pytest.mark.postgres, pytest.mark.timeout(180)]

PARTNER = "gent"
BEFORE = range(1, 11)  # families enrolled before the outage
DURING = range(11, 16)  # referred during the outage (refused), re-sent afterwards
AFTER = range(16, 21)  # enrolled after the outage
REPLY_TIMEOUT = 10.0  # a refusal must come as a reply well within this


def enrolment(n: int) -> list[tuple[object, uuid.UUID]]:
    family = f"fam-{n:03d}"
    return [(referral(n), uuid.uuid4()),
            (RecordConsent(family_id=family, purpose=ConsentPurpose.TRAJECTORY,
                           given_on=TODAY), uuid.uuid4()),
            (EnrolFamily(family_id=family, coach_id="coach-1", enrolled_on=TODAY),
             uuid.uuid4())]


@pytest.fixture
def postgres():
    server = StoppablePostgres().start()
    try:
        yield server
    finally:
        server.cleanup()


async def test_a_database_restart_refuses_clearly_and_recovers_by_itself(tmp_path, nats_url,
                                                                        postgres):
    urls = {}
    for store in STORES:
        await _admin(postgres.url(), f'CREATE DATABASE "{PARTNER}_{store}"')
        urls[store] = postgres.url(f"{PARTNER}_{store}")
    nc = await nats.connect(nats_url)
    staff = PartnerClient(nc, PARTNER)
    accepted: dict[uuid.UUID, list[dict]] = {}
    refused: dict[uuid.UUID, object] = {}

    async def accept(command, command_id) -> None:
        accepted[command_id] = await staff.do("intake", command, command_id=command_id,
                                              timeout=REPLY_TIMEOUT)

    try:
        async with Partner(PARTNER, tmp_path, nats_url, database_urls=urls) as partner:
            for n in BEFORE:
                for command, command_id in enrolment(n):
                    await accept(command, command_id)

            postgres.stop()  # the relays and consumers may not have caught up yet
            during = [enrolment(n)[0] for n in DURING]
            for command, command_id in during:
                reply = await staff.send("intake", command, command_id=command_id,
                                         timeout=REPLY_TIMEOUT)
                assert not reply["ok"], reply
                assert reply["error"]["code"] == "unavailable", reply
                assert "database is unavailable" in reply["error"]["message"]
                refused[command_id] = command
            with pytest.raises(Exception, match="unavailable"):
                await staff.query("intake", "families", timeout=REPLY_TIMEOUT)
            await asyncio.sleep(2)  # relays and consumers meet the outage too

            postgres.start()
            intake = partner.stores["intake"]
            stored = await until(lambda: _stored_or_none(intake))
            causes = {r.row["causation_id"] for r in stored}
            assert not causes & {str(c) for c in refused}, "a refused command left an event"
            keys = await intake.db.read(lambda c: c.execute(
                select(func.count()).select_from(vault.family_keys)).scalar())
            assert keys == len(BEFORE), "a refused referral left personal data in the vault"
            views = await until(lambda: _at_least(staff.query("intake", "families"),
                                                  len(BEFORE)))
            assert len(views) == len(BEFORE), "a refused referral left a row in the view"

            for command_id, command in refused.items():  # staff try again, same ids
                await accept(command, command_id)
            for n in [*DURING, *AFTER]:
                for command, command_id in enrolment(n)[1 if n in DURING else 0:]:
                    await accept(command, command_id)

            families = len(BEFORE) + len(DURING) + len(AFTER)

            async def caught_up():
                views = await staff.query("intake", "families")
                opened = await staff.query("trajectory", "trajectories")
                return len(views) == families and len(opened) == families

            await until(caught_up)
            counts = await until(lambda: _relayed(partner))
            on_stream = await _stream_ids(nc)

        stored_ids = Counter(r.event_id for r in counts["records"])
        answered = [e["event_id"] for events in accepted.values() for e in events]
        # referral, consent, and an enrolment answered to the referrer (ReferralAnswered)
        assert len(answered) == len(set(answered)) == families * 4
        assert all(stored_ids[event_id] == 1 for event_id in answered), \
            "an accepted command's event is missing or doubled"
        assert Counter(on_stream) == Counter(r.event_id for r in counts["published"]), \
            "the partner stream lost or doubled an event"
    finally:
        await nc.close()


async def _at_least(rows, count: int):
    """The rows once there are at least `count` of them, else None (also while refused)."""
    try:
        listed = await rows
    except Exception:  # noqa: BLE001 - the service may still refuse for a moment
        return None
    return listed if len(listed) >= count else None


async def _stored_or_none(store):
    """The intake store's events once the database answers again, else None."""
    try:
        return await store.read_all(limit=10**6) or None
    except Exception:  # noqa: BLE001 - still coming back
        return None


async def _relayed(partner: Partner):
    """Every publishing store's records, once each relay's cursor reached its store's end."""
    assert partner.runner is not None
    published = []
    for context, relay in partner.runner.relays.items():
        store = partner.stores[context]
        records = await store.read_all(limit=10**6)
        if await store.cursor(relay.name) < (records[-1].position if records else 0):
            return None
        published += records
    return {"records": await partner.stores["intake"].read_all(limit=10**6),
            "published": published}


async def _stream_ids(nc: nats.NATS) -> list[str]:
    """The Nats-Msg-Id of every message on the partner's event and shared streams."""
    js = nc.jetstream()
    ids = []
    for stream in (subjects.PARTNER_EVENTS_STREAM, subjects.shared_stream(PARTNER)):
        info = await js.stream_info(stream)
        sub = await js.pull_subscribe(">", stream=stream)
        left = info.state.messages
        while left:
            msgs = await sub.fetch(min(left, 500), timeout=5)
            ids += [m.headers["Nats-Msg-Id"] for m in msgs]
            left -= len(msgs)
        await sub.unsubscribe()
    return ids
