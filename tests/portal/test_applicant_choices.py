"""The applicant's other choices in a real browser, against the real stack: a profile that
cannot apply is told why (R6-R8); withdrawing before the deadline frees a slot (R12);
declining an offer (R19); accepting one in the round (R20) and withdrawing after it
(R23); a journey judged by the rules and a host's question answered (R24-R27, P5). Every
page visited passes axe-core's serious and critical checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from playwright.async_api import Page, expect

from tests.portal.journeys import applicant as journey
from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check, SignIn
from tests.portal.support.catalogue import advertised_round, host_with_placement
from tests.portal.support.stack import OFFICE
from tests.support.applying import PROFILE, pdf

ApiFor = Callable[[str, str], ApiAs]


async def _placements(
    api_as: ApiFor, n: int
) -> tuple[ApiAs, dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """A round with `n` placements, each at a host of its own: (host contact, placement)."""
    office = api_as("office", OFFICE)
    the_round = await advertised_round(office, journey.unique("Choices round"))
    made = []
    for i in range(n):
        contact = journey.unique(f"host{i}") + "@example.com"
        _, placement = await host_with_placement(
            office,
            the_round,
            name=journey.unique(f"Host {i}"),
            contact=contact,
            title=f"Placement {i}",
        )
        made.append((contact, placement))
    return office, the_round, made


async def _withdraw(page: Page, application_id: str, check: Check, reason: str) -> None:
    """R12, R23: from the application's page, through the confirmation page."""
    await page.goto(f"/applicant/applications/{application_id}")
    await page.get_by_role("link", name="Withdraw this application").click()
    await expect(
        page.get_by_role("heading", name="Are you sure you want to withdraw?")
    ).to_be_visible()
    await check(page)
    await page.get_by_label("Why are you withdrawing? (optional)").fill(reason)
    await page.get_by_role("button", name="Yes, withdraw").click()
    await page.wait_for_url(f"**/applicant/applications/{application_id}")
    await expect(page.locator(".banner")).to_contain_text("You withdrew your application")
    await check(page)


async def test_r6_r7_r8_a_profile_that_cannot_apply_is_told_why(
    page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    person = journey.Person(
        journey.unique("permanent") + "@example.org",
        division="Medical Sciences",
        fixed_term=False,
        contract_ends=None,
    )
    await sign_in(page, person.email)
    await journey.fill_profile(page, person, assert_accessible)
    await expect(
        page.get_by_role("heading", name="You cannot apply with this profile")
    ).to_be_visible()
    await expect(page.locator("#refusal-reason")).to_contain_text("fixed-term contracts")
    await expect(page.locator("#allowance-advice")).to_contain_text("up to 5 days")


async def test_r12_r19_r20_r23_withdraw_before_the_deadline_decline_accept_and_withdraw_after(
    page: Page, sign_in: SignIn, api_as: ApiFor, assert_accessible: Check
) -> None:
    check = assert_accessible
    office, the_round, [(host_a, a), (_, b), (host_c, c)] = await _placements(api_as, 3)
    person = journey.Person(journey.unique("cy") + "@example.org", name="Dr Cy Choices")
    first = await journey.sign_in_then_apply(page, sign_in, person, a["id"], check)
    second = await journey.apply(page, b["id"], "A second choice.", check)
    await _withdraw(page, second, check, "I prefer the third placement")  # R12
    withdrawn = page.get_by_role("heading", name="You withdrew your application")  # P6
    await expect(withdrawn).to_be_visible()
    third = await journey.apply(page, c["id"], "The slot was freed.", check)  # R12: room again

    me = api_as("applicant", person.email)
    await journey.close_applications(office, the_round)
    for application_id in (first, third):
        await journey.wait_for_status(me, application_id, "forwarded")
    await journey.rank(api_as("host", host_a), a["id"], first)
    await journey.rank(api_as("host", host_c), c["id"], third)
    for application_id in (first, third):
        await journey.wait_for_status(me, application_id, "offered")

    await page.goto(f"/applicant/offers/{first}")
    await page.get_by_role("link", name="Decline this offer").click()
    await check(page)
    await page.get_by_label("Why are you declining? (optional)").fill("A conference that week")
    await page.get_by_role("button", name="Yes, decline the offer").click()
    await expect(page.get_by_text("You declined the offer.")).to_be_visible()
    await check(page)

    await journey.accept_offer(page, third, check)
    await page.goto(f"/applicant/offers/{first}/decline")  # R19: nothing left to decline
    await expect(page.get_by_text("there is nothing to decline")).to_be_visible()
    await check(page)
    await _withdraw(page, third, check, "Family reasons")  # R23
    await expect(page.get_by_text("Withdrawn after accepting").first).to_be_visible()
    await page.goto("/applicant/applications")
    await check(page)
    statuses = await page.locator("tbody td:last-child .tag").all_inner_texts()
    assert sorted(statuses) == ["Declined", "Withdrawn", "Withdrawn after accepting"]
    # The round is a rehearsal, and each application says so.
    assert await page.locator("tbody td:first-child .tag").all_inner_texts() == ["Rehearsal"] * 3


async def _introduced_intern(api_as: ApiFor) -> tuple[str, str, dict[str, Any]]:
    """An intern introduced to a for-profit host in Oxford, set up through the APIs:
    (their e-mail, the host's contact, the placement)."""
    office, the_round, [(host, placement)] = await _placements(api_as, 1)
    email = journey.unique("dee") + "@example.org"
    me = api_as("applicant", email)
    saved = await me.applications.put("/v1/me/profile", json=PROFILE)
    assert saved.status_code == 200, saved.text
    sent = await me.applications.post(
        "/v1/applications",
        data={"placement_id": placement["id"], "statement": "A statement."},
        files={"cv": ("cv.pdf", pdf(), "application/pdf")},
    )
    assert sent.status_code == 201, sent.text
    application_id = sent.json()["id"]
    await journey.close_applications(office, the_round)
    await journey.wait_for_status(me, application_id, "forwarded")
    await journey.rank(api_as("host", host), placement["id"], application_id)
    await journey.wait_for_status(me, application_id, "offered")
    accepted = await me.offers.post(f"/v1/offers/{application_id}/accept")
    assert accepted.status_code == 200, accepted.text
    await journey.wait_for_status(me, application_id, "introduced")
    return email, host, placement


async def _add_journey(
    page: Page, claim_id: str, day: date, route: tuple[str, str, str], amount: str
) -> None:
    await page.goto(f"/applicant/claims/{claim_id}/lines/new?kind=travel")
    await page.get_by_label("A journey", exact=True).check()
    await page.get_by_label("Where did the journey begin?").fill(route[0])
    await page.get_by_label("Where did it end?").fill(route[1])
    await page.get_by_label(route[2], exact=True).check()
    await page.get_by_label("Day").fill(str(day.day))
    await page.get_by_label("Month").fill(str(day.month))
    await page.get_by_label("Year").fill(str(day.year))
    await page.get_by_label("How much did you pay, in pounds?").fill(amount)
    await page.get_by_label("What was it?").fill(f"{route[2]} fare")
    await page.get_by_label("Receipt").set_input_files(journey.receipt_file())
    await page.get_by_role("button", name="Add this line").click()
    await page.wait_for_url(f"**/applicant/claims/{claim_id}")


async def test_r24_r27_r28_p5_journeys_are_judged_and_a_hosts_question_is_answered(
    page: Page, sign_in: SignIn, api_as: ApiFor, assert_accessible: Check
) -> None:
    check = assert_accessible
    email, host, placement = await _introduced_intern(api_as)
    day = date.fromisoformat(placement["days"][0])
    await sign_in(page, email)
    await page.goto("/applicant/claims")
    await page.get_by_role("button", name=f"Start a claim for {placement['title']}").click()
    await page.wait_for_url("**/applicant/claims/*")
    claim_id = page.url.rsplit("/", 1)[-1]

    await page.get_by_role("link", name="Add a journey").click()
    await check(page)
    await page.get_by_role("button", name="Add this line").click()  # R28: nothing chosen
    summary = page.locator(".error-summary")
    await expect(
        summary.get_by_role("link", name="Select what kind of travel this is")
    ).to_be_visible()
    await expect(summary.get_by_role("link", name="Select the receipt")).to_be_visible()
    await check(page)

    await _add_journey(page, claim_id, day, ("Headington", "Oxford", "Bus"), "2.40")
    await expect(page.get_by_text("is local travel within Oxford")).to_be_visible()  # R24
    await _add_journey(page, claim_id, day, ("Oxford", "London", "Train"), "28.00")
    await expect(page.get_by_text("Nothing else is reimbursed.")).to_be_visible()
    await expect(page.get_by_text("Not paid back")).to_be_visible()
    await check(page)
    await page.get_by_role("button", name="Send the claim to my host").click()
    await expect(page.get_by_text("Your claim was sent to your host.")).to_be_visible()

    asked = await api_as("host", host).expenses.post(
        f"/v1/claims/{claim_id}/question", json={"text": "Was the bus a return fare?"}
    )
    assert asked.status_code == 200, asked.text
    await page.reload()
    await expect(page.get_by_role("heading", name="Your host has a question")).to_be_visible()
    await expect(page.get_by_text("Was the bus a return fare?").first).to_be_visible()
    await check(page)
    await page.get_by_label("Your answer").fill("Yes, there and back.")
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.get_by_text("Your answer was sent to your host.")).to_be_visible()
    await expect(page.get_by_text("Yes, there and back.")).to_be_visible()
    await check(page)
