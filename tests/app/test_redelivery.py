"""Events delivered again (a lost ack, a restart) change nothing: the inbox remembers them."""

from __future__ import annotations

from tests.app.families import SOON, TODAY, book, capacity, enrolled


async def test_every_event_delivered_again_is_applied_once(partner) -> None:
    await partner.given(*enrolled(1), *enrolled(2), capacity(15))
    await partner.do("booking", book(1))
    stored = {context: partner.events(context) for context in partner.stores}
    views = await partner.query("booking", "bookings", **{"from": TODAY.isoformat(),
                                                          "to": SOON.isoformat()})

    caused = await partner.redeliver()

    assert caused == []
    assert {context: partner.events(context) for context in partner.stores} == stored
    assert await partner.query("booking", "bookings", **{"from": TODAY.isoformat(),
                                                         "to": SOON.isoformat()}) == views
