"""What a person sees when something fails: a page in plain words with the right status,
never a trace or a blank page (issue 14 item 4)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.async_api import Page

from tests.portal.support.browser import Check, SignIn
from tests.portal.support.stack import PortalStack
from tests.support.servers import free_port


@contextmanager
def applications_down(stack: PortalStack) -> Iterator[None]:
    """The portal sees the applications service at an address where nothing answers."""
    runtime = stack.runtime
    before = runtime.settings
    nowhere = f"http://127.0.0.1:{free_port()}"
    runtime.settings = before.model_copy(update={"applications_url": nowhere})
    try:
        yield
    finally:
        runtime.settings = before


async def test_a_service_that_is_down_gives_a_friendly_page_saying_nothing_was_lost(
    page: Page, sign_in: SignIn, portal_stack: PortalStack, assert_accessible: Check
) -> None:
    await sign_in(page, "host.down@example.org")
    with applications_down(portal_stack):
        answer = await page.goto("/placements")
    assert answer is not None
    assert answer.status == 503
    text = await page.inner_text("main")
    assert "Placements and applications is not available just now" in text
    assert "Nothing was lost" in text
    assert "Traceback" not in await page.content()
    await assert_accessible(page)


async def test_a_page_that_does_not_exist_is_a_404_page(
    page: Page, assert_accessible: Check
) -> None:
    answer = await page.goto("/no/such/page")
    assert answer is not None
    assert answer.status == 404
    await page.get_by_role("heading", name="Page not found").wait_for()
    await assert_accessible(page)
