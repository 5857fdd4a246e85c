"""The host's whole part, in a real browser against the real stack (issue 14 item 3):
signed in with the link from the e-mail, told when applications arrive (R16), reading
statements and CVs as hosts receive them (R11, R13), marking (R17), ranking once after
seeing who is left out (R17, R18, P2), following the offer (R19), and deciding and paying
an intern's lunch claim (R24, R28, P5). Every page visited is checked by axe-core."""

from __future__ import annotations

import io

from playwright.async_api import Page
from pypdf import PdfReader

from mip.core import when
from mip.core.auth import Role
from tests.portal.journeys import host as journey
from tests.portal.support.browser import Check, NewPage, SignIn
from tests.portal.support.mail import mails_to, text_of
from tests.portal.support.stack import PortalStack
from tests.support.auth import auth
from tests.support.host_round import (
    ADA,
    BOB,
    NAMES,
    close_applications_now,
    draft_lunch_claim,
    set_up,
    submit_claim,
    wait_forwarded,
    wait_until_status,
)
from tests.support.waiting import eventually


async def test_r11_r16_r17_r18_r19_p2_p5_host_reads_cvs_marks_ranks_and_pays_lunch(
    portal_stack: PortalStack, new_page: NewPage, sign_in: SignIn, assert_accessible: Check
) -> None:
    apps, settings = portal_stack.http["applications"], portal_stack.settings
    made = await set_up(apps, settings)
    title, ada, bob = made.placement["title"], NAMES[ADA], NAMES[BOB]
    page = await sign_in(await new_page(), made.host)
    await assert_accessible(page)

    # R16: before the deadline the host is told when the applications will arrive.
    await journey.open_placement(page, title, assert_accessible)
    await page.get_by_text(f"They will arrive here at {when.when(made.deadline_at)}").wait_for()
    assert ada not in await page.content()

    await close_applications_now(apps, settings, made)
    await wait_forwarded(apps, settings, made)
    cvs = await journey.read_cvs(page, title, [ada, bob], assert_accessible)
    assert cvs[ada].shown_in_page
    assert cvs[ada].media_type == "application/pdf"
    assert len(PdfReader(io.BytesIO(cvs[ada].content)).pages) == 2  # of three sent (R11)
    assert not cvs[bob].shown_in_page
    assert cvs[bob].content == made.cvs[BOB]  # a Word CV reaches the host as sent

    marks = {ada: "Shortlisted", bob: "Unsuccessful"}
    left_out = await journey.mark_and_rank(page, title, marks, [ada], assert_accessible)
    assert left_out == [bob]  # seen before the ranking was sent (R18)

    await wait_until_status(apps, settings, made.applications[ADA], made.email(ADA), "offered")
    states = await journey.offer_states(page, title, assert_accessible)
    assert list(states) == [ada]
    assert states[ada].startswith("Open: Sent")
    assert "open until" in states[ada]
    accepted = await portal_stack.http["offers"].post(
        f"/v1/offers/{made.applications[ADA]}/accept",
        headers=auth(settings, Role.applicant, made.email(ADA)),
    )
    assert accepted.status_code == 200, accepted.text
    await wait_until_status(apps, settings, made.applications[ADA], made.email(ADA), "introduced")
    states = await journey.offer_states(page, title, assert_accessible)
    assert states[ada].startswith("Accepted")

    expenses = portal_stack.http["expenses"]
    draft = await draft_lunch_claim(expenses, settings, made)
    await submit_claim(expenses, settings, made, draft["id"])
    await journey.ask_question(
        page, made.email(ADA), "Was this lunch on the Monday?", assert_accessible
    )
    await page.get_by_text("You asked the intern a question").wait_for()
    answered = await expenses.post(
        f"/v1/claims/{draft['id']}/answer",
        json={"text": "Yes, with the robotics team."},
        headers=auth(settings, Role.applicant, made.email(ADA)),
    )
    assert answered.status_code == 200, answered.text
    await _decide_and_pay_with_slips(page, made.email(ADA), assert_accessible)

    async def payment_told() -> str | None:
        told = [text_of(m) for m in mails_to(portal_stack.smtp, made.email(ADA), "expense_update")]
        return next((t for t in told if "Paid £8.75: Bank transfer on 14 June" in t), None)

    assert await eventually(payment_told)


async def _decide_and_pay_with_slips(page: Page, intern: str, check: Check) -> None:
    """P5 as a person does it, slips included: a decision with a line left undecided, and a
    payment typed with a third decimal place, each refused beside its field, then right."""
    await journey.open_claim(page, intern, check)
    await page.get_by_text("Yes, with the robotics team.").wait_for()  # the answer, in the history
    await page.get_by_role("button", name="Send decision").click()
    await page.get_by_role("link", name="Choose approve or refuse for line 1").wait_for()
    await check(page)
    await journey.decide_open_claim(page, [None], check)
    await page.get_by_text("You approved").wait_for()
    await page.get_by_role("link", name="Record payment of £8.75").click()
    await page.get_by_label("Amount paid, in pounds and pence").fill("8.755")
    await page.get_by_label("How did you pay?").fill("Bank transfer on 14 June")
    await page.get_by_role("button", name="Record payment").click()
    await page.get_by_role("link", name="Enter at most two digits of pence").wait_for()
    await check(page)
    await page.get_by_role("link", name="The claim").click()
    await journey.record_payment(page, "8.75", "Bank transfer on 14 June", check)
    await page.get_by_text("Payment of £8.75 recorded.").wait_for()
    assert await page.locator(".summary-list").first.get_by_text("Paid", exact=True).count()
