"""Subject access (issue 23 item 3), on the whole of MIP with the portal: two applicants
for the same placement, one of them also an intern with an expense claim. Each one's
archive holds their rows and files and nothing of the other's; the office's archive for
an address is the person's own, byte for byte; nobody else can ask for it; and the CV
access log has the host's and the office's opening of a CV."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from email import message_from_bytes
from typing import Any

import pytest
from playwright.async_api import Page, expect

from mip.core.auth import Role
from tests.portal.support.browser import Check, NewPage, SignIn
from tests.portal.support.portal_http import csrf_of, signed_in
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.auth import auth
from tests.support.host_round import (
    ADA,
    BOB,
    NAMES,
    HostRound,
    close_applications_now,
    draft_lunch_claim,
    set_up,
    wait_forwarded,
    wait_until_status,
)
from tests.support.upload_samples import png
from tests.support.waiting import eventually

Archive = dict[str, bytes]


@dataclass
class Two:
    made: HostRound
    claim: dict[str, Any]
    archives: dict[str, bytes] = field(default_factory=dict)  # ADA/BOB/"host" -> the .zip


def entries(raw: bytes) -> Archive:
    with zipfile.ZipFile(io.BytesIO(raw)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def data(archive: Archive, service: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(archive[f"{service}.json"])
    return found


async def _download(stack: PortalStack, email: str, home: str) -> bytes:
    """As the person would: from their home page's link."""
    async with signed_in(stack, email) as portal:
        assert 'href="/your-data"' in (await portal.get(home)).text
        page = await portal.get("/your-data")
        assert page.status_code == 200, page.text
        assert 'href="/your-data/archive.zip"' in page.text
        got = await portal.get("/your-data/archive.zip")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/zip"
    assert got.headers["cache-control"] == "private, no-store"
    return got.content


async def _round_with_an_intern(stack: PortalStack) -> Two:
    """ADA and BOB apply to the host's placement; the host and the office open ADA's CV;
    the host marks both and offers ADA the place; she accepts and claims a lunch."""
    settings, http = stack.settings, stack.http
    made = await set_up(http["applications"], settings)
    await close_applications_now(http["applications"], settings, made)
    await wait_forwarded(http["applications"], settings, made)
    ada, bob = made.applications[ADA], made.applications[BOB]
    host = auth(settings, Role.host, made.host)
    for reader in (host, auth(settings, Role.office, OFFICE)):
        opened = await http["applications"].get(f"/v1/applications/{ada}/cv", headers=reader)
        assert opened.status_code == 200, opened.text
    placement = f"/v1/placements/{made.placement['id']}"
    for application_id, mark in ((ada, "shortlisted"), (bob, "interviewed")):
        body = {"application_id": application_id, "mark": mark}
        marked = await http["offers"].post(f"{placement}/marks", json=body, headers=host)
        assert marked.status_code == 200, marked.text
    ranked = await http["offers"].post(
        f"{placement}/ranking", json={"application_ids": [ada]}, headers=host
    )
    assert ranked.status_code == 200, ranked.text
    await wait_until_status(http["applications"], settings, ada, made.email(ADA), "offered")
    me = auth(settings, Role.applicant, made.email(ADA))
    accepted = await http["offers"].post(f"/v1/offers/{ada}/accept", headers=me)
    assert accepted.status_code == 200, accepted.text
    await wait_until_status(http["applications"], settings, ada, made.email(ADA), "introduced")
    return Two(made, await draft_lunch_claim(http["expenses"], settings, made))


@pytest.fixture(scope="module")
async def two(portal_stack: PortalStack) -> Two:
    found = await _round_with_an_intern(portal_stack)
    for who in (ADA, BOB):
        found.archives[who] = await _download(portal_stack, found.made.email(who), "/applicant")
    found.archives["host"] = await _download(portal_stack, found.made.host, "/host")
    return found


def test_each_archive_holds_its_persons_rows_and_files(two: Two) -> None:
    made = two.made
    ada, bob = (entries(two.archives[who]) for who in (ADA, BOB))
    apps = data(ada, "applications")
    assert [p["email"] for p in apps["profile"]] == [made.email(ADA)]
    assert [a["id"] for a in apps["applications"]] == [made.applications[ADA]]
    assert "robots are tested" in apps["applications"][0]["statement"]
    assert {e["application_id"] for e in apps["application_events"]} == {made.applications[ADA]}
    [cv] = apps["files"]
    assert ada[f"files/{cv['name']}"] == made.cvs[ADA]  # as she sent it, all three pages
    assert [o["application_id"] for o in data(ada, "offers")["offers"]] == [made.applications[ADA]]
    assert [m["mark"] for m in data(ada, "offers")["marks"]] == ["shortlisted"]
    expenses = data(ada, "expenses")
    assert [c["id"] for c in expenses["claims"]] == [two.claim["id"]]
    [receipt] = expenses["files"]
    assert ada[f"files/{receipt['name']}"] == png()
    kinds = {m["kind"] for m in data(ada, "notifications")["messages"]}
    assert {"confirmation", "offer", "introduction"} <= kinds, kinds
    emails = [name for name in ada if name.startswith("emails/")]
    assert len(emails) == len(data(ada, "notifications")["messages"])
    assert message_from_bytes(ada[emails[0]])["To"] == made.email(ADA)
    # BOB: his own application, CV and mark; no claim, no offer.
    assert [a["id"] for a in data(bob, "applications")["applications"]] == [made.applications[BOB]]
    assert [m["mark"] for m in data(bob, "offers")["marks"]] == ["interviewed"]
    assert data(bob, "offers")["offers"] == []
    assert data(bob, "expenses")["claims"] == []
    assert bob[f"files/{data(bob, 'applications')['files'][0]['name']}"] == made.cvs[BOB]


def test_nothing_of_the_other_applicant_is_in_an_archive(two: Two) -> None:
    made = two.made
    for me, other in ((ADA, BOB), (BOB, ADA)):
        theirs = [made.email(other), NAMES[other], made.applications[other]]
        for name, content in entries(two.archives[me]).items():
            for trace in theirs:
                assert trace.encode() not in content, f"{trace} in {me}'s {name}"
            assert made.cvs[other] not in content, f"{other}'s CV in {me}'s {name}"


def test_a_hosts_archive_holds_the_host_and_not_the_applicants(two: Two) -> None:
    """The host's own e-mail listing the applications is the host's (it was sent to
    them); their archive has no applicant's rows."""
    host = entries(two.archives["host"])
    apps = data(host, "applications")
    assert [h["contact_email"] for h in apps["hosts"]] == [two.made.host]
    assert apps["applications"] == []
    assert apps["profile"] == []
    assert apps["files"] == []
    assert data(host, "expenses")["claims"] == []


def test_the_cv_access_log_records_the_hosts_and_the_offices_opening(two: Two) -> None:
    apps = data(entries(two.archives[ADA]), "applications")
    opened = [(o["role"], o["opened_by"]) for o in apps["cv_openings"]]
    host_name = two.made.placement["host"]["name"]
    assert opened == [("host", host_name), ("office", "the Internship Office")], opened
    assert all(o["application_id"] == two.made.applications[ADA] for o in apps["cv_openings"])
    assert data(entries(two.archives[BOB]), "applications")["cv_openings"] == []


async def test_the_offices_archive_for_an_address_is_the_persons_own(
    two: Two, portal_stack: PortalStack
) -> None:
    """Made again each time until both agree: an e-mail of hers in flight (her sign-in
    link) may change its status between two downloads."""
    email = two.made.email(ADA)
    async with signed_in(portal_stack, email) as her, signed_in(portal_stack, OFFICE) as office:

        async def same() -> bool:
            own = (await her.get("/your-data/archive.zip")).content
            form = await office.get("/office/people/data")
            token = csrf_of(form.text)
            body = {"email": email.upper(), "csrf_token": token}
            made = await office.post("/office/people/data", data=body)
            assert made.status_code == 200, made.text
            assert made.headers["content-type"] == "application/zip"
            return own == made.content

        assert await eventually(same, timeout_s=30)


async def test_the_office_form_names_a_bad_address(portal_stack: PortalStack) -> None:
    async with signed_in(portal_stack, OFFICE) as office:
        form = await office.get("/office/people/data")
        body = {"email": "not an address", "csrf_token": csrf_of(form.text)}
        refused = await office.post("/office/people/data", data=body)
        body = {"email": "nobody.held@example.org", "csrf_token": csrf_of(form.text)}
        nothing = await office.post("/office/people/data", data=body)
    assert refused.status_code == 422
    assert "There is a problem" in refused.text
    assert '<a href="#email">Enter an email address in the correct format' in refused.text
    assert nothing.status_code == 422
    assert "The programme holds nothing about nobody.held@example.org" in nothing.text


async def test_an_applicant_cannot_ask_for_anothers_data(
    two: Two, portal_stack: PortalStack
) -> None:
    made, http = two.made, portal_stack.http
    ada = auth(portal_stack.settings, Role.applicant, made.email(ADA))
    bob = made.email(BOB)
    for service in ("applications", "offers", "expenses", "notifications"):
        asked = await http[service].get(f"/v1/office/people/{bob}/data", headers=ada)
        assert asked.status_code == 403, (service, asked.text)
        assert asked.headers["content-type"] == "application/problem+json"
    cv = await http["applications"].get(
        f"/v1/people/{bob}/cvs/{made.applications[BOB]}", headers=ada
    )
    assert cv.status_code == 404, cv.text
    # Her own CV asked for under his address is no more his than hers.
    crossed = await http["applications"].get(
        f"/v1/people/{bob}/cvs/{made.applications[ADA]}", headers=ada
    )
    assert crossed.status_code == 404
    line = two.claim["lines"][0]["id"]
    receipt = await http["expenses"].get(
        f"/v1/people/{made.email(ADA)}/receipts/{line}",
        headers=auth(portal_stack.settings, Role.applicant, bob),
    )
    assert receipt.status_code == 404
    async with signed_in(portal_stack, made.email(ADA)) as portal:
        page = await portal.get("/office/people/data")
    assert page.status_code == 403


async def test_the_pages_are_found_from_home_and_pass_axe(
    two: Two, page: Page, new_page: NewPage, sign_in: SignIn, assert_accessible: Check
) -> None:
    """In Chromium: the applicant's home links to the page, whose button downloads the
    .zip; the office's form shows a bad address in a GOV.UK error summary."""
    await sign_in(page, two.made.email(ADA))
    await page.goto(page.url.split("/applicant")[0] + "/applicant")
    await page.get_by_role("link", name="Download your data").click()
    await expect(page.get_by_role("heading", name="Download your data")).to_be_visible()
    await assert_accessible(page)
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Download your data").click()
    assert (await downloading.value).suggested_filename.endswith(".zip")
    office = await new_page()
    await sign_in(office, OFFICE)
    await office.get_by_role("link", name="A person's data", exact=True).click()
    await office.get_by_label("Email address").fill("ada at example")
    await office.get_by_role("button", name="Download their data").click()
    await expect(office.get_by_role("alert")).to_contain_text("There is a problem")
    await assert_accessible(office)
