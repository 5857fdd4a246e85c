"""What the offer routes do: read an applicant's offers, and pass their answer to the
application's workflow, which decides (R19, R20, R23); a finished one says why, from its
last state."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from temporalio.client import WorkflowHandle, WorkflowQueryFailedError
from temporalio.service import RPCError
from temporalio.types import ParamType

from mip.core import ids
from mip.core.auth import Principal, Role
from mip.core.errors import Conflict, NotFound
from mip.core.runtime import ServiceRuntime
from mip.core.updates import Update
from services.offers.contract import Offer
from services.offers.decisions import repository as repo
from services.offers.selection.service import own_placement
from workflows.application import ApplicationView, ApplicationWorkflow

FINAL_REASONS = {
    "lapsed": "The offer has lapsed.",
    "declined": "The offer was declined.",
    "withdrawn": "The application was withdrawn.",
    "withdrawn_after_acceptance": "You withdrew after accepting.",
    "not_successful": "The application was not successful.",
    "introduced": "You have already accepted this offer.",
}


async def why_offer_closed(handle: WorkflowHandle[Any, Any]) -> Exception:
    try:
        view: ApplicationView = await handle.query(ApplicationWorkflow.view)
    except (RPCError, WorkflowQueryFailedError):
        return NotFound("There is no such application workflow.")
    reason = FINAL_REASONS.get(
        view.status.value, f"The offer is no longer open ({view.status.value})."
    )
    return Conflict(reason, reason=view.status.value)


async def offer_for(runtime: ServiceRuntime, application_id: UUID, who: Principal) -> Offer:
    async with runtime.pool.acquire() as conn:
        row = await repo.offer_of(conn, application_id)
    mine = row is not None and row["applicant_email"].lower() == who.subject.lower()
    if row is None or not (mine or who.role is Role.office):
        raise NotFound(f"You have no offer for application {application_id}.")
    return Offer.model_validate(dict(row))


async def offers_of(runtime: ServiceRuntime, me: Principal) -> list[Offer]:
    async with runtime.pool.acquire() as conn:
        return [Offer.model_validate(dict(r)) for r in await repo.offers_of(conn, me.subject)]


async def offers_on(runtime: ServiceRuntime, placement_id: UUID, who: Principal) -> list[Offer]:
    """The offers made on a host's own placement, each with its state and lapse time; the
    office sees any placement's."""
    await own_placement(runtime, placement_id, who)
    async with runtime.pool.acquire() as conn:
        return [Offer.model_validate(dict(r)) for r in await repo.offers_on(conn, placement_id)]


async def decide(
    runtime: ServiceRuntime,
    application_id: UUID,
    me: Principal,
    update: Update[ParamType, ApplicationView],
    arg: ParamType,
) -> ApplicationView:
    """The applicant's own offer, answered through its application's workflow."""
    await offer_for(runtime, application_id, me)
    return await runtime.update_workflow(
        ids.application(application_id), update, arg, why_closed=why_offer_closed
    )
