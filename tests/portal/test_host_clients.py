"""The typed clients the host's pages call, against the real services (R11, R16, R17, R19,
P2, P5): each method returns the service's own model, and a host reaches only their own."""

from __future__ import annotations

import io
import re
from uuid import UUID

import pytest
from pypdf import PdfReader

from launcher.mailcatcher import MailCatcher
from mip.core.auth import Role
from mip.core.errors import RemoteProblem
from mip.core.settings import Settings
from services.applications.client import ApplicationsClient
from services.expenses.client import ExpensesClient
from services.expenses.contract import DecisionIn, LineDecisionIn, NoteIn
from services.offers.client import OffersClient
from services.offers.contract import MarkIn, RankingIn
from tests.support.auth import auth, token
from tests.support.host_round import (
    ADA,
    BOB,
    close_applications_now,
    draft_lunch_claim,
    set_up,
    submit_claim,
    wait_forwarded,
    wait_until_status,
)
from tests.support.stack import round_stack
from tests.support.upload_samples import png


async def test_r11_r16_r17_p2_p5_host_clients_read_rank_and_pay_on_real_services(
    mail_settings: Settings, smtp: MailCatcher
) -> None:
    async with round_stack(mail_settings, expenses=True) as stack:
        settings, http = stack.settings, stack.http
        made = await set_up(http["applications"], settings)
        placement_id = UUID(made.placement["id"])
        ada, bob = (UUID(made.applications[p]) for p in (ADA, BOB))
        host = token(settings, Role.host, made.host)
        other = token(settings, Role.host, made.other_host)
        apps = ApplicationsClient(settings.applications_url, host)
        offers = OffersClient(settings.offers_url, host)
        expenses = ExpensesClient(settings.expenses_url, host)
        strangers = OffersClient(settings.offers_url, other)
        async with apps, offers, expenses, strangers:
            placements = await apps.my_placements()
            with pytest.raises(RemoteProblem) as early:
                await apps.forwarded(placement_id)
            await close_applications_now(http["applications"], settings, made)
            await wait_forwarded(http["applications"], settings, made)
            pdf_cv, word_cv = await apps.cv(ada), await apps.cv(bob)
            marked = await offers.mark(placement_id, MarkIn(application_id=ada, mark="shortlisted"))
            seen = await offers.selection(placement_id)
            with pytest.raises(RemoteProblem) as not_theirs:
                await strangers.placement_offers(placement_id)
            outcome = await offers.rank(placement_id, RankingIn(application_ids=[ada]))
            await wait_until_status(
                http["applications"], settings, str(ada), made.email(ADA), "offered"
            )
            offered = await offers.placement_offers(placement_id)
            accepted = await http["offers"].post(
                f"/v1/offers/{ada}/accept",
                headers=auth(settings, Role.applicant, made.email(ADA)),
            )
            assert accepted.status_code == 200, accepted.text
            await wait_until_status(
                http["applications"], settings, str(ada), made.email(ADA), "introduced"
            )
            draft = await draft_lunch_claim(http["expenses"], settings, made)
            claim_id, line_id = UUID(draft["id"]), UUID(draft["lines"][0]["id"])
            drafts_seen = await expenses.claims()
            with pytest.raises(RemoteProblem) as draft_hidden:
                await expenses.claim(claim_id)
            await submit_claim(http["expenses"], settings, made, str(claim_id))
            awaiting = await expenses.claims("submitted")
            none_paid = await expenses.claims("paid")
            receipt = await expenses.receipt(claim_id, line_id)
            asked = await expenses.ask(claim_id, NoteIn(text="Was this lunch on the Monday?"))
            await http["expenses"].post(
                f"/v1/claims/{claim_id}/answer",
                json={"text": "Yes, with the team."},
                headers=auth(settings, Role.applicant, made.email(ADA)),
            )
            decided = await expenses.decide(
                claim_id, DecisionIn(lines=[LineDecisionIn(line_id=line_id, approve=True)])
            )
            paid = await expenses.record_payment(claim_id, NoteIn(text="Paid £8.75 in cash"))
            after = await expenses.claim(claim_id)
    assert [p.id for p in placements] == [placement_id]
    assert early.value.status == 409
    assert "arrive here at" in early.value.problem["detail"]
    # Named for the applicant, never by an id.
    assert pdf_cv.media_type == "application/pdf"
    assert pdf_cv.filename is not None
    assert re.fullmatch(r"[A-Za-z]+-[A-Za-z-]+-CV\.pdf", pdf_cv.filename), pdf_cv.filename
    assert len(PdfReader(io.BytesIO(pdf_cv.content)).pages) == 2  # of the three sent
    assert word_cv.filename is not None
    assert word_cv.filename.endswith("-CV.docx")
    assert word_cv.media_type.startswith("application/vnd.openxmlformats")
    assert marked == MarkIn(application_id=ada, mark="shortlisted")
    assert {c.id: c.mark for c in seen.candidates} == {ada: "shortlisted", bob: None}
    assert not_theirs.value.status == 404
    assert [(o.application_id, o.applicant_name) for o in outcome.left_out] == [
        (bob, "Dr Bob Hooke")
    ]
    assert outcome.ranking == [str(ada)]
    assert [(o.application_id, o.status) for o in offered] == [(ada, "offered")]
    assert offered[0].expires_at is not None
    assert drafts_seen == []
    assert draft_hidden.value.status == 404
    assert [c.id for c in awaiting] == [claim_id]
    assert none_paid == []
    assert receipt.content == png()
    assert receipt.media_type == "image/png"
    assert asked.status == "question"
    assert (decided.status, decided.approved_pence) == ("approved", 875)
    assert paid.status == after.status == "paid"
