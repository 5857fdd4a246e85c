"""Applicants' pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.web import Applicant, render

router = APIRouter(prefix="/applicant")


@router.get("", response_class=HTMLResponse)
async def home(request: Request, me: Applicant) -> HTMLResponse:
    """R6-R14, R19-R20, R24-R29: where an applicant starts."""
    return render(request, "applicant/home.html", {"me": me})
