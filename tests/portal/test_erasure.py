"""Erasure on request (issue 23 item 4), on the whole of MIP with the portal: ADA holds the
offer of the host's one place, BOB is ranked next. The office asks for her address, reads
on the check page what will go and what stay, and confirms. Her place passes to BOB as on
a decline; no column the privacy record names holds her address; the
services' subject-access routes answer nothing; no workflow is found by her search
attributes; and erasing her again ends nothing more and removes nothing more."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest
from playwright.async_api import Page, expect

from mip.core.auth import Role
from tests.portal.support.browser import Check, SignIn
from tests.portal.support.portal_http import csrf_of, signed_in
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.auth import auth
from tests.support.host_round import (
    ADA,
    BOB,
    HostRound,
    close_applications_now,
    set_up,
    wait_forwarded,
    wait_until_status,
)
from tests.support.privacy_record import OUTBOX, recorded_columns
from tests.support.waiting import eventually
from workflows import search

SERVICES = ("applications", "offers", "expenses", "notifications")
OUTBOX_SCHEMAS = ("applications", "expenses")


async def _ada_offered(stack: PortalStack) -> HostRound:
    settings, http = stack.settings, stack.http
    made = await set_up(http["applications"], settings)
    await close_applications_now(http["applications"], settings, made)
    await wait_forwarded(http["applications"], settings, made)
    ada, bob = made.applications[ADA], made.applications[BOB]
    ranked = await http["offers"].post(
        f"/v1/placements/{made.placement['id']}/ranking",
        json={"application_ids": [ada, bob]},
        headers=auth(settings, Role.host, made.host),
    )
    assert ranked.status_code == 200, ranked.text
    await wait_until_status(http["applications"], settings, ada, made.email(ADA), "offered")
    async with signed_in(stack, made.email(ADA)) as her:  # a portal session to forget too
        assert (await her.get("/applicant")).status_code == 200
    return made


async def _erase_through_the_pages(office: httpx.AsyncClient, email: str) -> tuple[str, str]:
    """The office's three pages; the check page's and the last answer's text."""
    form = await office.get("/office/people/erase")
    body = {"email": email, "csrf_token": csrf_of(form.text)}
    check = await office.post("/office/people/erase", data=body)
    assert check.status_code == 200, check.text

    async def finished() -> str | None:
        body["csrf_token"] = csrf_of(check.text)
        done = await office.post("/office/people/erase/confirm", data=body)
        assert done.status_code == 200, done.text
        return done.text if "has been erased" in done.text else None

    return check.text, await eventually(finished, timeout_s=60)


@pytest.fixture(scope="module")
async def erased(portal_stack: PortalStack) -> dict[str, Any]:
    made = await _ada_offered(portal_stack)
    async with signed_in(portal_stack, OFFICE) as office:
        check, done = await _erase_through_the_pages(office, made.email(ADA))
    return {"made": made, "check": check, "done": done}


def test_the_check_page_says_what_goes_and_what_stays(erased: dict[str, Any]) -> None:
    check, done = erased["check"], erased["done"]
    assert "What will be erased" in check
    assert "Applications, statements and their history" in check
    assert "What will be kept, and why" in check
    assert "passes to the next applicant" in check
    assert "What was kept, and why" in done


async def test_her_place_passes_to_the_next_ranked(
    erased: dict[str, Any], portal_stack: PortalStack
) -> None:
    made: HostRound = erased["made"]
    apps = portal_stack.http["applications"]
    bob = made.applications[BOB]
    await wait_until_status(apps, portal_stack.settings, bob, made.email(BOB), "offered")


async def test_no_service_answers_anything_about_her(
    erased: dict[str, Any], portal_stack: PortalStack
) -> None:
    email = erased["made"].email(ADA)
    office = auth(portal_stack.settings, Role.office)
    for service in SERVICES:
        got = await portal_stack.http[service].get(
            f"/v1/office/people/{email}/data", headers=office
        )
        assert got.status_code == 200, got.text
        held = {k: v for k, v in got.json().items() if isinstance(v, list) and v}
        assert held == {}, (service, held)


async def test_no_column_of_the_privacy_record_holds_her(
    erased: dict[str, Any], portal_stack: PortalStack
) -> None:
    # Her address only: other tests on this stack use her name and statement too. Every
    # row naming her that way is one about her address (a message's data holds both).
    traces = (erased["made"].email(ADA),)
    conn = await asyncpg.connect(portal_stack.settings.database_url.get_secret_value())
    try:
        found = [
            (column, trace)
            for column in _columns()
            for trace in traces
            if await _holds(conn, column, trace)
        ]
    finally:
        await conn.close()
    assert found == []


async def test_no_workflow_is_found_by_her_search_attributes(
    erased: dict[str, Any], portal_stack: PortalStack
) -> None:
    email = erased["made"].email(ADA)
    key = portal_stack.settings.applicant_key(email)
    client = portal_stack.temporal
    queries = (
        f'{search.APPLICANT_KEY.name} = "{key}"',
        f'{search.APPLICANT_EMAIL.name} = "{email}"',
    )

    async def none_left() -> bool:
        found = [w.id for query in queries async for w in client.list_workflows(query)]
        return found == []

    assert await eventually(none_left, timeout_s=20)


async def test_erasing_again_ends_and_removes_nothing_more(
    erased: dict[str, Any], portal_stack: PortalStack
) -> None:
    made: HostRound = erased["made"]
    office = auth(portal_stack.settings, Role.office)
    again = await portal_stack.http["applications"].post(
        f"/v1/office/people/{made.email(ADA)}/erasure", headers=office
    )
    assert again.status_code == 200, again.text
    outcome = again.json()["outcome"]
    assert outcome["ended"] == []
    assert {s["service"]: sum(s["removed"].values()) for s in outcome["services"]} == {
        s: 0 for s in SERVICES
    }
    apps, bob = portal_stack.http["applications"], made.applications[BOB]
    await wait_until_status(apps, portal_stack.settings, bob, made.email(BOB), "offered")


async def test_the_pages_are_found_from_home_and_pass_axe(
    erased: dict[str, Any], page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    """In Chromium: from the office's home to the check page for BOB, and back out of it
    by Cancel (he keeps his offer); a bad address is named in the error summary."""
    await sign_in(page, OFFICE)
    await page.get_by_role("link", name="Erase a person's data").click()
    await page.get_by_label("Email address").fill("bob at example")
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    await assert_accessible(page)
    await page.get_by_label("Email address").fill(erased["made"].email(BOB))
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", name="What will be erased")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Cancel").click()
    await expect(page.get_by_role("link", name="Erase a person's data")).to_be_visible()


def _columns() -> list[str]:
    """Every `schema.table.column` the privacy record names, `<outbox>` read as each."""
    columns = []
    for column in recorded_columns():
        schemas = OUTBOX_SCHEMAS if column.startswith(OUTBOX) else (None,)
        columns += [column.replace(OUTBOX, s) if s else column for s in schemas]
    return columns


async def _holds(conn: asyncpg.Connection, column: str, trace: str) -> bool:
    schema, table, name = column.split(".")
    found = await conn.fetchval(
        f'SELECT count(*) FROM "{schema}"."{table}"'  # noqa: S608
        f' WHERE strpos(lower("{name}"::text), lower($1)) > 0',
        trace,
    )
    return bool(found)
