"""Erasure on request (issue 23 item 4): the office erases one person across MIP."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import EmailStr

from mip.core.deps import OfficeUser, Runtime
from services.applications.contract import ErasureState
from services.applications.erasure import service

router = APIRouter(prefix="/v1", tags=["erasure"])
# Within the portal's ten seconds for a call: most erasures finish well inside it; a longer
# one goes on, and the page says it is under way (asking again joins it).
WAIT_S = 8.0


@router.post("/office/people/{email}/erasure")
async def erase(email: EmailStr, runtime: Runtime, _: OfficeUser) -> ErasureState:
    """Start the person's erasure (or join the one under way) and answer what it removed
    and kept once it has finished, or that it is still running."""
    return await service.start(runtime, email, WAIT_S)
