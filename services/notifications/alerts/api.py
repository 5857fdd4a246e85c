"""The internship alerts list (R30): double opt-in, one-click unsubscribe, announcements.

Confirm and unsubscribe are reached from links in e-mail, where no bearer token can be
sent: the unguessable token in the link is the credential for that one address. Those
links open the portal's pages, which call the POSTs here; a GET changes nothing (a mail
scanner opening a link must not confirm or unsubscribe anyone), and the GETs that links
sent before the portal's pages pointed at send the person on to those pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import RedirectResponse

from mip.core.auth import Role
from mip.core.deps import OfficeOrService, OfficeUser, PoolDep, Runtime, Visitor
from mip.core.links import address
from mip.core.ratelimit import SlidingWindow
from mip.core.runtime import ServiceRuntime
from services.notifications.alerts import service
from services.notifications.alerts.schemas import (
    AnnouncementAccepted,
    AnnouncementIn,
    SubscribeIn,
    SubscriptionState,
)
from services.portal.contract import Page, PageName

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


def _limits(request: Request) -> tuple[SlidingWindow, SlidingWindow]:
    """R30 "anyone": no token, so a limit on how often one client or one address may ask,
    held by this app (per client per minute, per address per hour)."""
    state = request.app.state
    if not hasattr(state, "alert_limits"):
        state.alert_limits = (
            SlidingWindow(limit=10, per_s=60),
            SlidingWindow(limit=3, per_s=3600),
        )
    limits: tuple[SlidingWindow, SlidingWindow] = state.alert_limits
    return limits


@router.post("/subscriptions", status_code=status.HTTP_202_ACCEPTED)
async def subscribe(
    body: SubscribeIn, runtime: Runtime, request: Request, visitor: Visitor
) -> SubscriptionState:
    """Anyone may join the alerts list (R30); the confirmation e-mail makes it theirs. A
    service asking for many people (the portal) limits each of its clients itself."""
    per_client, per_address = _limits(request)
    if visitor is None or visitor.role is not Role.service:
        client = request.client.host if request.client else "unknown"
        per_client.hit(client, "join the alerts list")
    per_address.hit(str(body.email).lower(), "join the alerts list with this address")
    return await service.subscribe(runtime, str(body.email))


@router.get("/subscription")
async def subscription(token: Token, pool: PoolDep) -> SubscriptionState:
    """Whose link this is and its state: what the portal's confirm and unsubscribe pages
    show before the person chooses."""
    return await service.state(pool, token)


@router.post("/confirm")
async def confirm(token: Token, pool: PoolDep) -> SubscriptionState:
    return await service.change(pool, token, "confirmed", "You are on the internship alerts list.")


@router.post("/unsubscribe")
async def unsubscribe(token: Token, pool: PoolDep) -> SubscriptionState:
    """Effective at once: alerts not yet sent to this address are skipped. The portal's
    one-click unsubscribe (RFC 8058) comes here."""
    return await service.change(
        pool, token, "unsubscribed", "You have left the internship alerts list."
    )


@router.get("/confirm", status_code=status.HTTP_303_SEE_OTHER, response_class=RedirectResponse)
async def confirm_page(token: Token, runtime: Runtime) -> RedirectResponse:
    """A link mailed before the portal had this page: on to the portal's, changing nothing."""
    return _to_portal(runtime, PageName.alerts_confirm, token)


@router.get("/unsubscribe", status_code=status.HTTP_303_SEE_OTHER, response_class=RedirectResponse)
async def unsubscribe_page(token: Token, runtime: Runtime) -> RedirectResponse:
    """A link mailed before the portal had this page: on to the portal's, changing nothing."""
    return _to_portal(runtime, PageName.alerts_unsubscribe, token)


def _to_portal(runtime: ServiceRuntime, name: PageName, token: str) -> RedirectResponse:
    base = runtime.settings.public_url("portal")
    url = address(base, Page(name=name).path(), {"token": token})
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


@router.post("/announcements", status_code=status.HTTP_202_ACCEPTED)
async def announce(
    body: AnnouncementIn, runtime: Runtime, _: OfficeOrService
) -> AnnouncementAccepted:
    return await service.announce(runtime, body)


@router.get("/subscribers")
async def subscriber_counts(pool: PoolDep, _: OfficeUser) -> dict[str, int]:
    return await service.counts(pool)
