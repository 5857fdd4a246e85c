"""Expense claims on the host's placements (R24-R28, P5): the lines with the rules'
verdicts and receipts, and a decision line by line, each refusal with its reason."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from mip.core.errors import RemoteProblem
from services.expenses.client import Claim, DecisionIn, LineDecisionIn
from services.expenses.contract import ClaimStatus
from services.portal.contract import PageName
from services.portal.files import as_sent
from services.portal.forms import FIRST, FormErrors, Shown, refusal
from services.portal.host import words
from services.portal.host.access import HostRoute
from services.portal.reading import Form
from services.portal.web import Services, render, see_other

router = APIRouter(prefix="/host", route_class=HostRoute)
REASON_MAX = 1000


@router.get("/claims", response_class=HTMLResponse)
async def claims(request: Request, services: Services) -> Response:
    """P5: the claims waiting for the host's decision first, then the rest."""
    every = await services.expenses.claims()
    waiting = [c for c in every if c.status == ClaimStatus.submitted]
    return render(
        request,
        "host/claims.html",
        {
            "waiting": waiting,
            "others": [c for c in every if c.status != ClaimStatus.submitted],
            "words": words,
        },
    )


def _claim_page(request: Request, claim: Claim, shown: Shown = FIRST) -> HTMLResponse:
    return render(
        request,
        "host/claim.html",
        {
            "claim": claim,
            "deciding": claim.status == ClaimStatus.submitted,
            "payable": claim.status in (ClaimStatus.approved, ClaimStatus.partly_approved),
            "words": words,
            **shown.context(),
        },
        shown.status_code,
    )


@router.get("/claims/{claim_id}", name=PageName.host_claim, response_class=HTMLResponse)
async def claim(request: Request, claim_id: UUID, services: Services) -> Response:
    """R24-R28, P5: each line with its receipt, the rules' verdict and what is owed; while
    it waits for the host, approve or refuse each line."""
    found = await services.expenses.claim(claim_id)
    return _claim_page(request, found)


def read_decision(claim: Claim, form: Form) -> tuple[DecisionIn | None, FormErrors]:
    """Every line approved or refused; a refusal needs a reason the intern can read."""
    errors = form.errors
    decided = []
    for n, line in enumerate(claim.lines, start=1):
        verdict = form.get(f"line-{line.id}")
        reason = form.get(f"reason-{line.id}")
        if verdict not in ("approve", "refuse"):
            errors.add(f"line-{line.id}", f"Choose approve or refuse for line {n}")
        elif verdict == "refuse" and not reason:
            errors.add(f"reason-{line.id}", f"Say why you refuse line {n}")
        elif len(reason) > REASON_MAX:
            errors.add(
                f"reason-{line.id}", f"Keep the reason for line {n} to {REASON_MAX} characters"
            )
        else:
            approve = verdict == "approve"
            decided.append(
                LineDecisionIn(line_id=line.id, approve=approve, reason="" if approve else reason)
            )
    if errors:
        return None, errors
    return DecisionIn(lines=decided), errors


@router.post("/claims/{claim_id}/decision", response_class=HTMLResponse)
async def decide(request: Request, claim_id: UUID, services: Services) -> Response:
    """R24-R28, P5: the decision on every line goes at once; the intern is told."""
    found = await services.expenses.claim(claim_id)
    form = Form(await request.form())
    decision, errors = read_decision(found, form)
    if decision is None:
        return _claim_page(request, found, Shown(form.values, errors, 422))
    try:
        decided = await services.expenses.decide(claim_id, decision)
    except RemoteProblem as problem:
        errors = refusal(problem)
        again = await services.expenses.claim(claim_id)
        return _claim_page(request, again, Shown(form.values, errors, problem.status))
    return see_other(
        request,
        f"/host/claims/{claim_id}",
        flash=f"Decision sent; the intern is told. {words.DECIDED.get(decided.status, '')}".strip(),
    )


@router.get("/claims/{claim_id}/lines/{line_id}/receipt")
async def receipt(claim_id: UUID, line_id: UUID, services: Services) -> Response:
    """R28: the receipt as the intern sent it (a PDF, JPEG or PNG)."""
    found = await services.expenses.receipt(claim_id, line_id)
    # Named by the expenses service for the claim's reference ("MIP-27A-0042-E1-receipt-1").
    return as_sent(found, found.filename or "receipt")
