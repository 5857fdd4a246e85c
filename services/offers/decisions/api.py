"""Applicants answer offers (R19, R20) and may withdraw after accepting (R23)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from mip.core.auth import Principal, Role, require_role
from mip.core.deps import AnyUser, ApplicantUser, Runtime
from services.offers.contract import Offer
from services.offers.decisions import service
from services.offers.decisions.schemas import Reason
from workflows.application import ApplicationView, ApplicationWorkflow, WithdrawRequest
from workflows.messages import Decision

router = APIRouter(prefix="/v1", tags=["offers"])
HostOrOffice = Annotated[Principal, Depends(require_role(Role.host, Role.office))]


@router.get("/me/offers")
async def my_offers(runtime: Runtime, me: ApplicantUser) -> list[Offer]:
    return await service.offers_of(runtime, me)


@router.get("/placements/{placement_id}/offers")
async def placement_offers(placement_id: UUID, runtime: Runtime, who: HostOrOffice) -> list[Offer]:
    """R19, P2: a host follows the offers on their own placement: who holds one, until when,
    and how each ended; another host's placement is not found."""
    return await service.offers_on(runtime, placement_id, who)


@router.get("/offers/{application_id}")
async def read_offer(application_id: UUID, runtime: Runtime, who: AnyUser) -> Offer:
    return await service.offer_for(runtime, application_id, who)


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
    return await service.decide(
        runtime, application_id, me, ApplicationWorkflow.accept, Decision(actor=me.subject)
    )


@router.post("/offers/{application_id}/decline")
async def decline(
    application_id: UUID, runtime: Runtime, me: ApplicantUser, body: Reason | None = None
) -> ApplicationView:
    """A reason is welcome, not required."""
    reason = body.reason if body else ""
    return await service.decide(
        runtime,
        application_id,
        me,
        ApplicationWorkflow.decline,
        Decision(actor=me.subject, reason=reason),
    )


@router.post("/offers/{application_id}/withdraw")
async def withdraw_after_acceptance(
    application_id: UUID, body: Reason, runtime: Runtime, me: ApplicantUser
) -> ApplicationView:
    """R23: allowed, recorded, and reported to the host and the office."""
    return await service.decide(
        runtime,
        application_id,
        me,
        ApplicationWorkflow.withdraw,
        WithdrawRequest(actor=me.subject, reason=body.reason),
    )
