"""Calling a workflow's update from a service, and turning its refusal into a 409 with
the workflow's own words.

A service shows a state as soon as its transaction commits, and its workflow may start a
moment later (mip.core.outbox). An update that finds no workflow first starts the one the
outbox holds, then runs: what a client was just shown, it can act on at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.types import ParamType, ReturnType
from temporalio.workflow import UpdateMethodMultiParam

from mip.core.errors import Conflict, NotFound

WhyClosed = Callable[[WorkflowHandle[Any, Any]], Awaitable[Exception]]
# Starts the workflow if a committed outbox row still waits for it; True if it now exists.
EnsureStarted = Callable[[], Awaitable[bool]]
# An update named by its handler (`ApplicationWorkflow.accept`), never by a string: the
# argument's and the answer's types are the handler's.
Update = UpdateMethodMultiParam[[Any, ParamType], ReturnType]


async def closed_for_good(handle: WorkflowHandle[Any, Any]) -> Exception:
    return Conflict("This has already been closed; nothing more can change it.")


async def run_update(
    handle: WorkflowHandle[Any, Any],
    update: Update[ParamType, ReturnType],
    arg: ParamType,
    *,
    why_closed: WhyClosed = closed_for_good,
    ensure_started: EnsureStarted | None = None,
) -> ReturnType:
    try:
        return await handle.execute_update(update, arg)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        message = cause.message if isinstance(cause, ApplicationError) else str(cause)
        kind = cause.type if isinstance(cause, ApplicationError) else None
        raise Conflict(message, reason=kind) from exc
    except RPCError as exc:
        if exc.status is not RPCStatusCode.NOT_FOUND:
            raise
        if ensure_started is not None and await ensure_started():
            return await run_update(handle, update, arg, why_closed=why_closed)
        try:
            await handle.describe()
        except RPCError as missing:
            raise NotFound("There is no such workflow.") from missing
        raise await why_closed(handle) from exc
