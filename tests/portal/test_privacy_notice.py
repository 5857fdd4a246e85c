"""The privacy notice (issue 23 item 1): public, one section per kind of data in
docs/privacy.md (tests/test_privacy_record.py holds the two to the same kinds), and linked
from every page's footer, the sign-in page and the apply form."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from playwright.async_api import Page

from services.portal.public.privacy import KINDS
from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check
from tests.portal.support.catalogue import advertised_round, host_with_placement
from tests.portal.support.portal_http import signed_in
from tests.portal.support.stack import OFFICE, PortalStack

ApiFactory = Callable[[str, str], ApiAs]
_MAIN = re.compile(r"<main\b.*</main>", re.S)


async def test_anyone_signed_out_reads_the_privacy_notice_from_the_footer(
    page: Page, assert_accessible: Check
) -> None:
    await page.goto("/about")
    await page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    await page.wait_for_url("**/privacy")
    await page.get_by_role("heading", name="Privacy notice", level=1).wait_for()
    for kind in KINDS:
        section = page.locator(f"section:has(h2#{kind.id})")
        await section.get_by_role("heading", name=kind.heading, level=2).wait_for()
        text = await section.inner_text()
        for words in (kind.what, kind.why, kind.who, kind.how_long):
            assert " ".join(words.split()) in " ".join(text.split()), (kind.id, words)
    main = await page.inner_text("main")
    assert "special category data" in main
    assert "Your rights" in main
    await assert_accessible(page)


async def test_the_sign_in_page_links_to_the_privacy_notice(
    page: Page, assert_accessible: Check
) -> None:
    answer = await page.goto("/sign-in")
    assert answer is not None
    assert answer.status == 200
    await page.get_by_role("main").get_by_role("link", name="privacy notice").click()
    await page.wait_for_url("**/privacy")
    await page.get_by_role("heading", name="Privacy notice", level=1).wait_for()
    await assert_accessible(page)


async def test_the_apply_form_links_to_the_privacy_notice(
    portal_stack: PortalStack, api_as: ApiFactory
) -> None:
    tag = uuid.uuid4().hex[:6]
    office = api_as("office", OFFICE)
    the_round = await advertised_round(office, f"Privacy round {tag}")
    _, placement = await host_with_placement(
        office,
        the_round,
        name=f"Privacy host {tag}",
        contact=f"privacy-{tag}@hosts.example.com",
        title=f"Privacy placement {tag}",
    )
    async with signed_in(portal_stack, f"privacy-{tag}@example.org") as http:
        answer = await http.get(f"/applicant/apply?placement={placement['id']}")
    assert answer.status_code == 200, answer.text
    main = _MAIN.search(answer.text)
    assert main is not None
    assert 'href="/privacy#application"' in main.group(0)
