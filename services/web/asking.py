"""One question to a service over NATS for a page, and the period a page asks for."""

from __future__ import annotations

from datetime import date
from typing import Any

import nats
import orjson
from fastapi import HTTPException, Request

from contracts.periods import Period


async def ask(request: Request, subject: str, params: dict[str, Any], *, timeout: float,
              unavailable: str) -> dict[str, Any]:
    """The service's answer; 503 "<unavailable>: why" when it does not answer, 400 on a refusal."""
    try:
        reply = await request.app.state.nc.request(subject, orjson.dumps(params),
                                                   timeout=timeout)
    except (nats.errors.Error, TimeoutError) as error:
        raise HTTPException(503, f"{unavailable}: {error}") from error
    answer: dict[str, Any] = orjson.loads(reply.data)
    if not answer.get("ok"):
        raise HTTPException(400, answer.get("error", {}).get("message", "refused"))
    return answer


def checked_period(period: str, as_of: date | None) -> tuple[str, date]:
    """The period and as-of date asked for (today by default), or 400 with the reason."""
    try:
        Period.parse(period)
    except ValueError as error:
        raise HTTPException(400, f"period {period!r}: {error}") from error
    return period, as_of or date.today()
