"""The applicant's applications, each with its timeline (P6), and withdrawing one: before
the deadline, freeing its slot (R12); after accepting, recorded and reported (R23)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mip.core.errors import RemoteProblem
from services.applications.contract import Application
from services.portal.applicant import words
from services.portal.contract import PageName
from services.portal.forms import FIRST, Shown, refusal
from services.portal.reading import Form
from services.portal.web import Applicant, Services, render, see_other

router = APIRouter(prefix="/applicant")


@router.get("/applications", response_class=HTMLResponse)
async def my_applications(request: Request, services: Services) -> HTMLResponse:
    """R12, P6: every application, newest first, with where it stands."""
    found = await services.applications.my_applications()
    found.sort(key=lambda a: a.submitted_at, reverse=True)
    return render(request, "applicant/applications.html", {"applications": found, "words": words})


@router.get(
    "/applications/{application_id}",
    name=PageName.applicant_application,
    response_class=HTMLResponse,
)
async def application(
    request: Request, application_id: UUID, me: Applicant, services: Services
) -> HTMLResponse:
    """P6: one application and every change of state, with who, when and why; R13: what
    the host reads of the statement; R11: what the host receives of the CV."""
    found = await services.applications.application(application_id)
    return render(
        request,
        "applicant/application.html",
        {
            "application": found,
            "timeline": sorted(found.history, key=lambda e: e.at),
            "words": words,
            "me": me,
        },
    )


def _after_accepting(found: Application) -> bool:
    return found.status in words.WITHDRAWABLE_AFTER_ACCEPTING


def _withdraw_page(request: Request, found: Application, shown: Shown = FIRST) -> HTMLResponse:
    return render(
        request,
        "applicant/withdraw.html",
        {
            "application": found,
            "after_accepting": _after_accepting(found),
            "can_withdraw": words.can_withdraw(found),
            "words": words,
            **shown.context(),
        },
        shown.status_code,
    )


@router.get("/applications/{application_id}/withdraw", response_class=HTMLResponse)
async def confirm_withdrawal(
    request: Request, application_id: UUID, services: Services
) -> HTMLResponse:
    """R12, R23: asks first; says what withdrawing means at this point."""
    return _withdraw_page(request, await services.applications.application(application_id))


@router.post("/applications/{application_id}/withdraw", response_class=HTMLResponse)
async def withdraw(request: Request, application_id: UUID, services: Services) -> Response:
    """R12: before the deadline the slot is freed; R23: after accepting, the host and the
    office are told. The workflow decides; a refusal is shown in its words."""
    reason = Form(await request.form()).get("reason")
    found = await services.applications.application(application_id)
    try:
        if _after_accepting(found):
            await services.offers.withdraw_after_acceptance(application_id, reason)
        else:
            await services.applications.withdraw_application(application_id, reason)
    except RemoteProblem as problem:
        errors = refusal(problem, fields={"reason": "reason"})
        return _withdraw_page(request, found, Shown({"reason": reason}, errors, 409))
    return see_other(
        request,
        f"/applicant/applications/{application_id}",
        flash=f"You withdrew your application for {found.placement_title}.",
    )
