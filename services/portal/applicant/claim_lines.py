"""Adding a line to a claim: a lunch, or a journey that says from where, to where and how
(R24-R27), each with its receipt (R28); the verdict comes back on the claim's page (P5)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from mip.core.errors import RemoteProblem
from services.expenses.client import Category, NewLine, TravelMode
from services.portal.applicant.uploads import BoundedUpload, FileField, read_file
from services.portal.applicant.words import megabytes_label
from services.portal.forms import FIRST, FormErrors, Shown, refusal
from services.portal.reading import Form
from services.portal.web import Services, render, see_other

router = APIRouter(prefix="/applicant")
KINDS = ("lunch", "travel")
# What a journey is: a fare (judged by where it went, R24, R25) or the week bus pass (R26).
TRAVEL = {
    Category.local_travel: ("A journey", "A single or return fare, or a day ticket"),
    Category.london_bus_pass: (
        "An Oxford to London week bus pass",
        "For a placement with a for-profit host in London",
    ),
}
MODES: dict[str, str] = {
    TravelMode.bus: "Bus",
    TravelMode.coach: "Coach",
    TravelMode.train: "Train",
    TravelMode.tube: "Underground, Overground or DLR",
    TravelMode.tram: "Tram",
    TravelMode.bicycle: "Bicycle hire",
    TravelMode.taxi: "Taxi",
    TravelMode.car: "Car",
    TravelMode.walk: "On foot",
    TravelMode.other: "Another way",
}
RECEIPT = FileField(
    "receipt",
    missing="Select the receipt: nothing is paid back without one",
    too_large="The receipt must be smaller than {limit}",
)
FIELDS = {
    "spent_on": "spent_on",
    "amount": "amount",
    "description": "description",
    "receipt": "receipt",
    "travel_from": "travel_from",
    "travel_to": "travel_to",
    "travel_mode": "travel_mode",
    "category": "category",
}


async def _line_page(
    request: Request,
    services: Services,
    claim_id: UUID,
    kind: str,
    shown: Shown = FIRST,
) -> HTMLResponse:
    claim = await services.expenses.claim(claim_id)
    limit = (await services.expenses.limits()).receipt_max_bytes
    context = {
        "claim": claim,
        "kind": kind,
        "travel_kinds": [(k, label, hint) for k, (label, hint) in TRAVEL.items()],
        "modes": list(MODES.items()),
        "receipt_limit": megabytes_label(limit),
        **shown.context(),
    }
    return render(request, "applicant/claim_line.html", context, shown.status_code)


@router.get("/claims/{claim_id}/lines/new", response_class=HTMLResponse)
async def new_line(
    request: Request,
    claim_id: UUID,
    services: Services,
    kind: Annotated[str, Query()] = "lunch",
) -> HTMLResponse:
    """R24-R28: a lunch, or a journey with from, to and how; every line needs its receipt."""
    return await _line_page(request, services, claim_id, kind if kind in KINDS else "lunch")


def _read_line(form: Form, kind: str) -> tuple[Category | None, date | None]:
    if kind == "travel":
        category = form.choice("category", "what kind of travel this is", TRAVEL)
        form.text("travel_from", "where the journey began")
        form.text("travel_to", "where the journey ended")
        form.choice("travel_mode", "how you travelled", MODES)
    else:
        category = Category.lunch.value
    spent_on = form.day("spent_on", "the date", missing="Enter the date you paid")
    form.text("amount", "the amount you paid, for example 8.50")
    form.text("description", missing="Describe what you paid for")
    known = category == Category.lunch.value or category in TRAVEL
    return (Category(category) if known else None), spent_on


def _refusal(problem: RemoteProblem) -> FormErrors:
    """The expenses service's refusal beside its field; a receipt it will not take (its
    kind or its size) beside the receipt."""
    kind_of = str(problem.problem.get("type", "")).rsplit(":", 1)[-1]
    default = "receipt" if kind_of in ("unacceptable-receipt", "payload-too-large") else None
    return refusal(problem, shown=(409, 413, 422), fields=FIELDS, default_field=default)


async def add_line(request: Request, claim_id: UUID, services: Services) -> Response:
    """R24-R27 judge the line as it is added; R28: no line without its receipt. The
    expenses service's refusal is shown beside the field it concerns."""
    form = Form(await request.form())
    kind = form.get("kind") if form.get("kind") in KINDS else "lunch"
    category, spent_on = _read_line(form, kind)
    limit = (await services.expenses.limits()).receipt_max_bytes
    receipt = await read_file(form, RECEIPT, limit)
    errors = form.errors
    if not errors and category and spent_on and receipt is not None:
        travel = kind == "travel"
        line = NewLine(
            category=category,
            spent_on=spent_on,
            amount=form.get("amount").removeprefix("£"),
            description=form.get("description"),
            receipt_filename=receipt.filename or "receipt",
            receipt=receipt.content,
            travel_from=form.get("travel_from") if travel else None,
            travel_to=form.get("travel_to") if travel else None,
            travel_mode=TravelMode(form.get("travel_mode")) if travel else None,
        )
        try:
            await services.expenses.add_claim_line(claim_id, line)
        except RemoteProblem as problem:
            errors = _refusal(problem)
        else:
            return see_other(request, f"/applicant/claims/{claim_id}", flash="The line is added.")
    return await _line_page(request, services, claim_id, kind, Shown(form.values, errors, 422))


router.add_api_route(
    "/claims/{claim_id}/lines",
    add_line,
    methods=["POST"],
    response_class=HTMLResponse,
    route_class_override=BoundedUpload,
)


@router.post("/claims/{claim_id}/lines/{line_id}/remove", response_class=HTMLResponse)
async def remove_line(
    request: Request, claim_id: UUID, line_id: UUID, services: Services
) -> Response:
    """P5, R28: a line (and its receipt) can be taken out until the claim is sent."""
    await services.expenses.remove_claim_line(claim_id, line_id)
    return see_other(request, f"/applicant/claims/{claim_id}", flash="The line is removed.")
