"""The Internship Office's journey in a real browser against the whole stack: it signs in
with the link from its e-mail, sets a round up through the pages, and watches it (P7,
R15, P4, R9); and what anyone else meets at its door."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Page

from mip.core import when
from tests.portal.journeys.office import (
    HostDetails,
    PlacementDetails,
    RoundDetails,
    add_host,
    open_message,
    resend_overdue_confirmation,
    set_up_round,
    view_equal_opportunities,
    view_messages,
    view_round_at_a_glance,
    view_withdrawals,
)
from tests.portal.support.browser import Check, SignIn
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.applying import PROFILE, pdf
from tests.support.rehearsal import rehearsal_round
from tests.support.waiting import eventually

ApiAs = Callable[[str, str], Any]


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


async def apply_through_the_api(
    api_as: ApiAs, email: str, placement_id: str, answers: dict[str, str]
) -> str:
    """An applicant's profile, equal-opportunities answers (R9) and application (R10)."""
    api = api_as("applicant", email)
    saved = await api.applications.put("/v1/me/profile", json=PROFILE)
    assert saved.status_code == 200, saved.text
    answered = await api.applications.put("/v1/me/equal-opportunities", json=answers)
    assert answered.status_code == 204, answered.text
    made = await api.applications.post(
        "/v1/applications",
        data={"placement_id": placement_id, "statement": "I would like to learn curation."},
        files={"cv": ("cv.pdf", pdf(), "application/pdf")},
    )
    assert made.status_code == 201, made.text
    application_id: str = made.json()["id"]
    return application_id


async def test_p7_r15_p4_r9_office_sets_up_a_round_and_watches_it(
    page: Page,
    sign_in: SignIn,
    api_as: ApiAs,
    assert_accessible: Check,
    portal_stack: PortalStack,
) -> None:
    await sign_in(page, OFFICE)
    await assert_accessible(page)
    spec = RoundDetails.open_now(_unique("Summer round"))
    host = HostDetails(_unique("Ashmolean Museum"), contact_email="kim.p7@ashmolean.example.org")
    placement = PlacementDetails(
        title="Silver collection", days=[spec.first_week, spec.first_week + timedelta(days=1)]
    )
    setup = await set_up_round(page, host, spec, placement, assert_accessible)

    ada, nobody = "ada.p7@example.org", "nobody@p7.example.org"  # nobody@ is refused by SMTP
    await apply_through_the_api(
        api_as, ada, setup.placement_id, {"disability": "yes", "under_represented": "no"}
    )
    await apply_through_the_api(
        api_as, nobody, setup.placement_id, {"disability": "no", "under_represented": "no"}
    )

    # P7: the round at a glance, with the Temporal web UI one click away, filtered by round.
    glance = await view_round_at_a_glance(page, setup.round_id, assert_accessible)
    row = glance.placements["Silver collection"]
    assert (row["Places"], row["Applications"], row["Unfilled"]) == ("1", "2", "1")
    assert glance.states == {"Submitted": 2}
    assert "Applications go to the hosts" in glance.next_step
    assert glance.next_step.endswith(", UK time."), glance.next_step
    parts = urlsplit(glance.round_link)
    assert f"{parts.scheme}://{parts.netloc}" == "http://127.0.0.1:8233"
    assert parts.path == "/namespaces/default/workflows"
    assert parts.query == f"query=RoundId%3D%22{setup.round_id}%22"
    query = parse_qs(parts.query)["query"][0]

    async def both_found() -> list[str] | None:
        found = [w.id async for w in portal_stack.temporal.list_workflows(query)]
        return found if len(found) >= 2 else None

    assert all(wid.startswith("application-") for wid in await eventually(both_found, 30))

    # P4, R15: the messages; a sign-in e-mail shows it went out, never its link.
    async def confirmed() -> list[dict[str, str]] | None:
        rows = await view_messages(page, assert_accessible, recipient=ada)
        sent = [r for r in rows if (r["Kind"], r["State"]) == ("Confirmation", "Sent")]
        return rows if sent else None

    assert await eventually(confirmed, timeout_s=30)
    mine = await view_messages(page, assert_accessible, recipient=OFFICE)
    sign_in_row = next(r for r in mine if r["Kind"] == "Sign in")
    sign_in_text = await open_message(page, sign_in_row["Subject"], assert_accessible)
    assert "link withheld" in sign_in_text
    assert "/sign-in/link" not in sign_in_text
    assert "Send this message again" not in sign_in_text

    # R15: nobody@'s confirmation could not be delivered; the office sends it again.
    async def overdue() -> bool:
        await page.goto("/office/messages/overdue")
        return await page.get_by_role("button", name=f"Send again to {nobody}").count() > 0

    await eventually(overdue, timeout_s=30)
    banner = await resend_overdue_confirmation(page, nobody, assert_accessible)
    assert f"The message to {nobody} is being sent again" in banner

    async def resent() -> list[dict[str, str]] | None:
        rows = await view_messages(page, assert_accessible, recipient=nobody)
        return rows if sum(r["Kind"] == "Confirmation" for r in rows) == 2 else None

    assert await eventually(resent, timeout_s=30)

    # R9: totals only, never who.
    totals = await view_equal_opportunities(page, spec.name, assert_accessible)
    assert "2 people have answered" in totals
    assert ada not in totals
    assert nobody not in totals
    disability = await page.locator("#disability tbody").inner_text()
    assert [line.split("\t") for line in disability.strip().splitlines()] == [
        ["Yes", "1"],
        ["No", "1"],
        ["Prefer not to say", "0"],
    ]


async def test_an_applicant_or_a_host_at_an_office_page_gets_the_403_page(
    new_page: Callable[..., Awaitable[Page]],
    sign_in: SignIn,
    api_as: ApiAs,
    assert_accessible: Check,
) -> None:
    host = await api_as("office", OFFICE).applications.post(
        "/v1/hosts",
        json={
            "name": _unique("Isis Robotics"),
            "sector": "Technology",
            "kind": "for_profit",
            "location": "oxford",
            "contact_name": "Sam Okafor",
            "contact_email": "sam.403@isisrobotics.example.com",
        },
    )
    assert host.status_code == 201, host.text
    for email, path in (
        ("ada.403@example.org", "/office/hosts"),
        ("sam.403@isisrobotics.example.com", "/office/rounds/new"),
    ):
        page = await new_page()
        await sign_in(page, email)
        response = await page.goto(path)
        assert response is not None
        assert response.status == 403
        await page.get_by_role("heading", name="You cannot open this page").wait_for()
        assert await page.get_by_text("This page is for the Internship Office").is_visible()
        await assert_accessible(page)


async def test_r1_r5_office_forms_show_their_errors_and_a_placement_stays_once_applied_for(
    page: Page, sign_in: SignIn, api_as: ApiAs, assert_accessible: Check
) -> None:
    await sign_in(page, OFFICE)
    await page.goto("/office/hosts/new")
    await page.get_by_role("button", name="Add host").click()
    summary = page.locator(".error-summary")
    await summary.wait_for()
    await assert_accessible(page)
    links = [await a.get_attribute("href") for a in await summary.locator("a").all()]
    assert links == [
        "#name",
        "#sector",
        "#kind",
        "#location",
        "#contact_name",
        "#contact_email",
    ]
    assert (await page.title()).startswith("Error: Add a host")
    await summary.get_by_role("link", name="Enter the contact's email address").click()
    assert await page.evaluate("document.activeElement.id") == "contact_email"
    beside = await page.locator("#contact_email-error").text_content()
    assert " ".join((beside or "").split()) == "Error: Enter the contact's email address"

    spec = RoundDetails.open_now(_unique("Spring round"))
    host = HostDetails(_unique("Pitt Rivers"), contact_email="kim.r1@pittrivers.example.org")
    days = [spec.first_week, spec.first_week + timedelta(days=1)]
    placement = PlacementDetails("Totem poles", days)
    setup = await set_up_round(page, host, spec, placement, assert_accessible)

    # R1: one day is too few; the service's reason shows beside the days.
    await page.goto(f"/office/placements/{setup.placement_id}")
    await page.get_by_label(when.day(days[1]), exact=True).uncheck()
    await page.get_by_role("button", name="Save changes").click()
    await summary.wait_for()
    await assert_accessible(page)
    assert await summary.locator("a").get_attribute("href") == "#days"
    assert "2 to 5 working days; this one has 1" in await page.locator("#days-error").inner_text()
    await page.get_by_label(when.day(days[1]), exact=True).check()
    await page.get_by_label("Title", exact=True).fill("Totem pole survey")
    await page.get_by_role("button", name="Save changes").click()
    await page.get_by_text("Totem pole survey changed").wait_for()
    await assert_accessible(page)

    # The form is open when someone applies; saving it then is refused with the reason.
    await page.goto(f"/office/placements/{setup.placement_id}")
    await apply_through_the_api(
        api_as, "ada.r1@example.org", setup.placement_id, {"disability": "no"}
    )
    await page.get_by_label("Number of places").fill("3")
    await page.get_by_role("button", name="Save changes").click()
    await summary.wait_for()
    await assert_accessible(page)
    assert "1 application has been made for this placement" in await summary.inner_text()
    await page.goto(f"/office/placements/{setup.placement_id}")
    await assert_accessible(page)
    assert await page.get_by_role("button", name="Save changes").count() == 0
    assert "1 application has been made" in await page.locator(".inset").inner_text()


async def test_r5_office_adds_a_host_with_javascript_off(
    new_page: Callable[..., Awaitable[Page]], sign_in: SignIn, assert_accessible: Check
) -> None:
    page = await new_page(javascript=False)
    # axe-core runs as JavaScript: each page seen without it is checked as a copy in a
    # page with it, at the same address so that its styles apply.
    mirror = await new_page()
    await mirror.goto("/about")

    async def check(seen: Page) -> None:
        await mirror.set_content(await seen.content())
        await assert_accessible(mirror)

    await sign_in(page, OFFICE)
    host = HostDetails(_unique("Bodleian Library"), contact_email="jo.nojs@bodleian.example.org")
    await page.goto("/office/hosts/new")
    await page.get_by_role("button", name="Add host").click()
    await page.locator(".error-summary").wait_for()  # the server found the gaps, not a script
    await check(page)
    await add_host(page, host, check)
    row = page.get_by_role("row", name=re.compile(re.escape(host.name)))
    assert host.contact_email in await row.inner_text()


async def test_r23_p7_office_sees_a_withdrawal_after_acceptance(
    page: Page, sign_in: SignIn, api_as: ApiAs, assert_accessible: Check
) -> None:
    office, sam, ada = api_as("office", OFFICE), "sam.r23@isis.example.com", "ada.r23@example.org"
    host = await office.applications.post(
        "/v1/hosts",
        json={
            "name": _unique("Isis Robotics"),
            "sector": "Technology",
            "kind": "for_profit",
            "location": "oxford",
            "contact_name": "Sam Okafor",
            "contact_email": sam,
        },
    )
    # A rehearsal round: advertised in 3 s, closing in 10 s (refused in production).
    spec = {**rehearsal_round(datetime.now(UTC)), "name": _unique("Rehearsal")}
    spec["acceptance_window_seconds"] = 120
    the_round = (await office.applications.post("/v1/rounds", json=spec)).json()
    monday = date.fromisoformat(the_round["weeks"][0]["starts_on"])
    made = await office.applications.post(
        f"/v1/rounds/{the_round['id']}/placements",
        json={
            "host_id": host.json()["id"],
            "title": "Robot trials",
            "description": "Help run the trials.",
            "week_starts_on": str(monday),
            "days": [str(monday), str(monday + timedelta(days=1))],
        },
    )
    assert made.status_code == 201, made.text
    placement_id = made.json()["id"]
    await asyncio.sleep(3)  # advertised
    application = await apply_through_the_api(api_as, ada, placement_id, {"disability": "no"})
    intern = api_as("applicant", ada)

    async def reached(status: str) -> None:
        async def there() -> bool:
            found = await intern.applications.get(f"/v1/applications/{application}")
            return bool(found.json()["status"] == status)

        await eventually(there, timeout_s=60)

    await reached("forwarded")
    ranked = await api_as("host", sam).offers.post(
        f"/v1/placements/{placement_id}/ranking", json={"application_ids": [application]}
    )
    assert ranked.status_code == 200, ranked.text
    await reached("offered")
    assert (await intern.offers.post(f"/v1/offers/{application}/accept")).status_code == 200
    await reached("introduced")
    withdrawn = await intern.offers.post(
        f"/v1/offers/{application}/withdraw", json={"reason": "A family illness"}
    )
    assert withdrawn.status_code == 200, withdrawn.text

    await sign_in(page, OFFICE)
    rows = await view_withdrawals(page, the_round["id"], assert_accessible)
    assert [(r["Intern"], r["Placement"], r["Reason they gave"]) for r in rows] == [
        (ada, "Robot trials", "A family illness")
    ]
    assert rows[0]["When"].endswith("(UK time)"), rows[0]
    glance = await view_round_at_a_glance(page, the_round["id"], assert_accessible)
    line = glance.placements["Robot trials"]
    assert (line["Accepted"], line["Withdrew after accepting"], line["Unfilled"]) == ("0", "1", "1")
    assert glance.states == {"Withdrew after accepting": 1}
