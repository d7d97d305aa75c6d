"""The partner's own figures run as their own NATS user, with the least they need.

On a secure local network (TLS, a user per connection, as deployed): the web app's user asks
the figures service, which runs as `figures`; that user reads only the partner's shared
stream (never PACE_EVENTS or the dead letters), sends no command, publishes no event and no
shared copy, and answers no other service's queries. At the hub, the partner admin
`admin-<partner>` submits its own quarter and can do nothing else.
"""

from __future__ import annotations

from datetime import date

import nats
import orjson
import pytest
import pytest_asyncio
from nats.js.api import ConsumerConfig

from apps.local import LocalNetwork
from contracts import commands as wire
from contracts import subjects
from pace.client import PartnerClient
from pace.connection import connect, settle
from pace.doctor import diagnose
from pace.network.permissions import FIGURES_USER
from tests.eventually import eventually
from tests.security.conftest import watched

pytestmark = [pytest.mark.nats, pytest.mark.timeout(180)]

P = "mechelen"
FIGURES = f"pace.{P}.qry.figures.figures"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def network(tmp_path_factory):
    async with LocalNetwork(tmp_path_factory.mktemp("figures-user"), [P], secure=True,
                            figures=True) as running:
        yield running


async def refer_with_consent(network: LocalNetwork) -> None:
    staff = await connect(network.partner_url(P), network.partner_auth(P))
    try:
        client = PartnerClient(staff, P)
        for command in (
            wire.ReferFamily(family_id="fam-1", referral_source="social_services",
                             referred_on=date(2024, 3, 1),
                             parents=[{"parent_id": "par-1", "gender": "female",
                                       "full_name": "Figures Parent"}]),
            wire.RecordConsent(family_id="fam-1", purpose="cross_border_statistics",
                               given_on=date(2024, 3, 1)),
        ):
            reply = await client.send("intake", command)
            assert reply["ok"], reply
    finally:
        await staff.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_web_user_asks_the_figures_service_that_runs_as_its_own_user(network):
    await refer_with_consent(network)
    web = await connect(network.partner_url(P), network.web_auth(P))
    try:
        async def referred() -> int | None:
            reply = orjson.loads((await web.request(FIGURES, b"{}", timeout=5)).data)
            assert reply["ok"], reply
            return reply["report"]["partners"].get(P, {}).get("families_referred")

        assert await eventually(referred, "the partner's own figures count the referral",
                                seconds=60, retry_on=(nats.errors.NoRespondersError,)) == 1
    finally:
        await web.close()
    users = {runner.auth.user: runner for runner in network.partners[P].runner.runners}
    assert set(users) == {"intake", "booking", "trajectory", "sharing", FIGURES_USER}
    assert [s.context for s in users[FIGURES_USER].services] == ["figures"]


@pytest.mark.asyncio(loop_scope="module")
async def test_the_figures_user_reads_only_the_shared_stream(network):
    nc, refusals = await watched(network.partner_url(P), network.security.user(P, FIGURES_USER))
    js = nc.jetstream(timeout=1)
    try:  # the control: its own stream it may read
        assert (await js.stream_info(subjects.shared_stream(P))).config.name == \
            subjects.shared_stream(P)
        for stream in (subjects.PARTNER_EVENTS_STREAM, subjects.DEAD_LETTER_STREAM):
            with pytest.raises((nats.errors.Error, TimeoutError)):
                await js.stream_info(stream)
            assert await refusals.saw(f"$JS.API.STREAM.INFO.{stream}"), refusals.errors
        with pytest.raises((nats.errors.Error, TimeoutError)):
            await js.add_consumer(subjects.PARTNER_EVENTS_STREAM,
                                  ConsumerConfig(durable_name="stolen"))
        assert await refusals.saw(f"CREATE.{subjects.PARTNER_EVENTS_STREAM}.stolen"), \
            refusals.errors
    finally:
        await nc.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_figures_user_sends_no_command_and_publishes_nothing_of_others(network):
    nc, refusals = await watched(network.partner_url(P), network.security.user(P, FIGURES_USER))
    forbidden = [subjects.command_subject(P, "intake", "refer_family"),
                 f"pace.{P}.qry.intake.families",
                 subjects.event_subject(P, "FamilyReferred"),
                 subjects.shared_subject(P, "FamilyReferred"),
                 subjects.dead_letter_subject(P, "sharing")]
    try:
        for subject in forbidden:
            await nc.publish(subject, b"{}")
            await settle(nc)
            assert await refusals.saw(f'Publish to "{subject}"'), (subject, refusals.errors)
        for subject in (f"pace.{P}.qry.intake.*", "_INBOX.>", "_INBOX.web.>"):
            await nc.subscribe(subject)
            await settle(nc)
            assert await refusals.saw(f'Subscription to "{subject}"'), (subject,
                                                                       refusals.errors)
    finally:
        await nc.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_the_partner_admin_logs_in_to_the_hub_and_only_submits_its_quarter(network):
    nc, refusals = await watched(network.hub_url, network.admin_auth(P))
    try:
        submit = subjects.hub_command_subject(P, "submit_figures")
        reply = orjson.loads((await nc.request(
            submit, orjson.dumps({"partner_id": P, "period": "2024-Q1"}), timeout=10)).data)
        assert reply["ok"], reply
        for subject in (subjects.hub_command_subject(P, "approve_figures"),
                        subjects.hub_command_subject("gent", "submit_figures"),
                        subjects.network_query_subject("figures")):
            await nc.publish(subject, b"{}")
            await settle(nc)
            assert await refusals.saw(f'Publish to "{subject}"'), (subject, refusals.errors)
    finally:
        await nc.close()


@pytest.mark.asyncio(loop_scope="module")
async def test_pace_doctor_as_the_ops_user_sees_the_figures_consumer(network):
    async def figures_consumer() -> object:
        findings = await diagnose(P, network.partner_url(P), network.ops_auth(P))
        found = {f.what: f for f in findings}["consumer figures"]
        return found if found.level == "ok" else None

    found = await eventually(figures_consumer, "doctor finds the figures consumer fetched",
                             seconds=30)
    assert "being fetched by the figures service" in found.advice
