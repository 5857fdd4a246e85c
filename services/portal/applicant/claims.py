"""An intern's expense claims: each line's verdict under R24-R28 as it is added, the
host's questions and the intern's answers, and sending the claim to the host (P5)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mip.core.errors import RemoteProblem
from services.applications.contract import ApplicationStatus
from services.expenses.client import Claim
from services.portal.applicant import words
from services.portal.contract import PageName
from services.portal.files import as_sent
from services.portal.forms import FIRST, Shown, refusal
from services.portal.reading import Form
from services.portal.web import Applicant, Services, render, see_other

router = APIRouter(prefix="/applicant")
# An intern claims for a placement they accepted, introduced to the host or not yet (R24).
CLAIMABLE = frozenset({ApplicationStatus.accepted, ApplicationStatus.introduced})


async def _claims_page(request: Request, services: Services, shown: Shown = FIRST) -> HTMLResponse:
    found = await services.expenses.claims()
    claimed = {c.application_id for c in found}
    placements = [
        a
        for a in await services.applications.my_applications()
        if a.status in CLAIMABLE and a.id not in claimed
    ]
    return render(
        request,
        "applicant/claims.html",
        {
            "claims": found,
            "claimable": placements,
            "words": words,
            **shown.context(),
        },
        shown.status_code,
    )


@router.get("/claims", response_class=HTMLResponse)
async def claims(request: Request, services: Services) -> HTMLResponse:
    """R24-R28: your claims, and the placements you can start one for."""
    return await _claims_page(request, services)


@router.post("/claims", response_class=HTMLResponse)
async def start_claim(request: Request, services: Services) -> Response:
    """R24: from the introduction on, an intern claims for their accepted placement."""
    form = Form(await request.form())
    try:
        application_id = UUID(form.get("application"))
    except ValueError:
        return render(request, "errors/not_found.html", {}, 404)
    try:
        made = await services.expenses.start_claim(application_id)
    except RemoteProblem as problem:
        return await _claims_page(
            request, services, Shown(errors=refusal(problem), status_code=409)
        )
    return see_other(request, f"/applicant/claims/{made.id}", flash="Your claim is started.")


def claim_context(claim: Claim, me: str) -> dict[str, object]:
    # The conversation with the host: questions, answers and decisions with their notes.
    notes = [e for e in claim.history if e.note and e.status != words.DRAFT]
    return {
        "claim": claim,
        "notes": notes,
        "words": words,
        "me": me,
    }


async def _claim_page(
    request: Request, services: Services, me: Applicant, claim_id: UUID, shown: Shown = FIRST
) -> HTMLResponse:
    context = claim_context(await services.expenses.claim(claim_id), me.email)
    return render(request, "applicant/claim.html", context | shown.context(), shown.status_code)


@router.get("/claims/{claim_id}", name=PageName.applicant_claim, response_class=HTMLResponse)
async def claim(request: Request, claim_id: UUID, me: Applicant, services: Services) -> Response:
    """P5: each line's verdict and the amount owed; R28: each line's receipt; the host's
    questions and your answers."""
    return await _claim_page(request, services, me, claim_id)


@router.post("/claims/{claim_id}/submit", response_class=HTMLResponse)
async def submit(request: Request, claim_id: UUID, me: Applicant, services: Services) -> Response:
    """P5: the host sees the claim, with each line's verdict, at once."""
    try:
        await services.expenses.submit_claim(claim_id)
    except RemoteProblem as problem:
        refused = Shown(errors=refusal(problem), status_code=409)
        return await _claim_page(request, services, me, claim_id, refused)
    return see_other(
        request, f"/applicant/claims/{claim_id}", flash="Your claim was sent to your host."
    )


@router.post("/claims/{claim_id}/answer", response_class=HTMLResponse)
async def answer(request: Request, claim_id: UUID, me: Applicant, services: Services) -> Response:
    """P5: your answer goes to the host, and the claim waits for their decision again."""
    form = Form(await request.form())
    text = form.text("answer", "your answer to the host's question")
    errors = form.errors
    if not errors:
        try:
            await services.expenses.answer_claim_question(claim_id, text)
        except RemoteProblem as problem:
            errors = refusal(problem, fields={"text": "answer"})
    if errors:
        return await _claim_page(
            request, services, me, claim_id, Shown(errors=errors, status_code=422)
        )
    return see_other(
        request, f"/applicant/claims/{claim_id}", flash="Your answer was sent to your host."
    )


@router.get("/claims/{claim_id}/lines/{line_id}/receipt")
async def receipt(claim_id: UUID, line_id: UUID, services: Services) -> Response:
    """R28: the receipt as it was uploaded (a PDF, JPEG or PNG, checked by its content)."""
    found = await services.expenses.receipt(claim_id, line_id)
    # Named by the expenses service for the claim's reference ("MIP-27A-0042-E1-receipt-1").
    return as_sent(found, found.filename or "receipt")
