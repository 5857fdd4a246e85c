"""Equal-opportunities answers as the office sees them (R9): totals, never who."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from services.portal.office.labels import ANSWERS
from services.portal.web import Services, render

router = APIRouter(prefix="/office")


@router.get("/equal-opportunities", response_class=HTMLResponse)
async def equal_opportunities(
    request: Request,
    services: Services,
    round_id: Annotated[str, Query(alias="round")] = "",
) -> HTMLResponse:
    """R9: how many answered, and the totals of each answer, for every applicant or for
    one round's; no page shows any one person's answers."""
    rounds = await services.applications.rounds()
    chosen = next((r for r in rounds if str(r.id) == round_id), None)
    totals = await services.applications.equal_opportunities_totals(
        UUID(round_id) if chosen else None
    )
    context = {
        "round_options": [(str(r.id), r.name) for r in rounds],
        "chosen": chosen,
        "totals": totals,
        "answers": ANSWERS,
    }
    return render(request, "office/equal_opportunities.html", context)
