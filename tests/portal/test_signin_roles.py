"""Roles come from data (issue 14 item 2): the office from configuration, hosts from the
contacts the office registered, everyone else an applicant; a wrong role gets the 403
page, never a 500, and a host sees only their own placements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from playwright.async_api import Page

from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check, SignIn
from tests.portal.support.catalogue import advertised_round, host_with_placement
from tests.portal.support.stack import OFFICE

ApiFactory = Callable[[str, str], ApiAs]


async def test_an_applicant_cannot_reach_office_pages(
    page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    await sign_in(page, "curious@example.org")
    for path in ("/office", "/host"):
        answer = await page.goto(path)
        assert answer is not None
        assert answer.status == 403
        await page.get_by_role("heading", name="You cannot open this page").wait_for()
        assert "signed in as curious@example.org" in await page.content()
        await assert_accessible(page)


async def test_a_host_sees_only_their_own_placements(
    new_page: Callable[..., Awaitable[Page]],
    sign_in: SignIn,
    api_as: ApiFactory,
    assert_accessible: Check,
) -> None:
    office = api_as("office", OFFICE)
    the_round = await advertised_round(office, "Roles round")
    await host_with_placement(
        office,
        the_round,
        name="Radcliffe Lab",
        contact="rita@radcliffe.example.com",
        title="Lab automation with Radcliffe",
    )
    await host_with_placement(
        office,
        the_round,
        name="Turl Press",
        contact="tom@turl.example.com",
        title="Editing at Turl Press",
    )
    rita = await sign_in(await new_page(), "rita@radcliffe.example.com")
    assert rita.url.endswith("/host")
    await rita.get_by_role("link", name="Lab automation with Radcliffe").wait_for()
    assert "Editing at Turl Press" not in await rita.content()
    await assert_accessible(rita)
    answer = await rita.goto("/office")
    assert answer is not None
    assert answer.status == 403
    tom = await sign_in(await new_page(), "TOM@turl.example.com")
    await tom.get_by_role("link", name="Editing at Turl Press").wait_for()
    assert "Lab automation with Radcliffe" not in await tom.content()
    answer = await tom.goto("/applicant")
    assert answer is not None
    assert answer.status == 403
