"""Submitting, reading and withdrawing applications (R10-R16, P1, P6)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Header, Response, UploadFile, status
from pydantic import AfterValidator

from mip.core.auth import Principal, Role
from mip.core.deps import AnyUser, ApplicantUser, PoolDep, Runtime
from mip.core.errors import Conflict, NotFound
from mip.core.runtime import ServiceRuntime
from mip.core.text import checked_text
from mip.core.uploads import bounded_upload, read_bounded
from services.applications.config import ApplicationsSettings
from services.applications.submissions import repository as repo
from services.applications.submissions.schemas import Application, Event, WithdrawIn
from services.applications.submissions.service import Submission, submit
from workflows.application import ApplicationWorkflow, WithdrawRequest

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
    content = await read_bounded(cv, field="cv", max_bytes=ApplicationsSettings().cv_max_bytes)
    created, new = await submit(
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
        field="cv",
        max_file_bytes=lambda: ApplicationsSettings().cv_max_bytes,
        roles=(Role.applicant,),
    ),
)


@router.get("/me/applications")
async def my_applications(pool: PoolDep, me: ApplicantUser) -> list[Application]:
    async with pool.acquire() as conn:
        return await repo.list_for_applicant(conn, me.subject)


async def _readable(runtime: ServiceRuntime, application_id: UUID, who: Principal) -> Application:
    """Applicants read their own, the office (and services) any; hosts none here (R16)."""
    async with runtime.pool.acquire() as conn:
        found = await repo.get(conn, application_id)
    mine = found is not None and found.applicant_email.lower() == who.subject.lower()
    trusted = who.role in (Role.office, Role.service)
    if found is None or not (trusted or (who.role is Role.applicant and mine)):
        raise NotFound(f"There is no application {application_id} that you can see.")
    return found


@router.get("/applications/{application_id}")
async def read_application(application_id: UUID, runtime: Runtime, who: AnyUser) -> Application:
    return await _readable(runtime, application_id, who)


@router.get("/applications/{application_id}/history")
async def application_history(application_id: UUID, runtime: Runtime, who: AnyUser) -> list[Event]:
    """Every change of state with who, when and why (P6)."""
    return (await _readable(runtime, application_id, who)).history


@router.post("/applications/{application_id}/withdraw")
async def withdraw(
    application_id: UUID, body: WithdrawIn, runtime: Runtime, me: ApplicantUser
) -> Application:
    """Before the deadline, frees the slot for another application (R12)."""
    found = await _readable(runtime, application_id, me)

    async def finished(_: object) -> Exception:
        status = (await _readable(runtime, application_id, me)).status
        words = status.replace("_", " ")
        return Conflict(f"The application is {words}; it cannot be withdrawn now.", reason=status)

    # A refusal is a 409 in the workflow's words; a finished workflow a 409, never a 500.
    await runtime.update_workflow(
        found.workflow_id,
        ApplicationWorkflow.withdraw,
        WithdrawRequest(actor=me.subject, reason=body.reason),
        why_closed=finished,
    )
    return await _readable(runtime, application_id, me)
