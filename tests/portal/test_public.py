"""The pages anyone may read (issue 14 item 3): the programme with its round's dates, the
advertised placements with filters, a placement, and the alerts list; axe-core on every
page, at 360 px wide, and with JavaScript off."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Page

from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check, NewPage
from tests.portal.support.catalogue import advertised_round, host_with_placement
from tests.portal.support.mail import mails_to, next_mail
from tests.portal.support.stack import OFFICE, PortalStack

ApiFactory = Callable[[str, str], ApiAs]
# A time as every page says it: "12pm (midday) on Monday 12 January 2027, UK time".
ZONED = re.compile(
    r"\d{1,2}(:\d{2})?(am|pm)( \((midday|midnight)\))? on [A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4}"
    r", UK time"
)


@pytest.fixture
async def catalogue(api_as: ApiFactory) -> dict[str, Any]:
    """A round of two weeks with three hosts, one of each kind, in sectors of their own."""
    tag = uuid.uuid4().hex[:6]
    office = api_as("office", OFFICE)
    the_round = await advertised_round(office, f"Public round {tag}", weeks=2)
    made = {}
    for key, kind, week, location in (
        ("museum", "non_profit", 0, "oxford"),
        ("bank", "for_profit", 1, "london"),
        ("college", "college_or_department", 0, "oxfordshire"),
    ):
        _, placement = await host_with_placement(
            office,
            the_round,
            name=f"{key.title()} {tag}",
            contact=f"{key}-{tag}@hosts.example.com",
            title=f"{key.title()} placement {tag}",
            kind=kind,
            sector=f"{key.title()} sector {tag}",
            location=location,
            week=week,
        )
        made[key] = placement
    return {"round": the_round, "placements": made, "tag": tag}


def _titles(catalogue: dict[str, Any]) -> dict[str, str]:
    return {key: p["title"] for key, p in catalogue["placements"].items()}


async def _shown(page: Page, catalogue: dict[str, Any]) -> set[str]:
    text = await page.inner_text("main")
    return {key for key, title in _titles(catalogue).items() if title in text}


async def test_r1_r5_anyone_reads_the_programme_and_filters_the_placements(
    page: Page, catalogue: dict[str, Any], assert_accessible: Check
) -> None:
    the_round = catalogue["round"]
    await page.goto("/")
    main = await page.inner_text("main")
    assert the_round["name"] in main
    assert "Applications close" in main
    assert ZONED.search(main), main
    await assert_accessible(page)

    await page.get_by_role("link", name="Browse the placements").click()
    assert await _shown(page, catalogue) == {"museum", "bank", "college"}
    await assert_accessible(page)

    await page.select_option("#kind", "non_profit")
    await page.get_by_role("button", name="Show placements").click()
    assert await _shown(page, catalogue) == {"museum"}
    await assert_accessible(page)

    await page.goto("/placements")
    await page.select_option("#sector", f"Bank sector {catalogue['tag']}")
    await page.get_by_role("button", name="Show placements").click()
    assert await _shown(page, catalogue) == {"bank"}

    await page.goto("/placements")
    await page.select_option("#week", the_round["weeks"][0]["starts_on"])
    await page.get_by_role("button", name="Show placements").click()
    assert await _shown(page, catalogue) == {"museum", "college"}

    await page.get_by_role("link", name=_titles(catalogue)["college"]).click()
    main = await page.inner_text("main")
    assert "College or university department" in main
    assert "3 working days" in main
    assert "Oxfordshire" in main
    assert ZONED.search(main), main
    assert "Sign in to apply" in main
    await assert_accessible(page)


async def test_a_filter_that_is_not_one_of_the_choices_is_named_beside_it(
    page: Page, assert_accessible: Check
) -> None:
    answer = await page.goto("/placements?week=next-tuesday&kind=pirates")
    assert answer is not None
    assert answer.status == 422
    summary = page.locator(".error-summary")
    await summary.get_by_role("link", name="Choose a week from the list").wait_for()
    await summary.get_by_role("link", name="Choose a kind of organisation from the list").wait_for()
    await assert_accessible(page)


async def test_r30_anyone_joins_the_alerts_list_and_is_asked_to_confirm(
    page: Page, portal_stack: PortalStack, assert_accessible: Check
) -> None:
    email = f"fan-{uuid.uuid4().hex[:6]}@example.org"
    await page.goto("/alerts")
    await assert_accessible(page)
    await page.get_by_role("button", name="Get alerts").click()
    await (
        page.locator(".error-summary").get_by_role("link", name="Enter an email address").wait_for()
    )
    await assert_accessible(page)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_role("button", name="Get alerts").click()
    await page.get_by_role("heading", name="Confirm your email address").wait_for()
    await assert_accessible(page)
    invite = await next_mail(portal_stack.smtp, email, "alert_confirm", after=0)
    assert "confirm" in str(invite["Subject"]).lower()


async def test_the_public_pages_fit_a_360_px_screen(
    new_page: NewPage,
    catalogue: dict[str, Any],
    assert_accessible: Check,
    screenshots: Callable[[Page, str], Awaitable[Any]],
) -> None:
    page = await new_page(width=360)
    placement = catalogue["placements"]["museum"]
    for path in (
        "/",
        "/placements",
        f"/placements/{placement['id']}",
        "/alerts",
        "/about",
        "/privacy",
    ):
        await page.goto(path)
        await screenshots(page, path.strip("/").replace("/", "-") or "start")
        fits = await page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert fits, f"{path} scrolls sideways at 360 px"
        await assert_accessible(page)


async def test_the_public_pages_work_with_javascript_off(
    new_page: NewPage,
    catalogue: dict[str, Any],
    portal_stack: PortalStack,
    sign_in: Callable[[Page, str], Awaitable[Page]],
) -> None:
    """axe-core needs JavaScript: these pages are checked with it on in the tests above."""
    page = await new_page(javascript=False)
    await page.goto("/placements")
    await page.select_option("#kind", "for_profit")
    await page.get_by_role("button", name="Show placements").click()
    assert "kind=for_profit" in page.url
    assert "bank" in await _shown(page, catalogue)
    assert "museum" not in await _shown(page, catalogue)
    await page.get_by_role("link", name=_titles(catalogue)["bank"]).click()
    await page.get_by_role("heading", name=_titles(catalogue)["bank"]).wait_for()
    email = f"no-js-{catalogue['tag']}@example.org"
    await page.goto("/alerts")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_role("button", name="Get alerts").click()
    await page.get_by_role("heading", name="Confirm your email address").wait_for()
    await next_mail(portal_stack.smtp, email, "alert_confirm", after=0)
    await sign_in(page, email)
    assert page.url.endswith("/applicant")
    assert mails_to(portal_stack.smtp, email, "sign_in")
