"""One-time sign-in links (issue 14 item 2): CSRF on every form, once and for 15 minutes,
the same answer for every address, rate limits, and the office sees the e-mail went out
but never the link."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import asyncpg
import pytest

from tests.portal.support.api import ApiAs
from tests.portal.support.clock import clock_moved
from tests.portal.support.limits import limits
from tests.portal.support.mail import mails_to, next_mail, sign_in_link, text_of
from tests.portal.support.portal_http import (
    ask_for_link,
    csrf_of,
    link_for,
    use_link,
    visitor,
)
from tests.portal.support.stack import OFFICE, PortalStack


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def test_a_form_posted_without_the_csrf_token_is_refused(portal_stack: PortalStack) -> None:
    email = "no.token@example.org"
    async with visitor(portal_stack) as http:
        await http.get("/sign-in")
        bare = await http.post("/sign-in", data={"email": email})
        assert bare.status_code == 403
        assert "This form has expired" in bare.text
        async with visitor(portal_stack) as other:
            theirs = csrf_of((await other.get("/sign-in")).text)
        forged = await http.post("/sign-in", data={"email": email, "csrf_token": theirs})
        assert forged.status_code == 403
    await portal_stack.runtime.settle()
    assert mails_to(portal_stack.smtp, email, "sign_in") == []


async def test_a_link_works_once(portal_stack: PortalStack) -> None:
    async with visitor(portal_stack) as http:
        link = await link_for(portal_stack, http, "once@example.org")
        used = await use_link(http, link)
        assert used.status_code == 303
        assert used.headers["location"] == "/applicant"
        assert (await http.get("/applicant")).status_code == 200
    async with visitor(portal_stack) as again:
        reopened = await again.get(link)
        assert reopened.status_code == 410
        assert "This link has expired" in reopened.text
        page = await again.get("/sign-in")
        replayed = await again.post(
            "/sign-in/link", data={"token": _token(link), "csrf_token": csrf_of(page.text)}
        )
        assert replayed.status_code == 410
        assert "mip_session" not in replayed.cookies


async def test_a_link_does_not_work_after_15_minutes(portal_stack: PortalStack) -> None:
    runtime = portal_stack.runtime
    async with visitor(portal_stack) as http:
        late = await link_for(portal_stack, http, "late@example.org")
        in_time = await link_for(portal_stack, http, "in.time@example.org")
        with clock_moved(runtime, timedelta(minutes=15, seconds=1)):
            assert (await http.get(late)).status_code == 410
            assert (await use_link(http, late)).status_code == 410
        with clock_moved(runtime, timedelta(minutes=14, seconds=50)):
            assert (await use_link(http, in_time)).status_code == 303


@contextmanager
def applicants_only_at(stack: PortalStack, *domains: str) -> Iterator[None]:
    runtime = stack.runtime
    before = runtime.config
    runtime.config = before.model_copy(update={"applicant_domains": domains})
    try:
        yield
    finally:
        runtime.config = before


async def test_the_same_answer_whether_or_not_the_address_may_sign_in(
    portal_stack: PortalStack,
) -> None:
    known, unknown = "ada@uni.example.ac.uk", "eve@elsewhere.example.com"
    pages: list[object] = []
    with applicants_only_at(portal_stack, "example.ac.uk"):
        for email in (known, unknown, OFFICE):
            async with visitor(portal_stack) as http:
                asked = await ask_for_link(http, email)
                sent = await http.get(asked.headers["location"])
                pages.append((asked.status_code, asked.headers["location"], sent.status_code))
                pages.append(sent.text)
        await portal_stack.runtime.settle()
    assert pages[0:2] == pages[2:4] == pages[4:6]
    assert pages[0] == (303, "/sign-in/sent", 200)
    assert "If that address can sign in" in str(pages[1])
    assert len(mails_to(portal_stack.smtp, known, "sign_in")) == 1
    assert mails_to(portal_stack.smtp, unknown, "sign_in") == []
    assert mails_to(portal_stack.smtp, OFFICE, "sign_in")  # the office, wherever it is


async def test_links_are_rate_limited_per_address_and_per_client(
    portal_stack: PortalStack,
) -> None:
    async with visitor(portal_stack) as http:
        with limits(portal_stack, per_client=100, per_address=2):
            for _ in range(2):
                assert (await ask_for_link(http, "often@example.org")).status_code == 303
            refused = await ask_for_link(http, "often@example.org")
            assert refused.status_code == 429
            assert "Too many requests" in refused.text
            assert int(refused.headers["retry-after"]) > 0
            assert (await ask_for_link(http, "other@example.org")).status_code == 303
            with clock_moved(portal_stack.runtime, timedelta(hours=1, seconds=1)):
                assert (await ask_for_link(http, "often@example.org")).status_code == 303
        with limits(portal_stack, per_client=3, per_address=100):
            for n in range(3):
                assert (await ask_for_link(http, f"client{n}@example.org")).status_code == 303
            assert (await ask_for_link(http, "client9@example.org")).status_code == 429
    await portal_stack.runtime.settle()
    assert len(mails_to(portal_stack.smtp, "often@example.org", "sign_in")) == 3
    assert mails_to(portal_stack.smtp, "client9@example.org", "sign_in") == []


async def test_the_office_sees_the_sign_in_email_went_out_but_never_its_link(
    portal_stack: PortalStack, api_as: object
) -> None:
    email = "seen.by.office@example.org"
    async with visitor(portal_stack) as http:
        before = len(mails_to(portal_stack.smtp, email, "sign_in"))
        await ask_for_link(http, email)
        mail = await next_mail(portal_stack.smtp, email, "sign_in", after=before)
    link = sign_in_link(mail)
    token = _token(link)
    assert "works once" in text_of(mail)
    office = api_as("office", OFFICE)  # type: ignore[operator]
    assert isinstance(office, ApiAs)
    found = await office.notifications.get(
        "/v1/messages", params={"kind": "sign_in", "recipient": email}
    )
    [message] = found.json()
    assert message["status"] == "sent"
    assert message["subject"] == "Your link to sign in to micro-internships"
    detail = (await office.notifications.get(f"/v1/messages/{message['id']}")).json()
    assert token not in str(detail)
    assert "link withheld" in detail["text_body"]
    assert "link withheld" in detail["html_body"]
    resent = await office.notifications.post(f"/v1/messages/{message['id']}/resend")
    assert resent.status_code == 409
    assert "cannot be resent" in resent.json()["detail"]
    await _stored_nowhere(portal_stack, token)


async def _stored_nowhere(stack: PortalStack, token: str) -> None:
    """Neither the portal's tables nor the notifications' hold the token; the portal
    holds its SHA-256."""
    conn = await asyncpg.connect(stack.settings.database_url.get_secret_value())
    try:
        rows = await conn.fetch(
            "SELECT to_jsonb(m)::text AS row FROM notifications.messages m"
            " UNION ALL SELECT to_jsonb(l)::text FROM portal.magic_links l"
            " UNION ALL SELECT to_jsonb(s)::text FROM portal.sessions s"
        )
        hashed = await conn.fetchval(
            "SELECT count(*) FROM portal.magic_links WHERE token_hash = $1",
            hashlib.sha256(token.encode()).digest(),
        )
    finally:
        await conn.close()
    assert rows
    assert not [r for r in rows if token in r["row"]]
    assert hashed == 1


@pytest.mark.parametrize("address", ["not an address", "a@b.c, d@e.f", ""])
async def test_an_address_that_is_not_one_is_shown_beside_the_field(
    portal_stack: PortalStack, address: str
) -> None:
    async with visitor(portal_stack) as http:
        answer = await ask_for_link(http, address)
    assert answer.status_code == 422
    assert 'href="#email"' in answer.text
    assert 'id="email-error"' in answer.text
    assert "Enter an email address in the correct format" in answer.text
