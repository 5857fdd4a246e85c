"""Interns claim expenses with receipts; the rules judge each line as it is added (P5)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from pydantic import AfterValidator

from mip.core import outbox
from mip.core.auth import Principal, Role
from mip.core.bounds import Day
from mip.core.deps import AnyUser, ApplicantUser, OfficeUser, Runtime
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from mip.core.text import checked_text
from mip.core.uploads import bounded_upload, read_bounded
from services.applications.client import ApplicationsClient
from services.expenses import repository as repo
from services.expenses.config import ExpensesSettings
from services.expenses.policy import (
    Category,
    Host,
    HostKind,
    Journey,
    Line,
    Location,
    TravelMode,
    judge,
)
from services.expenses.receipts import check_receipt
from services.expenses.schemas import PLACE_MAX_LENGTH, Claim, ClaimIn, HostTotals, to_pence
from workflows.expense_claim import ClaimInput, ExpenseClaimWorkflow, workflow_id
from workflows.queues import WORKFLOWS

router = APIRouter(prefix="/v1", tags=["expenses"])
CLAIMABLE = {"accepted", "introduced"}


async def readable(runtime: ServiceRuntime, claim_id: UUID, who: Principal) -> Claim:
    async with runtime.pool.acquire() as conn:
        row = await repo.claim_row(conn, claim_id)
        found = await repo.read(conn, claim_id) if row else None
    allowed = row is not None and (
        who.role is Role.office
        or row["intern_email"].lower() == who.subject.lower()
        or (who.role is Role.host and row["host_contact_email"].lower() == who.subject.lower())
    )
    if found is None or not allowed:
        raise NotFound(f"There is no claim {claim_id} that you can see.")
    return found


@router.post("/claims", status_code=status.HTTP_201_CREATED)
async def start_claim(body: ClaimIn, runtime: Runtime, me: ApplicantUser) -> Claim:
    """From the introduction on, an intern claims for their accepted placement."""
    async with ApplicationsClient(
        runtime.settings.applications_url, runtime.service_token()
    ) as apps:
        application = await apps.application(body.application_id)
        placement = await apps.placement(application.placement_id)
    if application.applicant_email.lower() != me.subject.lower():
        raise NotFound(f"There is no application {body.application_id} of yours.")
    if application.status not in CLAIMABLE:
        raise InvalidInput(
            "Expenses are claimed for an accepted placement, from the introduction on."
        )
    host = placement.host
    async with runtime.pool.acquire() as conn:
        claim_id = await repo.insert_claim(
            conn,
            {
                "application_id": application.id,
                "placement_id": placement.id,
                "placement_title": placement.title,
                "days": placement.days,
                "intern_email": me.subject,
                "intern_name": application.applicant_name,
                "host_name": host.name,
                "host_kind": host.kind.value,
                "host_location": host.location.value,
                "host_contact_name": host.contact_name,
                "host_contact_email": str(host.contact_email),
            },
        )
        await repo.add_event(conn, claim_id, me.subject, "draft", "claim started")
    return await readable(runtime, claim_id, me)


async def _draft_of(runtime: ServiceRuntime, claim_id: UUID, me: Principal) -> Claim:
    claim = await readable(runtime, claim_id, me)
    if claim.intern_email.lower() != me.subject.lower():
        raise NotFound(f"There is no claim {claim_id} of yours.")
    if claim.status != "draft":
        raise Conflict(f"The claim is {claim.status}; lines are added before it is submitted.")
    return claim


def _breaks_line(char: str) -> bool:
    return char != "\t" and unicodedata.category(char) in ("Cc", "Zl", "Zp")


def _journey(
    category: Category, origin: str | None, destination: str | None, mode: TravelMode | None
) -> Journey | None:
    """A travel line's journey, every fact of it; a lunch line has none (R24-R27)."""
    if not category.is_travel:
        return None
    facts = {"travel_from": origin, "travel_to": destination}
    for field, value in facts.items():
        if value is not None and any(_breaks_line(c) for c in value.strip()):
            raise InvalidInput(
                f"{field} is a place name on one line.",
                errors=[{"location": f"body.{field}", "message": "one line of text"}],
            )
    places = {field: " ".join((value or "").split()) for field, value in facts.items()}
    missing = [field for field, value in places.items() if not value]
    if mode is None:
        missing.append("travel_mode")
    if missing:
        raise InvalidInput(
            "A travel line says from where, to where and how (bus, train, ...); "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing.",
            errors=[{"location": f"body.{field}", "message": "required"} for field in missing],
        )
    assert mode is not None
    return Journey(places["travel_from"], places["travel_to"], mode)


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
    await _draft_of(runtime, claim_id, me)
    journey = _journey(category, travel_from, travel_to, travel_mode)
    config = ExpensesSettings()
    try:
        pence = to_pence(Decimal(amount), max_pence=config.line_max_pence)
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            f"The amount {amount[:40]!r} is not valid: {exc or 'not a number'}.",
            errors=[{"location": "body.amount", "message": str(exc) or "not a number"}],
        ) from exc
    content = await read_bounded(receipt, field="receipt", max_bytes=config.receipt_max_bytes)
    media_type = check_receipt(content, max_bytes=config.receipt_max_bytes)
    async with runtime.pool.acquire() as conn, conn.transaction():
        row = await repo.claim_row(conn, claim_id, lock=True)
        assert row is not None
        host = Host(HostKind(row["host_kind"]), Location(row["host_location"]))
        verdict = judge(
            Line(category, spent_on, pence, journey),
            host,
            list(row["days"]),
            bus_pass_cap_pence=config.bus_pass_cap_pence,
            places=config.gazetteer(),
        )
        await repo.insert_line(
            conn,
            claim_id,
            {
                "category": category.value,
                "spent_on": spent_on,
                "amount_pence": pence,
                "description": description,
                "travel_from": journey.origin if journey else None,
                "travel_to": journey.destination if journey else None,
                "travel_mode": journey.mode.value if journey else None,
            },
            verdict,
            (receipt.filename or "receipt", media_type, content),
        )
    return await readable(runtime, claim_id, me)


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
        field="receipt",
        max_file_bytes=lambda: ExpensesSettings().receipt_max_bytes,
        roles=(Role.applicant,),
    ),
)


@router.delete("/claims/{claim_id}/lines/{line_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_line(claim_id: UUID, line_id: UUID, runtime: Runtime, me: ApplicantUser) -> None:
    await _draft_of(runtime, claim_id, me)
    async with runtime.pool.acquire() as conn:
        if not await repo.delete_line(conn, claim_id, line_id):
            raise NotFound(f"The claim has no line {line_id}.")


@router.post("/claims/{claim_id}/submit")
async def submit_claim(claim_id: UUID, runtime: Runtime, me: ApplicantUser) -> Claim:
    claim = await _draft_of(runtime, claim_id, me)
    if not claim.lines:
        raise InvalidInput("Add at least one line, with its receipt, before submitting.")
    async with runtime.pool.acquire() as conn, conn.transaction():
        row = await repo.claim_row(conn, claim_id, lock=True)
        assert row is not None
        if row["status"] != "draft":
            raise Conflict("The claim has been submitted already.")
        await repo.mark_submitted(conn, claim_id)
        await repo.add_event(conn, claim_id, me.subject, "submitted")
        start = ClaimInput(
            claim_id=str(claim_id),
            placement_id=str(claim.placement_id),
            placement_title=claim.placement_title,
            intern_email=claim.intern_email,
            intern_name=row["intern_name"],
            host_contact_email=row["host_contact_email"],
            host_contact_name=row["host_contact_name"],
            office_email=ExpensesSettings().office_email,
            line_ids=[str(line.id) for line in claim.lines],
            owed_pence=claim.owed_pence,
        )
        await outbox.enqueue(
            conn,
            workflow_type=ExpenseClaimWorkflow.__name__,
            workflow_id=workflow_id(str(claim_id)),
            task_queue=runtime.settings.queue(WORKFLOWS),
            arg=start.model_dump(mode="json"),
        )
    runtime.start_soon(workflow_id(str(claim_id)))
    return await readable(runtime, claim_id, me)


@router.get("/claims")
async def list_claims(runtime: Runtime, who: AnyUser) -> list[Claim]:
    """Interns see their claims, hosts the claims for their placements, the office all."""
    intern = who.subject if who.role is Role.applicant else None
    host = who.subject if who.role is Role.host else None
    if who.role is Role.service:
        return []
    async with runtime.pool.acquire() as conn:
        ids = await repo.claim_ids(conn, intern=intern, host=host)
    return [await readable(runtime, i, who) for i in ids]


@router.get("/claims/{claim_id}")
async def read_claim(claim_id: UUID, runtime: Runtime, who: AnyUser) -> Claim:
    return await readable(runtime, claim_id, who)


@router.get("/claims/{claim_id}/lines/{line_id}/receipt", response_class=Response)
async def read_receipt(claim_id: UUID, line_id: UUID, runtime: Runtime, who: AnyUser) -> Response:
    await readable(runtime, claim_id, who)
    async with runtime.pool.acquire() as conn:
        row = await repo.receipt(conn, claim_id, line_id)
    if row is None:
        raise NotFound(f"The claim has no line {line_id}.")
    return Response(row["content"], media_type=row["media_type"])


@router.get("/office/expenses/totals")
async def totals(runtime: Runtime, _: OfficeUser) -> list[HostTotals]:
    async with runtime.pool.acquire() as conn:
        return await repo.totals_by_host(conn)
