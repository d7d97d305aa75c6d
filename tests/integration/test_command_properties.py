"""Property-based bad input to every command of every service: a typed refusal, nothing stored.

The real services are built on real SQLite stores and their commands answered by the same
`answer()` the NATS adapter calls; hypothesis throws malformed JSON, wrong types, missing and
extra fields, huge and deeply nested payloads at each of them.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime

import orjson
import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.bootstrap import STORES, build_services
from contracts.commands import ChildDetails, ParentDetails, ReferFamily
from contracts.intake import Gender, ReferralSource
from pace.commands import CommandMeta, decide_and_append, execute
from pace.service import MAX_COMMAND_BYTES, answer
from pace.store import EventStore
from services.intake.domain import decider, stream_id
from services.intake.vault import VaultKey
from services.sharing.app import PseudonymKey

TYPED = {"invalid_input", "rule_broken", "unknown_family", "not_found", "conflict"}
NOW = datetime(2021, 3, 1, 7, tzinfo=UTC)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=20)


@pytest.fixture(scope="module")
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def routes(loop, tmp_path_factory):
    """Every command route of a partner's services, on real stores."""
    data_dir = tmp_path_factory.mktemp("properties")
    stores = {c: loop.run_until_complete(EventStore.open(data_dir / f"{c}.db", "mechelen"))
              for c in STORES}
    services = build_services("mechelen", stores, PseudonymKey(bytes(32)),
                              VaultKey(Fernet.generate_key().decode()))
    table = {(s.context, r.name): (s, r) for s in services for r in s.routes}
    yield table
    for store in stores.values():
        loop.run_until_complete(store.close())


def fields_of(model) -> list[str]:
    return list(model.model_fields)


def ask(loop, service, name: str, body: bytes) -> dict:
    reply = loop.run_until_complete(
        answer(service.route_table(), name, body, {}, lambda: NOW))
    assert isinstance(reply, dict) and isinstance(reply.get("ok"), bool), reply
    return reply


def positions(loop, routes) -> dict[str, int]:
    stores = {s.context: s.store for s, _ in routes.values()}
    return {c: loop.run_until_complete(s.last_position()) for c, s in stores.items()}


PROPERTY = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@PROPERTY
@given(data=st.data())
def test_any_json_to_any_command_is_refused_with_a_typed_error(loop, routes, data):
    before = positions(loop, routes)
    context, name = data.draw(st.sampled_from(sorted(routes)))
    service, route = routes[(context, name)]
    known = fields_of(route.model)
    body = data.draw(st.one_of(
        json_values,  # anything at all
        st.fixed_dictionaries({f: json_values for f in known}),  # right names, wrong types
        st.dictionaries(st.sampled_from(known), json_values),  # some fields missing
        st.fixed_dictionaries({f: json_values for f in known},
                              optional={"unexpected": json_values}),
    ))
    reply = ask(loop, service, name, orjson.dumps(body))
    if not reply["ok"]:
        assert reply["error"]["code"] in TYPED, reply
        assert reply["error"]["message"]
    assert reply["ok"] or positions(loop, routes) == before, "a refused command stored events"


@PROPERTY
@given(data=st.data(), raw=st.binary(max_size=200))
def test_bytes_that_are_not_json_are_refused(loop, routes, data, raw):
    context, name = data.draw(st.sampled_from(sorted(routes)))
    service, _ = routes[(context, name)]
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError:
        reply = ask(loop, service, name, raw)
        assert reply["ok"] is False and reply["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("shape", ["huge", "deep", "unknown command"])
def test_huge_deep_and_unknown_commands_are_refused(loop, routes, shape):
    before = positions(loop, routes)
    for (context, name), (service, _) in sorted(routes.items()):
        if shape == "huge":
            body, asked = orjson.dumps({"family_id": "x" * (MAX_COMMAND_BYTES + 1)}), name
        elif shape == "deep":
            body, asked = b'{"family_id": ' + b"[" * 5000 + b"]" * 5000 + b"}", name
        else:
            body, asked = b"{}", "drop_all_tables"
        reply = ask(loop, service, asked, body)
        assert reply["ok"] is False and reply["error"]["code"] == "invalid_input", (
            context, name, reply)
    assert positions(loop, routes) == before


async def test_a_command_sent_again_appends_nothing_whichever_path_answers_it(tmp_path):
    store = await EventStore.open(tmp_path / "intake.db", "mechelen")
    command = ReferFamily(
        family_id="fam-001", referral_source=ReferralSource.SOCIAL_SERVICES,
        referred_on=date(2021, 3, 1),
        parents=(ParentDetails(parent_id="par-001", gender=Gender.FEMALE, full_name="A. B."),),
        children=(ChildDetails(child_id="chi-001", first_name="Lotte", birth_month="2020-05"),))
    meta = CommandMeta(uuid.uuid4(), uuid.uuid4(), "staff", NOW)
    alongside_calls: list[object] = []
    stream = stream_id(command.family_id)

    first = await store.in_transaction(decide_and_append, decider, stream, command, meta,
                                       lambda _tx, events: alongside_calls.append(events))
    again = await execute(store, decider, stream, command, meta)
    in_a_transaction = await store.in_transaction(
        decide_and_append, decider, stream, command, meta,
        lambda _tx, events: alongside_calls.append(events))

    assert [r.event_type for r in first] == ["FamilyReferred"]
    assert [r.event_id for r in again] == [r.event_id for r in first]
    assert [r.event_id for r in in_a_transaction] == [r.event_id for r in first]
    assert len(alongside_calls) == 1  # only the first time did anything beside the stream
    assert await store.last_position() == 1
    await store.close()
