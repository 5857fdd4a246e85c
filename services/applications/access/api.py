"""Subject access (issue 23): a person's own data, and the office's copy of anyone's."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import EmailStr

from mip.core.deps import AnyUser, OfficeOrService, PersonUser, PoolDep
from services.applications.access import service
from services.applications.contract import ApplicationsData

router = APIRouter(prefix="/v1", tags=["subject access"])


@router.get("/me/data")
async def my_data(pool: PoolDep, me: PersonUser) -> ApplicationsData:
    """Everything held about the signed-in applicant or host's contact."""
    return await service.held_about(pool, me.subject)


@router.get("/office/people/{email}/data")
async def data_of(email: EmailStr, pool: PoolDep, _: OfficeOrService) -> ApplicationsData:
    """The same for any address: the office answering a subject access request; the
    offers service finding whose applications its marks are about."""
    return await service.held_about(pool, email)


@router.get("/people/{email}/cvs/{application_id}", response_class=Response)
async def own_cv(email: EmailStr, application_id: UUID, pool: PoolDep, who: AnyUser) -> Response:
    """A CV as sent, listed in `files` of the data above: to its applicant or the office."""
    content, media_type = await service.own_cv(pool, email, application_id, who)
    return Response(content, media_type=media_type)
