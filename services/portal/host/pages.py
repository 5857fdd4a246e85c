"""Hosts' pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.web import Host, Services, render

router = APIRouter(prefix="/host")


@router.get("", response_class=HTMLResponse)
async def home(request: Request, me: Host, services: Services) -> HTMLResponse:
    """R16, R17: the host's own placements (the service shows a host only theirs)."""
    placements = await services.applications.my_placements()
    return render(request, "host/home.html", {"me": me, "placements": placements})
