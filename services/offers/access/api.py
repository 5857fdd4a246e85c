"""Subject access (issue 23): a person's own data, and the office's copy of anyone's."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import EmailStr

from mip.core.deps import OfficeUser, PersonUser, Runtime
from services.offers.access import service
from services.offers.contract import OffersData

router = APIRouter(prefix="/v1", tags=["subject access"])


@router.get("/me/data")
async def my_data(runtime: Runtime, me: PersonUser) -> OffersData:
    return await service.held_about(runtime, me.subject)


@router.get("/office/people/{email}/data")
async def data_of(email: EmailStr, runtime: Runtime, _: OfficeUser) -> OffersData:
    return await service.held_about(runtime, email)
