"""What the selection routes do: a host sees, marks and ranks their own placement's
applications (R17, P2); the office sees every placement and selects nothing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from mip.core import ids
from mip.core.auth import Principal, Role
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.contract import Placement
from services.offers.contract import (
    Candidate,
    LeftOut,
    MarkIn,
    PlacementState,
    RankingIn,
    RankingOutcome,
    Selection,
)
from services.offers.peers import applications
from services.offers.selection import repository as repo
from workflows.placement import PlacementWorkflow, Ranking


async def own_placement(runtime: ServiceRuntime, placement_id: UUID, who: Principal) -> Placement:
    async with applications(runtime) as client:
        placement = await client.placement(placement_id)
    hosts_it = str(placement.host.contact_email).lower() == who.subject.lower()
    if not (hosts_it or who.role is Role.office):
        raise NotFound(f"There is no placement {placement_id} of yours.")
    return placement


async def live_workflow(runtime: ServiceRuntime, placement_id: UUID) -> str | None:
    """The placement's offers workflow: the second round's if there is one, else the first's."""
    client = runtime.workflow_client()
    for phase in ("second", "first"):
        wf = ids.placement(str(placement_id), phase)
        try:
            await client.get_workflow_handle(wf).describe()
        except RPCError as exc:
            if exc.status is RPCStatusCode.NOT_FOUND:
                continue
            raise
        return wf
    return None


async def selection(runtime: ServiceRuntime, placement_id: UUID, who: Principal) -> Selection:
    placement = await own_placement(runtime, placement_id, who)
    async with applications(runtime) as client:
        forwarded = await client.forwarded(placement_id)
    async with runtime.pool.acquire() as conn:
        marks = await repo.marks_of(conn, placement_id)
    wf = await live_workflow(runtime, placement_id)
    state = None
    if wf is not None:
        state = (
            await runtime.workflow_client().get_workflow_handle(wf).query(PlacementWorkflow.state)
        )
    return Selection(
        placement=placement,
        candidates=[Candidate(**f.model_dump(), mark=marks.get(str(f.id))) for f in forwarded],
        offers=state,
    )


async def mark(runtime: ServiceRuntime, placement_id: UUID, body: MarkIn, me: Principal) -> None:
    await own_placement(runtime, placement_id, me)
    async with applications(runtime) as client:
        forwarded = {f.id for f in await client.forwarded(placement_id)}
    if body.application_id not in forwarded:
        raise InvalidInput(f"{body.application_id} is not an application forwarded to you.")
    async with runtime.pool.acquire() as conn:
        await repo.set_mark(conn, body.application_id, placement_id, body.mark, me.subject)


async def ranking_closed(handle: WorkflowHandle[Any, Any]) -> Exception:
    """The placement's workflow has ended: it closed ahead of the outcomes-by date."""
    return Conflict(
        "Ranking for this placement has closed: every applicant not offered a place has "
        "been told the outcome, and no more offers are made."
    )


async def rank(
    runtime: ServiceRuntime, placement_id: UUID, body: RankingIn, me: Principal
) -> RankingOutcome:
    await own_placement(runtime, placement_id, me)
    wf = await live_workflow(runtime, placement_id)
    if wf is None:
        raise Conflict(
            "Applications for this placement are forwarded after the deadline; rank them then."
        )
    ranking = Ranking(application_ids=[str(a) for a in body.application_ids], ranked_by=me.subject)
    state: PlacementState = await runtime.update_workflow(
        wf, PlacementWorkflow.submit_ranking, ranking, why_closed=ranking_closed
    )
    async with applications(runtime) as client:
        forwarded = await client.forwarded(placement_id)
    ranked = set(body.application_ids)
    left_out = [
        LeftOut(application_id=f.id, applicant_name=f.applicant_name)
        for f in forwarded
        if f.id not in ranked and f.status == "forwarded"
    ]
    return RankingOutcome(**state.model_dump(), left_out=left_out)
