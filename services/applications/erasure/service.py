"""Erasure on request (issue 23 item 4) in the applications service: the person's
applications, for the workflow to end, and then their rows."""

from __future__ import annotations

import asyncio

import asyncpg
from temporalio.common import WorkflowIDConflictPolicy

from mip.core import ids
from mip.core.erasure import Erased, ErasureRequest, PersonApplications
from mip.core.runtime import ServiceRuntime
from services.applications.contract import HOSTS_KEPT, ErasureState
from services.applications.erasure import repository as repo
from workflows.erasure import ErasureInput, ErasureWorkflow


async def applications_of(pool: asyncpg.Pool, email: str) -> PersonApplications:
    async with pool.acquire() as conn:
        found = await repo.applications_of(conn, email.lower())
    return PersonApplications(
        all=[str(r["id"]) for r in found], running=[str(a) for a in repo.running(found)]
    )


async def erase(pool: asyncpg.Pool, request: ErasureRequest) -> Erased:
    async with pool.acquire() as conn:
        removed = await repo.erase(conn, request.email.lower())
        hosts = await repo.hosts_with_contact(conn, request.email.lower())
    return Erased(service="applications", removed=removed, kept=[HOSTS_KEPT] if hosts else [])


async def start(runtime: ServiceRuntime, email: str, wait_s: float) -> ErasureState:
    """Start (or join) the person's erasure and wait a little for it to finish. Asked
    again, the same id finds the same workflow while it runs, and runs it again once it
    has finished: every step of it erases only what is still there."""
    address = email.lower()
    key = runtime.settings.applicant_key(address)
    workflow_id = ids.erasure(key)
    handle = await runtime.workflow_client().start_workflow(
        ErasureWorkflow.run,
        ErasureInput(email=address, pseudonym=f"erased-{key}"),
        id=workflow_id,
        task_queue=runtime.settings.queue(runtime.spec.workflow_queue),
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    try:
        outcome = await asyncio.wait_for(handle.result(), wait_s)
    except TimeoutError:
        return ErasureState(workflow_id=workflow_id, finished=False)
    return ErasureState(workflow_id=workflow_id, finished=True, outcome=outcome)
