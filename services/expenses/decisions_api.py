"""The host decides each line (with a reason for a refusal), may ask a question, and
records payment; the workflow holds the claim's state (P5)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from mip.core.deps import ApplicantUser, HostUser, Runtime
from mip.core.errors import NotFound
from services.expenses.api import readable
from services.expenses.schemas import Claim, DecisionIn, NoteIn
from workflows.expense_claim import (
    ExpenseClaimWorkflow,
    HostDecision,
    LineDecision,
    Message,
    workflow_id,
)

router = APIRouter(prefix="/v1/claims", tags=["expenses"])


async def _update(runtime: Runtime, claim_id: UUID, update: Any, arg: Any) -> None:
    # A claim shown as submitted can be decided at once, even before its workflow started.
    await runtime.update_workflow(workflow_id(str(claim_id)), update, arg)


async def _as_host(runtime: Runtime, claim_id: UUID, host: Any) -> Claim:
    claim = await readable(runtime, claim_id, host)
    if claim.status == "draft":
        raise NotFound(f"There is no claim {claim_id} that you can see.")
    return claim


@router.post("/{claim_id}/decision")
async def decide(claim_id: UUID, body: DecisionIn, runtime: Runtime, me: HostUser) -> Claim:
    await _as_host(runtime, claim_id, me)
    decision = HostDecision(
        decided_by=me.subject,
        lines=[
            LineDecision(line_id=str(d.line_id), approve=d.approve, reason=d.reason)
            for d in body.lines
        ],
    )
    await _update(runtime, claim_id, ExpenseClaimWorkflow.decide, decision)
    return await readable(runtime, claim_id, me)


@router.post("/{claim_id}/question")
async def ask(claim_id: UUID, body: NoteIn, runtime: Runtime, me: HostUser) -> Claim:
    await _as_host(runtime, claim_id, me)
    await _update(
        runtime, claim_id, ExpenseClaimWorkflow.ask, Message(author=me.subject, text=body.text)
    )
    return await readable(runtime, claim_id, me)


@router.post("/{claim_id}/answer")
async def answer(claim_id: UUID, body: NoteIn, runtime: Runtime, me: ApplicantUser) -> Claim:
    claim = await readable(runtime, claim_id, me)
    if claim.intern_email.lower() != me.subject.lower():
        raise NotFound(f"There is no claim {claim_id} of yours.")
    await _update(
        runtime, claim_id, ExpenseClaimWorkflow.answer, Message(author=me.subject, text=body.text)
    )
    return await readable(runtime, claim_id, me)


@router.post("/{claim_id}/payment")
async def record_payment(claim_id: UUID, body: NoteIn, runtime: Runtime, me: HostUser) -> Claim:
    await _as_host(runtime, claim_id, me)
    await _update(
        runtime,
        claim_id,
        ExpenseClaimWorkflow.record_payment,
        Message(author=me.subject, text=body.text),
    )
    return await readable(runtime, claim_id, me)
