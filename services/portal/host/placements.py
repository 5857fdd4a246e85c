"""A host's placements and the applications forwarded to them (R11, R16, R17)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from mip.core.errors import RemoteProblem
from services.applications.contract import Placement
from services.offers.client import Candidate, MarkIn, Selection
from services.portal.clients import PortalServices
from services.portal.contract import PageName
from services.portal.files import as_sent
from services.portal.forms import FormErrors
from services.portal.host import words
from services.portal.host.access import HostRoute, not_yours
from services.portal.reading import Form
from services.portal.web import Services, render, see_other

router = APIRouter(prefix="/host", route_class=HostRoute)
INLINE = {"application/pdf"}  # a browser shows these itself; Word documents are downloaded


@router.get("", name=PageName.host_home, response_class=HTMLResponse)
async def my_placements(request: Request, services: Services) -> Response:
    """R16, P5: the signed-in host's own placements, when their applications arrive, and
    how many expense claims wait for them."""
    placements = await services.applications.my_placements()
    rounds = {p.round_id: await services.applications.round(p.round_id) for p in placements}
    waiting = await services.expenses.claims("submitted")
    return render(
        request,
        "host/placements.html",
        {
            "placements": placements,
            "rounds": rounds,
            "claims_waiting": len(waiting),
            "now": datetime.now(UTC),
        },
    )


async def arrival(services: PortalServices, placement_id: UUID) -> datetime | None:
    """R16: None once the applications are forwarded; before the deadline, when they come
    (the applications service's answer, so the page says what the rule says)."""
    try:
        await services.applications.forwarded(placement_id)
    except RemoteProblem as problem:
        arrives = problem.problem.get("forwarded_from") if problem.status == 409 else None
        if not isinstance(arrives, str):
            raise
        return datetime.fromisoformat(arrives)
    return None


async def about_placement(services: PortalServices, selection: Selection) -> dict[str, Any]:
    """What every page about one placement shows first: the placement and its round."""
    the_round = await services.applications.round(selection.placement.round_id)
    return {"placement": selection.placement, "round": the_round, "words": words}


@router.get("/placements/{placement_id}", name=PageName.host_placement, response_class=HTMLResponse)
async def placement(request: Request, placement_id: UUID, services: Services) -> Response:
    """R16, R17: one placement: before the deadline, when its applications will arrive;
    after it, the applications, each with its mark, and the way to rank them."""
    selection = await services.offers.selection(placement_id)
    arrives_at = await arrival(services, placement_id)
    context = {
        **await about_placement(services, selection),
        "arrives_at": arrives_at,
        "candidates": selection.candidates if arrives_at is None else [],
        "ranked": bool(selection.offers and selection.offers.ranking),
    }
    return render(request, "host/placement.html", context)


def _candidate(selection: Selection, application_id: UUID) -> Candidate | None:
    return next((c for c in selection.candidates if c.id == application_id), None)


@router.get("/placements/{placement_id}/applications/{application_id}", response_class=HTMLResponse)
async def application(
    request: Request, placement_id: UUID, application_id: UUID, services: Services
) -> Response:
    """R11, R13, R16, R17: one forwarded application as hosts receive it: the statement (cut
    to the word limit), the CV (its first two pages) in the page, and its mark."""
    selection = await services.offers.selection(placement_id)
    found = _candidate(selection, application_id)
    if found is None:
        return not_yours(request)
    return _application_page(request, selection.placement, found, FormErrors(), found.mark)


def _application_page(
    request: Request,
    placement: Placement,
    candidate: Candidate,
    errors: FormErrors,
    mark: str | None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "host/application.html",
        {
            "placement": placement,
            "candidate": candidate,
            "inline_cv": candidate.cv_format == "pdf",
            "cv_url": f"/host/applications/{candidate.id}/cv",
            "marks": words.MARKS,
            "errors": errors,
            "form": {"mark": mark or ""},
            "words": words,
        },
        status_code=status_code,
    )


@router.post("/placements/{placement_id}/applications/{application_id}/mark")
async def mark(
    request: Request,
    placement_id: UUID,
    application_id: UUID,
    services: Services,
) -> Response:
    """R17: shortlisted, interviewed or unsuccessful; the host may change it until ranking."""
    chosen = Form(await request.form()).get("mark")
    if chosen not in words.MARKS:
        selection = await services.offers.selection(placement_id)
        found = _candidate(selection, application_id)
        if found is None:
            return not_yours(request)
        errors = FormErrors({"mark": "Choose shortlisted, interviewed or unsuccessful"})
        return _application_page(request, selection.placement, found, errors, None, 422)
    marked = MarkIn.model_validate({"application_id": application_id, "mark": chosen})
    await services.offers.mark(placement_id, marked)
    return see_other(
        request,
        f"/host/placements/{placement_id}/applications/{application_id}",
        flash=f"Marked as {words.MARKS[chosen].lower()}.",
    )


@router.get("/applications/{application_id}/cv")
async def cv(application_id: UUID, services: Services, download: bool = False) -> Response:
    """R11: exactly what hosts receive, fetched from the applications service: a PDF's
    first two pages shown in the page, a Word document downloaded."""
    found = await services.applications.cv(application_id)
    shown = found.media_type.split(";")[0].strip() in INLINE and not download
    # Named for the applicant by the applications service ("Okafor-Ada-CV.pdf"). Shown in
    # the portal's own page, in no other site's.
    return as_sent(found, found.filename or "CV", inline=shown, framed=True)
