"""An applicant's steps through the portal, as a person takes them in the browser, for the
applicant's own tests and the whole-round test (issue 14).

Each step starts from wherever the page is, ends on the page it leads to, and calls
`check(page)` (e.g. `assert_accessible`) on every page it visits. Set-up a person cannot
do (the office's round, the deadline passing, the host's ranking) is done through the
APIs with `api_as`; the small helpers for it are at the end.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.async_api import FilePayload, Page, expect

from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check, SignIn
from tests.support.applying import pdf
from tests.support.upload_samples import png
from tests.support.waiting import eventually

CAN_APPLY = "You can apply for a micro-internship"
INTRODUCED = "The office introduced you to your host by email"


@dataclass(frozen=True)
class Person:
    """What an applicant types into their profile (R6-R8)."""

    email: str
    name: str = "Dr Ada Lovelace"
    department: str = "Engineering Science"
    division: str = "Mathematical, Physical and Life Sciences (MPLS)"
    role: str = "Postdoctoral researcher"
    fixed_term: bool = True
    contract_ends: date | None = field(
        default_factory=lambda: datetime.now(UTC).date() + timedelta(days=200)
    )


def unique(prefix: str) -> str:
    """A name no other test on the shared stack uses (rounds' names are unique)."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def cv_file(name: str = "cv.pdf", content: bytes | None = None) -> FilePayload:
    return {"name": name, "mimeType": "application/pdf", "buffer": content or pdf()}


def receipt_file(name: str = "receipt.png") -> FilePayload:
    return {"name": name, "mimeType": "image/png", "buffer": png(8, 8)}


async def fill_profile(page: Page, person: Person, check: Check) -> None:
    """R6-R8: the profile form; ends on the page saying whether the person can apply."""
    await page.goto("/applicant/profile")
    await check(page)
    await page.get_by_label("Full name").fill(person.name)
    await page.get_by_label("Department").fill(person.department)
    await page.get_by_label(person.division, exact=True).check()
    await page.get_by_label(person.role, exact=True).check()
    employed = page.get_by_role("group", name="Does the university employ you?")
    await employed.get_by_label("Yes", exact=True).check()
    contract = "Fixed-term" if person.fixed_term else "Open-ended (permanent)"
    await page.get_by_label(contract, exact=True).check()
    if person.contract_ends is not None:
        ends = person.contract_ends
        await page.get_by_label("Day").fill(str(ends.day))
        await page.get_by_label("Month").fill(str(ends.month))
        await page.get_by_label("Year").fill(str(ends.year))
    await page.get_by_role("button", name="Save and check whether I can apply").click()
    await page.wait_for_url("**/applicant/eligibility")
    await check(page)


async def open_application_form(page: Page, placement_id: str, check: Check) -> None:
    """R10-R14: the placement's page, then its "Apply" form."""
    await page.goto(f"/applicant/apply?placement={placement_id}")
    await expect(page.get_by_label("Personal statement")).to_be_visible()
    await check(page)


async def send_application(
    page: Page, statement: str, check: Check, cv: FilePayload | None = None
) -> None:
    """Fill the open form and send it; ends on the page the portal answers with."""
    await page.get_by_label("Personal statement").fill(statement)
    await page.get_by_label("Your CV").set_input_files(cv or cv_file())
    await page.get_by_role("button", name="Send application").click()
    await page.wait_for_load_state()
    await check(page)


async def apply(
    page: Page, placement_id: str, statement: str, check: Check, cv: FilePayload | None = None
) -> str:
    """R10-R14: apply for one placement; returns the new application's id."""
    await open_application_form(page, placement_id, check)
    await send_application(page, statement, check, cv)
    await page.wait_for_url(re.compile(r".*/applicant/applications/[0-9a-f-]{36}$"))
    await expect(page.get_by_text("You sent your application")).to_be_visible()
    return page.url.rsplit("/", 1)[-1]


async def sign_in_then_apply(
    page: Page,
    sign_in: SignIn,
    person: Person,
    placement_id: str,
    check: Check,
    statement: str = "I would like to see how a start-up takes a product to market.",
) -> str:
    """Sign in with the link from the e-mail, fill the profile, apply; the application's id."""
    await sign_in(page, person.email)
    await check(page)
    await fill_profile(page, person, check)
    await expect(page.get_by_role("heading", name=CAN_APPLY)).to_be_visible()
    return await apply(page, placement_id, statement, check)


async def accept_offer(page: Page, application_id: str, check: Check) -> str:
    """R19, R20: from the start page to the offer, accepted; returns the lapse time shown."""
    await page.goto("/applicant")
    await check(page)
    await page.get_by_role("link", name="See the offer and answer it").first.click()
    await page.wait_for_url(f"**/applicant/offers/{application_id}")
    await check(page)
    lapse = await page.locator("#lapse time").first.inner_text()
    await page.get_by_role("button", name="Accept this offer").click()
    await page.wait_for_url(f"**/applicant/applications/{application_id}")
    await expect(page.get_by_text("You accepted the place")).to_be_visible()
    await check(page)
    return lapse


async def see_introduction(page: Page, application_id: str, check: Check) -> None:
    """R21, P6: the introduction on the application's timeline (it follows the acceptance)."""

    async def shown() -> bool:
        await page.goto(f"/applicant/applications/{application_id}")
        return await page.get_by_text(INTRODUCED).count() > 0

    await eventually(shown, timeout_s=60)
    await check(page)


async def claim_lunch(
    page: Page, placement_title: str, day: date, amount: str, check: Check
) -> str:
    """R24, R28, P5: start a claim, add a lunch with its receipt, see its verdict, send it;
    returns the claim's id."""
    claim_id = await start_claim(page, placement_title, check)
    await open_lunch_form(page, check)
    await add_lunch(page, claim_id, day, amount, check)
    await send_claim(page, check)
    return claim_id


async def start_claim(page: Page, placement_title: str, check: Check) -> str:
    """P5: a new claim for the placement, from the claims page; returns its id."""
    await page.goto("/applicant/claims")
    await check(page)
    await page.get_by_role("button", name=f"Start a claim for {placement_title}").click()
    await page.wait_for_url(re.compile(r".*/applicant/claims/[0-9a-f-]{36}$"))
    await check(page)
    return page.url.rsplit("/", 1)[-1]


async def open_lunch_form(page: Page, check: Check) -> None:
    await page.get_by_role("link", name="Add a lunch").click()
    await check(page)


async def add_lunch(page: Page, claim_id: str, day: date, amount: str, check: Check) -> None:
    """R24, R28: the lunch and its receipt, added; its verdict is on the claim's page."""
    await _send_lunch(page, day, amount)
    await page.wait_for_url(f"**/applicant/claims/{claim_id}")
    await expect(page.get_by_text("Every host reimburses lunch.")).to_be_visible()
    await check(page)


async def refused_lunch(page: Page, day: date, amount: str, check: Check) -> str:
    """A lunch whose amount the form refuses; returns what it says beside the amount."""
    await _send_lunch(page, day, amount)
    refusal = page.locator("#amount-error")
    await refusal.wait_for()
    await check(page)
    return " ".join((await refusal.text_content() or "").split())


async def _send_lunch(page: Page, day: date, amount: str) -> None:
    """Every answer given, again after a refusal: a refused form keeps no file."""
    await page.get_by_label("Day").fill(str(day.day))
    await page.get_by_label("Month").fill(str(day.month))
    await page.get_by_label("Year").fill(str(day.year))
    await page.get_by_label("How much did you pay, in pounds?").fill(amount)
    await page.get_by_label("What was it?").fill("A sandwich and a drink")
    await page.get_by_label("Receipt").set_input_files(receipt_file())
    await page.get_by_role("button", name="Add this line").click()


async def send_claim(page: Page, check: Check) -> None:
    """P5: from the claim's page, to the host."""
    await page.get_by_role("button", name="Send the claim to my host").click()
    await expect(page.get_by_text("Your claim was sent to your host.")).to_be_visible()
    await check(page)


async def view_applications(page: Page, check: Check) -> dict[str, str]:
    """R12, P6: from the start page, "Your applications": each placement's status."""
    await page.goto("/applicant")
    await check(page)
    await page.get_by_role("link", name="Your applications").click()
    await page.get_by_role("heading", level=1, name="Your applications").wait_for()
    await check(page)
    statuses = {}
    for row in await page.locator("main tbody tr").all():
        cells = await row.locator("td").all_inner_texts()
        statuses[cells[0].splitlines()[0].strip()] = cells[2].strip()
    return statuses


# --- set-up through the APIs ---------------------------------------------------------


async def close_applications(office: ApiAs, the_round: dict[str, Any]) -> datetime:
    """Move the round's deadline to a second from now (a rehearsal round's clock, R14)."""
    deadline = datetime.now(UTC) + timedelta(seconds=1)
    moved = await office.applications.put(
        f"/v1/rounds/{the_round['id']}/clock",
        json={"clock": {**the_round["clock"], "deadline_at": deadline.isoformat()}},
    )
    assert moved.status_code == 200, moved.text
    return deadline


async def wait_for_status(api: ApiAs, application_id: str, *wanted: str) -> dict[str, Any]:
    """The application as the applications service reads it, once it is in a `wanted` state."""

    async def reached() -> dict[str, Any] | None:
        read = await api.applications.get(f"/v1/applications/{application_id}")
        found: dict[str, Any] = read.json()
        return found if found.get("status") in wanted else None

    return await eventually(reached, timeout_s=60)


async def rank(host: ApiAs, placement_id: str, *application_ids: str) -> None:
    """R17, P2: the host ranks the forwarded applications; offers go out at once."""
    ranked = await host.offers.post(
        f"/v1/placements/{placement_id}/ranking", json={"application_ids": list(application_ids)}
    )
    assert ranked.status_code == 200, ranked.text


async def approve_claim(host: ApiAs, claim_id: str) -> dict[str, Any]:
    """P5: the host approves every line of a submitted claim."""
    claim = (await host.expenses.get(f"/v1/claims/{claim_id}")).json()
    decided = await host.expenses.post(
        f"/v1/claims/{claim_id}/decision",
        json={"lines": [{"line_id": line["id"], "approve": True} for line in claim["lines"]]},
    )
    assert decided.status_code == 200, decided.text
    approved: dict[str, Any] = decided.json()
    return approved
