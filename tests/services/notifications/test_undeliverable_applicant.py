"""Issue 11 item 5 on real servers: an applicant whose address the mail server refuses is
forwarded, offered and told the outcome all the same; each e-mail that could not reach
them is `failed` with the server's reason in the office's message view (the confirmation
also in the overdue list), and the office is told, once for each."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.settings import Settings
from tests.support.applying import apply, make_profile
from tests.support.auth import auth
from tests.support.rehearsal import SAM, setup_rehearsal, wait_status
from tests.support.stack import round_stack
from tests.support.waiting import eventually

NOBODY = "nobody@example.org"  # the `smtp` fixture answers 550 for it
OFFICE = Settings().office_email
REFUSED = "550 5.1.1 No such user here"


async def test_item5_an_applicant_who_cannot_be_emailed_still_has_the_whole_life(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings) as stack:
        apps, offers, notifications = (
            stack.http[s] for s in ("applications", "offers", "notifications")
        )
        settings, office = stack.settings, auth(stack.settings, Role.office)
        _, placement = await setup_rehearsal(apps, settings)
        # The token's subject is the address, in whatever case the IdP writes it.
        me = await make_profile(apps, settings, "NoBody@Example.org")
        await asyncio.sleep(3)  # advertised
        applied = await apply(apps, me, placement[SAM])
        assert applied.status_code == 201, applied.text
        application_id = applied.json()["id"]
        assert applied.json()["applicant_email"] == NOBODY

        async def confirmation_failed() -> Any:
            found = (
                await notifications.get("/v1/messages/overdue-confirmations", headers=office)
            ).json()
            return found or None

        [overdue] = await eventually(confirmation_failed, timeout_s=30)  # R15: within a minute
        await wait_status(stack, application_id, NOBODY, "forwarded")
        ranked = await offers.post(
            f"/v1/placements/{placement[SAM]}/ranking",
            json={"application_ids": [application_id]},
            headers=auth(settings, Role.host, SAM),
        )
        assert ranked.status_code == 200, ranked.text
        await wait_status(stack, application_id, NOBODY, "offered")
        await wait_status(stack, application_id, NOBODY, "lapsed")  # told the outcome, too

        async def every_notice() -> Any:
            notices = [m for m in smtp.store.messages() if m["To"] == OFFICE]
            return notices if len(notices) == 3 else None

        notices = await eventually(every_notice, timeout_s=30)
        await asyncio.sleep(1)  # a second copy of anything would have arrived by now
        failed = (
            await notifications.get(
                "/v1/messages",
                params={"recipient": NOBODY, "status": "failed"},
                headers=office,
            )
        ).json()
        detail = (await notifications.get(f"/v1/messages/{overdue['id']}", headers=office)).json()
    assert overdue["kind"] == "confirmation"
    assert overdue["status"] == "failed"
    assert REFUSED in overdue["last_error"]
    assert sorted(m["kind"] for m in failed) == ["confirmation", "offer", "offer_lapsed"]
    assert all(REFUSED in m["last_error"] and m["attempts"] == 1 for m in failed)
    assert [d["outcome"] for d in detail["deliveries"]] == ["permanent_failure"]
    assert Counter(m["X-MIP-Kind"] for m in notices) == {"undeliverable_notice": 3}
    assert all(m["To"] != NOBODY for m in smtp.store.messages())
    words = notices[0].get_body(("plain",)).get_content()
    assert NOBODY in words
    assert REFUSED in words
    assert any("confirmation of the application" in m["Subject"] for m in notices)
