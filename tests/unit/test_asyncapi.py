"""The checked-in AsyncAPI document (contracts/asyncapi.json) is current and complete."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from apps import asyncapi
from contracts import subjects
from contracts.commands import EnrolFamily
from contracts.registry import MODELS, shareable_types
from pace.network.hub import hub_dead_letter_subject
from pace.service import CommandRoute, Service, answer
from pace.store import RecordedEvent

P = asyncapi.PARAMETER


@pytest.fixture(scope="module")
def text() -> str:
    return asyncapi.document()


@pytest.fixture(scope="module")
def doc(text: str) -> dict[str, Any]:
    return json.loads(text)


@pytest.fixture(scope="module")
def services() -> list[Service]:
    return asyncapi.partner_services()


def by_address(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for channel in doc["channels"].values():
        found.setdefault(channel["address"], []).append(channel)
    return found


def payload_of(doc: dict[str, Any], channel: dict[str, Any]) -> dict[str, Any]:
    (link,) = channel["messages"].values()
    message = asyncapi.resolve(doc, link["$ref"])
    return asyncapi.resolve(doc, message["payload"]["$ref"]) if "$ref" in message[
        "payload"] else message["payload"]


def schema_names(doc: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The component schema names a payload is, directly or as one of several."""
    if "$ref" in schema:
        return [asyncapi.pointer(schema["$ref"])[-1]]
    if "title" in schema and schema["title"] in doc["components"]["schemas"] and not (
            "oneOf" in schema or "anyOf" in schema):
        return [schema["title"]]
    return [name for option in schema.get("oneOf", schema.get("anyOf", []))
            for name in schema_names(doc, option)]


def test_the_checked_in_document_is_current(text: str) -> None:
    problems = asyncapi.differences(text)
    assert not problems, "\n".join(problems) + f"\nrun: {asyncapi.REGENERATE}"


def test_generation_is_deterministic(text: str) -> None:
    assert asyncapi.document() == text


def test_a_stale_document_is_named(text: str, tmp_path: Path) -> None:
    stale = json.loads(text)
    del stale["channels"]["cmd.intake.refer_family"]
    path = tmp_path / "asyncapi.json"
    path.write_text(asyncapi.render(stale), encoding="utf-8")
    assert "channels 'cmd.intake.refer_family' is missing" in "\n".join(
        asyncapi.differences(text, path))
    assert asyncapi.differences(text, tmp_path / "absent.json")[0].endswith("missing")


def test_every_command_route_has_a_channel_with_its_model(
        doc: dict[str, Any], services: list[Service]) -> None:
    channels = by_address(doc)
    routes = [(s.context, r) for s in services for r in s.routes]
    assert len(routes) >= 20
    for context, route in routes:
        address = f"pace.{P}.cmd.{context}.{route.name}"
        assert address in channels, f"no channel for {address}"
        (channel,) = channels[address]
        assert payload_of(doc, channel)["title"] == route.model.__name__
        operation = doc["operations"][f"cmd.{context}.{route.name}"]
        assert operation["action"] == "receive"
        assert operation["reply"]["channel"] == {"$ref": "#/channels/reply.command"}


def test_the_real_subscribers_are_in_the_document(
        doc: dict[str, Any], services: list[Service]) -> None:
    channels = by_address(doc)
    for service in services:
        if service.routes:
            (wildcard,) = channels[f"pace.{P}.cmd.{service.context}.*"]
            assert wildcard[asyncapi.ORIGIN] == asyncapi.FROM_RUNNER
            names = schema_names(doc, payload_of(doc, wildcard))
            assert names == [r.model.__name__ for r in service.routes]
        for query in service.queries:
            assert f"pace.{P}.qry.{service.context}.{query}" in channels
        for reaction in service.reactions:
            assert f"pace.{P}.dlq.{reaction.durable}" in channels


def test_every_event_type_and_version_has_a_channel(doc: dict[str, Any]) -> None:
    carried: set[tuple[str, int]] = set()
    for address, channels in by_address(doc).items():
        for channel in channels:
            for name in schema_names(doc, payload_of(doc, channel)):
                schema = doc["components"]["schemas"][name]
                properties = schema.get("properties", {})
                if "$ref" not in properties.get("payload", {}):
                    continue
                event_type = properties["event_type"]["const"]
                version = properties["schema_version"]["const"]
                carried.add((event_type, version))
                model = MODELS[(event_type, version)]
                assert asyncapi.pointer(properties["payload"]["$ref"])[-1] == model.__name__
                if model.context != "reporting":
                    assert address in (f"pace.{P}.evt.{model.context}.{event_type}",
                                       f"pace.{P}.net.{model.context}.{event_type}")
    assert carried == set(MODELS)


def test_shareable_events_figures_and_network_queries(doc: dict[str, Any]) -> None:
    channels = by_address(doc)
    for model in shareable_types():
        assert f"pace.{P}.net.{model.context}.{model.event_type}" in channels
    expected = {f"pace.network.figures.{P}": "PartnerFiguresPublishedEnvelope",
                "pace.network.figures.network": "NetworkFiguresPublishedEnvelope"}
    for address, schema in expected.items():
        titles = {payload_of(doc, c)["title"]: c for c in channels[address]}
        assert subjects.FIGURES_STREAM in titles[schema]["description"]
    approvals = {payload_of(doc, c)["title"] for c in channels[f"pace.network.figures.{P}"]}
    assert {"FiguresSubmittedEnvelope", "FiguresApprovedEnvelope",
            "FiguresReopenedEnvelope"} <= approvals
    (commands,) = channels[subjects.hub_command_subject("*", "*")]
    assert commands[asyncapi.ORIGIN] == asyncapi.FROM_REPORTING  # the real subscriber
    for query in asyncapi.NETWORK_QUERIES:
        assert subjects.network_query_subject(query) in channels
    (wildcard,) = channels[subjects.network_query_subject("*")]
    assert wildcard[asyncapi.ORIGIN] == asyncapi.FROM_REPORTING  # the real subscriber
    assert hub_dead_letter_subject(asyncapi.REPORTING_CONSUMER) in channels


def test_partner_is_a_channel_parameter(doc: dict[str, Any]) -> None:
    assert "partner" in doc["components"]["parameters"]
    for key, channel in doc["channels"].items():
        address = channel["address"]
        assert (P in address) == ("parameters" in channel), key
        assert not re.search(rf"(^|\.){asyncapi.PARTNER}(\.|$)", address), key
        assert channel[asyncapi.ORIGIN]
    assert set(doc["servers"]) == {"partner", "hub"}


def test_every_reference_resolves(doc: dict[str, Any]) -> None:
    references = set(asyncapi.references(doc))
    assert references
    for reference in references:
        asyncapi.resolve(doc, reference)


def test_no_machine_paths(text: str) -> None:
    root = str(asyncapi.ROOT)
    assert root not in text
    for pattern in (r"/(work|home|tmp|usr|var|Users|private)/", r"site-packages",
                    r"[A-Za-z]:\\\\", r"\.db\b", r"\.key\b"):
        assert not re.search(pattern, text), pattern


async def test_command_replies_match_the_documented_reply() -> None:
    reply = TypeAdapter(asyncapi.CommandReply)
    row = {"position": 1, "hash": "h", "event_id": str(uuid.uuid4()),
           "event_type": "FamilyEnrolled", "stream_id": "family-f1", "stream_version": 2}

    async def enrol(_command: Any, _meta: Any) -> list[RecordedEvent]:
        return [RecordedEvent(row)]

    routes = {"enrol_family": CommandRoute("enrol_family", EnrolFamily, enrol)}
    body = EnrolFamily(family_id="f1", coach_id="c1", enrolled_on="2020-02-03").model_dump_json()

    def now() -> datetime:
        return datetime(2020, 2, 3, tzinfo=UTC)

    accepted = await answer(routes, "enrol_family", body.encode(), {}, now)
    invalid = await answer(routes, "enrol_family", b'{"family_id": 1}', {}, now)
    unknown = await answer(routes, "adopt", b"{}", {}, now)
    assert reply.validate_python(accepted).ok
    assert not reply.validate_python(invalid).ok and invalid["error"]["details"]
    assert not reply.validate_python(unknown).ok
