"""Each service and role of a partner has its own NATS user, with the least it needs.

On a secure local network (TLS, a user per connection, as deployed): the web app's and
booking's credentials cannot publish a shared event, read another user's replies, update a
stream or answer another service's commands; only sharing publishes on `pace.<p>.net.>`.
"""

from __future__ import annotations

from datetime import date

import nats
import pytest
import pytest_asyncio
from nats.js.api import StreamConfig

from apps.local import LocalNetwork
from contracts import commands as wire
from contracts import subjects
from pace.client import PartnerClient
from pace.connection import connect, settle
from tests.security.conftest import watched

pytestmark = [pytest.mark.nats, pytest.mark.timeout(180)]

P = "mechelen"
SHARED = subjects.shared_subject(P, "FamilyReferred")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def network(tmp_path_factory):
    async with LocalNetwork(tmp_path_factory.mktemp("users"), [P], secure=True) as running:
        yield running


def auths(network: LocalNetwork) -> dict:
    security = network.security
    return {
        "web": security.web(P),
        "booking": security.user(P, "booking"),
        "staff": security.partner(P),
        "intake": security.user(P, "intake"),
        "trajectory": security.user(P, "trajectory"),
        "ops": security.ops(P),
    }


async def shared_messages(network: LocalNetwork) -> int:
    nc = await connect(network.partner_url(P), network.ops_auth(P))
    try:
        return (await nc.jetstream().stream_info(subjects.shared_stream(P))).state.messages
    finally:
        await nc.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_no_one_but_sharing_can_publish_a_shared_event(network):
    before = await shared_messages(network)
    for name, auth in auths(network).items():
        nc, refusals = await watched(network.partner_url(P), auth)
        try:
            await nc.publish(SHARED, b'{"forged": true}', headers={"Nats-Msg-Id": name})
            await settle(nc)
            assert await refusals.saw(f'Publish to "{SHARED}"'), (name, refusals.errors)
        finally:
            await nc.close()
    assert await shared_messages(network) == before


@pytest.mark.asyncio(loop_scope="module")
async def test_web_and_booking_cannot_read_other_users_replies(network):
    for name in ("web", "booking"):
        nc, refusals = await watched(network.partner_url(P), auths(network)[name])
        try:
            overheard = await nc.subscribe("_INBOX.>")
            await nc.subscribe("_INBOX.staff.>")
            await settle(nc)
            assert await refusals.saw('Subscription to "_INBOX.>"'), refusals.errors
            assert await refusals.saw('Subscription to "_INBOX.staff.>"'), refusals.errors
            staff = await connect(network.partner_url(P), network.partner_auth(P))
            try:  # a reply goes to staff's inbox, and nowhere else
                rows = await PartnerClient(staff, P).query("intake", "families")
                assert rows == []
            finally:
                await staff.close()
            assert overheard.pending_msgs == 0
        finally:
            await nc.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_web_and_booking_cannot_create_update_or_delete_a_stream(network):
    for name in ("web", "booking", "staff", "intake"):
        nc, refusals = await watched(network.partner_url(P), auths(network)[name])
        js = nc.jetstream(timeout=1)
        try:
            for attempt in (
                js.update_stream(
                    StreamConfig(name=subjects.PARTNER_EVENTS_STREAM, subjects=[f"pace.{P}.>"])
                ),
                js.add_stream(StreamConfig(name="PACE_STOLEN", subjects=[f"pace.{P}.cmd.>"])),
                js.delete_stream(subjects.DEAD_LETTER_STREAM),
            ):
                with pytest.raises((nats.errors.Error, TimeoutError)):
                    await attempt
            assert await refusals.saw("$JS.API.STREAM."), refusals.errors
        finally:
            await nc.close()
    ops = await connect(network.partner_url(P), network.ops_auth(P))
    try:  # the control: the streams are intact, and ops may manage them
        info = await ops.jetstream().stream_info(subjects.PARTNER_EVENTS_STREAM)
        assert info.config.subjects == [subjects.partner_event_subjects(P)]
        await ops.jetstream().stream_info(subjects.DEAD_LETTER_STREAM)
    finally:
        await ops.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_web_and_booking_cannot_answer_another_services_commands(network):
    intake_commands = subjects.command_subject(P, "intake", "*")
    for name in ("web", "booking"):
        nc, refusals = await watched(network.partner_url(P), auths(network)[name])
        try:
            await nc.subscribe(intake_commands, queue=f"{P}-intake")
            await nc.subscribe(f"pace.{P}.qry.intake.*")
            await settle(nc)
            assert await refusals.saw(f'Subscription to "{intake_commands}"'), refusals.errors
        finally:
            await nc.close()
    booking, refusals = await watched(network.partner_url(P), auths(network)["booking"])
    try:  # booking publishes its own events only
        await booking.publish(subjects.event_subject(P, "FamilyReferred"), b"{}")
        await settle(booking)
        assert await refusals.saw("pace.mechelen.evt.intake.FamilyReferred"), refusals.errors
    finally:
        await booking.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_services_still_work_each_as_its_own_user(network):
    staff = await connect(network.partner_url(P), network.partner_auth(P))
    try:
        reply = await PartnerClient(staff, P).send(
            "intake",
            wire.ReferFamily(
                family_id="fam-1",
                referral_source="social_services",
                referred_on=date(2024, 3, 1),
                parents=[
                    {"parent_id": "par-1", "gender": "female", "full_name": "Least Privilege"}
                ],
                children=[{"child_id": "child-1", "first_name": "Lea", "birth_month": "2021-02"}],
            ),
        )
        assert reply["ok"], reply
    finally:
        await staff.close()
    received = await network.wait_for_hub(timeout=60)
    assert received[P] >= 1
    assert {runner.auth.user for runner in network.partners[P].runner.runners} == {
        "intake",
        "booking",
        "trajectory",
        "sharing",
    }
