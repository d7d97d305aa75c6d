"""Who sees what, enforced by the server on every route: against the real app and services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contracts.commands import ChildDetails, ParentDetails, RecordConsent, ReferFamily
from contracts.intake import ConsentPurpose, Gender, ReferralSource
from pace.client import PartnerClient
from tests.eventually import eventually
from tests.web.conftest import logged_in

pytestmark = [pytest.mark.nats, pytest.mark.timeout(60)]

TODAY = datetime.now(UTC).date()
PARENT, CHILD = "Fatima El Amrani", "Yasmine"
NOTES = "Coaching: preparing a job interview at the hospital kitchen."
COACHING_ONLY = ["/families", "/families/fam-001", "/trajectories", "/trajectories/fam-001",
                 "/api/families", "/api/families/fam-001", "/api/trajectories"]
CHILDCARE_ONLY = ["/childcare", "/childcare/children", "/api/sessions",
                  f"/childcare/sessions/centre:{TODAY + timedelta(days=7)}:morning"]


async def found(client, path: str):
    """The page, once it is there (200)."""
    reply = await client.get(path)
    return reply if reply.status_code == 200 else None


async def one_family(staff: PartnerClient) -> None:
    """Fatima's family, referred with coaching notes, consenting to a trajectory."""
    await staff.do("intake", ReferFamily(
        family_id="fam-001", referral_source=ReferralSource.SELF, referred_on=TODAY,
        notes=NOTES, parents=(ParentDetails(parent_id="par-001", gender=Gender.FEMALE,
                                            full_name=PARENT),),
        children=(ChildDetails(child_id="chd-001", first_name=CHILD,
                               birth_month=(TODAY - timedelta(days=300)).strftime("%Y-%m")),)))
    await staff.do("intake", RecordConsent(family_id="fam-001", given_on=TODAY,
                                           purpose=ConsentPurpose.TRAJECTORY))


async def test_each_role_sees_only_what_it_needs(partner_web):
    web = await partner_web(one_family)

    async with logged_in(web.url, "carla") as coach:
        reply = await eventually(lambda: found(coach, "/families/fam-001"))  # view lags
        assert NOTES in reply.text and PARENT in reply.text
        assert (await coach.get("/api/families/fam-001")).json()["notes"] == NOTES
        reply = await coach.post("/families/fam-001/enrol", data={"on": str(TODAY)})
        assert reply.status_code == 303
        # trajectory opens it in reaction to the enrolment: another service, soon after
        reply = await eventually(lambda: found(coach, "/trajectories/fam-001"))
        assert NOTES in reply.text
        reply = await coach.post("/trajectories/fam-001/training",
                                 data={"kind": "language", "on": str(TODAY)})
        assert reply.status_code == 303
        trajectories = (await coach.get("/api/trajectories")).json()
        assert [t["trainings"] for t in trajectories] == [1]  # the coach's own write
        reply = await coach.post("/families", data={
            "parent_name": "Jonas Maes", "gender": "male", "referral_source": "self",
            "referred_on": str(TODAY), "child_first_name": "Lina",
            "birth_month": TODAY.strftime("%Y-%m"), "notes": "new"})
        assert reply.status_code == 303
        page = await coach.get(reply.headers["location"])
        assert page.status_code == 200 and "Jonas Maes" in page.text and "Lina" in page.text
        for path in CHILDCARE_ONLY:
            assert (await coach.get(path)).status_code == 403, path
        # erasing is for a partner admin only, in the pages and in the API
        assert (await coach.post("/families/fam-001/erase")).status_code == 403
        assert (await coach.post("/api/commands/intake/erase_family", json={
            "family_id": "fam-001", "erased_on": str(TODAY)})).status_code == 403

    async with logged_in(web.url, "wout") as childcare:
        for path in COACHING_ONLY:
            reply = await childcare.get(path)
            assert reply.status_code == 403, path
            assert NOTES not in reply.text
        for path in ("/families/fam-001/consent", "/trajectories/fam-001/drop"):
            assert (await childcare.post(path, data={})).status_code == 403, path
        assert (await childcare.post("/api/commands/trajectory/drop_trajectory", json={
            "family_id": "fam-001", "reason": "other",
            "dropped_on": str(TODAY)})).status_code == 403
        for path in CHILDCARE_ONLY:  # names to book with, never the notes
            reply = await childcare.get(path)
            assert reply.status_code == 200, path
            assert NOTES not in reply.text
        reply = await childcare.get(CHILDCARE_ONLY[-1])
        assert CHILD in reply.text and PARENT in reply.text

    async with logged_in(web.url, "ada") as admin:
        for path in [*COACHING_ONLY, *CHILDCARE_ONLY]:
            assert (await admin.get(path)).status_code == 200, path
        reply = await admin.post("/api/commands/intake/erase_family", json={
            "family_id": "fam-001", "erased_on": str(TODAY)})
        assert reply.status_code == 200 and reply.json()["ok"]
        assert (await admin.get("/api/families/fam-001")).json()["parents"] == []

    async with logged_in(web.url, "cora") as coordinator:
        for path in [*COACHING_ONLY, *CHILDCARE_ONLY]:
            assert (await coordinator.get(path)).status_code == 403, path
