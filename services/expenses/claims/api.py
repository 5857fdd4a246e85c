"""Interns claim expenses with receipts; the rules judge each line as it is added (P5)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from pydantic import AfterValidator

from mip.core.auth import Role
from mip.core.bounds import Day
from mip.core.deps import AnyUser, ApplicantUser, OfficeUser, Runtime
from mip.core.text import checked_text
from mip.core.uploads import bounded_upload, read_bounded
from services.expenses.claims import lines, service
from services.expenses.claims.schemas import PLACE_MAX_LENGTH, ClaimIn, HostTotals
from services.expenses.config import expenses_settings, receipt_limit
from services.expenses.contract import Category, Claim, ClaimState, Limits, TravelMode
from services.expenses.receipts import check_receipt

router = APIRouter(prefix="/v1", tags=["expenses"])


@router.get("/limits")
async def limits(runtime: Runtime, _: AnyUser) -> Limits:
    """A receipt's size limit and a line's largest amount (R28): a form says them, and
    checks a receipt against them before sending it."""
    config = expenses_settings(runtime)
    return Limits(receipt_max_bytes=config.receipt_max_bytes, line_max_pence=config.line_max_pence)


@router.post("/claims", status_code=status.HTTP_201_CREATED)
async def start_claim(body: ClaimIn, runtime: Runtime, me: ApplicantUser) -> Claim:
    """From the introduction on, an intern claims for their accepted placement."""
    return await service.start(runtime, body.application_id, me)


async def add_line(
    claim_id: UUID,
    runtime: Runtime,
    me: ApplicantUser,
    category: Annotated[Category, Form()],
    spent_on: Annotated[Day, Form()],
    amount: Annotated[str, Form(description="pounds and pence, e.g. 12.40")],
    description: Annotated[str, AfterValidator(checked_text), Form(min_length=1, max_length=500)],
    receipt: Annotated[UploadFile, File(description="PDF, JPEG or PNG; required (R28)")],
    travel_from: Annotated[
        str | None, Form(max_length=PLACE_MAX_LENGTH, description="travel: where it began")
    ] = None,
    travel_to: Annotated[
        str | None, Form(max_length=PLACE_MAX_LENGTH, description="travel: where it ended")
    ] = None,
    travel_mode: Annotated[TravelMode | None, Form(description="travel: how")] = None,
) -> Claim:
    """A line and its receipt; a travel line also says from where, to where and how,
    and the rules judge that journey (R24-R27). A lunch line needs no journey."""
    await service.draft_of(runtime, claim_id, me)
    journey = lines.journey(category, travel_from, travel_to, travel_mode)
    config = expenses_settings(runtime)
    pence = lines.pence(amount, max_pence=config.line_max_pence)
    content = await read_bounded(receipt, field="receipt", max_bytes=config.receipt_max_bytes)
    media_type = check_receipt(content, max_bytes=config.receipt_max_bytes)
    line = service.NewLine(
        category,
        spent_on,
        pence,
        description,
        journey,
        (receipt.filename or "receipt", media_type, content),
    )
    await service.add_line(runtime, claim_id, line)
    return await service.readable(runtime, claim_id, me)


router.add_api_route(
    "/claims/{claim_id}/lines",
    add_line,
    methods=["POST"],
    status_code=status.HTTP_201_CREATED,
    responses={
        413: {"description": "The receipt is larger than the limit; nothing past it is read"}
    },
    # The token is checked before the body is read, and the body is read no further than
    # the receipt's size limit (see `mip.core.uploads`).
    route_class_override=bounded_upload(
        field="receipt", max_file_bytes=receipt_limit, roles=(Role.applicant,)
    ),
)


@router.delete(
    "/claims/{claim_id}/lines/{line_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
async def remove_line(claim_id: UUID, line_id: UUID, runtime: Runtime, me: ApplicantUser) -> None:
    await service.remove_line(runtime, claim_id, line_id, me)


@router.post("/claims/{claim_id}/submit")
async def submit_claim(claim_id: UUID, runtime: Runtime, me: ApplicantUser) -> Claim:
    return await service.submit(runtime, claim_id, me)


@router.get("/claims")
async def list_claims(
    runtime: Runtime,
    who: AnyUser,
    state: Annotated[
        ClaimState | None,
        Query(
            alias="status",
            description="only claims in this state, e.g. `submitted`: awaiting the host",
        ),
    ] = None,
) -> list[Claim]:
    """Interns see their claims, hosts the submitted claims for their placements (never a
    draft), the office all (P5)."""
    return await service.visible(runtime, who, state)


@router.get("/claims/{claim_id}")
async def read_claim(claim_id: UUID, runtime: Runtime, who: AnyUser) -> Claim:
    return await service.readable(runtime, claim_id, who)


@router.get("/claims/{claim_id}/lines/{line_id}/receipt", response_class=Response)
async def read_receipt(claim_id: UUID, line_id: UUID, runtime: Runtime, who: AnyUser) -> Response:
    content, media_type, name = await service.receipt(runtime, claim_id, line_id, who)
    headers = {"Content-Disposition": f'inline; filename="{name}"'}
    return Response(content, media_type=media_type, headers=headers)


@router.get("/office/expenses/totals")
async def totals(runtime: Runtime, _: OfficeUser) -> list[HostTotals]:
    return await service.totals(runtime)
