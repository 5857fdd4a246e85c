"""The alerts list's own pages, reached from links in its e-mails (R30).

GET  /alerts/confirm?token=      whose link it is, and a button to confirm (a mail scanner
                                 that opens the link confirms nobody)
POST /alerts/confirm?token=      confirms; the address now gets alerts
GET  /alerts/unsubscribe?token=  a button to leave; changes nothing by itself
POST /alerts/unsubscribe?token=  leaves at once. Also RFC 8058's one-click unsubscribe: a
                                 mail client posts `List-Unsubscribe=One-Click` here with no
                                 session and no CSRF token, so this route takes neither
                                 (csrf.py exempts it): the token in the link is the credential.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from mip.core.errors import RemoteProblem
from services.notifications.contract import SubscriptionState
from services.portal.contract import PageName
from services.portal.web import PublicServices, render

router = APIRouter()
LinkToken = Annotated[str, Query(max_length=200)]
# What the notifications service makes (`secrets.token_urlsafe`); anything else is a link
# that was cut short or mistyped, said so before any service is asked.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


async def _subscription(services: PublicServices, token: str) -> SubscriptionState | None:
    """Whose link this is, or None for a link that is not (or no longer) valid."""
    if not _TOKEN.match(token):
        return None
    try:
        return await services.notifications.alert_subscription(token)
    except RemoteProblem as problem:
        if problem.status in (404, 422):
            return None
        raise


async def _step(
    request: Request,
    services: PublicServices,
    token: str,
    step: str,
    act: Callable[[str], Awaitable[SubscriptionState]] | None = None,
) -> HTMLResponse:
    """The page for `step` of a valid link, after `act` (a POST's change) if given."""
    state = await _subscription(services, token)
    if state is None:  # the page says the link does not work
        return render(request, "public/alerts_link.html", {"state": None}, status_code=404)
    if act is not None:
        state = await act(token)
    context = {"state": state, "token": token, "step": step}
    return render(request, "public/alerts_link.html", context)


@router.get("/alerts/confirm", name=PageName.alerts_confirm, response_class=HTMLResponse)
async def confirm_page(
    request: Request, services: PublicServices, token: LinkToken = ""
) -> HTMLResponse:
    return await _step(request, services, token, "confirm")


@router.post("/alerts/confirm", response_class=HTMLResponse)
async def confirm(
    request: Request, services: PublicServices, token: LinkToken = ""
) -> HTMLResponse:
    return await _step(request, services, token, "confirmed", services.notifications.confirm_alerts)


@router.get("/alerts/unsubscribe", name=PageName.alerts_unsubscribe, response_class=HTMLResponse)
async def unsubscribe_page(
    request: Request, services: PublicServices, token: LinkToken = ""
) -> HTMLResponse:
    return await _step(request, services, token, "unsubscribe")


@router.post("/alerts/unsubscribe", response_class=HTMLResponse)
async def unsubscribe(
    request: Request, services: PublicServices, token: LinkToken = ""
) -> HTMLResponse:
    """From the page's button or a mail client's one click (RFC 8058): the same effect."""
    return await _step(request, services, token, "left", services.notifications.leave_alerts)
