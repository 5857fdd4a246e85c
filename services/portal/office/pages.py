"""Where the office starts: its rounds, and the way to everything else."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.web import Office, Services, render

router = APIRouter(prefix="/office")


@router.get("", response_class=HTMLResponse)
async def home(request: Request, me: Office, services: Services) -> HTMLResponse:
    """P7, R15, R9, R23: the office's rounds, each a link to its page and its glance."""
    rounds = await services.applications.rounds()
    return render(request, "office/home.html", {"me": me, "rounds": rounds})
