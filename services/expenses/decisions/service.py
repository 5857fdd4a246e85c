"""What the decision routes do: each goes to the claim's workflow, which holds its state,
on a claim the caller may act on; the claim is then read back from the read model."""

from __future__ import annotations

from uuid import UUID

from temporalio.types import ParamType

from mip.core import ids
from mip.core.auth import Principal
from mip.core.errors import NotFound
from mip.core.runtime import ServiceRuntime
from mip.core.updates import Update
from services.expenses.claims.service import readable
from services.expenses.contract import Claim, NoteIn
from workflows.expense_claim import ClaimView, Message


async def as_host(runtime: ServiceRuntime, claim_id: UUID, host: Principal) -> Claim:
    claim = await readable(runtime, claim_id, host)
    if claim.status == "draft":
        raise NotFound(f"There is no claim {claim_id} that you can see.")
    return claim


async def as_intern(runtime: ServiceRuntime, claim_id: UUID, me: Principal) -> Claim:
    claim = await readable(runtime, claim_id, me)
    if claim.intern_email.lower() != me.subject.lower():
        raise NotFound(f"There is no claim {claim_id} of yours.")
    return claim


async def update(
    runtime: ServiceRuntime,
    claim_id: UUID,
    who: Principal,
    update: Update[ParamType, ClaimView],
    arg: ParamType,
) -> Claim:
    """Run the claim workflow's `update`, and read the claim as `who` now sees it."""
    # A claim shown as submitted can be decided at once, even before its workflow started.
    await runtime.update_workflow(ids.expense_claim(claim_id), update, arg)
    return await readable(runtime, claim_id, who)


async def note(
    runtime: ServiceRuntime,
    claim_id: UUID,
    who: Principal,
    handler: Update[Message, ClaimView],
    body: NoteIn,
) -> Claim:
    """A question, an answer or a payment note (the workflow's `handler`): `body`'s text,
    signed by `who`."""
    message = Message(author=who.subject, text=body.text)
    return await update(runtime, claim_id, who, handler, message)
