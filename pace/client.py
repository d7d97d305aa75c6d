"""Sending commands and queries to a partner's services, for staff tools and tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import nats
import orjson
from pydantic import BaseModel

from contracts import subjects
from pace.service import (
    ACTOR_HEADER,
    COMMAND_ID_HEADER,
    CORRELATION_HEADER,
    HISTORY_AT_HEADER,
)


class CommandRefusedError(Exception):
    """A service answered with a typed error."""

    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details


class PartnerClient:
    """Request/reply to one partner's services; every answer is either events or an error."""

    def __init__(self, nc: nats.NATS, partner: str, actor: str = "staff") -> None:
        self.nc = nc
        self.partner = partner
        self.actor = actor

    async def send(self, context: str, command: BaseModel | dict[str, Any] | bytes, *,
                   name: str | None = None, command_id: uuid.UUID | None = None,
                   at: datetime | None = None, timeout: float = 10.0) -> dict[str, Any]:
        """Send one command; returns the reply (ok or error) as a dict."""
        if isinstance(command, BaseModel):
            from contracts.commands import command_name
            name = name or command_name(type(command))
            body = command.model_dump_json().encode()
        else:
            body = command if isinstance(command, bytes) else orjson.dumps(command)
        if name is None:
            raise ValueError("name the command when sending a dict or bytes")
        headers = {COMMAND_ID_HEADER: str(command_id or uuid.uuid4()),
                   CORRELATION_HEADER: str(uuid.uuid4()), ACTOR_HEADER: self.actor}
        if at is not None:  # only services in history mode take it into account
            headers[HISTORY_AT_HEADER] = at.isoformat()
        reply = await self.nc.request(subjects.command_subject(self.partner, context, name),
                                      body, timeout=timeout, headers=headers)
        return orjson.loads(reply.data)

    async def do(self, context: str, command: BaseModel, **kwargs: Any) -> list[dict[str, Any]]:
        """Send one command; returns its events or raises CommandRefusedError."""
        reply = await self.send(context, command, **kwargs)
        if not reply["ok"]:
            error = reply["error"]
            raise CommandRefusedError(error["code"], error["message"], error.get("details"))
        return reply["events"]

    async def query(self, context: str, name: str, timeout: float = 10.0,
                    **params: Any) -> list[dict[str, Any]]:
        reply = await self.nc.request(f"pace.{self.partner}.qry.{context}.{name}",
                                      orjson.dumps(params), timeout=timeout)
        answer = orjson.loads(reply.data)
        if not answer["ok"]:
            raise CommandRefusedError(answer["error"]["code"], answer["error"]["message"])
        return answer["rows"]
