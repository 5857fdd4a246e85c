"""The applicant's part of a round in a real browser, against the real stack (issue 14):
profile and eligibility (R6-R9), support (R29), applying (R10-R14), the timeline (P6),
the offer and its lapse time (R19, R20), the introduction (R21) and a lunch claimed with
its receipt (R24, R28, P5). Every page visited passes axe-core's serious and critical
checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.async_api import Page, expect

from mip.core import when
from tests.portal.journeys import applicant as journey
from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check, SignIn
from tests.portal.support.catalogue import advertised_round, host_with_placement
from tests.portal.support.stack import OFFICE

ApiFor = Callable[[str, str], ApiAs]


async def _round_with_placement(
    api_as: ApiFor, host_email: str, title: str
) -> tuple[ApiAs, dict[str, Any], dict[str, Any]]:
    office = api_as("office", OFFICE)
    the_round = await advertised_round(office, journey.unique("Applicant round"))
    _, placement = await host_with_placement(
        office, the_round, name=journey.unique("Isis Robotics"), contact=host_email, title=title
    )
    return office, the_round, placement


async def _publish_support_slot(office: ApiAs) -> datetime:
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(minute=30, second=0, microsecond=0)
    published = await office.applications.post(
        "/v1/support/slots",
        json={
            "starts_at": [starts.isoformat()],
            "adviser_name": "Pat Adviser",
            "location": "Careers Service, room 2",
        },
    )
    assert published.status_code == 201, published.text
    return starts


async def _book_support(page: Page, check: Check) -> None:
    """R29: one free slot, booked; it moves to "Your sessions"."""
    await page.goto("/applicant/support")
    await check(page)
    await page.get_by_role("button", name="Book the session at").first.click()
    await expect(page.get_by_text("You booked a support session")).to_be_visible()
    await expect(page.get_by_role("button", name="Cancel this session")).to_be_visible()
    await check(page)


async def _answer_equal_opportunities(page: Page, check: Check) -> None:
    """R9: optional, said so, and saved."""
    await page.goto("/applicant/equal-opportunities")
    await expect(page.get_by_text("You do not have to answer these questions")).to_be_visible()
    await check(page)
    question = page.get_by_role("group", name="Do you consider yourself to have a disability?")
    await question.get_by_label("Prefer not to say").check()
    await page.get_by_role("button", name="Save my answers").click()
    await expect(page.get_by_text("Your answers are saved")).to_be_visible()


async def test_r6_r9_r10_r13_r19_r20_r21_r24_r28_r29_p6_applicant_signs_in_applies_accepts_and_claims_lunch(  # noqa: E501
    page: Page, sign_in: SignIn, api_as: ApiFor, assert_accessible: Check
) -> None:
    host_email = journey.unique("sam") + "@isis.example.com"
    ada = journey.Person(journey.unique("ada") + "@example.org")
    title = "Robot arm testing"
    office, the_round, placement = await _round_with_placement(api_as, host_email, title)
    await _publish_support_slot(office)
    check = assert_accessible

    await sign_in(page, ada.email)
    await check(page)
    await journey.fill_profile(page, ada, check)
    await expect(page.get_by_role("heading", name=journey.CAN_APPLY)).to_be_visible()
    await expect(page.locator("#allowance-advice")).to_contain_text("up to 10 days")
    await _answer_equal_opportunities(page, check)
    await _book_support(page, check)

    await journey.open_application_form(page, placement["id"], check)
    await page.get_by_label("Personal statement").fill("I build robots and want to test them.")
    await expect(page.get_by_text("You have 292 words remaining")).to_be_visible()  # R13
    await journey.send_application(page, "I build robots and want to test them.", check)
    application_id = page.url.rsplit("/", 1)[-1]
    await expect(page.get_by_text(f"Your application for {title} was sent.")).to_be_visible()
    await expect(page.get_by_text("You sent your application")).to_be_visible()  # P6

    me = api_as("applicant", ada.email)
    await journey.close_applications(office, the_round)
    await journey.wait_for_status(me, application_id, "forwarded")
    await journey.rank(api_as("host", host_email), placement["id"], application_id)
    await journey.wait_for_status(me, application_id, "offered")
    offer = (await me.offers.get(f"/v1/offers/{application_id}")).json()
    lapse = await journey.accept_offer(page, application_id, check)
    assert lapse == when.when(datetime.fromisoformat(offer["expires_at"]))  # R19, UK time
    await journey.see_introduction(page, application_id, check)  # R21 on the timeline

    first_day = date.fromisoformat(placement["days"][0])
    claim_id = await journey.claim_lunch(page, title, first_day, "6.50", check)
    await journey.approve_claim(api_as("host", host_email), claim_id)
    await page.reload()
    await expect(page.get_by_text("Your host approved this line")).to_be_visible()
    await expect(page.get_by_text("Approved", exact=True).first).to_be_visible()
    await check(page)


async def test_r14_a_late_application_is_refused_with_the_reason_on_the_page(
    page: Page, sign_in: SignIn, api_as: ApiFor, assert_accessible: Check
) -> None:
    """The form was opened before the deadline and sent after it: refused, and the page
    says so and names the deadline (R14), in UK time."""
    late = journey.Person(journey.unique("late") + "@example.org", name="Dr Late Comer")
    office, the_round, placement = await _round_with_placement(
        api_as, journey.unique("kim") + "@isis.example.com", "Late placement"
    )
    await sign_in(page, late.email)
    await journey.fill_profile(page, late, assert_accessible)
    await journey.open_application_form(page, placement["id"], assert_accessible)
    deadline = await journey.close_applications(office, the_round)
    while datetime.now(UTC) <= deadline + timedelta(milliseconds=200):
        await page.wait_for_timeout(200)
    await journey.send_application(page, "I meant to send this earlier.", assert_accessible)
    summary = page.locator(".error-summary")
    await expect(summary).to_contain_text("Applications closed at")
    await expect(summary).to_contain_text("Late applications cannot be accepted")
    await expect(summary).to_contain_text("UK time")
    mine = (await api_as("applicant", late.email).applications.get("/v1/me/applications")).json()
    assert mine == []


async def _no_axe(page: Page) -> None:
    """axe-core needs JavaScript: the same pages are checked with it on in the tests above."""


async def test_r10_r13_applying_works_without_javascript(
    new_page: Callable[..., Awaitable[Page]], sign_in: SignIn, api_as: ApiFor
) -> None:
    """With JavaScript off the form still sends, and the server's check of the statement
    (R13: a longer one is accepted, cut for the host) is what the page reports."""
    page = await new_page(javascript=False)
    person = journey.Person(journey.unique("nojs") + "@example.org", name="Dr No Script")
    _, _, placement = await _round_with_placement(
        api_as, journey.unique("lee") + "@isis.example.com", "Placement without scripts"
    )
    await sign_in(page, person.email)
    await journey.fill_profile(page, person, _no_axe)
    await journey.open_application_form(page, placement["id"], _no_axe)
    await expect(page.get_by_text("You can enter up to 300 words")).to_be_visible()
    long_statement = " ".join(f"word{n}" for n in range(320))
    await journey.send_application(page, long_statement, _no_axe)
    cut = "Your statement has 320 words; the host will read the first 300."
    await expect(page.get_by_text(cut)).to_be_visible()
    await expect(page.get_by_text("You sent your application")).to_be_visible()


async def test_r13_an_empty_statement_is_summarised_at_the_top_linking_to_the_field_at_360px(
    new_page: Callable[..., Awaitable[Page]],
    sign_in: SignIn,
    api_as: ApiFor,
    assert_accessible: Check,
) -> None:
    page = await new_page(width=360)
    email = journey.unique("narrow") + "@example.org"
    _, _, placement = await _round_with_placement(
        api_as, journey.unique("max") + "@isis.example.com", "Placement on a phone"
    )
    profile = journey.Person(email)
    await sign_in(page, email)
    await journey.fill_profile(page, profile, assert_accessible)
    await journey.open_application_form(page, placement["id"], assert_accessible)
    await page.get_by_label("Your CV").set_input_files(journey.cv_file())
    await page.get_by_role("button", name="Send application").click()
    summary = page.locator(".error-summary")
    await expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Enter your personal statement")
    assert await link.get_attribute("href") == "#statement"
    await expect(page.locator("#statement-error")).to_contain_text("Enter your personal statement")
    assert (await page.title()).startswith("Error: ")
    await assert_accessible(page)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px wide)"
    await link.click()
    await expect(page.get_by_label("Personal statement")).to_be_focused()
