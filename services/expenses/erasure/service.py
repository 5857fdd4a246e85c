"""Erasure on request (issue 23 item 4) in the expenses service.

A claim not yet paid is removed, and its workflow, which would otherwise go on reminding
the host about a claim that is no longer there, is ended first. It is ended again after
the rows go: a claim submitted a moment before may have been started by the outbox in
between."""

from __future__ import annotations

from uuid import UUID

from temporalio.service import RPCError, RPCStatusCode

from mip.core import ids
from mip.core.erasure import Erased, ErasureRequest
from mip.core.runtime import ServiceRuntime
from services.expenses.contract import PAID_KEPT
from services.expenses.erasure import repository as repo

# What an operator reads on the ended workflow in the Temporal UI.
WHY_ENDED = "the intern's data was erased at their request"


async def erase(runtime: ServiceRuntime, request: ErasureRequest) -> Erased:
    email = request.email.lower()
    async with runtime.pool.acquire() as conn:
        unpaid = await repo.unpaid_claims_of(conn, email)
    await _end(runtime, unpaid)
    async with runtime.pool.acquire() as conn:
        removed = await repo.erase(conn, email, request.pseudonym, unpaid)
        paid = await repo.paid_claims_of(conn, request.pseudonym)
    await _end(runtime, unpaid)
    return Erased(service="expenses", removed=removed, kept=[PAID_KEPT] if paid else [])


async def _end(runtime: ServiceRuntime, claims: list[UUID]) -> None:
    client = runtime.workflow_client()
    for claim_id in claims:
        handle = client.get_workflow_handle(ids.expense_claim(str(claim_id)))
        try:
            await handle.terminate(reason=WHY_ENDED)
        except RPCError as err:
            # A draft never started one, and one ended by an earlier try has closed.
            if err.status is not RPCStatusCode.NOT_FOUND:
                raise
