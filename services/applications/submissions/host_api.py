"""What hosts see once applications are forwarded (R16, R17): statements cut to the word
limit, CVs cut to two pages, and nothing of the equal-opportunities answers (R9)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from mip.core.auth import Principal, Role
from mip.core.deps import AnyUser, HostUser, OfficeOrService, Runtime
from mip.core.errors import NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.catalogue import repository as catalogue
from services.applications.catalogue.schemas import Placement
from services.applications.submissions import repository as repo
from services.applications.submissions.schemas import ForwardedApplication

router = APIRouter(prefix="/v1", tags=["hosts"])
MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}


async def _own_placement(runtime: ServiceRuntime, placement_id: UUID, who: Principal) -> Placement:
    async with runtime.pool.acquire() as conn:
        found = await catalogue.get_placement(conn, placement_id)
    hosts_it = found is not None and str(found.host.contact_email).lower() == who.subject.lower()
    if found is None or not (hosts_it or who.role in (Role.office, Role.service)):
        raise NotFound(f"There is no placement {placement_id} of yours.")
    return found


@router.get("/host/placements")
async def my_placements(runtime: Runtime, me: HostUser) -> list[Placement]:
    async with runtime.pool.acquire() as conn:
        return await catalogue.placements_of_host(conn, me.subject)


@router.get("/host/placements/{placement_id}/applications")
async def forwarded_applications(
    placement_id: UUID, runtime: Runtime, who: AnyUser
) -> list[ForwardedApplication]:
    if who.role is Role.applicant:
        raise NotFound(f"There is no placement {placement_id} of yours.")
    await _own_placement(runtime, placement_id, who)
    async with runtime.pool.acquire() as conn:
        rows = await repo.forwarded_to(conn, placement_id)
    return [
        ForwardedApplication(
            id=r["id"],
            applicant_name=r["name"],
            applicant_email=r["applicant_email"],
            status=r["status"],
            statement=r["statement_for_hosts"],
            cv_url=f"/v1/applications/{r['id']}/cv",
            cv_format=r["format"],
            submitted_at=r["submitted_at"],
        )
        for r in rows
    ]


@router.get("/applications/{application_id}/cv", response_class=Response)
async def read_cv(application_id: UUID, runtime: Runtime, who: AnyUser) -> Response:
    """Applicants and the office get the CV as sent; hosts its first pages, once forwarded."""
    async with runtime.pool.acquire() as conn:
        row = await repo.cv(conn, application_id)
    if row is None:
        raise NotFound(f"There is no application {application_id}.")
    if who.role is Role.host:
        await _own_placement(runtime, row["placement_id"], who)
        if row["status"] in ("submitted", "withdrawn"):
            raise NotFound(f"There is no application {application_id} forwarded to you.")
        content = row["host_copy"]
    elif who.role is Role.office or row["applicant_email"].lower() == who.subject.lower():
        content = row["content"]
    else:
        raise NotFound(f"There is no application {application_id}.")
    return Response(
        content,
        media_type=MEDIA[row["format"]],
        headers={"Content-Disposition": f'inline; filename="cv.{row["format"]}"'},
    )


@router.get("/rounds/{round_id}/application-counts")
async def application_counts(
    round_id: UUID, runtime: Runtime, _: OfficeOrService
) -> dict[UUID, dict[str, int]]:
    async with runtime.pool.acquire() as conn:
        return await repo.counts_by_placement(conn, round_id)
