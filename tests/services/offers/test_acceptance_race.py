"""R20 under a race: two accepts at the same moment, for two offers of one applicant."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.settings import Settings
from tests.support.applying import apply, make_profile, make_round, open_round
from tests.support.auth import auth
from tests.support.rehearsal import wait_status
from tests.support.stack import round_stack

ADA = "ada@example.org"


async def test_r20_two_accepts_at_once_leave_exactly_one_accepted(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    now = datetime.now(UTC)
    spec = open_round(deadline_at=now + timedelta(seconds=4))
    async with round_stack(mail_settings) as stack:
        apps, offers, settings = stack.http["applications"], stack.http["offers"], stack.settings
        _, placements = await make_round(apps, settings, spec, placements=2)
        me = await make_profile(apps, settings, ADA)
        ids = [(await apply(apps, me, p["id"])).json()["id"] for p in placements]
        for application_id in ids:
            await wait_status(stack, application_id, ADA, "forwarded")
        host = auth(settings, Role.host, placements[0]["host"]["contact_email"])
        for placement, application_id in zip(placements, ids, strict=True):
            ranked = await offers.post(
                f"/v1/placements/{placement['id']}/ranking",
                json={"application_ids": [application_id]},
                headers=host,
            )
            assert ranked.status_code == 200, ranked.text
        for application_id in ids:
            await wait_status(stack, application_id, ADA, "offered")
        answers = await asyncio.gather(
            *(offers.post(f"/v1/offers/{a}/accept", headers=me) for a in ids)
        )
        for application_id in ids:
            await wait_status(stack, application_id, ADA, "introduced", "declined")
        statuses = [
            (await apps.get(f"/v1/applications/{a}", headers=me)).json()["status"] for a in ids
        ]
        held = await stack.apps["offers"].state.runtime.pool.fetch("SELECT * FROM acceptances")
    assert sorted(r.status_code for r in answers) == [200, 409]
    loser = next(r for r in answers if r.status_code == 409).json()
    assert loser["detail"] in (
        "You have already accepted another offer in this round; only one is allowed.",
        "The offer was declined.",
    )
    assert sorted(statuses) == ["declined", "introduced"]
    assert len(held) == 1
