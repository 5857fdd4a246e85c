"""Subject access (issue 23): a person's own data, the office's copy of anyone's, and the
receipts they list."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response
from pydantic import EmailStr

from mip.core.access_routes import data_routes
from mip.core.deps import AnyUser, PoolDep
from mip.core.runtime import ServiceRuntime
from services.expenses.access import service
from services.expenses.contract import ExpensesData


async def _held_about(runtime: ServiceRuntime, email: str) -> ExpensesData:
    return await service.held_about(runtime.pool, email)


router = data_routes(_held_about, ExpensesData)


@router.get("/people/{email}/receipts/{line_id}", response_class=Response)
async def own_receipt(email: EmailStr, line_id: UUID, pool: PoolDep, who: AnyUser) -> Response:
    """A receipt listed in `files` of the data above: to its intern or the office."""
    content, media_type = await service.own_receipt(pool, email, line_id, who)
    return Response(content, media_type=media_type)
