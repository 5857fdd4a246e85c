"""Pages anyone may read, signed in or not."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.web import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
async def start(request: Request) -> HTMLResponse:
    """R1-R5: what the programme is."""
    return render(request, "public/start.html")
