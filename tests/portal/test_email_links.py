"""Every e-mail a person gets in a round leads into the portal (issue 20).

One round, played on a rehearsal clock: Bob is offered the place and lets it lapse, it
passes to Ada, who accepts from her e-mail at once; Cy is never offered it. Each test
opens the link in one kind of e-mail the way its recipient would, in a fresh browser that
is signed out: the portal
asks for the address (filled in with whom the e-mail was for), mails a one-time link, and
after signing in shows the page the e-mail meant, with what it said. The alerts list's
confirm and unsubscribe links need no sign-in, and its one-click unsubscribe works as a
mail client posts it: no session, no CSRF token.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from mip.core import ids
from services.notifications.contract import EmailOutcome, EmailRequest, EmailStatus
from tests.portal.journeys.applicant import receipt_file
from tests.portal.support.api import ApiAs
from tests.portal.support.browser import Check, NewPage, SignIn
from tests.portal.support.catalogue import host_with_placement
from tests.portal.support.mail import mails_to, next_mail, sign_in_link, text_of
from tests.portal.support.stack import OFFICE, PortalStack
from tests.support.applying import PROFILE, open_round, pdf
from tests.support.waiting import eventually
from workflows import application_effects
from workflows.application import ApplicationInput
from workflows.application_effects import Effects
from workflows.notifications import DeliverEmailWorkflow
from workflows.queues import WORKFLOWS

ApiFor = Callable[[str, str], ApiAs]
# Long enough to sign in from an offer e-mail (seconds), short enough to watch a lapse.
WINDOW_S = 30


@dataclass
class Round:
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    round_id: str = ""
    placement: dict[str, Any] = field(default_factory=dict)
    applications: dict[str, str] = field(default_factory=dict)
    claim_id: str = ""

    def address(self, who: str) -> str:
        domain = "hosts.example.com" if who == "host" else "example.org"
        return f"{who}.{self.run}@{domain}"


@pytest.fixture(scope="module")
def walk() -> Round:
    return Round()


def portal_link(stack: PortalStack, message: EmailMessage, path: str) -> str:
    """The link in `message` to the portal page at `path` (its text and HTML agree)."""
    text = text_of(message)
    found: list[str] = re.findall(re.escape(stack.url) + r"(/[^\s\"<>]*)", text)
    wanted = [link for link in found if link.split("?")[0] == path]
    assert wanted, f"no link to {path} in:\n{text}"
    html = message.get_body(("html",))
    assert html is not None
    assert wanted[0].replace("&", "&amp;") in html.get_content()
    assert "/v1/" not in text
    link: str = stack.url + wanted[0]
    return link


async def follow_signed_out(
    stack: PortalStack, new_page: NewPage, link: str, to: str, check: Check
) -> Page:
    """Open `link` with no session: sign in as asked (the address already filled in) and
    arrive where the link pointed."""
    page = await new_page()
    await page.goto(link)
    await page.wait_for_url(re.compile(r".*/sign-in\?.*"))
    await expect(page.get_by_label("Email address")).to_have_value(to)
    await check(page)
    before = len(mails_to(stack.smtp, to, "sign_in"))
    await page.get_by_role("button", name="Send me a link").click()
    await page.wait_for_url("**/sign-in/sent")
    mail = await next_mail(stack.smtp, to, "sign_in", after=before)
    await page.goto(sign_in_link(mail))
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await page.get_by_text("You are signed in").wait_for()
    assert page.url.split("?")[0] == link.split("?")[0], page.url
    await check(page)
    return page


async def mail_of(stack: PortalStack, to: str, kind: str, *, after: int = 0) -> EmailMessage:
    return await next_mail(stack.smtp, to, kind, after=after, timeout_s=90)


async def _applied(who: str, walk: Round, api_as: ApiFor) -> str:
    email = walk.address(who)
    me = api_as("applicant", email)
    name = {"ada": "Ada Okafor", "bob": "Bob Hooke", "cy": "Cy Twombly"}[who]
    saved = await me.applications.put("/v1/me/profile", json={**PROFILE, "name": name})
    assert saved.status_code == 200, saved.text
    sent = await me.applications.post(
        "/v1/applications",
        data={"placement_id": walk.placement["id"], "statement": "I would like to learn."},
        files={"cv": ("cv.pdf", pdf(), "application/pdf")},
    )
    assert sent.status_code == 201, sent.text
    application_id: str = sent.json()["id"]
    return application_id


async def test_the_host_s_digest_opens_their_placement_with_its_applications(
    walk: Round,
    portal_stack: PortalStack,
    new_page: NewPage,
    api_as: ApiFor,
    assert_accessible: Check,
) -> None:
    office = api_as("office", OFFICE)
    now = datetime.now(UTC)
    spec = open_round(
        f"Links {walk.run}",
        deadline_at=now + timedelta(seconds=20),
        outcomes_at=now + timedelta(seconds=180),
    )
    made = await office.applications.post(
        "/v1/rounds", json={**spec, "acceptance_window_seconds": WINDOW_S}
    )
    assert made.status_code == 201, made.text
    walk.round_id = made.json()["id"]
    _, walk.placement = await host_with_placement(
        office, made.json(), name=f"Isis {walk.run}", contact=walk.address("host"), title="Robots"
    )
    for who in ("bob", "ada", "cy"):
        walk.applications[who] = await _applied(who, walk, api_as)
    host = walk.address("host")
    digest = await mail_of(portal_stack, host, "forwarded_digest")
    assert digest["Subject"] == "3 applications for Robots"
    link = portal_link(portal_stack, digest, f"/host/placements/{walk.placement['id']}")
    page = await follow_signed_out(portal_stack, new_page, link, host, assert_accessible)
    for name in ("Ada Okafor", "Bob Hooke", "Cy Twombly"):
        await expect(page.get_by_text(name).first).to_be_visible()
    # Bob first, then Ada; Cy is left out and hears at the outcomes date (R18).
    ranked = await api_as("host", host).offers.post(
        f"/v1/placements/{walk.placement['id']}/ranking",
        json={"application_ids": [walk.applications["bob"], walk.applications["ada"]]},
    )
    assert ranked.status_code == 200, ranked.text


async def test_the_offer_opens_the_page_to_accept_or_decline_it(
    walk: Round, portal_stack: PortalStack, new_page: NewPage, assert_accessible: Check
) -> None:
    bob = walk.address("bob")
    offer = await mail_of(portal_stack, bob, "offer")
    assert "UK time" in text_of(offer)
    link = portal_link(portal_stack, offer, f"/applicant/offers/{walk.applications['bob']}")
    page = await follow_signed_out(portal_stack, new_page, link, bob, assert_accessible)
    await expect(page.get_by_role("button", name="Accept this offer")).to_be_visible()


async def test_the_passed_on_offer_is_accepted_from_its_e_mail_and_introduces_both(
    walk: Round, portal_stack: PortalStack, new_page: NewPage, assert_accessible: Check
) -> None:
    ada = walk.address("ada")
    offer = await mail_of(portal_stack, ada, "offer")
    link = portal_link(portal_stack, offer, f"/applicant/offers/{walk.applications['ada']}")
    page = await follow_signed_out(portal_stack, new_page, link, ada, assert_accessible)
    await page.get_by_role("button", name="Accept this offer").click()
    await expect(page.get_by_text("You accepted the place.")).to_be_visible()
    introduction = await mail_of(portal_stack, ada, "introduction")
    assert "Robots" in introduction["Subject"]
    # The placement's page is public: no sign-in on the way.
    placement = portal_link(portal_stack, introduction, f"/placements/{walk.placement['id']}")
    public = await new_page()
    await public.goto(placement)
    await expect(public.get_by_role("heading", name="Robots")).to_be_visible()
    await assert_accessible(public)


async def test_the_lapse_opens_the_application_that_lapsed(
    walk: Round, portal_stack: PortalStack, new_page: NewPage, assert_accessible: Check
) -> None:
    bob = walk.address("bob")
    lapsed = await mail_of(portal_stack, bob, "offer_lapsed")
    path = f"/applicant/applications/{walk.applications['bob']}"
    page = await follow_signed_out(
        portal_stack, new_page, portal_link(portal_stack, lapsed, path), bob, assert_accessible
    )
    await expect(page.locator("main")).to_contain_text("The offer lapsed without an answer")


async def test_not_successful_opens_the_application_at_the_outcomes_date(
    walk: Round,
    portal_stack: PortalStack,
    new_page: NewPage,
    api_as: ApiFor,
    assert_accessible: Check,
) -> None:
    cy = walk.address("cy")
    # The rehearsal's outcomes-by instant is brought to now, as the office's rehearsal page
    # does, rather than waited for.
    outcomes = await api_as("office", OFFICE).applications.post(
        f"/v1/rounds/{walk.round_id}/rehearsal/send_outcomes"
    )
    assert outcomes.status_code == 200, outcomes.text
    told = await next_mail(portal_stack.smtp, cy, "not_successful", after=0, timeout_s=90)
    path = f"/applicant/applications/{walk.applications['cy']}"
    page = await follow_signed_out(
        portal_stack, new_page, portal_link(portal_stack, told, path), cy, assert_accessible
    )
    await expect(page.locator("main")).to_contain_text("Robots")


async def _claim_lunch(walk: Round, api_as: ApiFor) -> str:
    intern = api_as("applicant", walk.address("ada"))
    started = await intern.expenses.post(
        "/v1/claims", json={"application_id": walk.applications["ada"]}
    )
    assert started.status_code == 201, started.text
    claim_id: str = started.json()["id"]
    receipt = receipt_file()
    added = await intern.expenses.post(
        f"/v1/claims/{claim_id}/lines",
        data={
            "category": "lunch",
            "spent_on": walk.placement["days"][0],
            "amount": "6.50",
            "description": "A sandwich",
        },
        files={"receipt": ("receipt.png", receipt["buffer"], "image/png")},
    )
    assert added.status_code == 201, added.text
    sent = await intern.expenses.post(f"/v1/claims/{claim_id}/submit")
    assert sent.status_code == 200, sent.text
    return claim_id


async def test_each_claim_e_mail_opens_the_claim_for_its_reader(
    walk: Round,
    portal_stack: PortalStack,
    new_page: NewPage,
    api_as: ApiFor,
    assert_accessible: Check,
) -> None:
    ada, host = walk.address("ada"), walk.address("host")
    walk.claim_id = await _claim_lunch(walk, api_as)
    submitted = await mail_of(portal_stack, host, "expense_update")
    assert submitted["Subject"] == "Expense claim from Ada Okafor: submitted"
    link = portal_link(portal_stack, submitted, f"/host/claims/{walk.claim_id}")
    page = await follow_signed_out(portal_stack, new_page, link, host, assert_accessible)
    await expect(page.locator("main")).to_contain_text("£6.50")

    hosting = api_as("host", host)
    claim_url = f"/v1/claims/{walk.claim_id}"
    asked = await hosting.expenses.post(f"{claim_url}/question", json={"text": "Which day?"})
    assert asked.status_code == 200, asked.text
    intern = api_as("applicant", ada)
    answered = await intern.expenses.post(f"{claim_url}/answer", json={"text": "The first."})
    assert answered.status_code == 200, answered.text
    claim = (await hosting.expenses.get(claim_url)).json()
    lines = [{"line_id": line["id"], "approve": True} for line in claim["lines"]]
    decided = await hosting.expenses.post(f"{claim_url}/decision", json={"lines": lines})
    assert decided.status_code == 200, decided.text
    paid = await hosting.expenses.post(f"{claim_url}/payment", json={"text": "By bank transfer."})
    assert paid.status_code == 200, paid.text

    async def all_four() -> list[EmailMessage] | None:
        found = mails_to(portal_stack.smtp, ada, "expense_update")
        return found if len(found) >= 3 else None

    told = await eventually(all_four, timeout_s=60)
    subjects = {str(m["Subject"]) for m in told}
    assert {
        "Expense claim from Ada Okafor: question",
        "Expense claim from Ada Okafor: approved",
        "Expense claim from Ada Okafor: paid",
    } <= subjects, subjects
    for message in told:
        assert claim["reference"] in text_of(message)
    link = portal_link(portal_stack, told[0], f"/applicant/claims/{walk.claim_id}")
    page = await follow_signed_out(portal_stack, new_page, link, ada, assert_accessible)
    await expect(page.locator("main")).to_contain_text("Which day?")
    for message in told[1:]:  # signed in now: each opens the claim at once
        await page.goto(portal_link(portal_stack, message, f"/applicant/claims/{walk.claim_id}"))
        await expect(page.locator("main")).to_contain_text("£6.50")


async def test_r30_alert_links_confirm_and_one_click_unsubscribe_without_a_session(
    portal_stack: PortalStack, new_page: NewPage, api_as: ApiFor, assert_accessible: Check
) -> None:
    fan = f"fan-{uuid.uuid4().hex[:8]}@example.org"
    page = await new_page()
    await page.goto("/alerts")
    await page.get_by_label("Email address").fill(fan)
    await page.get_by_role("button", name="Get alerts").click()
    invite = await mail_of(portal_stack, fan, "alert_confirm")
    confirm = portal_link(portal_stack, invite, "/alerts/confirm")
    await page.goto(confirm)
    await expect(page.get_by_text(fan)).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Confirm").click()
    await expect(page.get_by_role("heading", name="You will get placement alerts")).to_be_visible()

    office = api_as("office", OFFICE)
    announced = await office.notifications.post(
        "/v1/alerts/announcements",
        json={
            "kind": "advertised",
            "announcement_id": f"links-{fan}",
            "round_name": "Links round",
            "placements_count": 2,
            "deadline_label": "12pm (midday) on Monday 4 January 2027, UK time",
        },
    )
    assert announced.status_code == 202, announced.text
    alert = await mail_of(portal_stack, fan, "alert_advertised")
    portal_link(portal_stack, alert, "/placements")
    one_click = alert["List-Unsubscribe"].strip("<>")
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert one_click == portal_link(portal_stack, alert, "/alerts/unsubscribe")

    async with httpx.AsyncClient() as mail_client:  # no cookies, no CSRF token
        opened = await mail_client.get(one_click)
        assert opened.status_code == 200
        state = await office.notifications.get(
            "/v1/alerts/subscription", params={"token": one_click.split("token=")[1]}
        )
        assert state.json()["status"] == "confirmed"  # a GET changed nothing
        clicked = await mail_client.post(one_click, data={"List-Unsubscribe": "One-Click"})
    assert clicked.status_code == 200, clicked.text
    state = await office.notifications.get(
        "/v1/alerts/subscription", params={"token": one_click.split("token=")[1]}
    )
    assert state.json()["status"] == "unsubscribed"


async def test_the_reminder_opens_the_offer(
    walk: Round,
    portal_stack: PortalStack,
    new_page: NewPage,
    monkeypatch: pytest.MonkeyPatch,
    assert_accessible: Check,
) -> None:
    """A rehearsal window is too short for a reminder (it comes 24 hours before a lapse),
    so the reminder Ada's application workflow would send is built by its own code and
    sent through the notifications service as any e-mail is."""
    ada = walk.address("ada")
    captured: list[EmailRequest] = []

    async def capture(request: EmailRequest) -> EmailOutcome:
        captured.append(request)
        return EmailOutcome(message_id="x", status=EmailStatus.sent, attempts=1)

    monkeypatch.setattr(application_effects, "send_email", capture)
    app_input = await _workflow_input(portal_stack, walk.applications["ada"])
    effects = Effects(app_input, ids.application(walk.applications["ada"]))
    await effects.email_reminder(datetime.now(UTC) + timedelta(hours=24))
    request = captured[0].model_copy(update={"idempotency_key": f"reminder-{walk.run}"})
    handle = await portal_stack.temporal.start_workflow(
        DeliverEmailWorkflow.run,
        request,
        id=ids.email(request.idempotency_key),
        task_queue=portal_stack.settings.queue(WORKFLOWS),
    )
    await handle.result()
    reminder = await mail_of(portal_stack, ada, "offer_reminder")
    link = portal_link(portal_stack, reminder, f"/applicant/offers/{walk.applications['ada']}")
    page = await follow_signed_out(portal_stack, new_page, link, ada, assert_accessible)
    await expect(page.locator("main")).to_contain_text("Robots")


async def _workflow_input(stack: PortalStack, application_id: str) -> ApplicationInput:
    handle = stack.temporal.get_workflow_handle(ids.application(application_id))
    async for event in handle.fetch_history_events():
        payloads = event.workflow_execution_started_event_attributes.input.payloads
        # Through the codec: Temporal holds the input sealed (mip/core/codec.py).
        decoded = await stack.temporal.data_converter.decode(payloads, [ApplicationInput])
        found: ApplicationInput = decoded[0]
        return found
    raise AssertionError("the application's workflow has no history")


async def test_the_office_finds_an_application_by_the_reference_its_e_mails_quote(
    walk: Round,
    portal_stack: PortalStack,
    new_page: NewPage,
    sign_in: SignIn,
    assert_accessible: Check,
) -> None:
    confirmation = await mail_of(portal_stack, walk.address("ada"), "confirmation")
    found = re.search(r"MIP-\d{2}[A-Z]+-\d{4}", str(confirmation["Subject"]))
    assert found is not None, confirmation["Subject"]
    page = await sign_in(await new_page(), OFFICE)
    await page.goto("/office/applications")
    await page.get_by_label("Reference").fill(found.group(0).lower())  # as someone types it
    await page.get_by_role("button", name="Find").click()
    await expect(page.get_by_role("heading", name=f"{found.group(0)}: Ada Okafor")).to_be_visible()
    await expect(page.locator("main")).to_contain_text("Robots")
    await assert_accessible(page)
    await page.get_by_label("Reference").fill("MIP-99Z-9999")
    await page.get_by_role("button", name="Find").click()
    await expect(page.locator(".error-summary")).to_contain_text("There is no application")
    await assert_accessible(page)
