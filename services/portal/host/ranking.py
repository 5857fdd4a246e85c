"""The ranking, sent once (R17, P2), and the offers it made (R19): before it is sent the
host sees whoever it leaves out, who will hear "not successful this time" (R18)."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from mip.core.errors import RemoteProblem
from services.applications.contract import ApplicationStatus
from services.offers.client import Candidate, RankingIn, Selection
from services.portal.clients import PortalServices
from services.portal.forms import FIRST, FormErrors, Shown
from services.portal.host import words
from services.portal.host.access import HostRoute
from services.portal.host.placements import about_placement
from services.portal.host.ranks import Ranking, field_of, read_ranking
from services.portal.reading import Form
from services.portal.web import Services, render, see_other

router = APIRouter(prefix="/host", route_class=HostRoute)


def rankable(selection: Selection) -> list[Candidate]:
    """Whoever is still waiting: not withdrawn, not gone to another offer (R20)."""
    return [c for c in selection.candidates if c.status == ApplicationStatus.forwarded]


async def _form_page(
    request: Request, services: PortalServices, selection: Selection, shown: Shown
) -> HTMLResponse:
    candidates = rankable(selection)
    context = {
        **await about_placement(services, selection),
        "candidates": candidates,
        "fields": {c.id: field_of(c) for c in candidates},
        "sent": selection.offers.ranking if selection.offers else [],
        "names": {str(c.id): c.applicant_name for c in selection.candidates},
        "closes_at": selection.offers.closes_at if selection.offers else None,
        **shown.context(),
    }
    return render(request, "host/ranking.html", context, shown.status_code)


@router.get("/placements/{placement_id}/ranking", response_class=HTMLResponse)
async def ranking_form(request: Request, placement_id: UUID, services: Services) -> Response:
    """R17, P2: place each candidate 1, 2, 3… or leave them out; the ranking goes once."""
    selection = await services.offers.selection(placement_id)
    # "Change the ranking" comes back with the places chosen so far.
    chosen = {k: v for k, v in request.query_params.items() if k.startswith("rank-")}
    return await _form_page(request, services, selection, Shown(chosen))


@router.post("/placements/{placement_id}/ranking/check", response_class=HTMLResponse)
async def check_ranking(request: Request, placement_id: UUID, services: Services) -> Response:
    """R17, R18, P2: before anything is sent, the ranking in order and who it leaves out."""
    selection = await services.offers.selection(placement_id)
    form = Form(await request.form())
    ranking, errors = read_ranking(rankable(selection), form)
    if ranking is None:
        return await _form_page(request, services, selection, Shown(form.values, errors, 422))
    return await _confirm_page(request, services, selection, ranking)


async def _confirm_page(
    request: Request,
    services: PortalServices,
    selection: Selection,
    ranking: Ranking,
    shown: Shown = FIRST,
) -> HTMLResponse:
    places = {field_of(c): n for n, c in enumerate(ranking.ranked, start=1)}
    context = {
        **await about_placement(services, selection),
        "ranking": ranking,
        "change_query": urlencode(places),
        **shown.context(),
    }
    return render(request, "host/ranking_confirm.html", context, shown.status_code)


@router.post("/placements/{placement_id}/ranking", response_class=HTMLResponse)
async def send_ranking(request: Request, placement_id: UUID, services: Services) -> Response:
    """R17, P2: the ranking confirmed is sent; offers go to the top candidates at once."""
    selection = await services.offers.selection(placement_id)
    if selection.offers and selection.offers.ranking:  # sent already: a second press, say
        return see_other(
            request,
            f"/host/placements/{placement_id}/offers",
            flash="Your ranking had already been sent; it cannot be changed.",
        )
    candidates = {str(c.id): c for c in rankable(selection)}
    chosen = Form(await request.form()).choices("application_id")
    if not chosen or any(a not in candidates for a in chosen) or len(set(chosen)) < len(chosen):
        # The page was left open while things changed (a withdrawal, say): rank afresh.
        errors = FormErrors(summary="The candidates have changed since you checked: rank again")
        return await _form_page(request, services, selection, Shown(errors=errors, status_code=409))
    try:
        await services.offers.rank(
            placement_id, RankingIn(application_ids=[UUID(a) for a in chosen])
        )
    except RemoteProblem as problem:
        if problem.status != 409:
            raise
        ranking = Ranking(
            ranked=[candidates[a] for a in chosen],
            left_out=[c for a, c in candidates.items() if a not in chosen],
        )
        refused = FormErrors.from_problem(problem)
        return await _confirm_page(
            request, services, selection, ranking, Shown(errors=refused, status_code=409)
        )
    return see_other(
        request,
        f"/host/placements/{placement_id}/offers",
        flash="Your ranking has been sent. Offers go to your top candidates now.",
    )


@router.get("/placements/{placement_id}/offers", response_class=HTMLResponse)
async def offers(request: Request, placement_id: UUID, services: Services) -> Response:
    """R19, R20, P2: the offers on the placement and their state: open until when,
    accepted, declined or lapsed, and the places still unfilled: a place is filled once
    its offer is accepted, not while the offer waits for an answer."""
    selection = await services.offers.selection(placement_id)
    made = await services.offers.placement_offers(placement_id)
    state = selection.offers
    filled = sum(1 for o in made if o.status == "accepted")
    return render(
        request,
        "host/offers.html",
        {
            "placement": selection.placement,
            "offers": made,
            "names": {c.id: c.applicant_name for c in selection.candidates},
            "ranking": state.ranking if state else [],
            "unfilled": max(selection.placement.places - filled, 0),
            "waiting": sum(1 for o in made if o.status == "offered"),
            "words": words,
        },
    )
