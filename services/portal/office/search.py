"""The office finds an application by the reference people quote (issue 20 item 5).

GET /office/applications?reference=MIP-27A-0042   the application, its history, and the
                                                   messages its applicant was sent
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from mip.core.errors import RemoteProblem
from services.applications.contract import Application
from services.portal.applicant import words
from services.portal.forms import FormErrors
from services.portal.web import Services, render

router = APIRouter(prefix="/office")


@router.get("/applications", response_class=HTMLResponse)
async def find_application(
    request: Request,
    services: Services,
    reference: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """P6: an applicant or a host quotes "MIP-27A-0042"; the office sees that application."""
    found: Application | None = None
    errors = FormErrors()
    if reference.strip():
        try:
            found = await services.applications.application_by_reference(reference.strip())
        except RemoteProblem as problem:
            if problem.status not in (404, 422):
                raise
            errors = FormErrors(
                {"reference": str(problem.problem.get("detail") or "No such application")}
            )
    context = {
        "form": {"reference": reference},
        "errors": errors,
        "found": found,
        "words": words,
    }
    return render(request, "office/application.html", context, 422 if errors else 200)
