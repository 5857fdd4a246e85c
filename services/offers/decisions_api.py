"""Applicants answer offers (R19, R20) and may withdraw after accepting (R23)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mip.core.auth import Principal, Role
from mip.core.deps import AnyUser, ApplicantUser, Runtime
from mip.core.errors import NotFound
from mip.core.runtime import ServiceRuntime
from services.offers import repository as repo
from services.offers.workflow_calls import why_offer_closed
from workflows.application import ApplicationView, ApplicationWorkflow, WithdrawRequest
from workflows.application import workflow_id as application_workflow
from workflows.offer_contracts import Decision

router = APIRouter(prefix="/v1", tags=["offers"])


class Offer(BaseModel):
    application_id: UUID
    round_id: UUID
    placement_id: UUID
    applicant_email: str
    status: str
    offered_at: datetime
    expires_at: datetime | None
    decided_at: datetime | None
    reason: str


class Reason(BaseModel):
    reason: str = Field(default="", max_length=1000)


async def _offer(runtime: ServiceRuntime, application_id: UUID, who: Principal) -> Offer:
    async with runtime.pool.acquire() as conn:
        row = await repo.offer_of(conn, application_id)
    mine = row is not None and row["applicant_email"].lower() == who.subject.lower()
    if row is None or not (mine or who.role is Role.office):
        raise NotFound(f"You have no offer for application {application_id}.")
    return Offer.model_validate(dict(row))


@router.get("/me/offers")
async def my_offers(runtime: Runtime, me: ApplicantUser) -> list[Offer]:
    async with runtime.pool.acquire() as conn:
        return [Offer.model_validate(dict(r)) for r in await repo.offers_of(conn, me.subject)]


@router.get("/offers/{application_id}")
async def read_offer(application_id: UUID, runtime: Runtime, who: AnyUser) -> Offer:
    return await _offer(runtime, application_id, who)


async def _decide(
    runtime: ServiceRuntime, application_id: UUID, update: object, arg: object
) -> ApplicationView:
    view: ApplicationView = await runtime.update_workflow(
        application_workflow(str(application_id)), update, arg, why_closed=why_offer_closed
    )
    return view


@router.post(
    "/offers/{application_id}/accept",
    responses={
        409: {
            "description": "lapsed, "
            "declined, withdrawn, or another offer of the round already accepted"
        }
    },
)
async def accept(application_id: UUID, runtime: Runtime, me: ApplicantUser) -> ApplicationView:
    """The workflow decides: only one acceptance per applicant per round (R20)."""
    await _offer(runtime, application_id, me)
    return await _decide(
        runtime, application_id, ApplicationWorkflow.accept, Decision(actor=me.subject)
    )


@router.post("/offers/{application_id}/decline")
async def decline(
    application_id: UUID, runtime: Runtime, me: ApplicantUser, body: Reason | None = None
) -> ApplicationView:
    """A reason is welcome, not required."""
    await _offer(runtime, application_id, me)
    reason = body.reason if body else ""
    return await _decide(
        runtime,
        application_id,
        ApplicationWorkflow.decline,
        Decision(actor=me.subject, reason=reason),
    )


@router.post("/offers/{application_id}/withdraw")
async def withdraw_after_acceptance(
    application_id: UUID, body: Reason, runtime: Runtime, me: ApplicantUser
) -> ApplicationView:
    """R23: allowed, recorded, and reported to the host and the office."""
    await _offer(runtime, application_id, me)
    return await _decide(
        runtime,
        application_id,
        ApplicationWorkflow.withdraw,
        WithdrawRequest(actor=me.subject, reason=body.reason),
    )
