"""What hosts see once applications are forwarded (R16, R17): statements cut to the word
limit, CVs cut to two pages, and nothing of the equal-opportunities answers (R9). The office
and services see any placement's; an applicant sees only their own CV, as sent."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from mip.core import when
from mip.core.auth import Principal, Role
from mip.core.errors import Conflict, NotFound
from mip.core.text import file_name, surname_first
from services.applications.access import service as access
from services.applications.catalogue import service as catalogue
from services.applications.catalogue.schemas import Placement
from services.applications.forwarded import repository as repo
from services.applications.forwarded.schemas import CvFile, ForwardedApplication


async def own_placement(pool: asyncpg.Pool, placement_id: UUID, who: Principal) -> Placement:
    """A host's own placement, or any for the office: others learn nothing, not even that
    it exists."""
    found = await catalogue.placement(pool, placement_id)
    hosts_it = found is not None and str(found.host.contact_email).lower() == who.subject.lower()
    if found is None or not (hosts_it or who.role in (Role.office, Role.service)):
        raise NotFound(f"There is no placement {placement_id} of yours.")
    return found


async def placements_of(pool: asyncpg.Pool, host: Principal) -> list[Placement]:
    return await catalogue.placements_of_host(pool, host.subject)


async def forwarded_to(
    pool: asyncpg.Pool, placement_id: UUID, who: Principal
) -> list[ForwardedApplication]:
    if who.role is Role.applicant:
        raise NotFound(f"There is no placement {placement_id} of yours.")
    placement = await own_placement(pool, placement_id, who)
    if who.role is Role.host:
        await _arrived_yet(pool, placement)
    async with pool.acquire() as conn:
        rows = await repo.forwarded_to(conn, placement_id)
    return [
        ForwardedApplication.model_validate({**dict(r), "cv_url": f"/v1/applications/{r['id']}/cv"})
        for r in rows
    ]


async def _arrived_yet(pool: asyncpg.Pool, placement: Placement) -> None:
    """R16: before the deadline a host is told when the applications will come, rather
    than shown an empty list that reads as "nobody applied"."""
    deadline = (await catalogue.round_of(pool, placement.round_id)).clock.deadline_at
    if datetime.now(UTC) < deadline:
        raise Conflict(
            "Applications are forwarded to you after the deadline: they arrive here at "
            f"{when.when(deadline)}.",
            forwarded_from=deadline.isoformat(),
        )


async def cv_for(pool: asyncpg.Pool, application_id: UUID, who: Principal) -> CvFile:
    """Applicants and the office get the CV as sent; hosts its first pages, once forwarded."""
    async with pool.acquire() as conn:
        row = await repo.cv(conn, application_id)
    if row is None:
        raise NotFound(f"There is no application {application_id}.")
    if who.role is Role.host:
        await own_placement(pool, row["placement_id"], who)
        if row["status"] in ("submitted", "withdrawn"):
            raise NotFound(f"There is no application {application_id} forwarded to you.")
        content = row["host_copy"]
    elif who.role is Role.office or row["applicant_email"].lower() == who.subject.lower():
        content = row["content"]
    else:
        raise NotFound(f"There is no application {application_id}.")
    if row["erased_at"] is not None:
        raise NotFound(
            f"The CV of application {application_id} was erased on MIP's retention schedule."
        )
    async with pool.acquire() as conn:
        await access.record_cv_opening(conn, application_id, who)
    name = file_name(*surname_first(row["name"]), "CV", extension=row["format"])
    return CvFile(content=content, format=row["format"], filename=name)
