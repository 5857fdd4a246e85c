"""Submitting, reading and withdrawing applications (R10-R16, P1, P6)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Header, Path, Response, UploadFile, status
from pydantic import AfterValidator

from mip.core.auth import Role
from mip.core.deps import AnyUser, ApplicantUser, OfficeOrService, PoolDep, Runtime
from mip.core.text import checked_text
from mip.core.uploads import bounded_upload, read_bounded
from services.applications.config import applications_settings, cv_limit
from services.applications.submissions import service
from services.applications.submissions.idempotency import Submission
from services.applications.submissions.schemas import Application, Event, Limits, WithdrawIn

router = APIRouter(prefix="/v1", tags=["applications"])


async def submit_application(
    response: Response,
    runtime: Runtime,
    me: ApplicantUser,
    placement_id: Annotated[UUID, Form()],
    statement: Annotated[
        str,
        AfterValidator(checked_text),
        Form(description="about 300 words; a longer one is cut for hosts"),
    ],
    cv: Annotated[UploadFile, File(description="PDF, .docx or .doc; two pages")],
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Application:
    """The token is checked before the body is read, and the body is read no further than
    the CV's size limit (see `mip.core.uploads`)."""
    content = await read_bounded(
        cv, field="cv", max_bytes=applications_settings(runtime).cv_max_bytes
    )
    created, new = await service.submit(
        runtime,
        me,
        Submission(
            placement_id=placement_id,
            statement=statement,
            cv_filename=cv.filename or "cv",
            cv_content=content,
            idempotency_key=idempotency_key,
        ),
    )
    if not new:
        response.status_code = status.HTTP_200_OK
    return created


router.add_api_route(
    "/applications",
    submit_application,
    methods=["POST"],
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "A retry with the same Idempotency-Key and request: the first result"},
        409: {
            "description": "Over the limit (R12), already applied for this placement, or a "
            "request with the same Idempotency-Key is still being processed (retry shortly)"
        },
        413: {"description": "The CV is larger than the limit; nothing past it is read"},
        422: {
            "description": "Late (R14), ineligible (R6-R7), the CV is refused (R11), or the "
            "Idempotency-Key was already used for a different request"
        },
    },
    route_class_override=bounded_upload(
        field="cv", max_file_bytes=cv_limit, roles=(Role.applicant,)
    ),
)


@router.get("/limits")
async def limits(runtime: Runtime, _: AnyUser) -> Limits:
    """The CV's size limit and the statement's length (R11, R13): a form says them, and
    checks a file against them before sending it."""
    config = applications_settings(runtime)
    return Limits(cv_max_bytes=config.cv_max_bytes, statement_max_chars=config.statement_max_chars)


@router.get("/me/applications")
async def my_applications(pool: PoolDep, me: ApplicantUser) -> list[Application]:
    return await service.mine(pool, me)


@router.get("/applications/by-reference/{reference}")
async def application_by_reference(
    reference: Annotated[str, Path(max_length=40)], pool: PoolDep, _: OfficeOrService
) -> Application:
    """The office finds an application by the reference applicants and hosts quote
    ("MIP-27A-0042")."""
    return await service.by_reference(pool, reference)


@router.get("/applications/{application_id}")
async def read_application(application_id: UUID, runtime: Runtime, who: AnyUser) -> Application:
    return await service.readable(runtime, application_id, who)


@router.get("/applications/{application_id}/history")
async def application_history(application_id: UUID, runtime: Runtime, who: AnyUser) -> list[Event]:
    """Every change of state with who, when and why (P6)."""
    return (await service.readable(runtime, application_id, who)).history


@router.post("/applications/{application_id}/withdraw")
async def withdraw(
    application_id: UUID, body: WithdrawIn, runtime: Runtime, me: ApplicantUser
) -> Application:
    """Before the deadline, frees the slot for another application (R12)."""
    return await service.withdraw(runtime, application_id, me, body.reason)


@router.get("/rounds/{round_id}/application-counts")
async def application_counts(
    round_id: UUID, pool: PoolDep, _: OfficeOrService
) -> dict[UUID, dict[str, int]]:
    """How many applications each placement has, by status (the office's round view)."""
    return await service.counts(pool, round_id)
