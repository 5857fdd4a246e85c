"""P7: a round's placements, each with its applications (from the applications service)
and its offers (from this one), totalled, with the next date on the round's clock."""

from __future__ import annotations

from uuid import UUID

from temporalio.service import RPCError

from mip.core import ids
from mip.core.runtime import ServiceRuntime
from services.applications.contract import Placement
from services.offers.contract import PlacementCounts, PlacementLine, RoundView, Tally, Withdrawal
from services.offers.decisions import repository as offers
from services.offers.peers import applications
from workflows.round import NextStep, RoundWorkflow


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
        withdrawn_after_acceptance=offers.withdrawn,
        unfilled=max(placement.places - offers.accepted - offers.offered, 0),
    )


async def round_view(runtime: ServiceRuntime, round_id: UUID) -> RoundView:
    async with applications(runtime) as client:
        the_round = await client.round(round_id)
        placements = await client.round_placements(round_id)
        app_counts = await client.application_counts(round_id)
    async with runtime.pool.acquire() as conn:
        offer_counts = await offers.counts(conn, round_id)
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


async def _next_step(runtime: ServiceRuntime, round_id: UUID) -> NextStep | None:
    client = runtime.temporal.client
    if client is None:
        return None
    try:
        step: NextStep = await client.get_workflow_handle(ids.round_(str(round_id))).query(
            RoundWorkflow.next_step
        )
    except RPCError:
        return None
    return step


async def withdrawals(runtime: ServiceRuntime, round_id: UUID) -> list[Withdrawal]:
    """R23: every withdrawal after acceptance in the round, the latest first."""
    async with runtime.pool.acquire() as conn:
        return await offers.withdrawn(conn, round_id)
