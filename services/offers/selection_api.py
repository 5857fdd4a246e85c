"""Hosts select (R17): mark each forwarded application and rank them once (P2).
The office can see everything and selects nothing."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field
from temporalio.service import RPCError, RPCStatusCode

from mip.core.auth import Principal, Role
from mip.core.deps import AnyUser, HostUser, Runtime
from mip.core.errors import Conflict, InvalidInput, NotFound
from mip.core.runtime import ServiceRuntime
from services.applications.catalogue.schemas import Placement
from services.applications.client import ApplicationsClient
from services.applications.submissions.schemas import ForwardedApplication
from services.offers import repository as repo
from workflows.placement import PlacementState, PlacementWorkflow, Ranking
from workflows.placement import workflow_id as placement_workflow

router = APIRouter(prefix="/v1/placements", tags=["selection"])


class MarkIn(BaseModel):
    application_id: UUID
    mark: Literal["shortlisted", "interviewed", "unsuccessful"]


class RankingIn(BaseModel):
    application_ids: list[UUID] = Field(min_length=1, description="best first")


class Candidate(ForwardedApplication):
    mark: str | None


class Selection(BaseModel):
    placement: Placement
    candidates: list[Candidate]
    offers: PlacementState | None


def applications(runtime: ServiceRuntime) -> ApplicationsClient:
    return ApplicationsClient(runtime.settings.applications_url, runtime.service_token())


async def _own(runtime: ServiceRuntime, placement_id: UUID, who: Principal) -> Placement:
    async with applications(runtime) as client:
        placement = await client.placement(placement_id)
    hosts_it = str(placement.host.contact_email).lower() == who.subject.lower()
    if not (hosts_it or who.role is Role.office):
        raise NotFound(f"There is no placement {placement_id} of yours.")
    return placement


async def _live_workflow(runtime: ServiceRuntime, placement_id: UUID) -> str | None:
    """The placement's offers workflow: the second round's if there is one, else the first's."""
    client = runtime.workflow_client()
    for phase in ("second", "first"):
        wf = placement_workflow(str(placement_id), phase)
        try:
            await client.get_workflow_handle(wf).describe()
        except RPCError as exc:
            if exc.status is RPCStatusCode.NOT_FOUND:
                continue
            raise
        return wf
    return None


@router.get("/{placement_id}/selection")
async def selection(placement_id: UUID, runtime: Runtime, who: AnyUser) -> Selection:
    placement = await _own(runtime, placement_id, who)
    async with applications(runtime) as client:
        forwarded = await client.forwarded(placement_id)
    async with runtime.pool.acquire() as conn:
        marks = await repo.marks_of(conn, placement_id)
    wf = await _live_workflow(runtime, placement_id)
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


@router.post("/{placement_id}/marks")
async def mark(placement_id: UUID, body: MarkIn, runtime: Runtime, me: HostUser) -> dict[str, str]:
    await _own(runtime, placement_id, me)
    async with applications(runtime) as client:
        forwarded = {f.id for f in await client.forwarded(placement_id)}
    if body.application_id not in forwarded:
        raise InvalidInput(f"{body.application_id} is not an application forwarded to you.")
    async with runtime.pool.acquire() as conn:
        await repo.set_mark(conn, body.application_id, placement_id, body.mark, me.subject)
    return {"application_id": str(body.application_id), "mark": body.mark}


@router.post(
    "/{placement_id}/ranking",
    responses={
        409: {
            "description": "ranked already, not forwarded yet, or the outcomes-by date has passed"
        }
    },
)
async def rank(
    placement_id: UUID, body: RankingIn, runtime: Runtime, me: HostUser
) -> PlacementState:
    """Offers go at once to the top candidates, and cascade down the ranking (P2)."""
    await _own(runtime, placement_id, me)
    wf = await _live_workflow(runtime, placement_id)
    if wf is None:
        raise Conflict(
            "Applications for this placement are forwarded after the deadline; rank them then."
        )
    ranking = Ranking(application_ids=[str(a) for a in body.application_ids], ranked_by=me.subject)
    state: PlacementState = await runtime.update_workflow(
        wf, PlacementWorkflow.submit_ranking, ranking
    )
    return state
