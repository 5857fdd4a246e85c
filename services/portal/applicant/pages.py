"""The applicant's start page: what needs doing next, and where everything is."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mip.core.errors import RemoteProblem
from services.portal.applicant import words
from services.portal.web import Applicant, Services, render

router = APIRouter(prefix="/applicant")


@router.get("", response_class=HTMLResponse)
async def home(request: Request, me: Applicant, services: Services) -> HTMLResponse:
    """R6-R14, R19-R20, R24-R29: where an applicant starts; an open offer first (R19)."""
    try:
        profile = await services.applications.my_profile()
    except RemoteProblem as problem:
        if problem.status != 404:
            raise
        profile = None
    applications = await services.applications.my_applications()
    offers = [o for o in await services.offers.my_offers() if o.status == "offered"]
    titles = {a.id: a.placement_title for a in applications}
    return render(
        request,
        "applicant/home.html",
        {
            "me": me,
            "profile": profile,
            "applications": applications,
            "offers": [(o, titles.get(o.application_id, "a placement")) for o in offers],
            "words": words,
        },
    )
