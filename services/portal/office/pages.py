"""The Internship Office's pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.web import Office, render

router = APIRouter(prefix="/office")


@router.get("", response_class=HTMLResponse)
async def home(request: Request, me: Office) -> HTMLResponse:
    """P7, R15: where the office starts."""
    return render(request, "office/home.html", {"me": me})
