"""Support sessions (R29) in the office's pages, in a real browser against the whole stack:
the office adds sessions, sees who booked which, moves one and cancels it, all through
its pages; the applicant who booked it is emailed each time, and their own page stops
listing it. Every page of the office's visited passes axe-core's serious checks."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage

from playwright.async_api import Page, expect

from mip.core import when
from tests.portal.journeys import applicant as journey
from tests.portal.journeys.office import (
    LONDON,
    SupportSessions,
    add_support_sessions,
    cancel_support_session,
    change_support_session,
    fill_date,
    view_support_sessions,
)
from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check, NewPage, SignIn
from tests.portal.support.mail import mails_to, text_of
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.applying import PROFILE
from tests.support.waiting import eventually

ApiFor = Callable[[str, str], ApiAs]


def _a_day_of_its_own() -> date:
    """A day a month to ten months on, so that no other test's sessions clash."""
    return datetime.now(LONDON).date() + timedelta(days=30 + secrets.randbelow(270))


async def _support_mail(stack: PortalStack, to: str, subject: str) -> EmailMessage:
    """The support-session e-mail to `to` whose subject starts with `subject`."""

    async def arrived() -> EmailMessage | None:
        found = [
            m
            for m in mails_to(stack.smtp, to, "support_booking")
            # Stripped: Python folds a subject of 71 to 78 characters onto a line of its
            # own, which reads back with a space before it.
            if str(m["Subject"]).strip().startswith(subject)
        ]
        return found[0] if found else None

    return await eventually(arrived, timeout_s=30)


async def _an_empty_form_says_what_is_missing(page: Page, check: Check) -> None:
    """Every answer missing is named beside its box, and the summary links to each."""
    await page.goto("/office/support/new")
    await page.get_by_label("How many sessions, one after another?").fill("")
    await page.get_by_role("button", name="Add sessions").click()
    summary = page.locator(".error-summary")
    await expect(summary).to_be_visible()
    for message in (
        "Enter the day of the sessions",
        "Enter the start time",
        "Enter the adviser's name",
        "Enter where the sessions take place",
        "Enter the number of sessions as a whole number, like 1",
    ):
        await expect(summary.get_by_role("link", name=message)).to_be_visible()
    await check(page)
    await fill_date(page, "day", datetime.now(LONDON).date() + timedelta(days=1))
    await page.get_by_label("Start time of the first session").fill("25 past 10")
    await page.get_by_role("button", name="Add sessions").click()
    await expect(summary.get_by_role("link", name="like 10am or 2:30pm")).to_be_visible()
    await expect(page.locator("#day-day")).to_have_value(
        str((datetime.now(LONDON) + timedelta(days=1)).day)
    )


async def test_r29_the_office_adds_sessions_and_cancels_the_one_an_applicant_booked(
    page: Page,
    new_page: NewPage,
    sign_in: SignIn,
    api_as: ApiFor,
    assert_accessible: Check,
    portal_stack: PortalStack,
) -> None:
    check = assert_accessible
    await sign_in(page, OFFICE)
    await _an_empty_form_says_what_is_missing(page, check)

    # Two sessions from 7:15am, on a day of their own on the shared stack.
    day = _a_day_of_its_own()
    sessions = SupportSessions(day, time(7, 15), count=2, adviser=journey.unique("Robin"))
    first, second = sessions.starts()
    added = await add_support_sessions(page, sessions, check)
    assert added == f"You added 2 support sessions, the first at {when.when(first)}."

    # An applicant books the first on their own page.
    grace = journey.unique("grace") + "@example.org"
    profile = {**PROFILE, "name": "Dr Grace Hopper"}
    saved = await api_as("applicant", grace).applications.put("/v1/me/profile", json=profile)
    assert saved.status_code == 200, saved.text
    applicant = await sign_in(await new_page(), grace)
    await applicant.goto("/applicant/support")
    await applicant.get_by_role("button", name=f"Book the session at {when.when(first)}").click()
    await expect(applicant.get_by_text("You booked a support session")).to_be_visible()

    # The office sees who booked which.
    rows = {
        r["When"]: r
        for r in await view_support_sessions(page, check)
        if r["With"] == sessions.adviser
    }
    assert rows[when.short_when(first)]["Booked by"].split() == ["Dr", "Grace", "Hopper", grace]
    assert rows[when.short_when(second)]["Booked by"] == "Free"

    # Moved to 8am: Grace is emailed the change.
    moved = first + timedelta(minutes=45)
    banner = await change_support_session(page, first, check, starts=moved)
    assert banner == f"The session is now at {when.when(moved)}. We emailed Dr Grace Hopper."
    changed = f"Changed: application support session, now {when.when(moved)}"
    await _support_mail(portal_stack, grace, changed)

    # Cancelled, after a page that says who booked it and that they will be emailed.
    said, banner = await cancel_support_session(page, moved, check)
    assert "Dr Grace Hopper booked it and will be emailed that it is cancelled." in said
    assert banner == (
        f"You cancelled the session at {when.when(moved)}. We emailed Dr Grace Hopper to say so."
    )
    left = [r["When"] for r in await view_support_sessions(page, check)]
    assert when.short_when(moved) not in left
    assert when.short_when(second) in left

    told = await _support_mail(
        portal_stack, grace, f"Cancelled: application support session, {when.when(moved)}"
    )
    assert "the Internship Office has cancelled your 15-minute" in text_of(told)
    # Booked, moved, cancelled: one e-mail each.
    assert len(mails_to(portal_stack.smtp, grace, "support_booking")) == 3

    # Grace's page lists it no more, neither as hers nor as one to book.
    await applicant.reload()
    await expect(applicant.get_by_role("heading", name="Book a support session")).to_be_visible()
    await expect(applicant.get_by_role("button", name="Cancel this session")).to_have_count(0)
    assert when.when(moved) not in await applicant.locator("main").inner_text()

    # A session cancelled while an applicant's page still offers it: booking it says so.
    book_second = applicant.get_by_role("button", name=f"Book the session at {when.when(second)}")
    await expect(book_second).to_be_visible()
    await cancel_support_session(page, second, check)
    await book_second.click()
    await expect(applicant.locator(".error-summary")).to_contain_text(
        "That session is no longer offered; it may have been cancelled. Choose another one."
    )
    answer = await applicant.goto("/office/support")
    assert answer is not None
    assert answer.status == 403


async def test_r29_a_time_already_held_is_named_and_a_free_session_cancelled_telling_nobody(
    page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    await sign_in(page, OFFICE)
    day = _a_day_of_its_own()
    sessions = SupportSessions(day, time(18, 45), adviser=journey.unique("Sky"))
    [at] = sessions.starts()
    added = await add_support_sessions(page, sessions, assert_accessible)
    assert added == f"You added a support session at {when.when(at)}."

    # The same time again: the form says it is taken, beside the start time.
    await page.goto("/office/support/new")
    await fill_date(page, "day", day)
    await page.get_by_label("Start time of the first session").fill(when.clock(at))
    await page.get_by_label("Adviser's name").fill("Someone Else")
    await page.get_by_label("Where are the sessions?").fill("Room 9")
    await page.get_by_role("button", name="Add sessions").click()
    taken = f"There is already a session at {when.when(at)}, with {sessions.adviser}."
    await expect(page.locator("#start_time-error")).to_contain_text(taken)
    await assert_accessible(page)

    # The check page open in a second tab too, as a colleague might have it.
    second_tab = await page.context.new_page()
    await second_tab.goto("/office/support")
    await second_tab.get_by_role("link", name=f"Cancel the session at {when.when(at)}").click()
    await second_tab.get_by_role("button", name="Yes, cancel the session").wait_for()
    said, banner = await cancel_support_session(page, at, assert_accessible)
    assert "Nobody has booked it." in said
    assert banner == f"You cancelled the session at {when.when(at)}."
    # "Yes" in the other tab: nothing left to cancel, and the page says so.
    await second_tab.get_by_role("button", name="Yes, cancel the session").click()
    await expect(second_tab.locator(".banner__heading")).to_have_text(
        "That session is not there any more; it may have been cancelled already."
    )
