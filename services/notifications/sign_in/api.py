"""Sign-in e-mail for the portal: services only, since the body carries a credential."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from mip.core.auth import Principal, Role, require_role
from mip.core.deps import Runtime
from services.notifications.contract import SignInMail, SignInMailOutcome
from services.notifications.sign_in import service

router = APIRouter(prefix="/v1", tags=["sign-in"])


@router.post(
    "/sign-in-mail",
    responses={
        503: {
            "description": "the mail server did not take it now; retry until the "
            "link expires (the attempt is recorded)"
        }
    },
)
async def send_sign_in_mail(
    body: SignInMail,
    runtime: Runtime,
    _: Annotated[Principal, Depends(require_role(Role.service))],
) -> SignInMailOutcome:
    """One attempt to deliver a sign-in link, recorded like every message (the office
    sees it went out) but with the link withheld from what is kept."""
    return await service.send(runtime, body)
