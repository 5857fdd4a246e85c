"""Fixtures for the portal's tests (the role helpers' tests use them too):

portal_stack                 PortalStack (support/stack.py): the whole of MIP with the
                             portal, in-process on real servers, one per session; its
                             `url`, `smtp`, `runtime` (clock, limits), `http` per service
browser                      Playwright's Chromium (Debian's /usr/bin/chromium), headless
page                         a fresh page (own cookies) at the portal, 1280 px wide
new_page(width=..., javascript=...)
                             another fresh page: e.g. new_page(width=360) or
                             new_page(javascript=False); each closed after the test
sign_in(page, email, check=None)
                             signs `page` in as `email` the way a person does: asks for a
                             link, reads it from the e-mail received, opens it, presses
                             "Sign in"; returns the page it lands on (their pages); calls
                             `check` (e.g. assert_accessible) on each page on the way
api_as(role, email)          an `ApiAs` with httpx clients `.applications`, `.offers`,
                             `.expenses`, `.notifications`, each with a token for `email`
                             in `role` ("office", "host", "applicant"): for setting data up
assert_accessible(page)      axe-core on the page as it is: no serious or critical
                             violation; call it on every page a journey visits
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.settings import Environment, Settings
from tests.portal.support.api import ApiAs
from tests.portal.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Check,
    NewPage,
    SignIn,
    accessibility_violations,
    describe,
)
from tests.portal.support.mail import mails_to, next_mail, sign_in_link
from tests.portal.support.stack import PortalStack, running_portal_stack
from tests.support.servers import Servers

# On two busy cores a page can take longer than Playwright's 5 s to show what it says.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
async def portal_stack(
    servers: Servers, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[PortalStack]:
    name = f"t_portal_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(servers.postgres_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    # As tests/conftest.py's: nobody@ addresses are refused for good (an undeliverable e-mail).
    smtp = MailCatcher(
        tmp_path_factory.mktemp("portal-mail"), refuse=lambda rcpt: rcpt.startswith("nobody@")
    )
    await smtp.start()
    base, _, _ = servers.postgres_url.rpartition("/")
    settings = Settings(
        environment=Environment.test,
        database_url=f"{base}/{name}",
        temporal_address=servers.temporal_address,
        startup_timeout_s=20,
        task_queue_prefix=f"p{uuid.uuid4().hex[:10]}-",
    )
    try:
        async with running_portal_stack(settings, smtp) as stack:
            yield stack
    finally:
        await smtp.stop()
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    assert shutil.which(CHROMIUM), f"no browser at {CHROMIUM}: run `bash .ci/browser.sh`"
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def new_page(browser: Browser, portal_stack: PortalStack) -> AsyncIterator[NewPage]:
    contexts = []

    async def make(width: int = 1280, javascript: bool = True) -> Page:
        context = await browser.new_context(
            base_url=portal_stack.url,
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return await context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            await context.close()


@pytest.fixture
async def page(new_page: NewPage) -> Page:
    return await new_page()


async def _nothing(page: Page) -> None:
    """No check: most tests check the pages they are about, not the way in."""


@pytest.fixture
def sign_in(portal_stack: PortalStack) -> SignIn:
    async def signed_in(page: Page, email: str, check: Check | None = None) -> Page:
        checked = check or _nothing
        before = len(mails_to(portal_stack.smtp, email, "sign_in"))
        await page.goto("/sign-in")
        await checked(page)
        await page.get_by_label("Email address").fill(email)
        await page.get_by_role("button", name="Send me a link").click()
        await page.wait_for_url("**/sign-in/sent")
        await checked(page)
        mail = await next_mail(portal_stack.smtp, email, "sign_in", after=before)
        await page.goto(sign_in_link(mail))
        await checked(page)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        await page.get_by_text("You are signed in").wait_for()
        await checked(page)
        return page

    return signed_in


@pytest.fixture
async def api_as(portal_stack: PortalStack) -> AsyncIterator[Callable[[str, str], ApiAs]]:
    made: list[ApiAs] = []

    def make(role: str, email: str) -> ApiAs:
        api = ApiAs(portal_stack, Role(role), email)
        made.append(api)
        return api

    try:
        yield make
    finally:
        for api in made:
            await api.aclose()


@pytest.fixture
def assert_accessible() -> Callable[[Page], Awaitable[None]]:
    async def check(page: Page) -> None:
        found = await accessibility_violations(page)
        assert not found, f"{page.url}:\n{describe(found)}"

    return check


@pytest.fixture
def screenshots(tmp_path: Path) -> Callable[[Page, str], Awaitable[Any]]:
    """Save a page's screenshot under the test's tmp dir (to look at a failing layout)."""

    async def shoot(page: Page, name: str) -> Any:
        return await page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)

    return shoot
