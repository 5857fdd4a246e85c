"""Hosts' routes: their placements, the applications forwarded to them, and CVs."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from mip.core.deps import AnyUser, HostUser, PoolDep
from services.applications.access.service import CV_MEDIA
from services.applications.catalogue.schemas import Placement
from services.applications.forwarded import service
from services.applications.forwarded.schemas import ForwardedApplication

router = APIRouter(prefix="/v1", tags=["hosts"])


@router.get("/host/placements")
async def my_placements(pool: PoolDep, me: HostUser) -> list[Placement]:
    return await service.placements_of(pool, me)


@router.get(
    "/host/placements/{placement_id}/applications",
    responses={409: {"description": "before the deadline: `forwarded_from` says when (R16)"}},
)
async def forwarded_applications(
    placement_id: UUID, pool: PoolDep, who: AnyUser
) -> list[ForwardedApplication]:
    """R16: after the deadline, every application to the placement; before it, a 409 that
    says when they will arrive."""
    return await service.forwarded_to(pool, placement_id, who)


@router.get("/applications/{application_id}/cv", response_class=Response)
async def read_cv(application_id: UUID, pool: PoolDep, who: AnyUser) -> Response:
    """Applicants and the office get the CV as sent; hosts its first pages, once forwarded."""
    found = await service.cv_for(pool, application_id, who)
    return Response(
        found.content,
        media_type=CV_MEDIA[found.format],
        headers={"Content-Disposition": f'inline; filename="{found.filename}"'},
    )
