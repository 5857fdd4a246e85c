"""An offer: the exact moment it lapses in London time and the time left (R19); accept it,
once in a round (R20), or decline it."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mip.core.errors import RemoteProblem
from services.portal.applicant import words
from services.portal.contract import PageName
from services.portal.forms import FIRST, Shown, refusal
from services.portal.reading import Form
from services.portal.web import Portal, Services, render, see_other

router = APIRouter(prefix="/applicant")


async def _offer_page(
    request: Request,
    application_id: UUID,
    services: Services,
    portal: Portal,
    template: str = "applicant/offer.html",
    shown: Shown = FIRST,
) -> HTMLResponse:
    offer = await services.offers.offer(application_id)
    application = await services.applications.application(application_id)
    now = portal.clock()
    context = {
        "offer": offer,
        "application": application,
        "time_left": words.time_left(offer.expires_at, now) if offer.expires_at else None,
        "words": words,
        **shown.context(),
    }
    return render(request, template, context, shown.status_code)


@router.get("/offers/{application_id}", name=PageName.applicant_offer, response_class=HTMLResponse)
async def offer(
    request: Request, application_id: UUID, services: Services, portal: Portal
) -> HTMLResponse:
    """R19: the exact moment the offer lapses, in London time, and the time left;
    R20: accepting one offer withdraws the others in the round."""
    return await _offer_page(request, application_id, services, portal)


@router.post("/offers/{application_id}/accept", response_class=HTMLResponse)
async def accept(
    request: Request, application_id: UUID, services: Services, portal: Portal
) -> Response:
    """R19, R20: the workflow decides; a lapsed offer or a second acceptance in the round is
    refused with the reason on the page."""
    try:
        await services.offers.accept_offer(application_id)
    except RemoteProblem as problem:
        refused = Shown(errors=refusal(problem), status_code=409)
        return await _offer_page(request, application_id, services, portal, shown=refused)
    return see_other(
        request,
        f"/applicant/applications/{application_id}",
        flash="You accepted the place. The Internship Office will introduce you to your host "
        "by email.",
    )


@router.get("/offers/{application_id}/decline", response_class=HTMLResponse)
async def confirm_decline(
    request: Request, application_id: UUID, services: Services, portal: Portal
) -> HTMLResponse:
    """R19: declining is final; the place goes to the next candidate (P2)."""
    return await _offer_page(request, application_id, services, portal, "applicant/decline.html")


@router.post("/offers/{application_id}/decline", response_class=HTMLResponse)
async def decline(
    request: Request, application_id: UUID, services: Services, portal: Portal
) -> Response:
    """R19: a reason is welcome, not required."""
    reason = Form(await request.form()).get("reason")
    try:
        await services.offers.decline_offer(application_id, reason)
    except RemoteProblem as problem:
        errors = refusal(problem, fields={"reason": "reason"})
        refused = Shown({"reason": reason}, errors, 409)
        return await _offer_page(
            request, application_id, services, portal, "applicant/decline.html", refused
        )
    return see_other(
        request, f"/applicant/applications/{application_id}", flash="You declined the offer."
    )
