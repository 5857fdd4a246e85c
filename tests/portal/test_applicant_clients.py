"""The typed client calls the applicant's pages make, against the real services on real
servers: profile and eligibility (R6-R9), applying and withdrawing (R10-R14, R12), support
sessions (R29), the history (P6), offers (R19, R20, R23) and a claim (R24-R28, P5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.errors import RemoteProblem
from mip.core.settings import Settings
from services.applications.client import (
    ApplicationsClient,
    EqualOpportunitiesIn,
    ProfileIn,
    Upload,
)
from services.expenses.client import Category, ExpensesClient, NewLine
from services.offers.client import OffersClient
from tests.support.applying import HOST, PROFILE, close_round_now, make_round, open_round, pdf
from tests.support.auth import auth, token
from tests.support.rehearsal import wait_status
from tests.support.stack import Stack, round_stack
from tests.support.upload_samples import png

ADA, BOB = "ada@example.org", "bob@example.org"
HOST_EMAIL = HOST["contact_email"]


def _clients(stack: Stack, email: str) -> tuple[ApplicationsClient, OffersClient, ExpensesClient]:
    s, bearer = stack.settings, token(stack.settings, Role.applicant, email)
    return (
        ApplicationsClient(s.applications_url, bearer),
        OffersClient(s.offers_url, bearer),
        ExpensesClient(s.expenses_url, bearer),
    )


async def _rank(stack: Stack, placement_id: str, application_ids: list[UUID]) -> None:
    ranked = await stack.http["offers"].post(
        f"/v1/placements/{placement_id}/ranking",
        json={"application_ids": [str(a) for a in application_ids]},
        headers=auth(stack.settings, Role.host, HOST_EMAIL),
    )
    assert ranked.status_code == 200, ranked.text


async def _publish_slot(stack: Stack) -> None:
    published = await stack.http["applications"].post(
        "/v1/support/slots",
        json={
            "starts_at": [(datetime.now(UTC) + timedelta(days=2)).isoformat()],
            "adviser_name": "Pat Adviser",
            "location": "Careers Service, room 2",
        },
        headers=auth(stack.settings, Role.office),
    )
    assert published.status_code == 201, published.text


async def _profile_and_support(apps: ApplicationsClient) -> None:
    """R6-R9 and R29 as the profile and support pages call them."""
    with pytest.raises(RemoteProblem) as no_profile:
        await apps.my_profile()
    assert no_profile.value.status == 404
    saved = await apps.save_profile(ProfileIn.model_validate(PROFILE))
    assert saved.email == ADA
    assert (await apps.my_profile()).name == PROFILE["name"]
    assert (await apps.eligibility()).eligible is True
    await apps.save_equal_opportunities(EqualOpportunitiesIn.model_validate({"disability": "no"}))
    assert (await apps.my_equal_opportunities()).disability == "no"
    [slot] = await apps.support_slots()
    booking = await apps.book_support_slot(slot.id)
    assert [b.id for b in await apps.my_support_bookings()] == [booking.id]
    await apps.cancel_support_booking(booking.id)
    assert await apps.my_support_bookings() == []


async def test_r6_r29_r19_r20_r23_p5_applicant_client_calls_on_the_real_stack(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings, expenses=True) as stack:
        the_round, (first, second) = await make_round(
            stack.http["applications"], stack.settings, open_round(), places=2, placements=2
        )
        await _publish_slot(stack)
        apps, offers, expenses = _clients(stack, ADA)
        bob_apps, bob_offers, _ = _clients(stack, BOB)
        await _profile_and_support(apps)
        await bob_apps.save_profile(ProfileIn.model_validate({**PROFILE, "name": "Bob"}))
        cv = Upload("cv.pdf", pdf())
        cv_limits, receipt_limits = await apps.limits(), await expenses.limits()
        mine = await apps.submit_application(UUID(first["id"]), "I would like to learn.", cv)
        other = await apps.submit_application(
            UUID(second["id"]), "Me too.", cv, idempotency_key="k-1"
        )
        again = await apps.submit_application(
            UUID(second["id"]), "Me too.", cv, idempotency_key="k-1"
        )
        bobs = await bob_apps.submit_application(UUID(first["id"]), "Bob's statement.", cv)
        with pytest.raises(RemoteProblem) as not_a_cv:
            await apps.submit_application(UUID(second["id"]), "x", Upload("cv.pdf", b"hello"))
        withdrawn = await apps.withdraw_application(other.id, "changed my mind")
        listed = await apps.my_applications()
        history = await apps.application_history(other.id)

        apps_http, round_id = stack.http["applications"], the_round["id"]
        await close_round_now(apps_http, stack.settings, round_id, the_round["clock"])
        for application, email in ((mine, ADA), (bobs, BOB)):
            await wait_status(stack, str(application.id), email, "forwarded")
        await _rank(stack, first["id"], [mine.id, bobs.id])
        await wait_status(stack, str(mine.id), ADA, "offered")
        await wait_status(stack, str(bobs.id), BOB, "offered")
        [offered] = await offers.my_offers()
        read = await offers.offer(mine.id)
        accepted = await offers.accept_offer(mine.id)
        declined = await bob_offers.decline_offer(bobs.id, "A conference that week")
        await wait_status(stack, str(mine.id), ADA, "introduced")

        claim = await expenses.start_claim(mine.id)
        receipt = png()
        lunch = NewLine(
            category=Category.lunch,
            spent_on=date.fromisoformat(first["days"][0]),
            amount="6.50",
            description="Lunch on the first day",
            receipt_filename="lunch.png",
            receipt=receipt,
        )
        with_line = await expenses.add_claim_line(claim.id, lunch)
        [line] = with_line.lines
        sent_back = await expenses.receipt(claim.id, line.id)
        submitted = await expenses.submit_claim(claim.id)
        asked = await stack.http["expenses"].post(
            f"/v1/claims/{claim.id}/question",
            json={"text": "Was this on the first day?"},
            headers=auth(stack.settings, Role.host, HOST_EMAIL),
        )
        assert asked.status_code == 200, asked.text
        answered = await expenses.answer_claim_question(claim.id, "Yes, the Monday.")
        [claimed] = await expenses.claims()
        withdrawn_after = await offers.withdraw_after_acceptance(mine.id, "Family reasons")
        for client in (apps, offers, expenses, bob_apps, bob_offers):
            await client.aclose()

    assert cv_limits.cv_max_bytes == receipt_limits.receipt_max_bytes == 5 * 1024 * 1024
    assert mine.status == "submitted"
    assert again.id == other.id  # the same Idempotency-Key: the first application
    assert not_a_cv.value.problem["type"] == "urn:mip:problem:unacceptable-cv"
    assert withdrawn.status == "withdrawn"
    assert {a.id for a in listed} == {mine.id, other.id}
    assert [e.to_status for e in history] == ["submitted", "withdrawn"]
    assert offered.application_id == mine.id
    assert read.expires_at is not None
    assert accepted.status == "accepted"
    assert declined.status == "declined"
    assert line.allowed is True
    assert line.owed_pence == 650
    assert (sent_back.content, sent_back.media_type) == (receipt, "image/png")
    assert submitted.status == "submitted"
    assert [e.note for e in answered.history][-2:] == [
        "Was this on the first day?",
        "Yes, the Monday.",
    ]
    assert claimed.id == claim.id
    assert withdrawn_after.status == "withdrawn_after_acceptance"
