"""Uploads through the applicant's pages are bounded (R11, R28): a CV the service refuses
is refused beside the field in the service's words; a CV over the service's published
limit is refused by the portal before it is sent; a body over the portal's own ceiling
is not read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.async_api import Page, expect

from tests.portal.journeys import applicant as journey
from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check, SignIn
from tests.portal.support.catalogue import advertised_round, host_with_placement
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.applying import pdf

ApiFor = Callable[[str, str], ApiAs]
MB = 1024 * 1024


async def test_r11_a_cv_refused_by_the_service_or_over_its_limit_is_said_beside_the_field(
    page: Page, sign_in: SignIn, api_as: ApiFor, assert_accessible: Check
) -> None:
    office = api_as("office", OFFICE)
    the_round = await advertised_round(office, journey.unique("Uploads round"))
    _, placement = await host_with_placement(
        office,
        the_round,
        name=journey.unique("Host"),
        contact=journey.unique("uploads") + "@example.com",
        title="Placement with uploads",
    )
    person = journey.Person(journey.unique("files") + "@example.org")
    await sign_in(page, person.email)
    await journey.fill_profile(page, person, assert_accessible)

    await journey.open_application_form(page, placement["id"], assert_accessible)
    not_a_cv = journey.cv_file("cv.pdf", b"just some text")
    await journey.send_application(page, "My statement.", assert_accessible, not_a_cv)
    await expect(page.locator("#cv-error")).to_contain_text("whatever its name says")
    await expect(page.get_by_label("Personal statement")).to_have_value("My statement.")

    too_big = journey.cv_file("cv.pdf", pdf() + b"\0" * 6 * MB)
    await journey.send_application(page, "My statement.", assert_accessible, too_big)
    await expect(page.locator("#cv-error")).to_contain_text("larger than 5 MB")
    link = page.locator(".error-summary").get_by_role("link", name="The CV is larger than 5 MB")
    assert await link.get_attribute("href") == "#cv"
    mine = (await api_as("applicant", person.email).applications.get("/v1/me/applications")).json()
    assert mine == []


async def test_r11_the_portal_reads_no_upload_past_its_ceiling(portal_stack: PortalStack) -> None:
    """A body declared over the ceiling is answered at once, with only its headers sent
    (before signing in or the form's token is looked at): nothing of it is read."""
    address = urlsplit(portal_stack.url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    writer.write(
        b"POST /applicant/apply HTTP/1.1\r\n"
        + f"Host: {address.netloc}\r\n".encode()
        + b"Content-Type: multipart/form-data; boundary=x\r\n"
        + f"Content-Length: {40 * MB}\r\n\r\n".encode()
    )
    await writer.drain()
    async with asyncio.timeout(10):
        answer = await reader.read()  # the portal closes the connection after answering
    writer.close()
    head, _, page = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert b"connection: close" in head.lower()
    assert b"The file is too large" in page


async def test_r11_a_visitor_is_sent_to_sign_in_before_any_of_an_upload_is_read(
    portal_stack: PortalStack,
) -> None:
    """Headers only, a body of 10 MB declared and never sent: the answer comes at once."""
    address = urlsplit(portal_stack.url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    writer.write(
        b"POST /applicant/apply HTTP/1.1\r\n"
        + f"Host: {address.netloc}\r\n".encode()
        + b"Content-Type: multipart/form-data; boundary=x\r\n"
        + f"Content-Length: {10 * MB}\r\n\r\n".encode()
    )
    await writer.drain()
    async with asyncio.timeout(10):
        answer = await reader.read()
    writer.close()
    head = answer.partition(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.1 303")
    assert b"location: /sign-in" in head
