"""The README's "A round in five minutes", walked in the browser (issue 21 item 4).

`mip dev --demo`'s rehearsal round is loaded as the demo loads it: two hosts' placements,
three applicants who have applied. Then everything happens through the pages alone, as the
README tells a newcomer: the office closes applications, the host ranks, the applicant
accepts and reads the introduction, and claims lunch, which the host approves and pays.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from uuid import UUID

from playwright.async_api import expect

from launcher.demo import HOSTS
from launcher.demo_rehearsal import APPLICANTS, load_rehearsal
from mip.core.auth import Role, mint_token
from services.applications.client import ApplicationsClient
from tests.portal.journeys import applicant as applicant_steps
from tests.portal.journeys import host as host_steps
from tests.portal.journeys import office as office_steps
from tests.portal.support.browser import Check, NewPage, SignIn
from tests.portal.support.mail import next_mail, text_of
from tests.portal.support.stack import OFFICE, PortalStack

TITLE = "Testing robot arms"
SAM = "sam@isisrobotics.example.com"
ADA = APPLICANTS[0]


async def _load_the_demo_s_rehearsal(stack: PortalStack) -> str:
    """What `mip dev --demo` loads for the rehearsal (launcher/stack.py does the same)."""
    url = stack.settings.applications_url

    def as_applicant(email: str) -> ApplicationsClient:
        return ApplicationsClient(
            url, mint_token(stack.settings, role=Role.applicant, subject=email)
        )

    office_token = mint_token(stack.settings, role=Role.office, subject=OFFICE)
    async with ApplicationsClient(url, office_token) as office:
        known = {h.name: h.id for h in await office.hosts()}
        for host in HOSTS:
            if host.name not in known:
                known[host.name] = (await office.create_host(host)).id
        made = await load_rehearsal(office, as_applicant, known, datetime.now(UTC))
    assert made is not None
    return made.name


async def test_the_readme_s_round_in_five_minutes_through_the_pages_alone(
    portal_stack: PortalStack, new_page: NewPage, sign_in: SignIn, assert_accessible: Check
) -> None:
    round_name = await _load_the_demo_s_rehearsal(portal_stack)

    # 1. The office closes applications.
    office = await sign_in(await new_page(), OFFICE)
    round_id = await office_steps.open_round(office, round_name, assert_accessible)
    await office_steps.take_rehearsal_step(
        office, round_id, "Close applications now", assert_accessible
    )
    digest = await next_mail(portal_stack.smtp, SAM, "forwarded_digest", after=0, timeout_s=60)
    assert "3 applications" in digest["Subject"]

    # 2. The host ranks, Ada first.
    host = await sign_in(await new_page(), SAM)
    left_out = await host_steps.mark_and_rank(
        host, TITLE, {ADA.name: "Shortlisted"}, [ADA.name], assert_accessible
    )
    assert sorted(left_out) == ["Dr Bob Hooke", "Dr Cy Twombly"]

    # 3. Ada accepts from her offer e-mail and reads the introduction.
    offer = await next_mail(portal_stack.smtp, ADA.email, "offer", after=0, timeout_s=60)
    found = re.search(r"/applicant/offers/([0-9a-f-]{36})", text_of(offer))
    assert found is not None
    application_id = found.group(1)
    ada = await sign_in(await new_page(), ADA.email)
    await applicant_steps.accept_offer(ada, application_id, assert_accessible)
    await applicant_steps.see_introduction(ada, application_id, assert_accessible)

    # 4. Ada claims lunch; Sam approves it and records the payment.
    await applicant_steps.claim_lunch(
        ada, TITLE, await _first_day(portal_stack, application_id), "6.50", assert_accessible
    )
    await host_steps.approve_claim_and_pay(host, ADA.email, "6.50", "Bank transfer")
    await expect(host.get_by_text("Payment of £6.50 recorded.")).to_be_visible()


async def _first_day(stack: PortalStack, application_id: str) -> date:
    """The placement's first day, as the claim form asks for the day of the lunch."""
    token = mint_token(stack.settings, role=Role.office, subject=OFFICE)
    async with ApplicationsClient(stack.settings.applications_url, token) as office:
        application = await office.application(UUID(application_id))
        placement = await office.placement(application.placement_id)
    return placement.days[0]
