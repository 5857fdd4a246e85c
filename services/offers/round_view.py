"""P7: the office sees a round at a glance: per placement and in total, applications,
offers open, accepted, declined, lapsed, places unfilled; and the next date on its clock."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel
from temporalio.service import RPCError

from mip.core.deps import OfficeUser, Runtime
from services.applications.catalogue.schemas import Placement
from services.offers import repository as repo
from services.offers.selection_api import applications
from workflows.offer_contracts import PlacementCounts
from workflows.round import NextStep, RoundWorkflow
from workflows.round import workflow_id as round_workflow

router = APIRouter(prefix="/v1/office", tags=["office"])


class Tally(BaseModel):
    places: int = 0
    applications: int = 0
    withdrawn: int = 0
    offers_open: int = 0
    accepted: int = 0
    declined: int = 0
    lapsed: int = 0
    unfilled: int = 0

    def add(self, other: Tally) -> None:
        for name in Tally.model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class PlacementLine(Tally):
    placement_id: UUID
    title: str
    host_name: str
    readvertised: bool


class RoundView(BaseModel):
    round_id: UUID
    name: str
    placements: list[PlacementLine]
    totals: Tally
    next_step: str | None
    next_at: datetime | None


def _line(
    placement: Placement, by_status: dict[str, int], offers: PlacementCounts
) -> PlacementLine:
    return PlacementLine(
        placement_id=placement.id,
        title=placement.title,
        host_name=placement.host.name,
        readvertised=placement.readvertised,
        places=placement.places,
        applications=sum(by_status.values()),
        withdrawn=by_status.get("withdrawn", 0),
        offers_open=offers.offered,
        accepted=offers.accepted,
        declined=offers.declined,
        lapsed=offers.lapsed,
        unfilled=max(placement.places - offers.accepted - offers.offered, 0),
    )


@router.get("/rounds/{round_id}")
async def round_at_a_glance(round_id: UUID, runtime: Runtime, _: OfficeUser) -> RoundView:
    async with applications(runtime) as client:
        the_round = await client.round(round_id)
        placements = await client.round_placements(round_id)
        app_counts = await client.application_counts(round_id)
    async with runtime.pool.acquire() as conn:
        offer_counts = await repo.counts(conn, round_id)
    lines = [
        _line(p, app_counts.get(str(p.id), {}), offer_counts.get(str(p.id), PlacementCounts()))
        for p in placements
    ]
    totals = Tally()
    for line in lines:
        totals.add(line)
    step = await _next_step(runtime, round_id)
    return RoundView(
        round_id=round_id,
        name=the_round.name,
        placements=lines,
        totals=totals,
        next_step=step.step if step else None,
        next_at=step.at if step else None,
    )


async def _next_step(runtime: Runtime, round_id: UUID) -> NextStep | None:
    client = runtime.temporal.client
    if client is None:
        return None
    try:
        step: NextStep = await client.get_workflow_handle(round_workflow(str(round_id))).query(
            RoundWorkflow.next_step
        )
    except RPCError:
        return None
    return step
