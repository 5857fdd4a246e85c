"""Signing in with a one-time link from e-mail, and out again (issue 14 item 2)."""

from __future__ import annotations

from playwright.async_api import Page

from tests.portal.support.browser import Check, SignIn
from tests.portal.support.stack import OFFICE, PortalStack


async def test_an_applicant_signs_in_with_the_link_from_the_email_and_out_again(
    page: Page, sign_in: SignIn, assert_accessible: Check, portal_stack: PortalStack
) -> None:
    await page.goto("/")
    await assert_accessible(page)
    await sign_in(page, "ada.signin@example.org")
    assert page.url.endswith("/applicant")
    await assert_accessible(page)
    assert await page.get_by_text("Signed in as ada.signin@example.org").is_visible()
    await page.get_by_role("button", name="Sign out").click()
    await page.get_by_text("You have signed out").wait_for()
    await page.goto("/applicant")
    assert "/sign-in" in page.url


async def test_the_office_signs_in_as_the_office(page: Page, sign_in: SignIn) -> None:
    await sign_in(page, OFFICE)
    assert page.url.endswith("/office")
