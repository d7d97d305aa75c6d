"""Approval of figures at the hub, by nats-server permissions on a real server: a partner's
admin submits only its own partner's quarter and cannot approve or reopen; the coordinator
approves and reopens but cannot submit for a partner."""

from __future__ import annotations

import pytest

from contracts import subjects
from pace.connection import settle
from pace.network.permissions import (
    Secret,
    authorization_block,
    coordinator_user,
    partner_admin_user,
    partner_user,
    reporting_user,
)
from tests.integration.test_isolation import (
    PASSWORDS,
    REFUSED,
    answer,
    env,
    login,
    refused,
    server,
)

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]

ADMIN = "admin-mechelen"
SUBMIT = subjects.hub_command_subject("mechelen", "submit_figures")
APPROVE = subjects.hub_command_subject("mechelen", "approve_figures")
REOPEN = subjects.hub_command_subject("mechelen", "reopen_figures")


@pytest.fixture
def passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PASSWORDS, ADMIN, "pw-admin")
    monkeypatch.setattr("tests.integration.test_isolation.INBOXES", {
        "reporting": "_INBOX.reporting", "coordinator": "_INBOX.coordinator",
        ADMIN: f"_INBOX.{ADMIN}"})
    for user, password in PASSWORDS.items():
        monkeypatch.setenv(env(user.replace("-", "_")), password)


def users_block() -> str:
    return authorization_block([
        partner_user("mechelen", Secret.from_env(env("mechelen"))),  # the server's probe
        reporting_user(Secret.from_env(env("reporting"))),
        coordinator_user(Secret.from_env(env("coordinator"))),
        partner_admin_user("mechelen", Secret.from_env(env(ADMIN.replace("-", "_"))))])


async def test_a_partner_admin_submits_its_quarter_and_cannot_approve(tmp_path, passwords):
    async with server(tmp_path, users_block()) as nats_server, \
            login(nats_server.url, "reporting") as (reporting, _), \
            login(nats_server.url, ADMIN) as (admin, admin_client):
        await reporting.subscribe(subjects.hub_command_subject("*", "*"), cb=answer(b"done"))
        await settle(reporting)

        assert (await admin.request(SUBMIT, b"{}", timeout=2)).data == b"done"

        for subject in (APPROVE, REOPEN, subjects.hub_command_subject("gent", "submit_figures")):
            await refused(lambda subject=subject: admin.request(subject, b"{}", timeout=REFUSED))
            await admin_client.violation(f'Publish to "{subject}"')
        await refused(lambda: admin.request(subjects.network_query_subject("figures"), b"{}",
                                            timeout=REFUSED))
        await admin.subscribe("pace.network.figures.>")
        await admin_client.violation('Subscription to "pace.network.figures.>"')


async def test_the_coordinator_approves_and_reopens_but_cannot_submit(tmp_path, passwords):
    async with server(tmp_path, users_block()) as nats_server, \
            login(nats_server.url, "reporting") as (reporting, _), \
            login(nats_server.url, "coordinator") as (coordinator, c_client):
        await reporting.subscribe(subjects.hub_command_subject("*", "*"), cb=answer(b"done"))
        await settle(reporting)

        assert (await coordinator.request(APPROVE, b"{}", timeout=2)).data == b"done"
        assert (await coordinator.request(REOPEN, b"{}", timeout=2)).data == b"done"

        await refused(lambda: coordinator.request(SUBMIT, b"{}", timeout=REFUSED))
        await c_client.violation(f'Publish to "{SUBMIT}"')
