"""`pace partner up --no-secure` runs the partner's own figures too: a referral with consent
shows in its `figures` answer, as the partner's web app asks it."""

from __future__ import annotations

import asyncio

import nats
import orjson
import pytest

from tests.eventually import eventually
from tests.integration.test_cli import pace, partner_process  # noqa: F401 - the fixture

pytestmark = [pytest.mark.nats, pytest.mark.timeout(120)]


async def test_partner_up_answers_the_partners_own_figures(partner_process):  # noqa: F811
    _process, url = partner_process
    for args in (("refer_family", "family_id=fam-1", "referral_source=self",
                  "referred_on=2026-01-05",
                  'parents=[{"parent_id": "p-1", "gender": "male", "full_name": "Jo Smet"}]'),
                 ("record_consent", "family_id=fam-1", "purpose=cross_border_statistics",
                  "given_on=2026-01-05")):
        done = await asyncio.to_thread(pace, "command", "intake", args[0], "--partner", "gent",
                                       *args[1:], url=url)
        assert done.returncode == 0, done.stdout + done.stderr
    nc = await nats.connect(url)
    try:
        async def referred() -> int | None:
            reply = await nc.request("pace.gent.qry.figures.figures", b"{}", timeout=5)
            answer = orjson.loads(reply.data)
            return answer["report"]["partners"].get("gent", {}).get("families_referred")

        assert await eventually(referred, "gent's own figures count the referral",
                                seconds=30, retry_on=(nats.errors.NoRespondersError,)) == 1
    finally:
        await nc.close()
