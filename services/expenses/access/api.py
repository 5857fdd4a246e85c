"""Subject access (issue 23): a person's own data, and the office's copy of anyone's."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response
from pydantic import EmailStr

from mip.core.deps import AnyUser, OfficeUser, PersonUser, PoolDep
from services.expenses.access import service
from services.expenses.contract import ExpensesData

router = APIRouter(prefix="/v1", tags=["subject access"])


@router.get("/me/data")
async def my_data(pool: PoolDep, me: PersonUser) -> ExpensesData:
    return await service.held_about(pool, me.subject)


@router.get("/office/people/{email}/data")
async def data_of(email: EmailStr, pool: PoolDep, _: OfficeUser) -> ExpensesData:
    return await service.held_about(pool, email)


@router.get("/people/{email}/receipts/{line_id}", response_class=Response)
async def own_receipt(email: EmailStr, line_id: UUID, pool: PoolDep, who: AnyUser) -> Response:
    """A receipt listed in `files` of the data above: to its intern or the office."""
    content, media_type = await service.own_receipt(pool, email, line_id, who)
    return Response(content, media_type=media_type)
