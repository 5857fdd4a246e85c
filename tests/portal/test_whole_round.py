"""One whole round, walked in the browser by the people who take part in it (issue 14).

The tests below run in order on one round and one stack, each person on a browser of their
own, signed in with the link read from the e-mail they received. Each is one person's (or
role's) part, named after the rules it walks: an applicant applies; a second one is too late
and told why; at the deadline the host reads the CVs, marks and ranks; the first applicant
accepts the offer and both sides see the introduction; the intern claims a lunch and the
host approves and pays it; the office watches the round at a glance and reads the messages.
Only what no person does in a browser (the rehearsal clock striking the deadline) goes
through the API. Everyone walks it on a phone, 360 px wide, and every page visited, signing
in included, is checked: axe-core, nothing to scroll sideways (WCAG 2.2 1.4.10, reflow),
and no Python type or repr in what it says.

Set MIP_PORTAL_SCREENSHOTS=<dir> to keep a screenshot of the pages the README shows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, ViewportSize, expect

from mip.core import when
from tests.portal.journeys import applicant as applicant_steps
from tests.portal.journeys import host as host_steps
from tests.portal.journeys import office as office_steps
from tests.portal.support.api import ApiAs
from tests.portal.support.browser import (
    Check,
    NewPage,
    SignIn,
    assert_no_python,
    assert_reflows,
)
from tests.portal.support.catalogue import advertised_round, host_with_placement
from tests.portal.support.mail import mails_to, text_of
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.waiting import eventually

ApiFor = Callable[[str, str], ApiAs]

TITLE = "Testing robot arms"
# A phone's width; and the narrowest WCAG 2.2 asks a page to reflow at (1.4.10).
PHONE = ViewportSize(width=360, height=900)
REFLOW = ViewportSize(width=320, height=900)


@dataclass
class Round:
    """What the people of the round know of it, as each part of the walk leaves it."""

    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    the_round: dict[str, Any] = field(default_factory=dict)
    placement: dict[str, Any] = field(default_factory=dict)
    application_id: str = ""

    @property
    def host(self) -> str:
        return f"sam.{self.run}@isisrobotics.example.com"

    @property
    def host_name(self) -> str:
        return f"Isis Robotics {self.run}"

    @property
    def ada(self) -> applicant_steps.Person:
        return applicant_steps.Person(f"ada.{self.run}@example.org", name="Dr Ada Lovelace")

    @property
    def bob(self) -> applicant_steps.Person:
        return applicant_steps.Person(f"bob.{self.run}@example.org", name="Dr Bob Hooke")


@pytest.fixture(scope="module")
def walk() -> Round:
    return Round()


@pytest.fixture
def new_page(new_page: NewPage) -> NewPage:
    """The portal's pages, as a phone shows them."""

    async def on_a_phone(width: int = PHONE["width"], javascript: bool = True) -> Page:
        return await new_page(width=width, javascript=javascript)

    return on_a_phone


@pytest.fixture
def assert_accessible(assert_accessible: Check) -> Check:
    """axe-core and what it does not check, that the page reflows, at 320 px as well as
    on the phone; and that the page speaks no Python."""

    async def check(page: Page) -> None:
        await assert_no_python(page)
        for size in (REFLOW, PHONE):  # ending as the phone shows it, to walk on
            await page.set_viewport_size(size)
            await assert_accessible(page)
            await assert_reflows(page)

    return check


@pytest.fixture
def sign_in(sign_in: SignIn, assert_accessible: Check) -> SignIn:
    """Signing in is part of everyone's way through the round: its pages are checked too."""

    async def checked(page: Page, email: str, check: Check | None = None) -> Page:
        return await sign_in(page, email, check or assert_accessible)

    return checked


async def _shoot(page: Page, name: str) -> None:
    """Keep what the README shows, when asked to (the screenshots under docs/), as a
    laptop shows it."""
    where = os.environ.get("MIP_PORTAL_SCREENSHOTS")
    if where:
        await page.set_viewport_size(ViewportSize(width=1280, height=900))
        await page.screenshot(path=str(Path(where) / f"{name}.png"), full_page=True)
        await page.set_viewport_size(PHONE)


async def test_r6_r8_r10_r13_an_applicant_signs_in_with_the_emailed_link_and_applies(
    walk: Round, new_page: NewPage, sign_in: SignIn, api_as: ApiFor, assert_accessible: Check
) -> None:
    office = api_as("office", OFFICE)
    walk.the_round = await advertised_round(office, f"Whole round {walk.run}")
    _, walk.placement = await host_with_placement(
        office, walk.the_round, name=walk.host_name, contact=walk.host, title=TITLE
    )
    page = await new_page()
    walk.application_id = await applicant_steps.sign_in_then_apply(
        page, sign_in, walk.ada, walk.placement["id"], assert_accessible
    )
    await expect(page.get_by_text(f"Your application for {TITLE} was sent.")).to_be_visible()
    await _shoot(page, "portal-applicant-application")


async def test_r14_a_second_applicant_applies_late_and_is_refused_with_the_reason(
    walk: Round, new_page: NewPage, sign_in: SignIn, api_as: ApiFor, assert_accessible: Check
) -> None:
    page = await sign_in(await new_page(), walk.bob.email)
    await applicant_steps.fill_profile(page, walk.bob, assert_accessible)
    await applicant_steps.open_application_form(page, walk.placement["id"], assert_accessible)
    # The deadline strikes while the form is open (a rehearsal round's clock, R3).
    deadline = await applicant_steps.close_applications(api_as("office", OFFICE), walk.the_round)
    while datetime.now(UTC) <= deadline + timedelta(milliseconds=200):
        await page.wait_for_timeout(200)
    await applicant_steps.send_application(page, "I meant to send this earlier.", assert_accessible)
    summary = page.locator(".error-summary")
    await expect(summary).to_contain_text("Applications closed at")
    await expect(summary).to_contain_text("Late applications cannot be accepted")
    mine = await api_as("applicant", walk.bob.email).applications.get("/v1/me/applications")
    assert mine.json() == []


async def test_r11_r16_r17_r18_p2_at_the_deadline_the_host_reads_the_cv_marks_and_ranks(
    walk: Round, new_page: NewPage, sign_in: SignIn, api_as: ApiFor, assert_accessible: Check
) -> None:
    ada = api_as("applicant", walk.ada.email)
    await applicant_steps.wait_for_status(ada, walk.application_id, "forwarded")
    page = await sign_in(await new_page(), walk.host)
    cvs = await host_steps.read_cvs(page, TITLE, [walk.ada.name], assert_accessible)
    assert cvs[walk.ada.name].media_type == "application/pdf"
    await _shoot(page, "portal-host-application")
    marks = {walk.ada.name: "Shortlisted"}
    left_out = await host_steps.mark_and_rank(
        page, TITLE, marks, [walk.ada.name], assert_accessible
    )
    assert left_out == []
    await applicant_steps.wait_for_status(ada, walk.application_id, "offered")
    states = await host_steps.offer_states(page, TITLE, assert_accessible)
    assert states[walk.ada.name].startswith("Open: Sent")


async def test_r19_r20_r21_the_applicant_accepts_before_the_lapse_and_both_are_introduced(
    walk: Round,
    portal_stack: PortalStack,
    new_page: NewPage,
    sign_in: SignIn,
    api_as: ApiFor,
    assert_accessible: Check,
) -> None:
    ada = api_as("applicant", walk.ada.email)
    offer = (await ada.offers.get(f"/v1/offers/{walk.application_id}")).json()
    page = await sign_in(await new_page(), walk.ada.email)
    lapse = await applicant_steps.accept_offer(page, walk.application_id, assert_accessible)
    assert lapse == when.when(datetime.fromisoformat(offer["expires_at"]))
    assert lapse.endswith(", UK time"), lapse
    await applicant_steps.see_introduction(page, walk.application_id, assert_accessible)
    mine = await applicant_steps.view_applications(page, assert_accessible)
    assert mine == {TITLE: "Introduced to your host"}

    async def host_introduced() -> bool:
        told = mails_to(portal_stack.smtp, walk.host, "introduction")
        return any(walk.ada.name in text_of(m) for m in told)

    assert await eventually(host_introduced, timeout_s=60)
    host = await sign_in(await new_page(), walk.host)
    states = await host_steps.offer_states(host, TITLE, assert_accessible)
    assert states[walk.ada.name].startswith("Accepted")


async def test_r24_r28_p5_the_intern_claims_a_lunch_and_the_host_approves_and_pays(
    walk: Round,
    portal_stack: PortalStack,
    new_page: NewPage,
    sign_in: SignIn,
    assert_accessible: Check,
) -> None:
    intern = await sign_in(await new_page(), walk.ada.email)
    first_day = date.fromisoformat(walk.placement["days"][0])
    claim_id = await applicant_steps.start_claim(intern, TITLE, assert_accessible)
    await applicant_steps.open_lunch_form(intern, assert_accessible)
    said = await applicant_steps.refused_lunch(intern, first_day, "eight pounds", assert_accessible)
    assert said == "Error: Enter an amount in pounds and pence, like 8.50"
    await applicant_steps.add_lunch(intern, claim_id, first_day, "6.50", assert_accessible)
    await applicant_steps.send_claim(intern, assert_accessible)
    host = await sign_in(await new_page(), walk.host)
    await host_steps.approve_claim_and_pay(
        host, walk.ada.email, "6.50", "Bank transfer", assert_accessible
    )
    await expect(host.get_by_text("Payment of £6.50 recorded.")).to_be_visible()

    async def intern_told() -> bool:
        told = mails_to(portal_stack.smtp, walk.ada.email, "expense_update")
        return any("Paid £6.50" in text_of(m) for m in told)

    assert await eventually(intern_told, timeout_s=60)


async def test_p7_p4_r15_the_office_sees_the_round_at_a_glance_and_its_messages(
    walk: Round, new_page: NewPage, sign_in: SignIn, assert_accessible: Check
) -> None:
    page = await sign_in(await new_page(), OFFICE)
    host = await office_steps.open_host(page, walk.host_name, assert_accessible)
    assert host["Contact's email address"] == walk.host
    round_id = await office_steps.open_round(page, walk.the_round["name"], assert_accessible)
    assert round_id == walk.the_round["id"]
    glance = await office_steps.view_round_at_a_glance(page, round_id, assert_accessible)
    assert f"RoundId%3D%22{walk.the_round['id']}%22" in glance.round_link
    assert TITLE in glance.placements
    await _shoot(page, "portal-office-glance")
    seen = await office_steps.view_messages(page, assert_accessible, recipient=walk.ada.email)
    kinds = {message["Kind"] for message in seen}
    # Everything Ada was sent, from her sign-in links to her host's payment (R15, P4).
    assert {"Sign in", "Confirmation", "Offer", "Introduction", "Expense update"} <= kinds, seen
    assert all(walk.ada.email in message["To"] for message in seen)
    offer = next(message for message in seen if message["Kind"] == "Offer")
    text = await office_steps.open_message(page, offer["Subject"], assert_accessible)
    assert TITLE in text
