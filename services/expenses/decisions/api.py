"""The host decides each line (with a reason for a refusal), may ask a question, and
records payment; the workflow holds the claim's state (P5)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from mip.core.deps import ApplicantUser, HostUser, Runtime
from services.expenses.contract import Claim, DecisionIn, LineDecision, NoteIn
from services.expenses.decisions import service
from workflows.expense_claim import ExpenseClaimWorkflow, HostDecision

router = APIRouter(prefix="/v1/claims", tags=["expenses"])


@router.post("/{claim_id}/decision")
async def decide(claim_id: UUID, body: DecisionIn, runtime: Runtime, me: HostUser) -> Claim:
    await service.as_host(runtime, claim_id, me)
    decision = HostDecision(
        decided_by=me.subject,
        lines=[
            LineDecision(line_id=str(d.line_id), approve=d.approve, reason=d.reason)
            for d in body.lines
        ],
    )
    return await service.update(runtime, claim_id, me, ExpenseClaimWorkflow.decide, decision)


@router.post("/{claim_id}/question")
async def ask(claim_id: UUID, body: NoteIn, runtime: Runtime, me: HostUser) -> Claim:
    await service.as_host(runtime, claim_id, me)
    return await service.note(runtime, claim_id, me, ExpenseClaimWorkflow.ask, body)


@router.post("/{claim_id}/answer")
async def answer(claim_id: UUID, body: NoteIn, runtime: Runtime, me: ApplicantUser) -> Claim:
    await service.as_intern(runtime, claim_id, me)
    return await service.note(runtime, claim_id, me, ExpenseClaimWorkflow.answer, body)


@router.post("/{claim_id}/payment")
async def record_payment(claim_id: UUID, body: NoteIn, runtime: Runtime, me: HostUser) -> Claim:
    await service.as_host(runtime, claim_id, me)
    return await service.note(runtime, claim_id, me, ExpenseClaimWorkflow.record_payment, body)
