"""The session: a signed HttpOnly cookie (Secure in production), ended for good by
signing out, expiring with its time (issue 14 item 2)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from starlette.responses import Response

from mip.core.settings import Environment, Settings
from services.portal import session
from tests.portal.support.clock import clock_moved
from tests.portal.support.portal_http import csrf_of, link_for, signed_in, visitor
from tests.portal.support.stack import PortalStack
from tests.support.keys import HARDENED_KEYS


async def test_after_sign_out_the_old_cookie_no_longer_works(portal_stack: PortalStack) -> None:
    async with signed_in(portal_stack, "copied@example.org") as http:
        cookie = http.cookies[session.COOKIE]
        async with visitor(portal_stack) as thief:
            thief.cookies.set(session.COOKIE, cookie)
            assert (await thief.get("/applicant")).status_code == 200
            page = await http.get("/applicant")
            out = await http.post("/sign-out", data={"csrf_token": csrf_of(page.text)})
            assert out.status_code == 303
            assert session.COOKIE not in http.cookies
            thief.cookies.set(session.COOKIE, cookie)
            after = await thief.get("/applicant")
    assert after.status_code == 303
    assert after.headers["location"] == "/sign-in?next=/applicant"


async def test_a_forged_or_tampered_cookie_signs_nobody_in(portal_stack: PortalStack) -> None:
    async with signed_in(portal_stack, "tamper@example.org") as http:
        session_id, signature = http.cookies[session.COOKIE].split(".")
        async with visitor(portal_stack) as other:
            for forged in (f"{session_id}.{signature[:-2]}xx", f"{session_id}x.{signature}", "x"):
                other.cookies.set(session.COOKIE, forged)
                assert (await other.get("/applicant")).status_code == 303


async def test_a_session_ends_with_its_time(portal_stack: PortalStack) -> None:
    async with signed_in(portal_stack, "long.day@example.org") as http:
        lives = timedelta(seconds=portal_stack.runtime.config.session_ttl_s)
        with clock_moved(portal_stack.runtime, lives - timedelta(minutes=1)):
            assert (await http.get("/applicant")).status_code == 200
        with clock_moved(portal_stack.runtime, lives + timedelta(seconds=1)):
            assert (await http.get("/applicant")).status_code == 303


async def test_the_cookie_is_httponly_and_samesite_lax_and_secure_in_production(
    portal_stack: PortalStack,
) -> None:
    async with visitor(portal_stack) as http:
        link = await link_for(portal_stack, http, "cookie@example.org")
        opened = await http.get(link)
        token = opened.text.split('name="token" value="')[1].split('"')[0]
        used = await http.post(
            "/sign-in/link", data={"token": token, "csrf_token": csrf_of(opened.text)}
        )
    set_cookie = [v for v in used.headers.get_list("set-cookie") if v.startswith("mip_session=")]
    assert len(set_cookie) == 1
    attributes = set_cookie[0].lower()
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes  # test settings: served over plain http
    production = Settings(
        environment=Environment.production,
        portal_public_url="https://mip.example.ac.uk",
        jwt_jwks_url="http://portal/jwks",
        service_token="s",
        **HARDENED_KEYS,
    )
    runtime = dataclasses.replace(portal_stack.runtime, settings=production)
    response = Response()
    session.set_cookie(runtime, response, "value")
    produced = response.headers["set-cookie"].lower()
    assert "secure" in produced
    assert "httponly" in produced
    assert "samesite=lax" in produced


async def test_signing_in_from_a_page_returns_to_it(portal_stack: PortalStack) -> None:
    async with visitor(portal_stack) as http:
        sent_away = await http.get("/applicant")
        assert sent_away.headers["location"] == "/sign-in?next=/applicant"
        form = await http.get(sent_away.headers["location"])
        assert 'name="next" value="/applicant"' in form.text
        for unsafe in ("//evil.example.com/", "https://evil.example.com/"):
            page = await http.get("/sign-in", params={"next": unsafe})
            assert "evil" not in page.text
