"""The host's pages beyond the journey: a host opens only their own placements,
applications and claims (a 403 page, never their data, for anything else), and the
ranking, with its confirmation, works with JavaScript off and 360 px wide (R17, R18, P2)."""

from __future__ import annotations

import uuid

from playwright.async_api import Page, Route

from tests.portal.journeys import host as journey
from tests.portal.support.browser import Check, NewPage, SignIn
from tests.portal.support.stack import PortalStack
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


async def test_a_host_cannot_open_another_hosts_placement_application_or_claim_pages(
    portal_stack: PortalStack, new_page: NewPage, sign_in: SignIn, assert_accessible: Check
) -> None:
    apps, expenses = portal_stack.http["applications"], portal_stack.http["expenses"]
    settings = portal_stack.settings
    made = await set_up(apps, settings)
    # The intern's claim needs an introduced application; how it got there (an offer
    # accepted) is the journey's business, not this test's.
    await portal_stack.apps["applications"].state.runtime.pool.execute(
        "UPDATE applications SET status = 'introduced' WHERE id = $1",
        uuid.UUID(made.applications[ADA]),
    )
    claim = await draft_lunch_claim(expenses, settings, made)
    await submit_claim(expenses, settings, made, claim["id"])
    placement, application = made.placement["id"], made.applications[ADA]
    claim_id, line_id = claim["id"], claim["lines"][0]["id"]
    theirs = await sign_in(await new_page(), made.host)
    mine = await theirs.goto(f"/host/claims/{claim_id}")
    assert mine is not None
    assert mine.status == 200  # the host's own claim opens: the refusals below are about whose

    other = await sign_in(await new_page(), made.other_host)
    for path in (
        f"/host/placements/{placement}",
        f"/host/placements/{placement}/applications/{application}",
        f"/host/applications/{application}/cv",
        f"/host/placements/{placement}/ranking",
        f"/host/placements/{placement}/offers",
        f"/host/claims/{claim_id}",
        f"/host/claims/{claim_id}/lines/{line_id}/receipt",
        f"/host/claims/{claim_id}/question",
        f"/host/claims/{claim_id}/payment",
        f"/host/placements/{uuid.uuid4()}",
    ):
        answer = await other.goto(path)
        assert answer is not None
        assert answer.status == 403, path
        await other.get_by_role("heading", name="You cannot open this page").wait_for()
        shown = await other.content()
        for secret in (NAMES[ADA], made.email(ADA), made.placement["title"], "8.75"):
            assert secret not in shown, (path, secret)
        await assert_accessible(other)

    # Forms posted straight at another host's things (with the poster's own CSRF token)
    # are refused the same way, and change nothing.
    token = await other.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token is not None
    for path, form in (
        (f"/host/placements/{placement}/ranking", {"application_id": application}),
        (f"/host/placements/{placement}/applications/{application}/mark", {"mark": "shortlisted"}),
        (f"/host/claims/{claim_id}/decision", {f"line-{line_id}": "approve"}),
        (f"/host/claims/{claim_id}/question", {"question": "Whose claim is this?"}),
    ):
        posted = await other.request.post(path, form={"csrf_token": token, **form})
        assert posted.status == 403, path
    await wait_until_status(apps, settings, application, made.email(ADA), "introduced")
    still = await theirs.goto(f"/host/claims/{claim_id}")
    assert still is not None
    await theirs.get_by_role("button", name="Send decision").wait_for()  # undecided still


def as_served(helper: Page, check: Check) -> Check:
    """axe-core runs in the page, so it cannot run where scripts are off: each page is
    checked as it was served, its HTML at its own address in `helper`, a page with them on
    (the same styles load; the portal's scripts only add to a page); there it must also
    fit `helper`'s width without scrolling sideways."""

    async def checked(page: Page) -> None:
        html, url = await page.content(), page.url

        async def serve(route: Route) -> None:
            await route.fulfill(body=html, content_type="text/html; charset=utf-8")

        await helper.route(url, serve)
        try:
            await helper.goto(url)
            await check(helper)
            fits = await helper.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            )
            assert fits, f"{url} scrolls sideways at {helper.viewport_size}"
        finally:
            await helper.unroute(url, serve)

    return checked


async def test_r17_r18_p2_ranking_with_javascript_off_confirms_who_is_left_out(
    portal_stack: PortalStack, new_page: NewPage, sign_in: SignIn, assert_accessible: Check
) -> None:
    apps, settings = portal_stack.http["applications"], portal_stack.settings
    made = await set_up(apps, settings)
    await close_applications_now(apps, settings, made)
    await wait_forwarded(apps, settings, made)
    title, ada, bob = made.placement["title"], NAMES[ADA], NAMES[BOB]
    page = await sign_in(await new_page(javascript=False), made.host)
    assert_accessible = as_served(await new_page(width=360), assert_accessible)

    # Two candidates in one place: refused beside the field, nothing sent.
    await page.goto("/host")
    await journey.choose_places(page, title, [], assert_accessible)
    await page.get_by_role("link", name="Rank at least one candidate").wait_for()
    await assert_accessible(page)
    # R18: by when, so that everyone hears by the outcomes-by date (workflows/closing.py).
    await page.get_by_text("Ranking closes then, and every candidate").wait_for()
    await page.get_by_label(f"Place for {ada}").select_option("1")
    await page.get_by_label(f"Place for {bob}").select_option("1")
    await page.get_by_role("button", name="Continue").click()
    await page.get_by_role("link", name=f"{bob} and {ada} are both ranked 1").wait_for()
    await assert_accessible(page)

    await page.get_by_label(f"Place for {bob}").select_option("2")
    await page.get_by_role("button", name="Continue").click()
    await page.get_by_text("Nobody: every candidate is in your ranking.").wait_for()
    await assert_accessible(page)
    await page.get_by_role("link", name="Change the ranking").click()
    assert await page.get_by_label(f"Place for {ada}").input_value() == "1"  # kept
    assert await page.get_by_label(f"Place for {bob}").input_value() == "2"
    await page.get_by_label(f"Place for {bob}").select_option("")
    await page.get_by_role("button", name="Continue").click()
    assert await page.locator("#left-out li").all_inner_texts() == [bob]
    await assert_accessible(page)
    await page.get_by_role("button", name="Send ranking").click()
    await page.get_by_text("Your ranking has been sent.").wait_for()
    await assert_accessible(page)
    await wait_until_status(apps, settings, made.applications[ADA], made.email(ADA), "offered")
    states = await journey.offer_states(page, title, assert_accessible)
    assert list(states) == [ada]
    # Sent once (P2): the form now shows the ranking, with no way to send another.
    await page.goto(f"/host/placements/{made.placement['id']}/ranking")
    await page.get_by_text("You sent your ranking. It cannot be changed").wait_for()
    assert await page.get_by_role("button", name="Continue").count() == 0
    await assert_accessible(page)
