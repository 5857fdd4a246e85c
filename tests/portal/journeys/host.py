"""A host's steps through the portal, as a person takes them: by the links and buttons on
each page, never by typing an address. The whole-round test and the host's own tests call
these; each step hands every page it visits to `check` (e.g. `assert_accessible`).

    await open_placement(page, "Robot arms at Isis Robotics", check)
    cvs = await read_cvs(page, "Robot arms at Isis Robotics", ["Dr Ada Lovelace"], check)
    await mark(page, "Robot arms at Isis Robotics", "Dr Ada Lovelace", "Shortlisted", check)
    left_out = await rank(page, "Robot arms at Isis Robotics", ["Dr Ada Lovelace"], check)
    # or both at once: mark_and_rank(page, title, {"Dr Ada Lovelace": "Shortlisted"}, [...])
    states = await offer_states(page, "Robot arms at Isis Robotics", check)
    await approve_claim_and_pay(page, "ada@example.org", "8.75", "Bank transfer", check)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.async_api import Page

from tests.portal.support.browser import Check


async def _nothing(page: Page) -> None:
    """The default `check`: none."""


@dataclass(frozen=True)
class CvSeen:
    """What the host received of one CV, and how the page offered it."""

    media_type: str
    content: bytes
    shown_in_page: bool  # a PDF in a frame (with a download link); Word: a download only


async def open_placement(page: Page, title: str, check: Check = _nothing) -> Page:
    """From the host's start page to one placement's page."""
    await page.goto("/host")
    await check(page)
    await page.get_by_role("link", name=title, exact=True).click()
    await page.get_by_role("heading", level=1, name=title).wait_for()
    await check(page)
    return page


async def open_application(page: Page, title: str, applicant: str, check: Check) -> None:
    await open_placement(page, title, check)
    await page.get_by_role("link", name=applicant, exact=True).click()
    await page.get_by_role("heading", level=1, name=applicant).wait_for()


async def read_cv(page: Page, applicant: str) -> CvSeen:
    """The CV on an application's page, fetched as the browser fetches it (R11)."""
    frame = page.locator(f'iframe[title^="CV of {applicant}"]')
    if await frame.count():
        source = await frame.get_attribute("src")
        assert source is not None
        answer = await page.request.get(source)
        assert answer.ok, answer.status
        assert answer.headers["content-disposition"].startswith("inline")
        await page.get_by_role("link", name=f"Download the CV of {applicant} (PDF)").wait_for()
        return CvSeen(answer.headers["content-type"], await answer.body(), True)
    async with page.expect_download() as started:
        await page.get_by_role("link", name=f"Download the CV of {applicant}").click()
    download = await started.value
    path = await download.path()
    return CvSeen(_media_type(download.suggested_filename), path.read_bytes(), False)


def _media_type(filename: str) -> str:
    return {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "doc": "application/msword",
    }[filename.rpartition(".")[2]]


async def read_cvs(
    page: Page, title: str, applicants: list[str], check: Check = _nothing
) -> dict[str, CvSeen]:
    """R11, R13, R16: each application's statement and CV, as hosts receive them."""
    seen = {}
    for applicant in applicants:
        await open_application(page, title, applicant, check)
        await page.get_by_role("heading", name="Personal statement").wait_for()
        await check(page)
        seen[applicant] = await read_cv(page, applicant)
    return seen


async def mark(page: Page, title: str, applicant: str, label: str, check: Check = _nothing) -> None:
    """R17: shortlisted, interviewed or unsuccessful, saved on the application's page."""
    await open_application(page, title, applicant, check)
    await page.get_by_role("radio", name=label, exact=True).check()
    await page.get_by_role("button", name="Save mark").click()
    await page.get_by_text(f"Marked as {label.lower()}.").wait_for()
    await check(page)


async def mark_and_rank(
    page: Page,
    title: str,
    marks: dict[str, str],
    order: list[str],
    check: Check = _nothing,
) -> list[str]:
    """R17, P2: each applicant in `marks` marked (e.g. {"Dr Ada Lovelace": "Shortlisted"}),
    then the ranking sent; returns who the confirmation said was left out."""
    for applicant, label in marks.items():
        await mark(page, title, applicant, label, check)
    return await rank(page, title, order, check)


async def rank(page: Page, title: str, order: list[str], check: Check = _nothing) -> list[str]:
    """R17, R18, P2: places 1, 2, 3… in `order`, everyone else left out; checks the
    confirmation, sends it, and returns who the confirmation said was left out."""
    await choose_places(page, title, order, check)
    await page.get_by_role("heading", name="Check your ranking before sending it").wait_for()
    await check(page)
    ranked = await page.locator("#ranked li").all_inner_texts()
    assert ranked == order, ranked
    left_out = await page.locator("#left-out li").all_inner_texts()
    await page.get_by_role("button", name="Send ranking").click()
    await page.get_by_text("Your ranking has been sent.").wait_for()
    await check(page)
    return left_out


async def choose_places(page: Page, title: str, order: list[str], check: Check) -> None:
    """The ranking form, filled in and continued (not yet sent)."""
    await open_placement(page, title, check)
    await page.get_by_role("link", name="Rank the candidates").click()
    await page.get_by_role("heading", level=1, name="Rank the candidates").wait_for()
    await check(page)
    for place, applicant in enumerate(order, start=1):
        await page.get_by_label(f"Place for {applicant}").select_option(str(place))
    await page.get_by_role("button", name="Continue").click()


async def offer_states(page: Page, title: str, check: Check = _nothing) -> dict[str, str]:
    """R19, P2: each candidate offered a place, and the offer's state as the page says it."""
    await open_placement(page, title, check)
    await page.get_by_role("link", name="See the offers and where they stand").click()
    await page.get_by_role("heading", level=1, name="Offers").wait_for()
    await check(page)
    states = {}
    for row in await page.locator("#offers tbody tr").all():
        cells = await row.locator("td").all_inner_texts()
        states[cells[0].strip()] = f"{cells[1].strip()}: {cells[2].strip()}"
    return states


async def open_claim(page: Page, intern: str, check: Check = _nothing) -> None:
    await page.goto("/host")
    await check(page)
    await page.get_by_role("link", name="waiting for your decision").click()
    await page.get_by_role("heading", level=1, name="Expense claims").wait_for()
    await check(page)
    await page.get_by_role("link", name=intern).first.click()
    # Headed with the intern's name, their address beneath it.
    await page.get_by_role("heading", level=1, name=re.compile("^Expense claim from ")).wait_for()
    await page.get_by_text(f"email address: {intern}").wait_for()
    await check(page)


async def ask_question(page: Page, intern: str, question: str, check: Check = _nothing) -> None:
    """P5: before deciding, a question to the intern; the claim waits for the answer."""
    await open_claim(page, intern, check)
    await page.get_by_role("link", name="Ask the intern a question first").click()
    await page.get_by_role("heading", level=1, name="Ask the intern a question").wait_for()
    await check(page)
    await page.get_by_label("Your question").fill(question)
    await page.get_by_role("button", name="Send question").click()
    await page.get_by_text("Your question has been sent to the intern.").wait_for()
    await check(page)


async def decide_claim(
    page: Page, intern: str, verdicts: list[str | None], check: Check = _nothing
) -> None:
    """P5: each line in turn approved (None) or refused with the reason given."""
    await open_claim(page, intern, check)
    await decide_open_claim(page, verdicts, check)


async def decide_open_claim(page: Page, verdicts: list[str | None], check: Check) -> None:
    for n, reason in enumerate(verdicts, start=1):
        group = page.get_by_role("group", name=f"Line {n}:")
        if reason is None:
            await group.get_by_role("radio", name="Approve").check()
        else:
            await group.get_by_role("radio", name="Refuse").check()
            await page.get_by_label(f"If you refuse line {n}, why?").fill(reason)
    await page.get_by_role("button", name="Send decision").click()
    await page.get_by_text("Decision sent").wait_for()
    await check(page)


async def record_payment(page: Page, amount: str, how: str, check: Check = _nothing) -> None:
    """P5: on an approved claim's page, the payment typed in pounds and pence."""
    await page.get_by_role("link", name="Record payment of").click()
    await page.get_by_role("heading", level=1, name="Record a payment").wait_for()
    await check(page)
    await page.get_by_label("Amount paid, in pounds and pence").fill(amount)
    await page.get_by_label("How did you pay?").fill(how)
    await page.get_by_role("button", name="Record payment").click()
    await page.get_by_text("recorded.").wait_for()
    await check(page)


async def approve_claim_and_pay(
    page: Page, intern: str, amount: str, how: str, check: Check = _nothing
) -> None:
    """P5: the claim waiting from `intern`, every line approved, then its payment."""
    await open_claim(page, intern, check)
    lines = await page.get_by_role("group", name="Line ").count()
    await decide_open_claim(page, [None] * lines, check)
    await record_payment(page, amount, how, check)
