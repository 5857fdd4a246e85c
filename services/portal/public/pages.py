"""Pages anyone may read, signed in or not (issue 14 item 3, "anyone").

GET  /                    what the programme is, with the open rounds' dates (R1-R5)
GET  /about               how it works, in plain words (R1-R30)
GET  /placements          the advertised placements; filters week, sector, host kind
GET  /placements/{id}     one placement (R1-R5); "Apply" goes to /applicant/apply?placement=<id>
GET  /alerts              join the alerts list (R30)
POST /alerts              -> the notifications service; 303 to /alerts/sent
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mip.core.auth import valid_address
from mip.core.errors import RemoteProblem
from mip.core.ratelimit import TooManyRequests
from services.portal.contract import PageName
from services.portal.forms import FormErrors
from services.portal.public import service
from services.portal.web import Portal, PublicServices, render, see_other

router = APIRouter()
Filter = Annotated[str, Query(max_length=200)]
LABELS = {"kinds": service.KINDS, "locations": service.LOCATIONS, "modes": service.MODES}


@router.get("/", response_class=HTMLResponse)
async def start(request: Request, runtime: Portal, services: PublicServices) -> HTMLResponse:
    """R1-R5: what the programme is, and the dates of the rounds open now (R3, R4), with
    how many placements take applications now (R4, R14)."""
    placements = await services.applications.advertised_placements()
    rounds = await service.rounds_of(runtime, {p.round_id for p in placements})
    now = runtime.clock()
    context = {
        "rounds": [
            (r, service.round_dates(r, now))
            for r in sorted(rounds.values(), key=lambda r: r.clock.deadline_at)
        ],
        "count": sum(1 for w in service.windows(placements, rounds, now).values() if w.open),
    }
    return render(request, "public/start.html", context)


@router.get("/about", response_class=HTMLResponse)
async def about(request: Request) -> HTMLResponse:
    """R1-R30 in plain words: who may apply, how, what happens next, expenses, support."""
    return render(request, "public/about.html")


@router.get("/placements", name=PageName.placements, response_class=HTMLResponse)
async def placements(
    request: Request,
    runtime: Portal,
    services: PublicServices,
    week: Filter = "",
    sector: Filter = "",
    kind: Filter = "",
) -> HTMLResponse:
    """R1-R5: the advertised placements (R3: none before their round's advertising date),
    filtered by week (R2), sector and host kind (R5)."""
    filters = service.read_filters(week, sector, kind)
    found = await service.listing(runtime, services, filters)
    context = {
        "listing": found,
        "filters": filters,
        "weeks": service.week_options(found.rounds),
        "errors": FormErrors(filters.errors),
        **LABELS,
    }
    return render(request, "public/placements.html", context, 422 if filters.errors else 200)


@router.get("/placements/{placement_id}", name=PageName.placement, response_class=HTMLResponse)
async def placement(
    request: Request, placement_id: UUID, runtime: Portal, services: PublicServices
) -> HTMLResponse:
    """R1-R5: one advertised placement: its days in its week, the host's kind and place,
    and the deadline of the round it is open in, or "Closed" and no way to apply (R4, R14)."""
    found = await services.applications.placement(placement_id)
    the_round = (await service.rounds_of(runtime, {found.round_id}))[found.round_id]
    window = the_round.clock.window(runtime.clock(), readvertised=found.readvertised)
    context = {
        "placement": found,
        "window": window,
        "dates": service.placement_dates(the_round, window),
        **LABELS,
    }
    return render(request, "public/placement.html", context)


@router.get("/alerts", response_class=HTMLResponse)
async def alerts_form(request: Request) -> HTMLResponse:
    """R30: anyone may join the internship alerts list."""
    return render(request, "public/alerts.html", {"form": {"email": ""}})


@router.post("/alerts", response_model=None)
async def join_alerts(
    request: Request,
    runtime: Portal,
    email: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse | RedirectResponse:
    """R30: the notifications service sends a confirmation link (double opt-in)."""
    try:
        address = valid_address(email.strip())
    except ValueError:
        errors = FormErrors(
            {"email": "Enter an email address in the correct format, like name@example.org"}
        )
        return render(
            request, "public/alerts.html", {"form": {"email": email}, "errors": errors}, 422
        )
    client = request.client.host if request.client else "unknown"
    runtime.per_client.hit(f"alerts:{client}", "join the alerts list")
    try:
        await service.join_alerts(runtime, address)
    except RemoteProblem as problem:
        if problem.status == 429:
            raise TooManyRequests(
                str(problem.problem.get("detail", "")), retry_after_s=60
            ) from problem
        errors = FormErrors.from_problem(problem, default_field="email")
        return render(
            request, "public/alerts.html", {"form": {"email": email}, "errors": errors}, 422
        )
    return see_other(request, "/alerts/sent")


def _alerts_form(request: Request, email: str, errors: FormErrors) -> HTMLResponse:
    return render(request, "public/alerts.html", {"form": {"email": email}, "errors": errors}, 422)


@router.get("/alerts/sent", response_class=HTMLResponse)
async def alerts_sent(request: Request) -> HTMLResponse:
    """R30: the confirmation link is on its way."""
    return render(request, "public/alerts_sent.html")
