"""Placements: a host's 2 to 5 working days inside one of the round's weeks (R1, R2),
added to a round and changed until someone applies for them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from mip.core import when
from mip.core.errors import RemoteProblem
from services.applications.contract import Host, Placement, PlacementIn, Round
from services.portal.forms import Shown, model_errors, problem_errors
from services.portal.office.labels import MODES, locked_because
from services.portal.reading import Form
from services.portal.web import Portal, Services, render, see_other

router = APIRouter(prefix="/office")
# The service's names for what the form calls otherwise.
FIELD_OF = {"host_id": "host", "week_starts_on": "days"}


def working_days(the_round: Round) -> list[tuple[str, str]]:
    """Every Monday-to-Friday day of the round's weeks, as checkbox options (R1, R2)."""
    return [
        (str(week.starts_on + timedelta(days=n)), when.day(week.starts_on + timedelta(days=n)))
        for week in the_round.weeks
        for n in range(5)
    ]


def _form_of(placement: Placement) -> dict[str, Any]:
    return {
        "host": str(placement.host.id),
        "title": placement.title,
        "description": placement.description,
        "days": [str(d) for d in placement.days],
        "places": placement.places,
        "mode": placement.mode.value,
        "preparation": placement.preparation,
    }


def _read(form: Form, hosts: list[Host]) -> PlacementIn | None:
    host = form.choice("host", "the host", [str(h.id) for h in hosts])
    form.text("title", "the placement's title")
    form.text("description", "what the intern will do")
    picked = form.choices("days")
    days = []
    for text in picked:
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            form.errors.add("days", "Select the days of the placement")
    if not picked:
        form.errors.add("days", "Select the days of the placement, 2 to 5 in one week")
    places = form.number("places", "the number of places", low=1, high=50)
    mode = form.choice("mode", "how the placement takes place", MODES)
    preparation = form.text("preparation", "the preparation", required=False)
    if form.errors:
        return None
    # The week is the one the first day falls in; the service checks the rest are too (R1).
    monday = min(days) - timedelta(days=min(days).weekday())
    try:
        return PlacementIn(
            host_id=UUID(host),
            title=form.values["title"],
            description=form.values["description"],
            week_starts_on=monday,
            days=days,
            places=places,
            mode=mode,
            preparation=preparation,
        )
    except ValidationError as exc:
        for name, message in model_errors(exc, FIELD_OF):
            form.errors.add(name, message)
        return None


def _render(
    request: Request,
    the_round: Round,
    hosts: list[Host],
    shown: Shown,
    placement: Placement | None = None,
    locked: str | None = None,
) -> HTMLResponse:
    context = {
        "locked": locked,
        "round": the_round,
        "placement": placement,
        "host_options": [(str(h.id), h.name) for h in hosts],
        "day_options": working_days(the_round),
        "modes": list(MODES.items()),
        **shown.context(),
    }
    return render(request, "office/placement_form.html", context, shown.status_code)


@router.get("/rounds/{round_id}/placements/new", response_class=HTMLResponse)
async def new_placement(request: Request, round_id: UUID, services: Services) -> HTMLResponse:
    """R1, R2, R5: add a placement to a round."""
    the_round = await services.applications.round(round_id)
    hosts = await services.applications.hosts()
    form = {"places": 1, "mode": "in_person", "days": []}
    return _render(request, the_round, hosts, Shown(form))


@router.post("/rounds/{round_id}/placements/new", response_class=HTMLResponse)
async def create_placement(request: Request, round_id: UUID, services: Services) -> Response:
    """R1, R2, R5: the placement is checked against its round's weeks by the service."""
    the_round = await services.applications.round(round_id)
    hosts = await services.applications.hosts()
    form = Form(await request.form())
    body = _read(form, hosts)
    if body is None:
        return _render(request, the_round, hosts, Shown(form.values, form.errors, 422))
    try:
        created = await services.applications.create_placement(round_id, body)
    except RemoteProblem as problem:
        errors = problem_errors(problem, FIELD_OF, default="days")
        return _render(request, the_round, hosts, Shown(form.values, errors, problem.status))
    return see_other(request, f"/office/rounds/{round_id}", flash=f"{created.title} added")


@router.get("/placements/{placement_id}", response_class=HTMLResponse)
async def edit_placement(
    request: Request, placement_id: UUID, services: Services, portal: Portal
) -> HTMLResponse:
    """R1, R2: change a placement until someone applies for it or the deadline passes."""
    placement = await services.applications.placement(placement_id)
    the_round = await services.applications.round(placement.round_id)
    hosts = await services.applications.hosts()
    counts = await services.applications.application_counts(the_round.id)
    locked = locked_because(the_round, counts, portal.clock(), "this placement", placement_id)
    return _render(request, the_round, hosts, Shown(_form_of(placement)), placement, locked)


@router.post("/placements/{placement_id}", response_class=HTMLResponse)
async def update_placement(request: Request, placement_id: UUID, services: Services) -> Response:
    """R1, R2: once an application is in, or the deadline has passed, the service refuses
    with a 409 that the page shows."""
    placement = await services.applications.placement(placement_id)
    the_round = await services.applications.round(placement.round_id)
    hosts = await services.applications.hosts()
    form = Form(await request.form())
    body = _read(form, hosts)
    problem_status = 422
    errors = form.errors
    if body is not None:
        try:
            updated = await services.applications.update_placement(placement_id, body)
        except RemoteProblem as problem:
            default = "days" if problem.status == 422 else None
            errors = problem_errors(problem, FIELD_OF, default)
            problem_status = problem.status
        else:
            return see_other(
                request, f"/office/rounds/{the_round.id}", flash=f"{updated.title} changed"
            )
    again = Shown(form.values, errors, problem_status)
    return _render(request, the_round, hosts, again, placement)
