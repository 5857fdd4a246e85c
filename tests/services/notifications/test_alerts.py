"""R30: anyone may join the alerts list (double opt-in) and leave it at once."""

from __future__ import annotations

import re
from typing import Any

import pytest

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.settings import Settings
from services.notifications.app import create_app
from tests.support.auth import RunApp, auth
from tests.support.stack import running_stack
from tests.support.waiting import eventually

ANNOUNCEMENT = {
    "kind": "advertised",
    "round_name": "Micro-internships 2019",
    "placements_count": 12,
    "deadline_label": "12pm (midday) on Monday 1 April 2019, UK time",
}


def _mail_to(smtp: MailCatcher, address: str, kind: str) -> list[Any]:
    return [m for m in smtp.store.messages() if m["To"] == address and m["X-MIP-Kind"] == kind]


async def _announce(
    stack: Any, settings: Settings, announcement_id: str, kind: str = "advertised"
) -> int:
    response = await stack.http["notifications"].post(
        "/v1/alerts/announcements",
        json={**ANNOUNCEMENT, "kind": kind, "announcement_id": announcement_id},
        headers=auth(settings, Role.office),
    )
    assert response.status_code == 202, response.text
    handle = stack.temporal.get_workflow_handle(response.json()["workflow_id"])
    sent: int = await handle.result()
    return sent


async def _count_at_least(smtp: MailCatcher, n: int) -> bool:
    return len(smtp.store.messages()) >= n


def _token_of(url: str, stack: Any, page: str) -> str:
    """The link opens the portal's page for it, wherever the portal is reached."""
    base = stack.settings.public_url("portal")
    found = re.fullmatch(re.escape(f"{base}{page}?token=") + r"([A-Za-z0-9_-]+)", url)
    assert found is not None, url
    return found.group(1)


async def test_r30_double_opt_in_alerts_and_unsubscribe_at_once(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    anyone = auth(mail_settings, Role.applicant, "someone@example.org")
    async with running_stack(mail_settings, notifications=create_app) as stack:
        http = stack.http["notifications"]
        for address in ("keen@example.org", "unsure@example.org"):
            joined = await http.post(
                "/v1/alerts/subscriptions", json={"email": address}, headers=anyone
            )
            assert joined.status_code == 202
        await eventually(lambda: _count_at_least(smtp, 2))
        [invite] = _mail_to(smtp, "keen@example.org", "alert_confirm")
        link = re.search(r"http\S+/alerts/confirm\?\S+", invite.get_body(("plain",)).get_content())
        assert link is not None
        token = _token_of(link.group(0), stack, "/alerts/confirm")
        assert invite["List-Unsubscribe"] is None  # not on the list yet
        # Opening the link (a mail scanner may) confirms nobody: the portal's page asks.
        opened = await http.get("/v1/alerts/subscription", params={"token": token})
        assert opened.json()["status"] == "pending"
        confirmed = await http.post("/v1/alerts/confirm", params={"token": token})
        assert confirmed.json()["status"] == "confirmed"

        assert await _announce(stack, mail_settings, "round-2019-advertised") == 1
        assert await _announce(stack, mail_settings, "round-2019-advertised") == 1  # same id: once
        [alert] = _mail_to(smtp, "keen@example.org", "alert_advertised")
        assert _mail_to(smtp, "unsure@example.org", "alert_advertised") == []
        assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = alert["List-Unsubscribe"].strip("<>")
        assert unsubscribe in alert.get_body(("plain",)).get_content()
        assert _token_of(unsubscribe, stack, "/alerts/unsubscribe") == token

        left = await http.post("/v1/alerts/unsubscribe", params={"token": token})
        assert left.json()["status"] == "unsubscribed"
        assert await _announce(stack, mail_settings, "round-2019-readvertised", "readvertised") == 0
        counts = (
            await http.get("/v1/alerts/subscribers", headers=auth(mail_settings, Role.office))
        ).json()
        bogus = await http.post("/v1/alerts/confirm", params={"token": "x" * 40})
    assert _mail_to(smtp, "keen@example.org", "alert_readvertised") == []
    assert counts == {"pending": 1, "confirmed": 0, "unsubscribed": 1}
    assert bogus.status_code == 404


async def test_r30_a_link_mailed_before_the_portal_s_pages_leads_to_them_changing_nothing(
    settings: Settings, run_app: RunApp
) -> None:
    token = "Zk3x_9aQ-7rT2mW8vB4nC6yH"
    async with run_app(create_app(settings)) as http:
        for page in ("confirm", "unsubscribe"):
            old = await http.get(f"/v1/alerts/{page}", params={"token": token})
            assert old.status_code == 303
            portal = settings.public_url("portal")
            assert old.headers["location"] == f"{portal}/alerts/{page}?token={token}"


async def test_r30_an_unsubscribe_between_listing_and_sending_still_stops_the_alert(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    from services.notifications.activities import make_sender
    from services.notifications.contract import EmailRequest, EmailStatus, MessageKind
    from services.portal.contract import Page, PageName

    async with running_stack(mail_settings, notifications=create_app) as stack:
        runtime = stack.apps["notifications"].state.runtime
        row = await runtime.pool.fetchrow(
            "INSERT INTO alert_subscribers (email, token, status) VALUES"
            " ('late@example.org', 'tok-late-0123456789abcdef', 'unsubscribed') RETURNING id"
        )
        outcome = await make_sender(runtime).send(
            EmailRequest(
                kind=MessageKind.alert_advertised,
                to=["late@example.org"],
                data=ANNOUNCEMENT,
                pages={"placements_url": Page(name=PageName.placements)},
                idempotency_key="alert:a1:late",
                alert_subscriber_id=str(row["id"]),
            )
        )
    assert outcome.status is EmailStatus.skipped
    assert smtp.store.messages() == []


HOSTILE_TOKENS = {
    "nul": "abcdefghij\x00klmnopqrstuvwxyz",
    "control": "abcdefghij\x01\x1b[31mklmnopqrst",
    "line-break": "abcdefghij\r\nSet-Cookie: x=1",
    "space": "abcdefghij klmnopqrstuvwxyz",
    "non-ascii": "abcdefghijklmnopqrstü",
    "ten-kb": "x" * 10_000,
    "short": "abc",
    "empty": "",
}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/alerts/confirm"),
        ("GET", "/v1/alerts/unsubscribe"),
        ("GET", "/v1/alerts/subscription"),
        ("POST", "/v1/alerts/confirm"),
        ("POST", "/v1/alerts/unsubscribe"),
    ],
)
@pytest.mark.parametrize("token", list(HOSTILE_TOKENS.values()), ids=list(HOSTILE_TOKENS))
async def test_item1_a_hostile_alert_link_is_a_422_naming_the_token_never_a_500(
    token: str, path: str, method: str, settings: Settings, run_app: RunApp
) -> None:
    async with run_app(create_app(settings)) as http:
        response = await http.request(method, path, params={"token": token})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:mip:problem:invalid-request"
    assert [e["location"] for e in body["errors"]] == ["query.token"]


async def test_item1_alert_links_without_a_token_or_with_a_stranger_s_are_problems(
    settings: Settings, run_app: RunApp
) -> None:
    async with run_app(create_app(settings)) as http:
        missing = await http.get("/v1/alerts/confirm")
        not_utf8 = await http.get("/v1/alerts/unsubscribe?token=%FF%FE" + "a" * 30)
        unknown = await http.post("/v1/alerts/unsubscribe", params={"token": "A-_z" * 10})
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"location": "query.token", "message": "Field required"}]
    assert not_utf8.status_code == 422
    assert not_utf8.json()["errors"][0]["location"] == "query.token"
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
