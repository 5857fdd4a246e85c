"""Subject access (issue 23): a person's own data, the office's copy of anyone's, and the
CVs they list."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response
from pydantic import EmailStr

from mip.core.access_routes import data_routes
from mip.core.auth import Role
from mip.core.deps import AnyUser, PoolDep
from mip.core.runtime import ServiceRuntime
from services.applications.access import service
from services.applications.contract import ApplicationsData


async def _held_about(runtime: ServiceRuntime, email: str) -> ApplicationsData:
    return await service.held_about(runtime.pool, email)


# The offers service asks too (as a service): whose applications its marks are about.
router = data_routes(_held_about, ApplicationsData, office=(Role.office, Role.service))


@router.get("/people/{email}/cvs/{application_id}", response_class=Response)
async def own_cv(email: EmailStr, application_id: UUID, pool: PoolDep, who: AnyUser) -> Response:
    """A CV as sent, listed in `files` of the data above: to its applicant or the office."""
    content, media_type = await service.own_cv(pool, email, application_id, who)
    return Response(content, media_type=media_type)
