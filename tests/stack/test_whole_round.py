"""One whole round on real servers (PostgreSQL, Temporal, SMTP), its dates seconds apart:
R16-R23, P2, P7 end to end, every e-mail checked by recipient and kind, none twice."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.settings import Settings
from tests.support.applying import apply, make_profile
from tests.support.auth import auth
from tests.support.rehearsal import KIM, SAM, setup_rehearsal, wait_status
from tests.support.stack import Stack, round_stack
from tests.support.waiting import eventually

OFFICE = "internships@mip.example.org"
ADA, BOB, CY, DEE, EVE = (f"{n}@example.org" for n in ("ada", "bob", "cy", "dee", "eve"))
FAN = "fan@example.org"


async def _subscribe_fan(stack: Stack, smtp: MailCatcher) -> None:
    notifications = stack.http["notifications"]
    await notifications.post(
        "/v1/alerts/subscriptions",
        json={"email": FAN},
        headers=auth(stack.settings, Role.applicant, FAN),
    )

    async def invite() -> Any:
        return next((m for m in smtp.store.messages() if m["X-MIP-Kind"] == "alert_confirm"), None)

    body = (await eventually(invite)).get_body(("plain",)).get_content()
    # The link opens the portal's page, whose button confirms through this route.
    link = re.search(r"/alerts/confirm\?token=(\S+)", body)
    assert link is not None
    confirmed = await notifications.post("/v1/alerts/confirm", params={"token": link.group(1)})
    assert confirmed.json()["status"] == "confirmed"


async def test_r4_r16_r23_p2_p7_a_whole_round_on_real_servers(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings) as stack:
        apps, offers, settings = stack.http["applications"], stack.http["offers"], stack.settings
        await _subscribe_fan(stack, smtp)
        round_id, placement = await setup_rehearsal(apps, settings)
        people = {p: await make_profile(apps, settings, p) for p in (ADA, BOB, CY, DEE, EVE)}
        await asyncio.sleep(3)  # advertised
        ids: dict[tuple[str, str], str] = {}
        for person, host in ((ADA, SAM), (BOB, SAM), (CY, SAM), (ADA, KIM), (DEE, KIM), (EVE, KIM)):
            response = await apply(apps, people[person], placement[host])
            assert response.status_code == 201, response.text
            ids[person, host] = response.json()["id"]
        host_early = await apps.get(
            f"/v1/host/placements/{placement[SAM]}/applications",
            headers=auth(settings, Role.host, SAM),
        )
        # R16: nothing before the deadline, and the host is told when it comes.
        assert host_early.status_code == 409
        assert "arrive here at" in host_early.json()["detail"]

        for person, host in ids:
            await wait_status(stack, ids[person, host], person, "forwarded")
        forwarded = await apps.get(
            f"/v1/host/placements/{placement[SAM]}/applications",
            headers=auth(settings, Role.host, SAM),
        )
        assert sorted(a["applicant_email"] for a in forwarded.json()) == [ADA, BOB, CY]
        cv = await apps.get(forwarded.json()[0]["cv_url"], headers=auth(settings, Role.host, SAM))
        assert cv.headers["content-type"] == "application/pdf"
        by_office = await offers.post(
            f"/v1/placements/{placement[SAM]}/ranking",
            json={"application_ids": [ids[ADA, SAM]]},
            headers=auth(settings, Role.office),
        )
        assert by_office.status_code == 403  # the office takes no part in selection

        for host, ranking in ((SAM, [ADA, BOB, CY]), (KIM, [ADA, DEE, EVE])):
            ranked = await offers.post(
                f"/v1/placements/{placement[host]}/ranking",
                json={"application_ids": [ids[p, host] for p in ranking]},
                headers=auth(settings, Role.host, host),
            )
            assert ranked.status_code == 200, ranked.text
        again = await offers.post(
            f"/v1/placements/{placement[SAM]}/ranking",
            json={"application_ids": [ids[BOB, SAM]]},
            headers=auth(settings, Role.host, SAM),
        )
        assert again.status_code == 409

        await wait_status(stack, ids[ADA, SAM], ADA, "offered")
        await wait_status(stack, ids[ADA, KIM], ADA, "offered")
        accepted = await offers.post(f"/v1/offers/{ids[ADA, SAM]}/accept", headers=people[ADA])
        assert accepted.status_code == 200, accepted.text
        await wait_status(stack, ids[ADA, KIM], ADA, "declined")  # R20
        second = await offers.post(f"/v1/offers/{ids[ADA, KIM]}/accept", headers=people[ADA])
        assert second.status_code == 409
        await wait_status(stack, ids[DEE, KIM], DEE, "offered")  # P2: the cascade
        declined = await offers.post(
            f"/v1/offers/{ids[DEE, KIM]}/decline",
            json={"reason": "Clashes with a conference"},
            headers=people[DEE],
        )
        assert declined.status_code == 200, declined.text
        await wait_status(stack, ids[EVE, KIM], EVE, "offered")
        await wait_status(stack, ids[EVE, KIM], EVE, "lapsed")  # R19, in rehearsal seconds
        await wait_status(stack, ids[BOB, SAM], BOB, "not_successful")  # R18
        await wait_status(stack, ids[CY, SAM], CY, "not_successful")

        async def refused_as_closed() -> Any:
            # Until its workflow ends, the placement refuses it as ranked already.
            late = await offers.post(
                f"/v1/placements/{placement[SAM]}/ranking",
                json={"application_ids": [ids[BOB, SAM]]},
                headers=auth(settings, Role.host, SAM),
            )
            assert late.status_code == 409, late.text
            return late if "Ranking for this placement has closed" in late.text else None

        await eventually(refused_as_closed, timeout_s=30)

        async def readvertised() -> Any:
            listed = (
                await apps.get(
                    f"/v1/rounds/{round_id}/placements", headers=auth(settings, Role.office)
                )
            ).json()
            return [p["id"] for p in listed if p["readvertised"]] or None

        assert await eventually(readvertised, timeout_s=60) == [placement[KIM]]  # R4
        view = (
            await offers.get(f"/v1/office/rounds/{round_id}", headers=auth(settings, Role.office))
        ).json()

        async def every_alert() -> Any:
            kinds = [m["X-MIP-Kind"] for m in smtp.store.messages() if m["To"] == FAN]
            return kinds if "alert_readvertised" in kinds else None

        await eventually(every_alert, timeout_s=30)
        await asyncio.sleep(1)  # a second copy of anything would have arrived by now
    mail = smtp.store.messages()
    received = Counter((m["To"], m["X-MIP-Kind"]) for m in mail)
    intro = f"{ADA}, {SAM}"
    assert received == Counter(
        {
            (FAN, "alert_confirm"): 1,
            (FAN, "alert_advertised"): 1,
            (FAN, "alert_readvertised"): 1,
            (ADA, "confirmation"): 2,
            (ADA, "offer"): 2,
            (intro, "introduction"): 1,
            (BOB, "confirmation"): 1,
            (BOB, "not_successful"): 1,
            (CY, "confirmation"): 1,
            (CY, "not_successful"): 1,
            (DEE, "confirmation"): 1,
            (DEE, "offer"): 1,
            (DEE, "decline_acknowledgement"): 1,
            (EVE, "confirmation"): 1,
            (EVE, "offer"): 1,
            (EVE, "offer_lapsed"): 1,
            (SAM, "host_welcome"): 1,
            (KIM, "host_welcome"): 1,
            (SAM, "forwarded_digest"): 1,
            (KIM, "forwarded_digest"): 1,
            (KIM, "withdrawal_notice"): 1,
        }
    )
    assert len({m["Message-ID"] for m in mail}) == len(mail)
    lines = {line["placement_id"]: line for line in view["placements"]}
    assert (lines[placement[SAM]]["accepted"], lines[placement[SAM]]["unfilled"]) == (1, 0)
    assert (
        lines[placement[KIM]]["declined"],
        lines[placement[KIM]]["lapsed"],
        lines[placement[KIM]]["unfilled"],
    ) == (2, 1, 1)
    assert view["totals"]["applications"] == 6
    assert view["next_step"] == "forward_second"
    _assert_words_true_to_the_round(mail, stack, ids[EVE, KIM], placement[KIM])


def _text(message: Any) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    text: str = body.get_content()
    return text


def _assert_words_true_to_the_round(
    mail: list[Any], stack: Stack, application_id: str, placement_id: str
) -> None:
    """The offer states the round's real window; every link opens a page of the portal of
    the stack that sent it."""
    portal = stack.settings.public_url("portal")
    offer = _text(next(m for m in mail if m["To"] == EVE and m["X-MIP-Kind"] == "offer"))
    assert "You have six seconds to accept or decline" in offer
    assert f"{portal}/applicant/offers/{application_id}?email=" in offer
    lapsed = _text(next(m for m in mail if m["To"] == EVE and m["X-MIP-Kind"] == "offer_lapsed"))
    assert "within six seconds" in lapsed
    digest = _text(
        next(m for m in mail if m["To"] == KIM and m["X-MIP-Kind"] == "forwarded_digest")
    )
    assert f"{portal}/host/placements/{placement_id}?email=" in digest
    alert = _text(next(m for m in mail if m["To"] == FAN and m["X-MIP-Kind"] == "alert_advertised"))
    assert f"{portal}/placements" in alert
    assert f"{portal}/alerts/unsubscribe?token=" in alert
    assert all("/v1/" not in _text(m) for m in mail)
