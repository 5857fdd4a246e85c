"""The portal over plain HTTP, as a browser without JavaScript talks to it: forms with
their CSRF token, cookies kept, the sign-in link read from the e-mail."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from tests.portal.support.mail import mails_to, next_mail, sign_in_link
from tests.portal.support.stack import PortalStack

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def visitor(stack: PortalStack) -> httpx.AsyncClient:
    """A new browser-like client at the portal: its own cookies, redirects not followed."""
    return httpx.AsyncClient(base_url=stack.url, timeout=30, follow_redirects=False)


async def ask_for_link(http: httpx.AsyncClient, email: str) -> httpx.Response:
    page = await http.get("/sign-in")
    return await http.post("/sign-in", data={"email": email, "csrf_token": csrf_of(page.text)})


async def link_for(stack: PortalStack, http: httpx.AsyncClient, email: str) -> str:
    """Ask for a link as `http` and return the one the e-mail brings."""
    before = len(mails_to(stack.smtp, email, "sign_in"))
    asked = await ask_for_link(http, email)
    assert asked.status_code == 303, asked.text
    return sign_in_link(await next_mail(stack.smtp, email, "sign_in", after=before))


async def use_link(http: httpx.AsyncClient, link: str) -> httpx.Response:
    """Open the link and press "Sign in": the answer to that press."""
    opened = await http.get(link)
    if opened.status_code != 200:
        return opened
    token = re.search(r'name="token" value="([^"]+)"', opened.text)
    assert token is not None
    return await http.post(
        "/sign-in/link", data={"token": token.group(1), "csrf_token": csrf_of(opened.text)}
    )


@asynccontextmanager
async def signed_in(stack: PortalStack, email: str) -> AsyncIterator[httpx.AsyncClient]:
    """A visitor signed in as `email` through the link in the e-mail."""
    async with visitor(stack) as http:
        used = await use_link(http, await link_for(stack, http, email))
        assert used.status_code == 303, used.text
        yield http
