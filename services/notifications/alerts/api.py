"""The internship alerts list (R30): double opt-in, one-click unsubscribe, announcements.

Confirm and unsubscribe are reached from links in e-mail, where no bearer token can be
sent: the unguessable token in the link is the credential for that one address.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from mip.core.deps import AnyUser, OfficeOrService, OfficeUser, PoolDep, Runtime
from services.notifications.alerts import service
from services.notifications.alerts.schemas import (
    AnnouncementAccepted,
    AnnouncementIn,
    SubscribeIn,
    SubscriptionState,
)

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])
# What `secrets.token_urlsafe` makes. Anything else (a NUL, a control character, a
# 10 kB string) is a 422 naming the field before it can reach the database.
Token = Annotated[
    str,
    Query(
        min_length=20,
        max_length=100,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the token from the link in the e-mail",
    ),
]


@router.post("/subscriptions", status_code=status.HTTP_202_ACCEPTED)
async def subscribe(body: SubscribeIn, runtime: Runtime, _: AnyUser) -> SubscriptionState:
    return await service.subscribe(runtime, str(body.email))


@router.get("/confirm")
async def confirm(token: Token, pool: PoolDep) -> SubscriptionState:
    return await service.change(pool, token, "confirmed", "You are on the internship alerts list.")


@router.get("/unsubscribe")
async def unsubscribe(token: Token, pool: PoolDep) -> SubscriptionState:
    """One click, effective at once: alerts not yet sent to this address are skipped."""
    return await service.change(
        pool, token, "unsubscribed", "You have left the internship alerts list."
    )


@router.post("/unsubscribe")
async def unsubscribe_one_click(token: Token, pool: PoolDep) -> SubscriptionState:
    """RFC 8058 one-click unsubscribe, as a mail client's List-Unsubscribe-Post sends it."""
    return await unsubscribe(token, pool)


@router.post("/announcements", status_code=status.HTTP_202_ACCEPTED)
async def announce(
    body: AnnouncementIn, runtime: Runtime, _: OfficeOrService
) -> AnnouncementAccepted:
    return await service.announce(runtime, body)


@router.get("/subscribers")
async def subscriber_counts(pool: PoolDep, _: OfficeUser) -> dict[str, int]:
    return await service.counts(pool)
