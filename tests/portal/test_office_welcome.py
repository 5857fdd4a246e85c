"""A host the office adds on its pages is welcomed by e-mail with the portal's address, which
the contact follows to sign in as the host; the host's page sends the welcome again."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from playwright.async_api import Page, expect

from tests.portal.journeys.office import HostDetails, add_host
from tests.portal.support.browser import Check, SignIn
from tests.portal.support.mail import next_mail, text_of
from tests.portal.support.stack import OFFICE, PortalStack


async def test_a_host_the_office_adds_is_welcomed_signs_in_from_it_and_is_welcomed_again(
    page: Page,
    new_page: Callable[..., Awaitable[Page]],
    sign_in: SignIn,
    portal_stack: PortalStack,
    assert_accessible: Check,
) -> None:
    suffix = uuid.uuid4().hex[:6]
    contact = f"kim.{suffix}@ashmolean.example.org"
    host = HostDetails(f"Ashmolean Museum {suffix}", contact_email=contact)
    await sign_in(page, OFFICE)
    await add_host(page, host, assert_accessible)

    welcome = await next_mail(portal_stack.smtp, contact, "host_welcome", after=0)
    text = text_of(welcome)
    assert f"The Internship Office ({OFFICE}) has made you the contact for {host.name}" in text
    [link] = re.findall(r"https?://\S+", text)
    # The sign-in page, filled in with the contact's address.
    assert link == f"{portal_stack.url}/sign-in?email={quote(contact)}"

    contact_page = await new_page()
    await contact_page.goto(link)
    await contact_page.get_by_role("heading", name="Sign in").wait_for()
    await expect(contact_page.get_by_label("Email address")).to_have_value(contact)
    await sign_in(contact_page, contact)
    assert contact_page.url == f"{portal_stack.url}/host"

    await page.get_by_role("link", name=f"Change {host.name}").click()
    await page.get_by_role("heading", name="Welcome email").wait_for()
    await assert_accessible(page)
    await page.get_by_role("button", name="Send the welcome email again").click()
    await page.get_by_text(f"Welcome email sent to {contact}").wait_for()
    await assert_accessible(page)
    again = await next_mail(portal_stack.smtp, contact, "host_welcome", after=1)
    assert again["Message-ID"] != welcome["Message-ID"]
    assert link in text_of(again)
