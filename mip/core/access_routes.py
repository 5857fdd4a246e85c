"""The two routes every service answers a subject access request with (issue 23): the
signed-in person's own data, and the office's copy of anyone's. One definition, so the
four services cannot drift apart in who may ask or how the answer is named."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, EmailStr

from mip.core.auth import Role, require_role
from mip.core.deps import PersonUser, Runtime
from mip.core.runtime import ServiceRuntime

HeldAbout = Callable[[ServiceRuntime, str], Awaitable[BaseModel]]


def data_routes(
    held_about: HeldAbout, model: type[BaseModel], *, office: tuple[Role, ...] = (Role.office,)
) -> APIRouter:
    """`GET /v1/me/data` for an applicant or host, and `GET /v1/office/people/{email}/data`
    for the `office` roles; both answer `model`, made by `held_about(runtime, address)`."""
    router = APIRouter(prefix="/v1", tags=["subject access"])

    @router.get("/me/data", response_model=model)
    async def my_data(runtime: Runtime, me: PersonUser) -> Any:
        """Everything this service holds about the signed-in applicant or host."""
        return await held_about(runtime, me.subject)

    @router.get(
        "/office/people/{email}/data",
        response_model=model,
        dependencies=[Depends(require_role(*office))],
    )
    async def data_of(email: EmailStr, runtime: Runtime) -> Any:
        """The same for any address: the office answering a subject access request."""
        return await held_about(runtime, email)

    return router
