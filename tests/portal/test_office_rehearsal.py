"""The office runs a rehearsal round through its pages alone (issue 21 item 1): it makes
the round by durations, adds a placement, and takes each next step (close applications,
send outcomes, open and close the second round), each behind a page that asks first. No
token and no API call does any of the office's part; applicants and the host, whose pages
other tests walk, apply and rank through the API. On a real round the dates form moves
what is still to come and names a date that has passed. Rehearsals are marked wherever
they show, to the public too, and production has none.

Why marked, not hidden: a rehearsal is there to be walked the way a real round is (find
the placement, apply, be offered it, accept), which hiding it would stop; and rehearsals
exist only outside production, so the only people who ever see one are trying MIP out.
The mark says, on every card and page, that it is not a real placement.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.async_api import Page, expect

from mip.core import when
from mip.core.settings import Environment, Settings
from services.portal.office.rehearsals import placement_week
from tests.portal.journeys.office import (
    HostDetails,
    PlacementDetails,
    RoundDetails,
    add_host,
    add_placement,
    create_rehearsal_round,
    create_round,
    fill_date,
    rehearsal_steps,
    take_rehearsal_step,
    view_round_at_a_glance,
)
from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check, NewPage, SignIn
from tests.portal.support.catalogue import advertised_round, host_with_placement
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.applying import PROFILE, pdf
from tests.support.keys import HARDENED_KEYS
from tests.support.waiting import eventually

ApiFor = Callable[[str, str], ApiAs]
CLOSE, OUTCOMES = "Close applications now", "Send outcomes now"
OPEN_SECOND, CLOSE_SECOND = "Open the second round now", "Close the second round now"
REHEARSAL_MARK = "This placement is part of a rehearsal of the programme"


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


async def _applies(api_as: ApiFor, email: str, placement_id: str) -> str:
    """An applicant's profile and application, as the applicant's own pages would send them."""
    api = api_as("applicant", email)
    saved = await api.applications.put("/v1/me/profile", json=PROFILE)
    assert saved.status_code == 200, saved.text
    made = await api.applications.post(
        "/v1/applications",
        data={"placement_id": placement_id, "statement": "I would like to try this."},
        files={"cv": ("cv.pdf", pdf(), "application/pdf")},
    )
    assert made.status_code == 201, made.text
    application_id: str = made.json()["id"]
    return application_id


async def _states(page: Page, round_id: str, check: Check, wanted: dict[str, int]) -> None:
    """The round at a glance, until its applications are in the `wanted` states."""

    async def reached() -> bool:
        glance = await view_round_at_a_glance(page, round_id, check)
        return glance.states == wanted

    await eventually(reached, timeout_s=60)


async def test_the_office_runs_a_rehearsal_round_through_its_pages_alone(
    page: Page,
    new_page: NewPage,
    sign_in: SignIn,
    api_as: ApiFor,
    assert_accessible: Check,
) -> None:
    await sign_in(page, OFFICE)
    host = HostDetails(
        _unique("Isis Robotics"), contact_email=f"sam.{uuid.uuid4().hex[:6]}@isis.example.com"
    )
    await add_host(page, host, assert_accessible)

    # The form says what is wrong beside each answer, and suggests the durations.
    await page.goto("/office/rounds/new-rehearsal")
    assert await page.get_by_label("Minutes until applications close").input_value() == "10"
    assert await page.get_by_label("Minutes an offer lasts").input_value() == "15"
    await page.get_by_label("Minutes until applications close").fill("0")
    await page.get_by_label("Minutes the second round stays open").fill("")
    await page.get_by_role("button", name="Create rehearsal round").click()
    summary = page.locator(".error-summary")
    await expect(summary).to_contain_text("Enter the round's name")
    await expect(summary).to_contain_text("The minutes until applications close must be 1 to")
    await expect(summary).to_contain_text("Give both second-round times, or neither")
    await expect(summary.get_by_role("link", name="Enter the round's name")).to_have_attribute(
        "href", "#name"
    )
    await assert_accessible(page)

    name = _unique("Rehearsal")
    round_id = await create_rehearsal_round(page, name, assert_accessible)
    main = page.locator("main")
    await expect(main).to_contain_text("This round is for trying the programme out")
    await expect(main).to_contain_text("15 minutes (a rehearsal)")
    assert await rehearsal_steps(page, round_id, assert_accessible) == [CLOSE]
    week = placement_week(datetime.now(UTC) + timedelta(minutes=30))
    placement = PlacementDetails(
        title="Robot trials",
        days=[week.starts_on, week.starts_on + timedelta(days=1)],
        places=2,
    )
    placement_id = await add_placement(page, round_id, placement, host.name, assert_accessible)
    ada, bob, cy = (f"{who}.{uuid.uuid4().hex[:6]}@example.org" for who in ("ada", "bob", "cy"))
    first = await _applies(api_as, ada, placement_id)
    await _applies(api_as, bob, placement_id)
    await _states(page, round_id, assert_accessible, {"Submitted": 2})

    # The office opens a step in a second tab, then takes it in the first: the second
    # tab's "Yes" is refused, saying when applications closed.
    stale = await new_page()
    await sign_in(stale, OFFICE)
    await stale.goto(f"/office/rounds/{round_id}/rehearsal/close-applications")
    said = await take_rehearsal_step(page, round_id, CLOSE, assert_accessible)
    assert "Applications close now, instead of at" in said
    assert "Nobody can apply after this" in said
    await expect(page.locator(".banner")).to_contain_text("Applications closed.")
    await stale.get_by_role("button", name="Yes, close applications now").click()
    await expect(stale.locator(".error-summary")).to_contain_text("Applications closed at")
    await assert_accessible(stale)

    assert await rehearsal_steps(page, round_id, assert_accessible) == [OUTCOMES, OPEN_SECOND]
    await _states(page, round_id, assert_accessible, {"With the host": 2})
    await page.goto(f"/office/rounds/{round_id}/rehearsal/close-second-round")
    await expect(page.locator("#why-not")).to_contain_text("Not yet: the second round opens at")
    await expect(page.get_by_role("button", name="Yes, close the second round now")).to_have_count(
        0
    )
    await assert_accessible(page)

    # The host offers Ada a place and leaves Bob out; outcomes tell Bob now.
    host_api = api_as("host", host.contact_email)
    ranked = await host_api.offers.post(
        f"/v1/placements/{placement_id}/ranking", json={"application_ids": [first]}
    )
    assert ranked.status_code == 200, ranked.text
    await _states(page, round_id, assert_accessible, {"Offered": 1, "With the host": 1})
    said = await take_rehearsal_step(page, round_id, OUTCOMES, assert_accessible)
    assert "told that they were not successful this time" in said
    await _states(page, round_id, assert_accessible, {"Offered": 1, "Not successful": 1})

    # The place Ada has not taken is advertised again; Cy applies for it.
    said = await take_rehearsal_step(page, round_id, OPEN_SECOND, assert_accessible)
    assert "Placements with places still unfilled are advertised again" in said

    async def readvertised() -> bool:
        await page.goto(f"/office/rounds/{round_id}")
        return await page.get_by_text("Advertised again").count() > 0

    await eventually(readvertised, timeout_s=60)
    assert await rehearsal_steps(page, round_id, assert_accessible) == [CLOSE_SECOND]
    await _applies(api_as, cy, placement_id)
    said = await take_rehearsal_step(page, round_id, CLOSE_SECOND, assert_accessible)
    assert "Every application made in the second round goes to its host" in said
    wanted = {"Offered": 1, "Not successful": 1, "With the host": 1}
    await _states(page, round_id, assert_accessible, wanted)
    assert await rehearsal_steps(page, round_id, assert_accessible) == []
    await expect(page.locator("#rehearsal-steps")).to_have_text(
        "Every step of this rehearsal has happened."
    )
    # Every office page that shows the round marks it.
    for path in ("", "/dates", "/settings", "/glance", "/withdrawals", "/placements/new"):
        await page.goto(f"/office/rounds/{round_id}{path}")
        await expect(page.locator(".rehearsal-mark")).to_contain_text("not a real round")
    await page.goto("/office/rounds")
    row = page.get_by_role("row", name=re.compile(re.escape(name)))
    await expect(row).to_contain_text("Rehearsal")


async def test_a_rehearsal_saved_unchanged_on_the_dates_form_keeps_its_times(
    page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    await sign_in(page, OFFICE)
    round_id = await create_rehearsal_round(page, _unique("Resaved"), assert_accessible)
    dates = page.locator("main dl").first
    before = await dates.inner_text()
    await page.get_by_role("link", name="Change applications close").click()
    await page.get_by_role("heading", level=1, name="Change the round's dates").wait_for()
    await assert_accessible(page)
    await page.get_by_role("button", name="Save dates").click()
    await page.wait_for_url(f"**/office/rounds/{round_id}")
    await expect(page.locator(".banner")).to_contain_text("The round's dates changed")
    assert await dates.inner_text() == before


async def test_a_real_rounds_dates_still_to_come_move_after_its_deadline_and_a_passed_one_is_named(
    page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    """A real round past its deadline: its outcomes-by date moves and a second round is
    added; moving the deadline, which has passed, is refused in plain words beside it."""
    await sign_in(page, OFFICE)
    today = datetime.now(when.LONDON).date()
    spec = RoundDetails(
        name=_unique("Closed yesterday"),
        first_week=today + timedelta(days=28 - today.weekday()),
        advertising=today - timedelta(days=3),
        deadline=today - timedelta(days=1),
        outcomes=today + timedelta(days=5),
    )
    round_id = await create_round(page, spec, assert_accessible)
    assert await rehearsal_steps(page, round_id, assert_accessible) == []
    await expect(page.locator(".rehearsal-mark")).to_have_count(0)

    await page.goto(f"/office/rounds/{round_id}/dates")
    await fill_date(page, "deadline_date", today + timedelta(days=2))
    await page.get_by_role("button", name="Save dates").click()
    summary = page.locator(".error-summary")
    passed = (
        f"The application deadline, 12pm (midday) on {when.day(spec.deadline)}, UK time, "
        "has passed; it cannot be moved now"
    )
    await expect(summary).to_contain_text(passed)
    await expect(summary.get_by_role("link")).to_have_attribute("href", "#deadline_date")
    await expect(page.locator("#deadline_date-error")).to_contain_text("has passed")
    await assert_accessible(page)

    outcomes, opens, closes = (today + timedelta(days=n) for n in (6, 7, 9))
    await fill_date(page, "deadline_date", spec.deadline)
    await fill_date(page, "outcomes_by_date", outcomes)
    await fill_date(page, "second_round_opens_on", opens)
    await fill_date(page, "second_round_closes_on", closes)
    await page.get_by_role("button", name="Save dates").click()
    await page.wait_for_url(f"**/office/rounds/{round_id}")
    await expect(page.locator(".banner")).to_contain_text("The round's dates changed")
    main = page.locator("main")
    await expect(main).to_contain_text(f"9am on {when.day(outcomes)}, UK time")
    await expect(main).to_contain_text(when.day(closes))


async def test_rehearsal_placements_are_marked_to_the_public_and_real_ones_are_not(
    new_page: NewPage, api_as: ApiFor, assert_accessible: Check
) -> None:
    office = api_as("office", OFFICE)
    rehearsal = await advertised_round(office, _unique("Practice"))
    _, practice = await host_with_placement(
        office,
        rehearsal,
        name=_unique("Practice host"),
        contact="p@practice.example.org",
        title=_unique("Practice placement"),
    )
    real = await _real_round(office, _unique("Real"))
    _, actual = await host_with_placement(
        office,
        real,
        name=_unique("Real host"),
        contact="r@real.example.org",
        title=_unique("Real placement"),
    )
    page = await new_page()
    await page.goto("/placements")
    await assert_accessible(page)
    practice_card = page.locator(".card").filter(has_text=practice["title"])
    real_card = page.locator(".card").filter(has_text=actual["title"])
    await expect(practice_card.locator(".rehearsal-mark")).to_contain_text(REHEARSAL_MARK)
    await expect(practice_card.locator(".tag", has_text="Rehearsal")).to_be_visible()
    await expect(real_card).to_be_visible()
    await expect(real_card.locator(".rehearsal-mark")).to_have_count(0)
    await page.get_by_role("link", name=practice["title"]).click()
    await page.get_by_role("heading", level=1, name=practice["title"]).wait_for()
    await expect(page.locator(".rehearsal-mark")).to_contain_text("it is not a real placement")
    await assert_accessible(page)


async def _real_round(office: ApiAs, name: str) -> dict[str, Any]:
    """A round on the programme's calendar, advertised since yesterday."""
    today = datetime.now(when.LONDON).date()
    monday = today + timedelta(days=35 - today.weekday())
    made = await office.applications.post(
        "/v1/rounds",
        json={
            "name": name,
            "weeks": [{"starts_on": str(monday), "ends_on": str(monday + timedelta(days=4))}],
            "advertising_date": str(today - timedelta(days=1)),
            "deadline_date": str(today + timedelta(days=14)),
            "outcomes_by_date": str(today + timedelta(days=21)),
        },
    )
    assert made.status_code == 201, made.text
    found: dict[str, Any] = made.json()
    assert found["rehearsal"] is False
    return found


@asynccontextmanager
async def _in_production(portal_stack: PortalStack) -> AsyncIterator[None]:
    """The running portal, reading production's settings for a while."""
    runtime = portal_stack.runtime
    real = runtime.settings
    runtime.settings = Settings.model_validate(
        {
            **real.model_dump(),
            "environment": Environment.production,
            "jwt_secret": "a-production-secret-" * 3,
            "portal_public_url": "https://mip.example.ac.uk",
            **HARDENED_KEYS,
        }
    )
    try:
        yield
    finally:
        runtime.settings = real


async def test_production_offers_no_rehearsal_rounds(
    portal_stack: PortalStack, page: Page, sign_in: SignIn, api_as: ApiFor
) -> None:
    """The pages are not there in production, and the service refuses a rehearsal clock."""
    office = api_as("office", OFFICE)
    the_round = await advertised_round(office, _unique("Before production"))
    await sign_in(page, OFFICE)
    async with _in_production(portal_stack):
        await page.goto("/office/rounds")
        await expect(page.get_by_role("button", name="Create a round")).to_be_visible()
        await expect(page.get_by_role("button", name="Create a rehearsal round")).to_have_count(0)
        for path in (
            "/office/rounds/new-rehearsal",
            f"/office/rounds/{the_round['id']}/rehearsal/close-applications",
        ):
            answer = await page.goto(path)
            assert answer is not None
            assert answer.status == 404, path
    await page.goto("/office/rounds")
    await expect(page.get_by_role("button", name="Create a rehearsal round")).to_be_visible()
